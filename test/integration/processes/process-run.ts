// What the tests that run the app as a child process do over HTTP, as its users would: set up the
// first admin with the code its console printed, give a staff member a password through a
// one-time link, answer CAP-TIC to its thank-you page, and read a staff event stream.
import { expect } from 'chai';
import type { AppProcess } from '../../support/app-process';
import * as cheerio from 'cheerio';
import { encodeForm, pageIdOf, type FormFields, type Page } from '../../support/browser';
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

/** Creates the first admin on `app`'s /setup with the code `printedBy` printed (the app itself by default); returns a fetch signed in as them. */
export async function setUpFirstAdmin(app: AppProcess, email: string, printedBy = app, password = STRONG_PASSWORD): Promise<CookieFetch> {
  const admin = cookieFetch(app.url);
  const setUp = await submitFormWithFetch(admin, '/setup', { code: await setupCodeOf(printedBy), email, name: 'First Admin', password });
  expect(setUp.status, await setUp.text()).to.equal(303);
  return admin;
}

/** Posts the form of the staff page `page` that posts to `action`, with its CSRF token and `fields`, as a person would. */
export async function postFormOn(get: CookieFetch, page: string, action: string, fields: Record<string, string> = {}): Promise<Response> {
  const csrf = cheerio.load(await (await get(page)).text())(`form[action="${action}"] input[name=_csrf]`).attr('value');
  if (csrf === undefined) throw new Error(`no form posting to ${action} on ${page}`);
  return get(action, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ _csrf: csrf, ...fields }) });
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

/** A respondent's browser without JavaScript on `app`: a cookie jar, and headers a proxy in front would add. */
export function respondentFetch(app: AppProcess, headers: Record<string, string> = {}): CookieFetch {
  const get = cookieFetch(app.url);
  return (path, init = {}) => get(path, { ...init, headers: { accept: 'text/html', ...headers, ...Object.fromEntries(new Headers(init.headers)) } });
}

async function pageOf(res: Response): Promise<Page> {
  const html = await res.text();
  const location = res.headers.get('location');
  return { status: res.status, ...(location ? { location } : {}), html, $: cheerio.load(html), headers: Object.fromEntries(res.headers) };
}

/** GET, following redirects as a browser does. */
export async function openPage(get: CookieFetch, path: string): Promise<Page> {
  let page = await pageOf(await get(path));
  for (let hops = 0; page.location && hops < 5; hops += 1) page = await pageOf(await get(page.location));
  return page;
}

/** Posts `fields` to `action`, form-encoded, without following the answer's redirect. */
export async function postForm(get: CookieFetch, action: string, fields: FormFields): Promise<Page> {
  return pageOf(await get(action, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: encodeForm(fields) }));
}

/** Posts the form `selector` picks on `page` (the page's first form by default) with its hidden fields and `fields`. */
export async function submitOn(get: CookieFetch, page: Page, fields: FormFields, selector = 'form'): Promise<Page> {
  const form = page.$(selector).first();
  const action = form.attr('action');
  if (!action) throw new Error(`no ${selector} on the page:\n${page.html.slice(0, 500)}`);
  const hidden: FormFields = {};
  form.find('input[type=hidden]').each((_, el) => void (hidden[el.attribs.name ?? ''] = el.attribs.value ?? ''));
  return postForm(get, action, { ...hidden, ...fields });
}

/** The intro of CAP-TIC (or an invitation or resume link to it) consented to: the first question page. */
export async function startCaptic(get: CookieFetch, path = `/s/${CAPTIC_ID}`): Promise<Page> {
  const intro = await openPage(get, path);
  expect(intro.status, intro.html.slice(0, 500)).to.equal(200);
  const started = await submitOn(get, intro, { consent: 'yes', action: 'next' });
  expect(started.location, started.html.slice(0, 500)).to.be.a('string');
  return openPage(get, started.location!);
}

/** Answers as a non-user of social networks from `page` on, until the thank-you page, which it returns. */
export async function finishCaptic(get: CookieFetch, page: Page): Promise<Page> {
  let current = page;
  for (let pageId = pageIdOf(current); pageId; pageId = pageIdOf(current)) {
    const answers = NON_USER_PAGES[pageId];
    if (!answers) throw new Error(`no answers for page ${pageId}`);
    const posted = await submitOn(get, current, { ...answers, action: 'next' }, 'form#survey-form');
    current = posted.location ? await openPage(get, posted.location) : posted;
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
