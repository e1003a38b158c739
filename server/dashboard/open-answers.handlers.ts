// Stub: the open answers page (other texts and comments), searchable and paginated.
import type { RequestHandler } from 'express';
import type { AppDependencies } from '../lib/app-dependencies';

export function createOpenAnswersHandlers(_deps: AppDependencies): { page: RequestHandler } {
  return { page: (_req, res) => void res.status(501).send('not built yet') };
}
