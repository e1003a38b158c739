// SIGTERM while several respondents are answering: requests in flight finish, new ones are refused
// cleanly (connection refused, or 503 while draining), the app exits 0, and every response whose
// thank-you page was shown is stored once, complete. boot.test.ts holds the one-request version.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { MongoClient, ObjectId } from 'mongodb';
import { childEnv, startAppProcess, type AppProcess } from '../../support/app-process';
import { Browser } from '../../support/browser';
import { CAPTIC_ID, USER_PAGES } from '../../fixtures/captic-answers';
import { readRunningStore, storeUri } from '../../../server/embedded-mongo/index';

const RESPONDENTS = 8;

type Outcome = { kind: 'thanked'; responseId: string } | { kind: 'refused'; reason: string } | { kind: 'broken'; reason: string };

/** Error codes that mean the server took no part of the request: refused, or shut in the backlog. */
const CLEAN_REFUSALS = /ECONNREFUSED|ECONNRESET|socket hang up/;

/** One respondent answering the whole survey, over and over, until the server stops answering. */
async function respondUntilStopped(url: string, outcomes: Outcome[], submitted: { count: number }): Promise<void> {
  for (;;) {
    const browser = new Browser(url);
    let responseId = '';
    try {
      let page = await browser.submit(await browser.open(`/s/${CAPTIC_ID}`), { consent: 'yes' });
      for (let guard = 0; page.status === 200 && page.$('form#survey-form').length && guard < 20; guard += 1) {
        responseId = browser.hiddenFields(page).response as string;
        const pageId = browser.formAction(page).split('/p/')[1]!;
        page = await browser.submit(page, USER_PAGES[pageId] ?? {});
        submitted.count += 1;
      }
      if (page.status === 503) {
        outcomes.push({ kind: 'refused', reason: '503' });
        return;
      }
      if (page.status !== 200 || !/\/thanks/.test(page.$('form').attr('action') ?? '') && !page.html.includes('thanks')) {
        outcomes.push({ kind: 'broken', reason: `status ${page.status}` });
        return;
      }
      outcomes.push({ kind: 'thanked', responseId });
    } catch (error) {
      const reason = (error as Error & { code?: string }).code ?? (error as Error).message;
      outcomes.push(CLEAN_REFUSALS.test(reason) ? { kind: 'refused', reason } : { kind: 'broken', reason });
      return;
    }
  }
}

describe('SIGTERM under load', function () {
  this.timeout(60_000);
  let dataDir: string;
  let app: AppProcess;

  before(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'barometer-sigterm-'));
    app = await startAppProcess(childEnv({ DATA_DIR: dataDir, RESPONSE_RATE_LIMIT: '10000' }));
  });
  after(async () => {
    await app?.stop('SIGKILL');
    await rm(dataDir, { recursive: true, force: true });
  });

  it('finishes what is in flight, refuses the rest cleanly, exits 0, and stores every acknowledged response once', async () => {
    const outcomes: Outcome[] = [];
    const submitted = { count: 0 };
    const load = Array.from({ length: RESPONDENTS }, () => respondUntilStopped(app.url, outcomes, submitted));
    // Mid-load: a few responses finished and pages being posted on every side.
    while (outcomes.length < RESPONDENTS) await new Promise((resolve) => setImmediate(resolve));
    const exitCode = app.stop('SIGTERM');
    await Promise.all(load);
    expect(await exitCode).to.equal(0);
    expect(app.output()).not.to.match(/unhandled error|shutdown timed out/);

    const broken = outcomes.filter((o) => o.kind === 'broken');
    expect(broken, JSON.stringify(broken)).to.deep.equal([]);
    const thanked = outcomes.flatMap((o) => (o.kind === 'thanked' ? [o.responseId] : []));
    expect(thanked.length).to.be.at.least(RESPONDENTS);
    // Every respondent was mid-survey on its next round when the signal came, and was stopped by it.
    expect(outcomes.filter((o) => o.kind === 'refused')).to.have.length(RESPONDENTS);

    // What the store holds, read through the store once the app is gone: the CLI's way in.
    const restarted = await startAppProcess(childEnv({ DATA_DIR: dataDir }));
    try {
      const running = await readRunningStore(path.join(dataDir, 'db'));
      const client = await MongoClient.connect(storeUri(running!));
      try {
        const responses = client.db('barometer').collection('responses');
        for (const id of thanked) {
          const stored = await responses.find({ _id: new ObjectId(id) }).toArray();
          expect(stored, id).to.have.length(1);
          expect(stored[0]!.status, id).to.equal('complete');
        }
        // No mail left claimed by the stopped process: its lease would have to expire first.
        expect(await client.db('barometer').collection('mail_outbox').countDocuments({ status: 'sending' })).to.equal(0);
      } finally {
        await client.close();
      }
    } finally {
      await restarted.stop();
    }
  });
});
