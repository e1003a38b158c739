// Two app processes on one store, as behind a load balancer: whatever one process does must be
// seen by the other, because everything that must be shared lives in the database (sessions, rate
// limit counters, the live figures' versions, the outbox's leases, the setup codes). The store runs as a process of
// its own, like a mongod; the apps share its database and their SECRET, and nothing else.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { MongoClient } from 'mongodb';
import { childEnv, startAppProcess, startStoreProcess, type AppProcess, type StoreProcess } from '../../support/app-process';
import { startTestSmtpServer, type TestSmtpServer } from '../../support/smtp';
import { STRONG_PASSWORD, cookieFetch, submitFormWithFetch } from '../../support/staff';
import { pollUntil } from '../../support/outbox';
import { CAPTIC_ID } from '../../fixtures/captic-answers';
import { WAVES_MAX_AGE_MS } from '../../../server/waves/wave.cache';
import { postFormOn, createStaffWithLink, finishCaptic, openPage, openStream, respondentFetch, setUpFirstAdmin, setupCodeOf, startCaptic, submitOn } from './process-run';

const SECRET = 'two-apps-share-this-secret-0123456789abcdef';
const RATE_LIMIT = 4;
const DASHBOARD = `/admin/surveys/${CAPTIC_ID}/waves/demo/dashboard`;

/** A respondent's browser on `app`, seen as coming from `address` (the apps trust X-Forwarded-For, as behind a proxy). */
const respondent = (app: AppProcess, address: string) => respondentFetch(app, { 'x-forwarded-for': address });

