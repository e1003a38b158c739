// SIGTERM while respondents are answering and mail is being sent. What must hold:
// - requests in flight finish: a few respondents' last pages are sent over raw sockets, their
//   bodies cut in two around the signal; each gets its whole answer (303 to the thank-you page),
//   never a reset, though the listening socket closed meanwhile;
// - new ones are refused cleanly: a new connection once the listening socket is shut is refused
//   (ECONNREFUSED); a request is either answered whole (200, or 503 while draining) or gets no
//   answer at all, never half of one;
// - nothing is lost or doubled: every response whose completion was acknowledged is stored,
//   complete, and no response completed without its respondent being told;
// - the outbox is left consistent: the message the SMTP server holds mid-DATA when the signal
//   comes is recorded as sent by the stopping process, the others stay queued and go after the
//   restart, every recipient gets exactly one.
// boot.test.ts holds the one-request version.
import net from 'node:net';
import http from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as cheerio from 'cheerio';
import { expect } from 'chai';
import { MongoClient } from 'mongodb';
import { childEnv, startAppProcess, type AppProcess } from '../../support/app-process';
import { encodeForm, type FormFields } from '../../support/browser';
import { CAPTIC_ID, USER_PAGES } from '../../fixtures/captic-answers';
import { readRunningStore, storeUri } from '../../../server/embedded-mongo/index';
import { startSmtpReceiver, type ReceivedMail, type SmtpReceiver } from '../../../server/mail/smtp-receiver';
import { waitFor } from '../embedded-mongo/wire-client';

/** Respondents going through the survey over and over, on keep-alive connections, until refused. */
const LOOPING_RESPONDENTS = 6;
/** Respondents whose last page is in flight, body half sent, when the signal comes. */
const IN_FLIGHT = 4;
/** Of those, how many asked for their resume link by mail first (the form's per-address limit is 10 an hour). */
const MAILED = 3;
const LAST_PAGE = 'profile';
const THANKS = `/s/${CAPTIC_ID}/thanks`;

/** A page as the server answered it: status, redirect, and the form a browser would post back. */
interface Answer {
  status: number;
  location: string | null;
  $: cheerio.CheerioAPI;
}

/** The server gave no answer at all: the request never reached it, or its connection was shut unread. */
class NoAnswer extends Error {}

/** Codes for a request that got no answer: refused, or sent on a keep-alive connection the server was closing. */
const NO_ANSWER_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'UND_ERR_SOCKET', 'EPIPE']);

/**
 * A respondent's browser over fetch, keeping cookies. fetch tells the two failures apart: it
 * rejects when no answer came (NoAnswer), and the body read rejects when an answer was cut off (a
 * half answer, thrown as is).
 */
class Respondent {
  private readonly jar = new Map<string, string>();

  constructor(readonly baseUrl: string) {}

  cookieHeader(): string {
    return [...this.jar].map(([name, value]) => `${name}=${value}`).join('; ');
  }

  async request(pathname: string, fields?: FormFields): Promise<Answer> {
    const headers: Record<string, string> = { accept: 'text/html', 'accept-language': 'fr' };
    if (this.jar.size > 0) headers.cookie = this.cookieHeader();
    if (fields) headers['content-type'] = 'application/x-www-form-urlencoded';
    let res: Response;
    try {
      res = await fetch(new URL(pathname, this.baseUrl), { method: fields ? 'POST' : 'GET', headers, redirect: 'manual', ...(fields ? { body: encodeForm(fields) } : {}) });
    } catch (error) {
      const code = (error as { cause?: { code?: string } }).cause?.code ?? '';
      if (NO_ANSWER_CODES.has(code)) throw new NoAnswer(code);
      throw error;
    }
    for (const line of res.headers.getSetCookie()) {
      const [pair = ''] = line.split(';');
      this.jar.set(pair.slice(0, pair.indexOf('=')).trim(), pair.slice(pair.indexOf('=') + 1));
    }
    const html = await res.text();
    return { status: res.status, location: res.headers.get('location'), $: cheerio.load(html) };
  }

