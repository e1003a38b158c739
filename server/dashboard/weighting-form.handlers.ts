// Stub: the organizers' weighting form and its summary.
import type { RequestHandler } from 'express';
import type { AppDependencies } from '../lib/app-dependencies';

export function createWeightingFormHandlers(_deps: AppDependencies): { page: RequestHandler; save: RequestHandler; remove: RequestHandler } {
  const notYet: RequestHandler = (_req, res) => void res.status(501).send('not built yet');
  return { page: notYet, save: notYet, remove: notYet };
}
