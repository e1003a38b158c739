// Staff accounts for tests: created through the same use cases the console and the command line
// call, and signed in through the real sign-in form, so a test's session is a real one.
import { expect } from 'chai';
import * as cheerio from 'cheerio';
import mongoose from 'mongoose';
import { createAccountService, type Account } from '../../server/accounts/account.service';
import { createApiTokenService } from '../../server/accounts/api-token.service';
import type { Role } from '../../server/accounts/user.model';
import { createLogger } from '../../server/lib/logger';
import { parseConfig } from '../../server/lib/config';
import { Browser, type FormFields, type Page } from './browser';
import type { TestApp } from './app';
import type { Page as ChromiumPage } from 'playwright-core';
import { submitWith } from '../e2e/support/survey';

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
  const { passwordLink } = await accounts.createAccount({ email: input.email, role: input.role, grants: input.grants ?? [], name: input.name ?? '' }, { via: 'cli' });
  const account = await accounts.setPasswordWithLink(passwordLink.token, password, { via: 'cli' });
  return { account, email: input.email, password };
}

/** A browser signed in through the sign-in form. */
export async function signedInBrowser(app: TestApp, staff: Pick<StaffMember, 'email' | 'password'>): Promise<Browser> {
  const browser = new Browser(app.url);
  const page = await postSignIn(browser, staff);
  expect(page.status, page.html.slice(0, 300)).to.equal(303);
  return browser;
}

/** The token use cases, as the console calls them. */
export const apiTokens = createApiTokenService(createLogger(parseConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent' })));

/** An API token of the account, as its owner would create in the console. */
export async function apiTokenFor(staff: StaffMember, scope: 'read' | 'manage' = 'read'): Promise<string> {
  const { token } = await apiTokens.create({ userId: staff.account.id, name: `test ${scope}`, scope, expiresInDays: 30 }, { via: 'cli' });
  return token;
}

// --- Mechanisms of sessions, cookies and sign-in (test/integration/accounts/sessions, sign-in, ...) ---

/** A collection of the test database, to check what the app stored. */
export function storedCollection(name: 'users' | 'sessions' | 'api_tokens' | 'audit_events' | 'login_throttle' | 'app_state' | 'waves') {
  const db = mongoose.connection.db;
  if (!db) throw new Error('not connected to the test database');
  return db.collection(name);
}

/** Every stored account by email, with what the console and the command line change (no ids, no hashes). */
export function storedUsers() {
  const projection = { _id: 0, email: 1, name: 1, role: 1, grants: 1, disabledAt: 1, sessionGeneration: 1, passwordLink: 1 };
  return storedCollection('users').find({}, { projection }).sort({ email: 1 }).toArray();
}

/** The stored audit events of one action. */
export function auditEvents(action: string) {
  return storedCollection('audit_events').find({ action }).toArray();
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

/** Posts the one form of a staff page picked by `selector` (the header's sign-out form comes first): its hidden fields plus `fields`. */
export async function submitForm(browser: Browser, page: Page, selector: string, fields: FormFields = {}): Promise<Page> {
  const form = page.$(selector);
  expect(form.length, `no ${selector} on the page:\n${page.html.slice(0, 500)}`).to.equal(1);
  const hidden: FormFields = {};
  form.find('input[type=hidden]').each((_, el) => {
    hidden[page.$(el).attr('name') ?? ''] = page.$(el).attr('value') ?? '';
  });
  return browser.post(form.attr('action') ?? '', { ...hidden, ...fields });
}

/** A fetch that keeps cookies as a browser does, for tests that read raw bytes and headers. It does not follow redirects. */
export type CookieFetch = (path: string, init?: RequestInit) => Promise<Response>;

export function cookieFetch(baseUrl: string): CookieFetch {
  const jar = new Map<string, string>();
  return async (path, init = {}) => {
    const headers = new Headers(init.headers);
    if (jar.size > 0) headers.set('cookie', [...jar].map(([name, value]) => `${name}=${value}`).join('; '));
    const res = await fetch(new URL(path, baseUrl), { redirect: 'manual', ...init, headers });
    for (const line of res.headers.getSetCookie()) {
      const [pair = ''] = line.split(';');
      const name = pair.slice(0, pair.indexOf('=')).trim();
      const value = pair.slice(pair.indexOf('=') + 1);
      // A cookie set to expire is the server clearing it.
      if (value === '' || /;\s*(max-age=0|expires=thu, 01 jan 1970)/i.test(line)) jar.delete(name);
      else jar.set(name, value);
    }
    return res;
  };
}

/** Opens the form page at `path` and posts its form back with its CSRF token and `fields`, as a person would. */
export async function submitFormWithFetch(get: CookieFetch, path: string, fields: Record<string, string>): Promise<Response> {
  const $ = cheerio.load(await (await get(path)).text());
  const csrf = $(`form[action="${path}"] input[name=_csrf]`).attr('value');
  if (csrf === undefined) throw new Error(`no form posting to ${path} with a CSRF token`);
  return get(path, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ _csrf: csrf, ...fields }) });
}

/** A cookie-keeping fetch signed in through the sign-in form. */
export async function signedInFetch(app: Pick<TestApp, 'url'>, staff: Pick<StaffMember, 'email' | 'password'>): Promise<CookieFetch> {
  const get = cookieFetch(app.url);
  const res = await submitFormWithFetch(get, '/login', { email: staff.email, password: staff.password });
  expect(res.status, await res.text()).to.equal(303);
  return get;
}

/** Signs a Chromium page in through the real sign-in form, as a person would. */
export async function signInChromium(page: ChromiumPage, app: Pick<TestApp, 'url'>, staff: Pick<StaffMember, 'email' | 'password'>): Promise<void> {
  await page.goto(`${app.url}/login`);
  await page.locator('#email').fill(staff.email);
  await page.locator('#password').fill(staff.password);
  expect(await submitWith(page, page.locator('form[action="/login"] button[type="submit"]'))).to.equal(303);
}
