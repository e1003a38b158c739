// Exports of a wave's complete responses and their codebook. `:wave` is a wave id or "current".
import type { Router } from 'express';
import type { AppDependencies } from '../lib/app-dependencies';
import { routeTable } from '../lib/routes';
import { surveyReader } from '../accounts/guards';
import { createExportHandlers } from './export.handlers';

export function exportRoutes(deps: AppDependencies): Router {
  const exports = createExportHandlers(deps);
  return routeTable([
    ['get', '/admin/surveys/:surveyId/waves/:wave/export.csv', surveyReader, exports.responsesCsv],
    ['get', '/admin/surveys/:surveyId/waves/:wave/export.xlsx', surveyReader, exports.responsesXlsx],
    ['get', '/admin/surveys/:surveyId/waves/:wave/export.sav', surveyReader, exports.responsesSav],
    ['get', '/admin/surveys/:surveyId/waves/:wave/tables.xlsx', surveyReader, exports.tablesXlsx],
    ['get', '/admin/surveys/:surveyId/waves/:wave/codebook.csv', surveyReader, exports.codebookCsv],
    ['get', '/admin/surveys/:surveyId/waves/:wave/codebook.json', surveyReader, exports.codebookJson],
    // Last: any other extension is a format the export does not write (400, not 404: the wave exists).
    ['get', '/admin/surveys/:surveyId/waves/:wave/export.:format', surveyReader, exports.unknownFormat],
  ]);
}
