import type { Router } from 'express';
import type { AppDependencies } from '../lib/app-dependencies';
import { AppError } from '../lib/errors';
import { sharedRateLimit } from '../lib/rate-limit-store';
import { publicAccess, routeTable } from '../lib/routes';
import { serveOfflineWorker } from './offline-worker';
import { respondentOutagePage } from './outage';
import { createResumeMailHandlers } from './resume-mail.handlers';
import { createTakeHandlers } from './take.handlers';

export function takeRoutes(deps: AppDependencies): Router {
  const take = createTakeHandlers(deps);
  const resumeMail = createResumeMailHandlers(deps);
  const windowMs = deps.config.RESPONSE_RATE_WINDOW_MINUTES * 60_000;
  // Each limiter counts its own hits per address per RESPONSE_RATE_WINDOW_MINUTES, in MongoDB, so
  // that every app process counts the same ones (server/lib/rate-limit-store.ts).
  // Creating responses is the one write an anonymous visitor can repeat at will.
  const limitResponseCreation = sharedRateLimit('responses-started', {
    windowMs,
    limit: deps.config.RESPONSE_RATE_LIMIT,
    handler: (_req, _res, next) => next(new AppError('Too many responses started from this address', 429, 'rate_limited')),
  });
  // Personal links, invitation and resume alike, are guessed at by trying them: one count for both
  // kinds (a guesser gets no more tries by switching), of its own, so that trying links and starting
  // responses do not use up each other's allowance. Its own setting too: a panel's members often
  // share their company's one address, and a 256-bit token is not found by trying. The answer past
  // the limit is the same page for every link, in the respondent's language.
  const limitLinksTried = sharedRateLimit('links-tried', { windowMs, limit: deps.config.INVITATION_LINK_RATE_LIMIT, handler: take.tooManyLinks });

  const router = routeTable([
    // Before /s/:surveyId, which would take the file name for a survey id.
    ['get', '/s/offline-worker.js', publicAccess, serveOfflineWorker],
    ['get', '/s/:surveyId', publicAccess, take.showIntro],
    ['get', '/s/:surveyId/i/:token', publicAccess, limitLinksTried, take.followInvitation],
    ['post', '/s/:surveyId/start', publicAccess, limitResponseCreation, take.start],
    ['get', '/s/:surveyId/resume/:token', publicAccess, limitLinksTried, take.resume],
    // "Open the answers from the link", the choice the resume page asks for when the browser has its own.
    ['post', '/s/:surveyId/resume/:token', publicAccess, limitLinksTried, take.switchToLinkedResponse],
    ['post', '/s/:surveyId/resume-link', publicAccess, ...resumeMail.limits, resumeMail.send],
    ['get', '/s/:surveyId/p/:pageId', publicAccess, take.showPage],
    ['post', '/s/:surveyId/p/:pageId', publicAccess, take.submitPage],
    ['get', '/s/:surveyId/thanks', publicAccess, take.thanks],
    ['get', '/s/:surveyId/screened-out', publicAccess, take.screenedOut],
  ]);
  // A survey that takes no answers now, or only by invitation, is a page for the respondent, not an error.
  router.use(take.notOpenPage);
  // A page posted while the database is unreachable: 503 with every typed answer kept in a retry form.
  router.use(respondentOutagePage(deps));
  return router;
}
