// Staff sessions: express-session with its data in MongoDB (connect-mongo), so every app process
// sees the same sessions and a restart signs nobody out. Respondents never get one: the
// middleware is mounted on the staff paths only (see STAFF_PATHS in app.ts).
import session from 'express-session';
import MongoStore from 'connect-mongo';
import mongoose from 'mongoose';
import type { Request, RequestHandler, Response } from 'express';
import type { Config } from '../lib/config';
import { cookieIsSecure } from '../lib/security';
import type { Account } from './account.service';

declare module 'express-session' {
  interface SessionData {
    userId: string;
    /** The account's session generation at sign-in; raised to end every session (account.service.ts). */
    generation: number;
    /** The browser id cookie at sign-in: the session cookie alone, copied elsewhere, is not enough. */
    browserId: string;
    signedInAt: number;
  }
}

/** The store's expiry moves forward at most once a minute, not on every page a person opens. */
const TOUCH_AFTER_SECONDS = 60;

export function sessionCookieName(config: Config): string {
  // __Host- makes the browser refuse the cookie unless it is Secure, host-only and for path /.
  return cookieIsSecure(config) ? '__Host-brm.session' : 'brm_session';
}

export function staffSessions(config: Config, secret: string): RequestHandler {
  const idleMs = config.SESSION_IDLE_MINUTES * 60_000;
  return session({
    name: sessionCookieName(config),
    secret,
    resave: false,
    saveUninitialized: false,
    // Every answer pushes the cookie's expiry forward: the idle time-out counts from the last request.
    rolling: true,
    unset: 'destroy',
    cookie: { httpOnly: true, sameSite: 'lax', secure: cookieIsSecure(config), path: '/', maxAge: idleMs },
    store: MongoStore.create({
      clientPromise: mongoose.connection.asPromise().then((connection) => connection.getClient()),
      collectionName: 'sessions',
      // The store forgets a session when the idle time-out passes (a TTL index on `expires`).
      ttl: idleMs / 1000,
      autoRemove: 'native',
      touchAfter: TOUCH_AFTER_SECONDS,
      stringify: false,
    }),
  });
}

function promised(run: (done: (error?: unknown) => void) => void): Promise<void> {
  return new Promise((resolve, reject) => run((error) => (error ? reject(error as Error) : resolve())));
}

/** A new session id for the signed-in account: an id planted before sign-in is worth nothing after. */
export async function openSession(req: Request, account: Account): Promise<void> {
  await promised((done) => req.session.regenerate(done));
  const session = req.session;
  session.userId = account.id;
  session.generation = account.sessionGeneration;
  session.browserId = req.browserId;
  session.signedInAt = Date.now();
  await promised((done) => req.session.save(done));
}

/** Forgets a session in the store (its cookie may still come in; it then finds nothing). */
export function destroySession(session: Request['session']): Promise<void> {
  return promised((done) => session.destroy(done));
}

/** Signs this browser out: the stored session and its cookie both go. */
export async function endSession(req: Request, res: Response, config: Config): Promise<void> {
  await destroySession(req.session);
  res.clearCookie(sessionCookieName(config), { path: '/' });
}
