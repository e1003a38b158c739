// Stub: the dashboard page, its stream and its CSV (the lead is writing them).
import type { RequestHandler } from 'express';
import type { AppDependencies } from '../lib/app-dependencies';

export function createDashboardHandlers(_deps: AppDependencies): { page: RequestHandler; events: RequestHandler; figuresCsv: RequestHandler } {
  const notYet: RequestHandler = (_req, res) => void res.status(501).send('not built yet');
  return { page: notYet, events: notYet, figuresCsv: notYet };
}
