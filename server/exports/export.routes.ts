// Exports of a wave's complete responses and their codebook. `:wave` is a wave id or "current".
// NOTE: unauthenticated for now; accounts and roles will put these behind an analyst login.
import { Router } from 'express';
import type { AppDependencies } from '../app';
import { createExportHandlers } from './export.handlers';

export function exportRoutes(deps: AppDependencies): Router {
  const exports = createExportHandlers(deps);
  const router = Router();
  router.get('/admin/surveys/:surveyId/waves/:wave/export.csv', exports.responsesCsv);
  router.get('/admin/surveys/:surveyId/waves/:wave/export.xlsx', exports.responsesXlsx);
  router.get('/admin/surveys/:surveyId/waves/:wave/codebook.csv', exports.codebookCsv);
  router.get('/admin/surveys/:surveyId/waves/:wave/codebook.json', exports.codebookJson);
  return router;
}
