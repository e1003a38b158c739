// One whole CAP-TIC response as an autocannon request sequence: intro, consent, each page of the
// "user" path read then submitted, thanks. Each autocannon connection is one respondent at a time
// (the sequence's context is reset when it loops), so it keeps that respondent's cookies and the
// form's hidden fields in the context, like a browser without JavaScript.
//
// Every answer is checked: a status or a redirect other than the one a respondent would get is
// counted as an error of its request type, and the respondent starts over (a benchmark that
// measures errors measures nothing).
import type autocannon from 'autocannon';
import { CAPTIC_ID, USER_PAGES } from '../../test/fixtures/captic-answers';
import { encodeForm, type FormFields } from '../../test/support/browser';
import { cookieHeader, describeAnswer, headerValues, hiddenFields, keepCookies, type CookieJar } from './form-client';

export const REQUEST_KINDS = ['intro GET', 'start POST', 'page GET', 'page POST', 'last page POST', 'thanks GET'] as const;
export type RequestKind = (typeof REQUEST_KINDS)[number];

const SURVEY_PATH = `/s/${CAPTIC_ID}`;
/** Where the consent form posts. */
const START_PATH = `${SURVEY_PATH}/start`;
const PAGE_IDS = Object.keys(USER_PAGES);
/** The path of one respondent through CAP-TIC: the first page comes right after consent. */
export const FIRST_PAGE_PATH = `${SURVEY_PATH}/p/${PAGE_IDS[0]}`;
export const REQUESTS_PER_RESPONSE = 2 + 2 * PAGE_IDS.length + 1;
/**
 * The database round trips of that path, as test/integration/responses/respondent-round-trips.test.ts
 * pins them (waves aside: they come from a cache): 2 for the consent, 1 per page and for the
 * thanks page (10), 2 per page post (18), and the completion's 6 counter and mark commands.
 */
export const ROUND_TRIPS_PER_RESPONSE = 36;
const ACCEPT_HEADERS = { Accept: 'text/html', 'Accept-Language': 'fr-FR,fr;q=0.9' };
const EXAMPLES_KEPT = 3;

/** What one connection remembers about its current respondent. */
interface Respondent extends CookieJar {
  hidden?: Record<string, string>;
  /** Set when an answer was not the expected one: the next request starts a new respondent. */
  failed?: boolean;
}

export interface SequenceErrors {
  count: number;
  examples: string[];
}

/**
 * Told when a respondent's final submit (the last page's POST, which completes the response) is
 * written, and when its expected answer, the redirect to the thank-you page, is read: what
 * bench:live times the dashboards' events from.
 */
export interface FinalSubmitObserver {
  sent(): void;
  answered(): void;
}

/** What happened while a sequence ran: completed responses, and errors by request type. */
export class RespondentTally {
  constructor(readonly finalSubmits?: FinalSubmitObserver) {}

  completed = 0;
  readonly errors = new Map<RequestKind, SequenceErrors>();
  /** The kind of the response being handled, handed from onResponse to the instance's 'response' event. */
  answeredKind: RequestKind | undefined;

  recordError(kind: RequestKind, detail: string): void {
    const entry = this.errors.get(kind) ?? { count: 0, examples: [] };
    entry.count += 1;
    if (entry.examples.length < EXAMPLES_KEPT) entry.examples.push(detail);
    this.errors.set(kind, entry);
  }

  get errorCount(): number {
    return [...this.errors.values()].reduce((sum, entry) => sum + entry.count, 0);
  }
}

// ------------------------------------------------------------------------------ the sequence

interface Step {
  kind: RequestKind;
  method: 'GET' | 'POST';
  path: string;
  /** The form a POST sends, besides the hidden fields the page gave. */
  form?: FormFields;
  expectStatus: 200 | 303;
  /** Where a 303 must send the respondent. */
  expectLocation?: string;
  /** The form of the page that the next POST sends: where it posts, and the hidden fields it must carry (kept for that POST). */
  nextForm?: { action: string; hidden: string[] };
}

function steps(): Step[] {
  const list: Step[] = [
    { kind: 'intro GET', method: 'GET', path: SURVEY_PATH, expectStatus: 200, nextForm: { action: START_PATH, hidden: ['_csrf'] } },
    { kind: 'start POST', method: 'POST', path: START_PATH, form: { consent: 'yes' }, expectStatus: 303, expectLocation: FIRST_PAGE_PATH },
  ];
  PAGE_IDS.forEach((pageId, index) => {
    const path = `${SURVEY_PATH}/p/${pageId}`;
    const nextId = PAGE_IDS[index + 1];
    const last = nextId === undefined;
    list.push({ kind: 'page GET', method: 'GET', path, expectStatus: 200, nextForm: { action: path, hidden: ['_csrf', 'response'] } });
    list.push({
      kind: last ? 'last page POST' : 'page POST',
      method: 'POST',
      path,
      form: { ...USER_PAGES[pageId], action: 'next' },
      expectStatus: 303,
      expectLocation: last ? `${SURVEY_PATH}/thanks` : `${SURVEY_PATH}/p/${nextId}`,
    });
  });
  list.push({ kind: 'thanks GET', method: 'GET', path: `${SURVEY_PATH}/thanks`, expectStatus: 200 });
  return list;
}

