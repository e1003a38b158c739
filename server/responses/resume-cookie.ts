// The respondent's cookies, each scoped to the survey's pages, signed and kept 90 days: the resume
// cookie, the only key to their response, and the invitation cookie, the token of the personal link
// they came in by (a panel wave admits whoever holds one, and an anonymous wave's completing
// response claims it: take.service.ts). The respondent pages set the resume cookie at consent or
// through a resume link; an organizer's preview sets it from the console (response-admin), so both
// must agree on its name, path and flags.
import type { Request, Response } from 'express';
import type { Config } from '../lib/config';
import { cookieIsSecure } from '../lib/security';

const SURVEY_COOKIE_DAYS = 90;

/** The respondent's cookies, by what they hold. */
const COOKIE_PREFIX = { resume: 'brm_resume_', invitation: 'brm_invitation_' } as const;
type SurveyCookie = keyof typeof COOKIE_PREFIX;

export function surveyPath(surveyId: string, rest = ''): string {
  return `/s/${encodeURIComponent(surveyId)}${rest}`;
}

/** A question page of the survey. */
export function pagePath(surveyId: string, pageId: string): string {
  return surveyPath(surveyId, `/p/${encodeURIComponent(pageId)}`);
}

/** The full resume link, as the "continue later" box shows it and the resume mail sends it. `base`: PUBLIC_URL, else the request's origin. */
export function resumeLink(base: string, surveyId: string, token: string): string {
  return `${base}${surveyPath(surveyId, `/resume/${token}`)}`;
}

function readSurveyCookie(req: Request, kind: SurveyCookie, surveyId: string): string | undefined {
  const token: unknown = req.signedCookies?.[`${COOKIE_PREFIX[kind]}${surveyId}`];
  return typeof token === 'string' ? token : undefined;
}

function setSurveyCookie(res: Response, config: Config, kind: SurveyCookie, surveyId: string, token: string): void {
  res.cookie(`${COOKIE_PREFIX[kind]}${surveyId}`, token, {
    // Never read by a script; sent on a link followed from a mail (a top-level GET) but not on
    // another site's POST; over HTTPS only in production, and whenever the request came over
    // HTTPS (behind a proxy, with TRUST_PROXY); and only to this survey's pages.
    httpOnly: true,
    sameSite: 'lax',
    secure: cookieIsSecure(config) || res.req.secure,
    signed: true,
    path: surveyPath(surveyId),
    maxAge: SURVEY_COOKIE_DAYS * 86_400_000,
  });
}

export function readResumeCookie(req: Request, surveyId: string): string | undefined {
  return readSurveyCookie(req, 'resume', surveyId);
}

export function setResumeCookie(res: Response, config: Config, surveyId: string, token: string): void {
  setSurveyCookie(res, config, 'resume', surveyId, token);
}

export function readInvitationCookie(req: Request, surveyId: string): string | undefined {
  return readSurveyCookie(req, 'invitation', surveyId);
}

export function setInvitationCookie(res: Response, config: Config, surveyId: string, token: string): void {
  setSurveyCookie(res, config, 'invitation', surveyId, token);
}
