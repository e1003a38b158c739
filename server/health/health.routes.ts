import type { RequestHandler, Router } from 'express';
import { publicAccess, routeTable } from '../lib/routes';
import type { AppDependencies } from '../lib/app-dependencies';
import { pingDatabase } from './health.service';

export function healthRoutes({ lifecycle, logger }: Pick<AppDependencies, 'lifecycle' | 'logger'>): Router {
  const health: RequestHandler = async (_req, res) => {
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
  };
  return routeTable([['get', '/healthz', publicAccess, health]]);
}
