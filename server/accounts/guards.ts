// The guards that staff routes name in their route tables. Each refuses with the same rules:
// nobody known -> 401 for the API (with WWW-Authenticate), a redirect to the sign-in page for a
// page; somebody without the right -> 403; a read-only token on anything that changes -> 403.
import type { NextFunction, Request, Response } from 'express';
import { ForbiddenError, UnauthorizedError, type AppError } from '../lib/errors';
import { defineGuard, type Guard, type Requirement } from '../lib/routes';
import type { Principal } from './principal';
import { mayManageSurvey, mayReadSurvey } from './permissions';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function isApiRequest(req: Request): boolean {
  return req.originalUrl.startsWith('/api/');
}

/** Only staff paths may be the target of the redirect after sign-in: never another site. */
export function safeNextPath(candidate: unknown): string {
  return typeof candidate === 'string' && /^\/(admin|api)(\/[^\\]*)?$/.test(candidate) && !candidate.startsWith('//') && !/[\r\n]/.test(candidate)
    ? candidate
    : '/admin';
}

function refuseAnonymous(req: Request, res: Response, next: NextFunction): void {
  if (isApiRequest(req)) {
    res.setHeader('WWW-Authenticate', 'Bearer realm="Barometer"');
    const message = !SAFE_METHODS.has(req.method) && req.session?.userId
      ? 'Changes through the API need an API token: send "Authorization: Bearer <token>"'
      : 'Sign in, or send an API token as "Authorization: Bearer <token>"';
    next(new UnauthorizedError(message));
    return;
  }
  const nextPath = SAFE_METHODS.has(req.method) ? req.originalUrl : '/admin';
  const params = new URLSearchParams({ next: nextPath });
  if (req.sessionEnded) params.set('ended', '1');
  res.redirect(303, `/login?${params}`);
}

function guard(requirement: Requirement, refusal: (principal: Principal, req: Request) => AppError | undefined): Guard {
  const changes = requirement.kind === 'admin' || (requirement.kind === 'survey' && requirement.access === 'manage');
  return defineGuard(requirement, (req, res, next) => {
    const principal = req.principal;
    if (!principal) return refuseAnonymous(req, res, next);
    // Session-based API calls may only read: a page's cookies must not be able to change data
    // through the API, where there is no CSRF token. Scripts use tokens.
    if (principal.via === 'session' && isApiRequest(req) && !SAFE_METHODS.has(req.method)) return refuseAnonymous(req, res, next);
    if (principal.scope === 'read' && (changes || !SAFE_METHODS.has(req.method))) {
      return next(new ForbiddenError('This API token may only read; create one with the "manage" scope', 'insufficient_scope'));
    }
    const refused = refusal(principal, req);
    next(refused);
  });
}

/** Any signed-in account: the console's home, one's own account. */
export const signedIn = guard({ kind: 'signed_in' }, () => undefined);

/** Accounts, the audit trail. */
export const adminOnly = guard({ kind: 'admin' }, ({ account }) =>
  account.role === 'admin' ? undefined : new ForbiddenError('Only an administrator may do this', 'admin_only'));

function surveyGuard(access: 'read' | 'manage'): Guard {
  return guard({ kind: 'survey', access }, ({ account }, req) => {
    const surveyId = String(req.params.surveyId);
    if (!mayReadSurvey(account, surveyId)) return new ForbiddenError('You have no access to this survey', 'survey_not_granted');
    if (access === 'manage' && !mayManageSurvey(account, surveyId)) {
      return new ForbiddenError("Only the survey's organizers may do this: they change it and see its panel members; analysts read its figures", 'organizer_only');
    }
    return undefined;
  });
}

/** Reports, figures, exports of a survey granted to the account (`:surveyId`). */
export const surveyReader = surveyGuard('read');
/** Weighting, waves, panels: what an organizer of the survey changes. */
export const surveyOrganizer = surveyGuard('manage');
