import { Router } from 'express';
import type { AppDependencies } from '../app';
import { pingDatabase } from './health.service';

export function healthRoutes({ lifecycle, logger }: Pick<AppDependencies, 'lifecycle' | 'logger'>): Router {
  const router = Router();
  router.get('/healthz', async (_req, res) => {
    if (lifecycle.draining) {
      res.status(503).json({ status: 'draining' });
      return;
    }
    try {
      await pingDatabase();
      res.json({ status: 'ok', database: 'ok' });
    } catch (error) {
      logger.warn({ err: error }, 'health check: database unreachable');
      res.status(503).json({ status: 'unavailable', database: 'unreachable' });
    }
  });
  return router;
}
