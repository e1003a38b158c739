import { Router } from 'express';
import { rateLimit } from 'express-rate-limit';
import type { AppDependencies } from '../app';
import { AppError } from '../lib/errors';
import { createTakeHandlers } from './take.handlers';

export function takeRoutes(deps: AppDependencies): Router {
  const take = createTakeHandlers(deps);
  // Creating responses is the one write an anonymous visitor can repeat at will.
  const limitResponseCreation = rateLimit({
    windowMs: deps.config.RESPONSE_RATE_WINDOW_MINUTES * 60_000,
    limit: deps.config.RESPONSE_RATE_LIMIT,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    handler: (_req, _res, next) => next(new AppError('Too many responses started from this address', 429, 'rate_limited')),
  });

  const router = Router();
  router.get('/s/:surveyId', take.showIntro);
  router.post('/s/:surveyId/start', limitResponseCreation, take.start);
  router.get('/s/:surveyId/resume/:token', take.resume);
  router.get('/s/:surveyId/p/:pageId', take.showPage);
  router.post('/s/:surveyId/p/:pageId', take.submitPage);
  router.get('/s/:surveyId/thanks', take.thanks);
  return router;
}