  /** GET, following redirects as a browser does. */
  async open(pathname: string): Promise<Answer> {
    let answer = await this.request(pathname);
    for (let hops = 0; answer.location && hops < 5; hops += 1) answer = await this.request(answer.location);
    return answer;
  }

  /** Posts `selector`'s form with its hidden fields and `fields`, without following the redirect. */
  async post(answer: Answer, fields: FormFields, selector = 'form#survey-form'): Promise<Answer> {
    const form = answer.$(selector).first();
    const action = form.attr('action');
    if (!action) throw new Error(`no ${selector} on the page (status ${answer.status}): ${answer.$.text().slice(0, 300)}`);
    return this.request(action, { ...hiddenFields(answer, selector), ...fields, ...(selector === 'form#survey-form' ? { action: 'next' } : {}) });
  }
}

function hiddenFields(answer: Answer, selector: string): Record<string, string> {
  const fields: Record<string, string> = {};
  answer.$(selector).first().find('input[type=hidden]').each((_, el) => {
    const name = answer.$(el).attr('name');
    if (name) fields[name] = answer.$(el).attr('value') ?? '';
  });
  return fields;
}

function pageOf(answer: Answer): string | undefined {
  return answer.$('form#survey-form').attr('action')?.split('/p/')[1];
}

/** From the intro to the page `stopAt` (or to the end), answering as USER_PAGES; `onPage` sees each page first. */
async function answerUntil(respondent: Respondent, stopAt: string | undefined, onPage: (answer: Answer) => Promise<void> = async () => {}): Promise<{ answer: Answer; responseId: string }> {
  let answer = await respondent.request(`/s/${CAPTIC_ID}`);
  let posted = await respondent.post(answer, { consent: 'yes' }, 'form');
  for (;;) {
    if (posted.status !== 303 || !posted.location) return { answer: posted, responseId: '' };
    answer = await respondent.open(posted.location);
    const pageId = pageOf(answer);
    const responseId = hiddenFields(answer, 'form#survey-form').response ?? '';
    if (!pageId || pageId === stopAt) return { answer, responseId };
    await onPage(answer);
    posted = await respondent.post(answer, USER_PAGES[pageId] ?? {});
  }
}

type Outcome = { kind: 'refused'; how: string } | { kind: 'broken'; how: string };

/**
 * One respondent answering the whole survey, then another, until the server stops answering.
 * A completion is acknowledged when the last page's post is answered with the thank-you page's address.
 */
async function respondUntilStopped(url: string, acknowledged: Set<string>): Promise<Outcome> {
  for (;;) {
    const respondent = new Respondent(url);
    try {
      let answer = await respondent.post(await respondent.request(`/s/${CAPTIC_ID}`), { consent: 'yes' }, 'form');
      for (let guard = 0; answer.status === 303 && answer.location !== THANKS && guard < 20; guard += 1) {
        const page = await respondent.open(answer.location!);
        if (page.status === 503) return { kind: 'refused', how: '503' };
        answer = await respondent.post(page, USER_PAGES[pageOf(page) ?? ''] ?? {});
        if (answer.location === THANKS) acknowledged.add(hiddenFields(page, 'form#survey-form').response!);
      }
      if (answer.status === 503) return { kind: 'refused', how: '503' };
      if (answer.location !== THANKS) return { kind: 'broken', how: `status ${answer.status}` };
      await respondent.open(THANKS);
    } catch (error) {
      if (error instanceof NoAnswer) return { kind: 'refused', how: error.message };
      return { kind: 'broken', how: String(error) };
    }
  }
}

/** A request sent over its own socket, `Expect: 100-continue`: the 100 proves the server holds it. */
interface HeldRequest {
  socket: net.Socket;
  /** The rest of the body, for after the signal. */
  rest: string;
  /** Everything the server wrote, once the connection has closed. */
  reply: Promise<string>;
}

