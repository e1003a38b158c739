// The respondent's resume cookie: the only key to their response, scoped to the survey's pages.
// The respondent pages set it at consent or through a resume link; an organizer's preview sets it
// from the console (response-admin), so both must agree on its name, path and flags.
import type { Request, Response } from 'express';
import type { Config } from '../lib/config';
import { cookieIsSecure } from '../lib/security';

const RESUME_COOKIE_DAYS = 90;

export function surveyPath(surveyId: string, rest = ''): string {
  return `/s/${encodeURIComponent(surveyId)}${rest}`;
}

function resumeCookieName(surveyId: string): string {
  return `brm_resume_${surveyId}`;
}

export function readResumeCookie(req: Request, surveyId: string): string | undefined {
  const token: unknown = req.signedCookies?.[resumeCookieName(surveyId)];
  return typeof token === 'string' ? token : undefined;
}

export function setResumeCookie(res: Response, config: Config, surveyId: string, token: string): void {
  res.cookie(resumeCookieName(surveyId), token, {
    httpOnly: true,
    sameSite: 'lax',
    secure: cookieIsSecure(config),
    signed: true,
    path: surveyPath(surveyId),
    maxAge: RESUME_COOKIE_DAYS * 86_400_000,
  });
}
