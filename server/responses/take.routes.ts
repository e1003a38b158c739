import type { Router } from 'express';
import { rateLimit } from 'express-rate-limit';
import type { AppDependencies } from '../lib/app-dependencies';
import { AppError } from '../lib/errors';
import { publicAccess, routeTable } from '../lib/routes';
import { serveOfflineWorker } from './offline-worker';
import { createResumeMailHandlers } from './resume-mail.handlers';
import { createTakeHandlers } from './take.handlers';

export function takeRoutes(deps: AppDependencies): Router {
  const take = createTakeHandlers(deps);
  const resumeMail = createResumeMailHandlers(deps);
  /** At most `limit` requests per address per RESPONSE_RATE_WINDOW_MINUTES, each limiter counting its own. */
  const limitPerAddress = (limit: number, refusal: string) =>
    rateLimit({
      windowMs: deps.config.RESPONSE_RATE_WINDOW_MINUTES * 60_000,
      limit,
      standardHeaders: 'draft-8',
      legacyHeaders: false,
      handler: (_req, _res, next) => next(new AppError(refusal, 429, 'rate_limited')),
    });
  // Creating responses is the one write an anonymous visitor can repeat at will.
  const limitResponseCreation = limitPerAddress(deps.config.RESPONSE_RATE_LIMIT, 'Too many responses started from this address');
  // Personal links are guessed at by trying them: a limiter of their own, so that trying links
  // and starting responses do not use up each other's allowance. Its own setting too: a panel's
  // members often share their company's one address, and a 256-bit token is not found by trying.
  const limitInvitationLinks = limitPerAddress(deps.config.INVITATION_LINK_RATE_LIMIT, 'Too many invitation links tried from this address');

  const router = routeTable([
    // Before /s/:surveyId, which would take the file name for a survey id.
    ['get', '/s/offline-worker.js', publicAccess, serveOfflineWorker],
    ['get', '/s/:surveyId', publicAccess, take.showIntro],
    ['get', '/s/:surveyId/i/:token', publicAccess, limitInvitationLinks, take.followInvitation],
    ['post', '/s/:surveyId/start', publicAccess, limitResponseCreation, take.start],
    ['get', '/s/:surveyId/resume/:token', publicAccess, take.resume],
    ['post', '/s/:surveyId/resume-link', publicAccess, ...resumeMail.limits, resumeMail.send],
    ['get', '/s/:surveyId/p/:pageId', publicAccess, take.showPage],
    ['post', '/s/:surveyId/p/:pageId', publicAccess, take.submitPage],
    ['get', '/s/:surveyId/thanks', publicAccess, take.thanks],
    ['get', '/s/:surveyId/screened-out', publicAccess, take.screenedOut],
  ]);
  // A survey that takes no answers now, or only by invitation, is a page for the respondent, not an error.
  router.use(take.notOpenPage);
  return router;
}