async function holdLastPage(url: string, respondent: Respondent, answer: Answer): Promise<HeldRequest> {
  const { hostname, port } = new URL(url);
  const body = encodeForm({ ...hiddenFields(answer, 'form#survey-form'), ...USER_PAGES[LAST_PAGE], action: 'next' });
  const socket = net.connect(Number(port), hostname);
  let received = '';
  const reply = new Promise<string>((resolve) => {
    socket.on('data', (chunk: Buffer) => (received += chunk.toString()));
    socket.on('error', () => {}); // what was received says what happened; the close follows.
    socket.on('close', () => resolve(received));
  });
  await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
  const half = Math.floor(body.length / 2);
  socket.write(
    [
      `POST /s/${CAPTIC_ID}/p/${LAST_PAGE} HTTP/1.1`,
      `Host: ${hostname}:${port}`,
      'Content-Type: application/x-www-form-urlencoded',
      `Content-Length: ${Buffer.byteLength(body)}`,
      'Accept: text/html',
      `Cookie: ${respondent.cookieHeader()}`,
      'Expect: 100-continue',
      '',
      '',
    ].join('\r\n'),
  );
  await waitFor(() => received.startsWith('HTTP/1.1 100 Continue\r\n\r\n'), 10_000, 'the 100 Continue');
  socket.write(body.slice(0, half));
  return { socket, rest: body.slice(half), reply };
}

/** What a fresh connection to the app's port meets now: refused, reset, or a status. */
function probe(url: string): Promise<string> {
  return new Promise((resolve) => {
    const req = http.get(`${url}/healthz`, { agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(String(res.statusCode)));
      res.on('error', () => resolve('cut'));
    });
    req.on('error', (error: Error & { code?: string }) => resolve(error.code ?? error.message));
  });
}

/** An SMTP server that holds the first message mid-DATA until `release()`: a slow server, on cue. */
async function startHoldingSmtp(): Promise<{ receiver: SmtpReceiver; held: ReceivedMail[]; accepted: ReceivedMail[]; release(): void }> {
  const held: ReceivedMail[] = [];
  const accepted: ReceivedMail[] = [];
  let release = () => {};
  const gate = new Promise<void>((resolve) => (release = resolve));
  const receiver = await startSmtpReceiver({
    async onMessage(mail) {
      held.push(mail);
      await gate;
      accepted.push(mail);
    },
  });
  return { receiver, held, accepted, release };
}

