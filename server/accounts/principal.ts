// Who is making a staff request, as authentication established it.
import type { Account } from './account.service';
import type { TokenScope } from './api-token.model';
import type { AuditActor } from '../audit/audit.service';
import type { Request } from 'express';

export interface Principal {
  account: Account;
  via: 'session' | 'token';
  /** A session may do all its account may; a token may be limited to reading. */
  scope: TokenScope;
  tokenId?: string;
}

declare module 'express-serve-static-core' {
  interface Request {
    principal?: Principal;
    /** Set when a session cookie came in but its session had ended (time-out, sign-out elsewhere). */
    sessionEnded?: boolean;
  }
}

/** The principal of a request that passed a guard. */
export function principalOf(req: Request): Principal {
  if (!req.principal) throw new Error(`${req.method} ${req.path} reads the principal but has no guard that requires one`);
  return req.principal;
}

export function auditActorOf(req: Request): AuditActor {
  const principal = req.principal;
  return {
    via: principal?.via ?? 'anonymous',
    ip: req.ip,
    ...(principal ? { actorId: principal.account.id, actorEmail: principal.account.email } : {}),
  };
}
