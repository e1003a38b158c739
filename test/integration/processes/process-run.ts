// What the tests that run the app as a child process do over HTTP, as its users would: set up the
// first admin with the code its console printed, give a staff member a password through a
// one-time link, answer CAP-TIC to its thank-you page, and read a staff event stream.
import { expect } from 'chai';
import type { AppProcess } from '../../support/app-process';
import { Browser, pageIdOf, type Page } from '../../support/browser';
import { runCli } from '../../support/run-cli';
import { STRONG_PASSWORD, cookieFetch, submitFormWithFetch, type CookieFetch } from '../../support/staff';
import { waitFor } from '../embedded-mongo/wire-client';
import { CAPTIC_ID, NON_USER_PAGES } from '../../fixtures/captic-answers';

const SETUP_CODE = /one-time setup code:\s+(\S+)/;

/** The setup code the app printed on its console at boot (there is one only while no account exists). */
export async function setupCodeOf(app: AppProcess): Promise<string> {
  await waitFor(() => SETUP_CODE.test(app.output()), 20_000, 'the setup code on the console');
  return SETUP_CODE.exec(app.output())![1]!;
}

/** Creates the first admin on /setup with the app's printed code; returns a fetch signed in as them. */
export async function setUpFirstAdmin(app: AppProcess, email: string, password = STRONG_PASSWORD): Promise<CookieFetch> {
  const admin = cookieFetch(app.url);
  const setUp = await submitFormWithFetch(admin, '/setup', { code: await setupCodeOf(app), email, name: 'First Admin', password });
  expect(setUp.status, await setUp.text()).to.equal(303);
  return admin;
}

/**
 * `npm run user:create` against the store at `mongodbUri`, then the printed one-time link opened
 * on `app` and a password chosen there. Returns the link's path (it holds a secret).
 */
export async function createStaffWithLink(app: AppProcess, mongodbUri: string, account: { email: string; role: string; grant?: string }, password = STRONG_PASSWORD): Promise<string> {
  const args = ['create', '--email', account.email, '--role', account.role, ...(account.grant ? ['--grant', account.grant] : [])];
  const run = await runCli('server/accounts/user.cli.ts', args, { MONGODB_URI: mongodbUri });
  expect(run.code, run.stderr).to.equal(0);
  const link = /\/account\/password\/[^\s/]+/.exec(run.stdout)?.[0];
  expect(link, run.stdout).to.be.a('string');
  const chosen = await submitFormWithFetch(cookieFetch(app.url), link!, { password });
  expect(chosen.status, await chosen.text()).to.equal(303);
  return link!;
}

/** The intro of CAP-TIC consented to: the first question page. */
export async function startCaptic(browser: Browser, path = `/s/${CAPTIC_ID}`): Promise<Page> {
  const intro = await browser.open(path);
  expect(intro.status, intro.html.slice(0, 500)).to.equal(200);
  return browser.submit(intro, { consent: 'yes' });
}

/** Answers as a non-user of social networks from `page` on, until the thank-you page, which it returns. */
export async function finishCaptic(browser: Browser, page: Page): Promise<Page> {
  let current = page;
  for (let pageId = pageIdOf(current); pageId; pageId = pageIdOf(current)) {
    const answers = NON_USER_PAGES[pageId];
    if (!answers) throw new Error(`no answers for page ${pageId}`);
    current = await browser.submit(current, answers);
    expect(current.status, current.html.slice(0, 500)).to.equal(200);
  }
  return current;
}

export interface StreamReader {
  /** Everything received so far. */
  text(): string;
  /** Resolves once `check` holds of what was received; rejects when the stream ends first or at the deadline. */
  until(check: (text: string) => boolean, what: string, deadlineMs?: number): Promise<void>;
  close(): void;
}

/** Opens the event stream at `path` with `get`'s cookies and reads it as raw text (live-client.ts parses one in-process). */
export async function openStream(get: CookieFetch, path: string): Promise<StreamReader> {
  const abort = new AbortController();
  const response = await get(path, { headers: { accept: 'text/event-stream' }, signal: abort.signal });
  expect(response.status, response.status === 200 ? '' : await response.text()).to.equal(200);
  const decoder = new TextDecoder();
  let text = '';
  let ended = false;
  const waiters = new Set<() => void>();
  const wake = () => waiters.forEach((waiter) => waiter());
  void (async () => {
    try {
      for await (const chunk of response.body! as unknown as AsyncIterable<Uint8Array>) {
        text += decoder.decode(chunk, { stream: true });
        wake();
      }
    } catch {
      // Cut by close(): what was read stays readable.
    } finally {
      ended = true;
      wake();
    }
  })();
  return {
    text: () => text,
    until(check, what, deadlineMs = 5000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => finish(new Error(`no ${what} within ${deadlineMs} ms; received:\n${text}`)), deadlineMs);
        function finish(error?: Error) {
          clearTimeout(timer);
          waiters.delete(test);
          if (error) reject(error);
          else resolve();
        }
        function test() {
          if (check(text)) finish();
          else if (ended) finish(new Error(`the stream ended before ${what}; received:\n${text}`));
        }
        waiters.add(test);
        test();
      });
    },
    close: () => abort.abort(),
  };
}
