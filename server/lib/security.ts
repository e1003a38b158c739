// HTTP hardening shared by every page: a strict CSP, a per-browser id, and CSRF protection.
import { randomBytes } from 'node:crypto';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import helmet from 'helmet';
import { doubleCsrf } from 'csrf-csrf';
import type { Config } from './config';

const BROWSER_COOKIE = 'brm_browser';
const CSRF_COOKIE_DAYS = 30;

declare module 'express-serve-static-core' {
  interface Request {
    /** A random id for this browser, used to bind CSRF tokens; not an identity. */
    browserId: string;
  }
}

export function securityHeaders(): RequestHandler {
  return helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        fontSrc: ["'self'"],
        connectSrc: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        baseUri: ["'none'"],
        objectSrc: ["'none'"],
      },
    },
    // Respondents come from email links and other sites; keep the referrer to our own origin only.
    referrerPolicy: { policy: 'same-origin' },
  });
}

/**
 * Whether cookies carry Secure (and the staff and CSRF cookies the __Host- prefix): in production,
 * which is served over HTTPS (directly, or behind a proxy with TRUST_PROXY); and outside it, behind
 * a proxy that terminates TLS (TRUST_PROXY) for an https PUBLIC_URL, where browsers only come over
 * HTTPS. A development run on plain http keeps plain cookies, or nobody could sign in to it. Decided
 * once from the configuration, not per request, so a cookie's name never changes between requests.
 */
export function cookieIsSecure(config: Pick<Config, 'NODE_ENV' | 'PUBLIC_URL' | 'TRUST_PROXY'>): boolean {
  return config.NODE_ENV === 'production' || (config.TRUST_PROXY && (config.PUBLIC_URL?.startsWith('https:') ?? false));
}

export function browserIdentity(config: Config): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    const existing: unknown = req.signedCookies?.[BROWSER_COOKIE];
    if (typeof existing === 'string' && /^[A-Za-z0-9_-]{22,}$/.test(existing)) {
      req.browserId = existing;
    } else {
      req.browserId = randomBytes(18).toString('base64url');
      res.cookie(BROWSER_COOKIE, req.browserId, {
        httpOnly: true,
        sameSite: 'lax',
        secure: cookieIsSecure(config),
        signed: true,
        maxAge: 365 * 24 * 3600 * 1000,
      });
    }
    next();
  };
}

export function csrfProtection(config: Config, secret: string) {
  const secure = cookieIsSecure(config);
  return doubleCsrf({
    getSecret: () => secret,
    getSessionIdentifier: (req) => req.browserId,
    cookieName: secure ? '__Host-brm.csrf' : 'brm_csrf',
    // Not a session cookie: a tab restored days later must still be able to post the answers
    // typed in it. The token is bound to the (year-long) browser id cookie anyway.
    cookieOptions: { sameSite: 'lax', path: '/', secure, httpOnly: true, maxAge: CSRF_COOKIE_DAYS * 86_400_000 },
    getCsrfTokenFromRequest: (req) => {
      const body = req.body as Record<string, unknown> | undefined;
      const fromBody = body && typeof body._csrf === 'string' ? body._csrf : undefined;
      return fromBody ?? (req.headers['x-csrf-token'] as string | undefined);
    },
  });
}
