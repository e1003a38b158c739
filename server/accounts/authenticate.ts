// Establishes req.principal from a Bearer token or a staff session. It refuses nothing by itself
// (except a malformed or dead token): the route's guard decides what an unknown caller gets.
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { UnauthorizedError } from '../lib/errors';
import type { Config } from '../lib/config';
import type { AccountService } from './account.service';
import { checkApiToken } from './api-token.service';
import { isApiRequest } from './guards';
import { destroySession, sessionCookieName } from './sessions';

const BEARER = /^Bearer ([A-Za-z0-9_-]{1,200})$/;
const TOKEN_REFUSAL = { unknown: 'The API token is not valid', expired: 'The API token has expired', revoked: 'The API token was revoked' } as const;

function hasCookie(req: Request, name: string): boolean {
  return (req.headers.cookie ?? '').split(';').some((pair) => pair.trim().startsWith(`${name}=`));
}

export function authenticate(accounts: AccountService, config: Config): RequestHandler {
  const maxSessionMs = config.SESSION_MAX_HOURS * 3_600_000;

  async function fromToken(req: Request, res: Response, header: string): Promise<void> {
    // RFC 6750: a refused token is answered with a challenge that says why.
    res.setHeader('WWW-Authenticate', 'Bearer realm="Barometer", error="invalid_token"');
    const match = BEARER.exec(header);
    if (!match) throw new UnauthorizedError('Send the token as "Authorization: Bearer <token>"', 'invalid_token');
    const check = await checkApiToken(match[1]!);
    if (!check.valid) throw new UnauthorizedError(TOKEN_REFUSAL[check.reason], 'invalid_token');
    const account = await accounts.accountForSession(check.userId);
    if (!account) throw new UnauthorizedError('The API token\'s account is disabled', 'invalid_token');
    req.principal = { account, via: 'token', scope: check.scope, tokenId: check.tokenId };
    res.removeHeader('WWW-Authenticate');
  }

  async function fromSession(req: Request): Promise<void> {
    const session = req.session;
    if (!session?.userId) {
      // A session cookie without a session: the store forgot it after the idle time-out. Say so
      // on the sign-in page rather than ask for a password as if nothing had happened.
      if (hasCookie(req, sessionCookieName(config))) req.sessionEnded = true;
      return;
    }
    const account = await accounts.accountForSession(session.userId);
    const ended =
      !account ||
      account.sessionGeneration !== session.generation ||
      session.browserId !== req.browserId ||
      Date.now() - (session.signedInAt ?? 0) > maxSessionMs;
    if (ended) {
      await destroySession(session);
      req.sessionEnded = true;
      return;
    }
    req.principal = { account, via: 'session', scope: 'manage' };
  }

  return async (req: Request, res: Response, next: NextFunction) => {
    const header = req.headers.authorization;
    // Mounted on several paths, so req.path is relative to the mount: look at the whole URL.
    if (header !== undefined && isApiRequest(req)) await fromToken(req, res, header);
    else await fromSession(req);
    // Pages read it to draw the console's navigation.
    res.locals.principal = req.principal;
    next();
  };
}
