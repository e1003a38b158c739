// The set-up of `npm run bench:live` in the running Barometer: the 250 CAP-TIC responses imported
// through the import command (which moves the tallies and the live version as any import does),
// and an analyst granted the survey, created through the account use cases against the running
// store (as `npm run user:create` does, with the password its one-time link would set) and signed
// in through the sign-in form.
import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { createAccountService } from '../../server/accounts/account.service';
import { parseConfig } from '../../server/lib/config';
import { openDatabase } from '../../server/lib/database';
import { createLogger } from '../../server/lib/logger';
import { captic250AsJsonLines } from '../../test/fixtures/captic-250';
import { CAPTIC_ID } from '../../test/fixtures/captic-answers';
import { encodeForm } from '../../test/support/browser';
import { cookieHeader, describeAnswer, hiddenFields, keepCookies, type CookieJar } from '../load/form-client';
import { REPOSITORY_ROOT } from '../load/processes';

const run = promisify(execFile);
/**
 * The wave respondents answer on a fresh database (CAP-TIC's open demonstration wave; March 2011
 * is closed): the 250 responses go there too, so the dashboards start from them.
 */
export const OPEN_WAVE = 'demo';
const ANALYST = { email: 'analyst@bench.example', password: 'plover umbrella quarry 1987 tandem' };
/**
 * The app runs in production, where its cookies are Secure and the session cookie is only set on
 * a secure request: the analyst's requests say they came through a TLS proxy (TRUST_PROXY=true).
 */
export const BEHIND_TLS_PROXY = { 'X-Forwarded-Proto': 'https' } as const;

/** Imports the 250 CAP-TIC responses of the published article into the open wave; returns how many. */
export async function importCaptic250(dataDir: string): Promise<number> {
  const file = path.join(dataDir, 'captic-250.jsonl');
  await fs.writeFile(file, `${captic250AsJsonLines()}\n`);
  const { stdout } = await run(
    process.execPath,
    ['--import', 'tsx', path.join(REPOSITORY_ROOT, 'server/responses/import.cli.ts'), '--survey', CAPTIC_ID, '--wave', OPEN_WAVE, file],
    { cwd: REPOSITORY_ROOT, env: { ...process.env, DATA_DIR: dataDir, LOG_LEVEL: 'warn', MONGODB_URI: '' } },
  );
  const imported = /Imported (\d+) responses?/.exec(stdout)?.[1];
  if (imported === undefined) throw new Error(`The import did not say how many responses it imported:\n${stdout}`);
  return Number(imported);
}

/** An analyst granted CAP-TIC, with its password set, in the store the running app holds. */
export async function createAnalyst(dataDir: string): Promise<typeof ANALYST> {
  const config = parseConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'silent' });
  const logger = createLogger(config, 'stderr');
  const database = await openDatabase(config, logger, { role: 'cli' });
  if (database.embedded) {
    await database.close();
    throw new Error(`No running store in ${dataDir}: the analyst must be created in the running app's store`);
  }
  try {
    const accounts = createAccountService({ logger, knownSurveyIds: () => [CAPTIC_ID] });
    const actor = { via: 'cli' } as const;
    const { passwordLink } = await accounts.createAccount({ email: ANALYST.email, role: 'analyst', grants: [CAPTIC_ID], name: 'Bench analyst' }, actor);
    await accounts.setPasswordWithLink(passwordLink.token, ANALYST.password, actor);
  } finally {
    await database.close();
  }
  return ANALYST;
}

/** Signs in through the form; returns the Cookie header of the signed-in browser. */
export async function signIn(baseUrl: string, staff: { email: string; password: string }): Promise<string> {
  const browser: CookieJar = {};
  const headers = { ...BEHIND_TLS_PROXY, Accept: 'text/html', 'Accept-Language': 'fr-FR,fr;q=0.9' };
  const form = await fetch(`${baseUrl}/login`, { headers, redirect: 'manual' });
  const formHtml = await form.text();
  keepCookies(browser, form.headers.getSetCookie());
  const hidden = hiddenFields(formHtml, '/login');
  if (form.status !== 200 || !hidden._csrf) throw new Error(`The sign-in page offered no form: ${describeAnswer('GET', '/login', form.status, formHtml, {})}`);
  const answer = await fetch(`${baseUrl}/login`, {
    method: 'POST',
    headers: { ...headers, Cookie: cookieHeader(browser), 'Content-Type': 'application/x-www-form-urlencoded' },
    body: encodeForm({ ...hidden, email: staff.email, password: staff.password }),
    redirect: 'manual',
  });
  const answerHtml = await answer.text();
  keepCookies(browser, answer.headers.getSetCookie());
  if (answer.status !== 303) {
    throw new Error(`Signing in failed: ${describeAnswer('POST', '/login', answer.status, answerHtml, { location: answer.headers.get('location') ?? undefined })}`);
  }
  return cookieHeader(browser);
}
