// Staff accounts for tests: created through the same use cases the console and the command line
// call, and signed in through the real sign-in form, so a test's session is a real one.
import { expect } from 'chai';
import { createAccountService, type Account } from '../../server/accounts/account.service';
import { createApiToken } from '../../server/accounts/api-token.service';
import type { Role } from '../../server/accounts/user.model';
import { createLogger } from '../../server/lib/logger';
import { Browser } from './browser';
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
