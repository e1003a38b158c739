// Staff accounts for tests: created through the same use cases the console and the command line
// call, and signed in through the real sign-in form, so a test's session is a real one.
import { expect } from 'chai';
import mongoose from 'mongoose';
import { createAccountService, type Account } from '../../server/accounts/account.service';
import { createApiToken } from '../../server/accounts/api-token.service';
import type { Role } from '../../server/accounts/user.model';
import { createLogger } from '../../server/lib/logger';
import { Browser, type Page } from './browser';
import type { TestApp } from './app';

export const STRONG_PASSWORD = 'plover umbrella quarry 1987 tandem';

export function accountsOf(app: TestApp) {
  return createAccountService({
    logger: createLogger(app.config),
    knownSurveyIds: () => app.catalog.list().map((survey) => survey.definition.id),
  });
}

export interface StaffMember {
  account: Account;
  email: string;
  password: string;
}

/** An account with its password already set, as if its one-time link had been used. */
export async function createStaff(app: TestApp, input: { email: string; role: Role; grants?: string[]; password?: string; name?: string }): Promise<StaffMember> {
  const accounts = accountsOf(app);
  const password = input.password ?? STRONG_PASSWORD;
  const { passwordLinkToken } = await accounts.createAccount({ email: input.email, role: input.role, grants: input.grants ?? [], name: input.name ?? '' }, { via: 'cli' });
  const account = await accounts.setPasswordWithLink(passwordLinkToken, password, { via: 'cli' });
  return { account, email: input.email, password };
}

/** A browser signed in through the sign-in form. */
export async function signedInBrowser(app: TestApp, staff: Pick<StaffMember, 'email' | 'password'>): Promise<Browser> {
  const browser = new Browser(app.url);
  const form = await browser.get('/login');
  const page = await browser.post('/login', { ...browser.hiddenFields(form), email: staff.email, password: staff.password });
  expect(page.status, page.html.slice(0, 300)).to.equal(303);
  return browser;
}

/** An API token of the account, as its owner would create in the console. */
export async function apiTokenFor(staff: StaffMember, scope: 'read' | 'manage' = 'read'): Promise<string> {
  const { token } = await createApiToken({ userId: staff.account.id, name: `test ${scope}`, scope, expiresInDays: 30 });
  return token;
}

// --- Mechanisms of sessions, cookies and sign-in (test/integration/accounts/sessions, sign-in, ...) ---

/** A collection of the test database, to check what the app stored. */
export function storedCollection(name: 'users' | 'sessions' | 'api_tokens' | 'audit_events' | 'login_throttle' | 'app_state' | 'waves') {
  const db = mongoose.connection.db;
  if (!db) throw new Error('not connected to the test database');
  return db.collection(name);
}

export interface SetCookie {
  value: string;
  /** Attribute names lower-cased; flags (HttpOnly, Secure) map to true. */
  attributes: Record<string, string | true>;
}

/** An answer's Set-Cookie lines (Node gives an array, or nothing). */
function setCookieLines(headers: Record<string, unknown>): string[] {
  const raw = headers['set-cookie'];
  return Array.isArray(raw) ? (raw as string[]) : typeof raw === 'string' ? [raw] : [];
}

/** The cookie `name` among an answer's Set-Cookie lines, as a browser would read it. */
export function setCookieNamed(headers: Record<string, unknown>, name: string): SetCookie | undefined {
  for (const line of setCookieLines(headers)) {
    const [pair = '', ...attributeParts] = line.split(';');
    const equals = pair.indexOf('=');
    if (pair.slice(0, equals).trim() !== name) continue;
    const attributes: Record<string, string | true> = {};
    for (const part of attributeParts) {
      const [key = '', ...rest] = part.split('=');
      attributes[key.trim().toLowerCase()] = rest.length ? rest.join('=').trim() : true;
    }
    return { value: pair.slice(equals + 1).trim(), attributes };
  }
  return undefined;
}

/** The Cookie header a browser would send back after these Set-Cookie lines (Secure ones included). */
export function cookieHeaderFrom(headers: Record<string, unknown>): string {
  return setCookieLines(headers).map((line) => line.split(';')[0]!.trim()).join('; ');
}

/** The session id inside express-session's signed cookie value, `s:<id>.<signature>`. */
export function sessionIdOf(cookieValue: string): string {
  const match = /^s:([^.]+)\./.exec(decodeURIComponent(cookieValue));
  if (!match) throw new Error(`not a signed session cookie: ${cookieValue}`);
  return match[1]!;
}

/** Posts the sign-in form of a fresh /login page, whatever the answer. */
export async function postSignIn(browser: Browser, fields: { email: string; password: string; next?: string }): Promise<Page> {
  const form = await browser.get('/login');
  return browser.post('/login', { ...browser.hiddenFields(form), ...fields });
}