describe('SIGTERM under load', function () {
  this.timeout(60_000);
  let dataDir: string;
  let smtp: Awaited<ReturnType<typeof startHoldingSmtp>>;
  let env: NodeJS.ProcessEnv;
  let app: AppProcess;

  before(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'barometer-sigterm-'));
    smtp = await startHoldingSmtp();
    env = childEnv({ DATA_DIR: dataDir, RESPONSE_RATE_LIMIT: '10000', SMTP_URL: smtp.receiver.url, MAIL_FROM: 'Barometer <barometer@example.org>' });
    app = await startAppProcess(env);
  });
  after(async () => {
    smtp?.release();
    await app?.stop('SIGKILL');
    await smtp?.receiver.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('finishes what is in flight, refuses the rest cleanly, leaves the outbox consistent and loses nothing', async () => {
    const firstPid = app.child.pid!;
    // Respondents at their last page, some having asked for their resume link by mail on the way.
    const mailedTo = Array.from({ length: MAILED }, (_, i) => `respondent${i}@example.org`);
    const ready = await Promise.all(
      Array.from({ length: IN_FLIGHT }, async (_, i) => {
        const respondent = new Respondent(app.url);
        let mailed = i >= MAILED;
        const { answer, responseId } = await answerUntil(respondent, LAST_PAGE, async (page) => {
          if (mailed) return;
          mailed = true;
          const sent = await respondent.post(page, { email: mailedTo[i]!, page: pageOf(page)! }, 'form.resume-mail-form');
          expect(sent.status, 'the resume link asked for').to.equal(303);
        });
        expect(pageOf(answer)).to.equal(LAST_PAGE);
        return { respondent, answer, responseId };
      }),
    );
    // The first message is on the wire: the SMTP server holds it before answering its DATA.
    await waitFor(() => smtp.held.length === 1, 10_000, 'the first resume link at the SMTP server');

    const acknowledged = new Set<string>();
    const looping = Array.from({ length: LOOPING_RESPONDENTS }, () => respondUntilStopped(app.url, acknowledged));
    const inFlight = await Promise.all(ready.map(({ respondent, answer }) => holdLastPage(app.url, respondent, answer)));
    // Mid-load: responses completing, pages being posted on every side.
    await waitFor(() => acknowledged.size >= LOOPING_RESPONDENTS, 20_000, 'responses completing under load');

    const exitCode = app.stop('SIGTERM');
    // Draining answers (503 from /healthz) until the listening socket is shut; one caught in the
    // closing socket's backlog is reset. Then a new connection is refused.
    const seen: string[] = [];
    for (let last = ''; last !== 'ECONNREFUSED'; ) {
      last = await probe(app.url);
      seen.push(last);
      expect(seen.length, seen.join(' ')).to.be.below(10_000);
    }
    expect(seen.filter((s) => !['200', '503', 'ECONNRESET', 'ECONNREFUSED'].includes(s)), seen.join(' ')).to.deep.equal([]);
    expect(await probe(app.url)).to.equal('ECONNREFUSED');

    // The held requests were accepted before the socket shut: their bodies finish now, and each is answered whole.
    for (const request of inFlight) request.socket.write(request.rest);
    const replies = await Promise.all(inFlight.map((request) => request.reply));
    for (const reply of replies) {
      const [head = '', body = ''] = reply.replace(/^HTTP\/1\.1 100 Continue\r\n\r\n/, '').split('\r\n\r\n');
      expect(head, reply).to.match(/^HTTP\/1\.1 303 /);
      expect(head).to.match(new RegExp(`\r\nLocation: ${THANKS}\r\n`, 'i'));
      expect(head).to.match(/\r\nConnection: close/i);
      expect(Buffer.byteLength(body), 'the whole body').to.equal(Number(/\r\nContent-Length: (\d+)/i.exec(head)?.[1]));
    }
    for (const { responseId } of ready) acknowledged.add(responseId);

    // The send in flight finishes while the process stops; the rest of the outbox waits.
    smtp.release();
    const outcomes = await Promise.all(looping);
    expect(await exitCode).to.equal(0);
    expect(app.output()).not.to.match(/unhandled error|shutdown timed out/);
    const broken = outcomes.filter((o) => o.kind === 'broken');
    expect(broken, JSON.stringify(broken)).to.deep.equal([]);
    expect(smtp.accepted).to.have.length(1);

    // Restarted on the same data: the rest of the outbox goes, and nothing else.
    app = await startAppProcess(env);
    await waitFor(() => smtp.accepted.length >= MAILED, 15_000, 'the queued resume links after the restart');
    const running = await readRunningStore(path.join(dataDir, 'db'));
    const client = await MongoClient.connect(storeUri(running!));
    try {
      const db = client.db('barometer');
      const complete = await db.collection('responses').find({ status: 'complete' }, { projection: { _id: 1 } }).toArray();
      // Every acknowledged completion is stored once, and none completed without its respondent hearing so.
      expect(complete.map((r) => String(r._id)).sort()).to.deep.equal([...acknowledged].sort());

      const outbox = await db.collection('mail_outbox').find({ purpose: 'resume_link' }).toArray();
      expect(outbox.map((m) => m.status)).to.deep.equal(Array(MAILED).fill('sent'));
      expect(smtp.accepted.flatMap((m) => m.envelopeTo).sort()).to.deep.equal(mailedTo.sort());
      // The message held mid-DATA was recorded by the process that sent it, before it stopped.
      const first = outbox.find((m) => m.messageId === smtp.accepted[0]!.messageId);
      expect(first?.sentBy, JSON.stringify(outbox.map((m) => [m.messageId, m.sentBy]))).to.include(`:${firstPid}:`);
    } finally {
      await client.close();
    }
  });
});