describe('two app processes on one store', function () {
  this.timeout(60_000);
  let dir: string;
  let store: StoreProcess;
  let smtp: TestSmtpServer;
  let apps: AppProcess[] = [];
  let mongodbUri: string;
  let client: MongoClient;

  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'barometer-two-apps-'));
    [store, smtp] = await Promise.all([startStoreProcess(['--port', '0', '--dbpath', path.join(dir, 'db')]), startTestSmtpServer()]);
    mongodbUri = `${store.uri}/barometer`;
    const envOf = (n: number) =>
      childEnv({
        MONGODB_URI: mongodbUri,
        SECRET,
        DATA_DIR: path.join(dir, `app${n}`),
        TRUST_PROXY: 'true',
        RESPONSE_RATE_LIMIT: String(RATE_LIMIT),
        SMTP_URL: smtp.url,
      });
    // Both at once on a fresh database, as a deployment starts them.
    apps = await Promise.all([startAppProcess(envOf(1)), startAppProcess(envOf(2))]);
    client = await MongoClient.connect(mongodbUri);
  });

  after(async () => {
    await client?.close();
    await Promise.all(apps.map((app) => app.stop()));
    await Promise.all([store?.stop(), smtp?.stop()]);
    await rm(dir, { recursive: true, force: true });
  });

  it('accepts on either app the setup code the other printed, and forgets both codes once the admin exists', async () => {
    const [one, two] = apps as [AppProcess, AppProcess];
    const codes = client.db().collection<{ _id: string }>('setup_codes');
    const [codeOne, codeTwo] = await Promise.all([setupCodeOf(one), setupCodeOf(two)]);
    expect(codeOne).not.to.equal(codeTwo);
    // Their digests are shared, not the codes.
    const stored = (await codes.find().toArray()).map((doc) => doc._id);
    expect(stored).to.have.length(2);
    expect(stored.join()).not.to.contain(codeOne.replace(/-/g, ''));
    await setUpFirstAdmin(two, 'admin@example.org', one);
    expect(await codes.countDocuments()).to.equal(0);
  });

  it('shares sessions: signed in on one, a staff page opens on the other', async () => {
    const [one, two] = apps as [AppProcess, AppProcess];
    // A browser keeps its cookies per host, whatever port: both apps are 127.0.0.1 here.
    const staff = cookieFetch(one.url);
    const signIn = await submitFormWithFetch(staff, '/login', { email: 'admin@example.org', password: STRONG_PASSWORD });
    expect(signIn.status).to.equal(303);
    const onTwo = await staff(`${two.url}/admin/account`);
    expect(onTwo.status).to.equal(200);
    expect(await onTwo.text()).to.contain('admin@example.org');
  });

  it('brings a response completed on one to a dashboard stream open on the other within 2 s', async () => {
    const [one, two] = apps as [AppProcess, AppProcess];
    await createStaffWithLink(two, mongodbUri, { email: 'analyst@example.org', role: 'analyst', grant: CAPTIC_ID });
    const analyst = cookieFetch(two.url);
    expect((await submitFormWithFetch(analyst, '/login', { email: 'analyst@example.org', password: STRONG_PASSWORD })).status).to.equal(303);
    const stream = await openStream(analyst, `${DASHBOARD}/events`);
    try {
      await stream.until((text) => /^event: figures$/m.test(text), 'the first figures');
      const before = stream.text();
      const browser = respondent(one, '198.51.100.1');
      const last = await finishCaptic(browser, await startCaptic(browser));
      const thanked = Date.now();
      expect(last.$('h1').text()).to.equal('Merci, vos réponses ont bien été envoyées');
      // The header's count of complete responses, in a figures event's JSON.
      await stream.until((text) => /data-figure=\\"completes\\" data-value=\\"1\\"/.test(text.slice(before.length)), 'the response on the other app', 2000);
      expect(Date.now() - thanked).to.be.below(2000);
    } finally {
      stream.close();
    }
  });

  it('sends a mail queued on either app exactly once, with both outbox workers running', async () => {
    const recipients = Array.from({ length: 6 }, (_, i) => `later${i}@example.org`);
    // Each respondent asks for the link to continue later by mail, alternately on each app.
    await Promise.all(
      recipients.map(async (email, i) => {
        const browser = respondent(apps[i % 2]!, `198.51.100.${10 + i}`);
        const page = await startCaptic(browser);
        const sent = await submitOn(browser, page, { email }, 'form.resume-mail-form');
        expect(sent.status, sent.html.slice(0, 500)).to.equal(303);
      }),
    );
    const outbox = client.db().collection('mail_outbox');
    const statuses = await pollUntil(
      async () => (await outbox.find({ purpose: 'resume_link' }, { projection: { status: 1 } }).toArray()).map((m) => m.status as string),
      (all) => all.length === recipients.length && all.every((status) => status === 'sent'),
      20_000,
    );
    expect(statuses).to.have.length(recipients.length);
    await smtp.waitForMessages(recipients.length);
    const received = smtp.messages.flatMap((message) => message.envelopeTo.map((address) => address.toLowerCase()));
    expect(received.sort()).to.deep.equal([...recipients].sort());
  });

  it('shares the response rate limit: the fifth start from one address is refused, whichever app it reaches', async () => {
    const outcomes: number[] = [];
    for (let i = 0; i < RATE_LIMIT + 1; i += 1) {
      const browser = respondent(apps[i % 2]!, '203.0.113.7');
      const started = await submitOn(browser, await openPage(browser, `/s/${CAPTIC_ID}`), { consent: 'yes', action: 'next' });
      outcomes.push(started.status);
    }
    expect(outcomes).to.deep.equal([303, 303, 303, 303, 429]);
  });

  it('refuses answers on one within the wave cache\'s life once the other closed the wave (decision 0005)', async () => {
    const [one, two] = apps as [AppProcess, AppProcess];
    const organizer = cookieFetch(one.url);
    expect((await submitFormWithFetch(organizer, '/login', { email: 'admin@example.org', password: STRONG_PASSWORD })).status).to.equal(303);
    const respondentOnTwo = respondent(two, '198.51.100.99');
    // Two has the open wave in its cache.
    expect((await openPage(respondentOnTwo, `/s/${CAPTIC_ID}`)).$(`form[action="/s/${CAPTIC_ID}/start"]`)).to.have.length(1);
    const wavePage = `/admin/surveys/${CAPTIC_ID}/waves/demo`;
    const closed = await postFormOn(organizer, wavePage, `${wavePage}/actions/close`);
    expect(closed.status, await closed.text()).to.equal(303);
    const closedAt = Date.now();
    let intro = await openPage(respondentOnTwo, `/s/${CAPTIC_ID}`);
    while (intro.$(`form[action="/s/${CAPTIC_ID}/start"]`).length > 0) {
      expect(Date.now() - closedAt, 'the closed wave still offered on the other app').to.be.below(WAVES_MAX_AGE_MS + 1000);
      intro = await openPage(respondentOnTwo, `/s/${CAPTIC_ID}`);
    }
    // Seen within the cache's life, plus the time of a request or two.
    expect(Date.now() - closedAt).to.be.below(WAVES_MAX_AGE_MS + 1000);
  });
});