/**
 * The requests of one complete response, checking every answer into `tally`. autocannon builds
 * each request (setupRequest) just before it writes it, after the previous answer was read
 * (onResponse), so the cookies and hidden fields are always the latest.
 */
export function completeResponseRequests(tally: RespondentTally): autocannon.Request[] {
  return steps().map((step, index) => {
    const setupRequest = (request: autocannon.Request, context: object): autocannon.Request | undefined => {
      const respondent = context as Respondent;
      // A falsy request makes autocannon start the sequence over with a fresh context.
      if (respondent.failed) return undefined;
      const cookie = cookieHeader(respondent);
      const headers = { ...ACCEPT_HEADERS, ...(cookie ? { Cookie: cookie } : {}) };
      if (step.method === 'GET') return { ...request, method: 'GET', path: step.path, headers };
      if (step.kind === 'last page POST') tally.finalSubmits?.sent();
      const body = encodeForm({ ...respondent.hidden, ...step.form });
      return { ...request, method: 'POST', path: step.path, headers: { ...headers, 'Content-Type': 'application/x-www-form-urlencoded' }, body };
    };
    const onResponse = (status: number, body: string, context: object, headers: autocannon.Request['headers']): void => {
      const respondent = context as Respondent;
      tally.answeredKind = step.kind;
      keepCookies(respondent, headerValues(headers, 'set-cookie'));
      const location = headerValues(headers, 'location')[0];
      const hidden = status === 200 && step.nextForm ? hiddenFields(body, step.nextForm.action) : {};
      const missing = (step.nextForm?.hidden ?? []).filter((name) => !hidden[name]);
      const expected = status === step.expectStatus && (step.expectLocation === undefined || location === step.expectLocation) && missing.length === 0;
      if (!expected) {
        const problem = missing.length > 0 && status === step.expectStatus ? ` (no hidden ${missing.join(', ')})` : '';
        tally.recordError(step.kind, `${describeAnswer(step.method, step.path, status, body, headers)}${problem}`);
        respondent.failed = true;
        return;
      }
      if (step.nextForm) respondent.hidden = hidden;
      if (step.kind === 'last page POST') tally.finalSubmits?.answered();
      if (step.kind === 'thanks GET') tally.completed += 1;
    };
    // The first request is built once, before any context exists; it needs none (a new browser).
    if (index === 0) return { method: step.method, path: step.path, headers: ACCEPT_HEADERS, onResponse };
    // autocannon documents the falsy return (start over) that its type declarations leave out.
    return { setupRequest: setupRequest as (request: autocannon.Request, context: object) => autocannon.Request, onResponse };
  });
}

/**
 * Starts one respondent the way the sequence does (intro, then consent) and returns the Cookie
 * header under which their first page shows: what the page GET measurements send.
 */
export async function startRespondent(baseUrl: string): Promise<string> {
  const respondent: Respondent = {};
  const intro = await fetch(`${baseUrl}${SURVEY_PATH}`, { headers: ACCEPT_HEADERS, redirect: 'manual' });
  const introHtml = await intro.text();
  keepCookies(respondent, intro.headers.getSetCookie());
  const { _csrf: csrf } = hiddenFields(introHtml, START_PATH);
  if (intro.status !== 200 || !csrf) throw new Error(`The intro page did not offer the consent form: ${describeAnswer('GET', SURVEY_PATH, intro.status, introHtml, {})}`);
  const start = await fetch(`${baseUrl}${START_PATH}`, {
    method: 'POST',
    headers: { ...ACCEPT_HEADERS, Cookie: cookieHeader(respondent), 'Content-Type': 'application/x-www-form-urlencoded' },
    body: encodeForm({ _csrf: csrf, consent: 'yes' }),
    redirect: 'manual',
  });
  const startHtml = await start.text();
  keepCookies(respondent, start.headers.getSetCookie());
  const location = start.headers.get('location');
  if (start.status !== 303 || location !== FIRST_PAGE_PATH) {
    throw new Error(`Consenting did not lead to the first page: ${describeAnswer('POST', START_PATH, start.status, startHtml, { location: location ?? undefined })}`);
  }
  return cookieHeader(respondent);
}
