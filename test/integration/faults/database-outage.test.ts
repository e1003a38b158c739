// The database goes away while a respondent is mid-survey, then comes back: the store is a process of
// its own (npm run db on a data directory), killed with SIGKILL and started again on the same port
// and directory, the app a child process pointed at it with MONGODB_URI.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { MongoClient } from 'mongodb';
import { childEnv, startAppProcess, startStoreProcess, type AppProcess, type StoreProcess } from '../../support/app-process';
import { Browser, encodeForm, type FormFields, type Page } from '../../support/browser';
import { CAPTIC_ID, USER_PAGES } from '../../fixtures/captic-answers';

/** How long a request may take to fail while the database is away (the driver's serverSelectionTimeoutMS is 1 s). */
const FAIL_FAST_MS = 2_000;
/** How soon after the store listens again the app must serve (its heartbeat is 1 s). */
const BACK_WITHIN_MS = 2_000;
/**
 * How long a request may take to fail when the store hangs instead of refusing (a partition, a
 * frozen host): the monitor gives up on the silent server after connectTimeoutMS (2 s) and the
 * request's wait ends with it. The old settings (commands queued, 10 s of server selection) took 10 s.
 */
const HANG_FAIL_FAST_MS = 5_000;

/** Every field of the page's form `selector`, repeated names kept, as a browser would post them. */
function formFields(page: Page, selector: string): FormFields {
  const fields: Record<string, string[]> = {};
  page.$(`${selector} input[type=hidden]`).each((_, el) => {
    const name = page.$(el).attr('name');
    if (name) (fields[name] ??= []).push(page.$(el).attr('value') ?? '');
  });
  return Object.fromEntries(Object.entries(fields).map(([name, values]) => [name, values.length === 1 ? values[0]! : values]));
}

/** Waits until the kernel reports the process stopped (state T in /proc/PID/stat): a signal is not delivered on the call. */
async function untilStopped(pid: number): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (!/^\d+ \(.*\) T /.test(await readFile(`/proc/${pid}/stat`, 'utf8'))) {
    if (Date.now() > deadline) throw new Error(`process ${pid} did not stop`);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

async function timed<T>(work: () => Promise<T>): Promise<{ result: T; ms: number }> {
  const start = Date.now();
  const result = await work();
  return { result, ms: Date.now() - start };
}

describe('A database outage while a respondent answers', function () {
  this.timeout(60_000);
  let dir: string;
  let store: StoreProcess;
  let app: AppProcess;
  const typed = USER_PAGES.social_usage!;
  /** Measured waits, printed after the file so a run shows how far each is from its bound. */
  const figures: string[] = [];

  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'barometer-outage-'));
    store = await startStoreProcess(['--port', '0', '--dbpath', path.join(dir, 'db')]);
    app = await startAppProcess(childEnv({ MONGODB_URI: `${store.uri}/barometer`, DATA_DIR: path.join(dir, 'app') }));
  });
  /** A new respondent on the social_usage page, and the post that answers it. */
  async function onSocialUsage(): Promise<{ respondent: Browser; action: string; posted: FormFields }> {
    const respondent = new Browser(app.url);
    const intro = await respondent.open(`/s/${CAPTIC_ID}`);
    const first = await respondent.submit(intro, { consent: 'yes' });
    const second = await respondent.submit(first, USER_PAGES.social_use!);
    const action = respondent.formAction(second);
    expect(action).to.equal(`/s/${CAPTIC_ID}/p/social_usage`);
    return { respondent, action, posted: { ...respondent.hiddenFields(second), ...typed, action: 'next' } };
  }

  after(async () => {
    if (figures.length) console.log(`      ${figures.join('\n      ')}`);
    // A stopped store ignores SIGTERM until it runs again: continue it first, whatever a test left.
    store?.child.kill('SIGCONT');
    await app?.stop();
    await store?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('answers 503 fast with every typed answer kept in a retry form, in the respondent’s language, and takes them once the store is back', async () => {
    const { respondent, action, posted } = await onSocialUsage();

    store.child.kill('SIGKILL');
    await store.exited;
    // Once the app has noticed (its health check says so), a request meets the driver's server
    // selection: the wait the issue measured at 10 s.
    const { result: health, ms: healthMs } = await timed(async () => {
      let answer = await fetch(`${app.url}/healthz`);
      while (answer.status === 200) answer = await fetch(`${app.url}/healthz`);
      return answer;
    });
    expect(health.status).to.equal(503);
    expect(await health.json()).to.include({ database: 'unreachable' });
    expect(healthMs).to.be.below(FAIL_FAST_MS);

    // The page of answers: 503 within the bound, French first, then the same post in English.
    const { result: french, ms } = await timed(() => respondent.post(action, posted));
    expect(french.status, french.html.slice(0, 300)).to.equal(503);
    expect(ms).to.be.below(FAIL_FAST_MS);
    expect(french.headers['retry-after']).to.match(/^\d+$/);
    expect(french.headers['cache-control']).to.equal('no-store');
    expect(french.$('html').attr('lang')).to.equal('fr');
    expect(french.$('h1').text()).to.equal('Vos réponses ne sont pas encore enregistrées');
    expect(french.$('dl.typed-answers').text()).to.contain('Instagram').and.contain('Facebook');
    const retryForm = formFields(french, 'form#outage-retry');
    const { _csrf: csrf, ...carried } = retryForm;
    expect(csrf).to.be.a('string').and.not.equal('');
    const { _csrf: _postedCsrf, ...expected } = posted;
    expect(carried).to.deep.equal(expected);
    expect(french.$('form#outage-retry').attr('action')).to.equal(action);
    expect(french.$('form#outage-retry button[type=submit]').text().trim()).to.equal('Réessayer l’envoi');
    expect(french.html).not.to.match(/MongoServerSelectionError|at .*\.ts:\d+/);

    respondent.acceptLanguage = 'en-GB,en;q=0.9';
    const english = await respondent.post(action, posted);
    expect(english.status).to.equal(503);
    expect(english.$('html').attr('lang')).to.equal('en');
    expect(english.$('h1').text()).to.equal('Your answers are not saved yet');
    const { _csrf: _englishCsrf, ...carriedInEnglish } = formFields(english, 'form#outage-retry');
    expect(carriedInEnglish).to.deep.equal(expected);
    respondent.acceptLanguage = 'fr-FR,fr;q=0.9';

    // Other pages: a 503 in the page's language with no stack, JSON for the page's script and the API.
    const page = await respondent.get(action);
    expect(page.status).to.equal(503);
    expect(page.$('h1').text()).to.equal('Service momentanément indisponible');
    expect(page.html).not.to.contain('<pre class="stack"');
    const scripted = await respondent.agent.post(action).set('Barometer-Submit', 'fetch').set('Accept-Language', 'en').type('form').send(encodeForm(posted)).redirects(0);
    expect(scripted.status).to.equal(503);
    expect(scripted.body).to.deep.include({ error: { code: 'database_unavailable', message: 'Your answers cannot be saved right now: they are kept on this device and will be sent automatically.', retryNow: 'Try again now' } });
    const api = await fetch(`${app.url}/api/v1/surveys`, { headers: { Authorization: 'Bearer brm_not_a_real_token_but_well_formed' } });
    expect(api.status).to.equal(503);
    expect(api.headers.get('retry-after')).to.match(/^\d+$/);
    expect(await api.json()).to.have.nested.property('error.code', 'database_unavailable');

    const { result: stillDown, ms: stillDownMs } = await timed(() => fetch(`${app.url}/healthz`));
    expect(stillDown.status).to.equal(503);
    expect(stillDownMs).to.be.below(FAIL_FAST_MS);

    // The store comes back on the same port and directory: the app serves within the bound.
    store = await startStoreProcess(['--port', String(store.port), '--dbpath', path.join(dir, 'db')]);
    const back = Date.now();
    let status = 0;
    while (status !== 200 && Date.now() - back < 10_000) status = (await fetch(`${app.url}/healthz`)).status;
    expect(Date.now() - back).to.be.below(BACK_WITHIN_MS);
    expect((await respondent.get(action)).status).to.equal(200);

    // The retry button posts what the outage page carried: stored, and on to the next page.
    const retried = await respondent.post(action, retryForm);
    expect(retried.status, retried.html.slice(0, 300)).to.equal(303);
    const next = await respondent.open(retried.location!);
    expect(respondent.formAction(next)).to.equal(`/s/${CAPTIC_ID}/p/satisfaction`);
    const client = await MongoClient.connect(store.uri);
    try {
      const stored = await client.db('barometer').collection('responses').findOne({ surveyId: CAPTIC_ID });
      expect(stored?.answers).to.deep.include({ uses_social: 'yes', usage: 'both', networks: ['facebook', 'viadeo', 'other'] });
      expect(stored?.otherTexts).to.deep.include({ networks: 'Instagram' });
    } finally {
      await client.close();
    }
    const after = await respondent.submit(next, USER_PAGES.satisfaction!);
    expect(respondent.formAction(after)).to.equal(`/s/${CAPTIC_ID}/p/information`);
  });

  it('fails fast with 503 when the store hangs (SIGSTOP: no refusal, no answer), and serves within 2 s of it running again', async () => {
    const { respondent, action, posted } = await onSocialUsage();

    // Frozen, its sockets open: the kernel still accepts connections, nothing answers. The post
    // goes at once, while the app still believes the store is there (a pooled connection).
    store.child.kill('SIGSTOP');
    await untilStopped(store.child.pid!);
    const { result: page, ms: pageMs } = await timed(() => respondent.post(action, posted));
    figures.push(`hung store: page post ${page.status} in ${pageMs} ms`);
    expect(page.status, page.html.slice(0, 300)).to.equal(503);
    expect(page.$('h1').text()).to.equal('Vos réponses ne sont pas encore enregistrées');
    expect(page.$('dl.typed-answers').text()).to.contain('Instagram');
    expect(pageMs, 'the page post failed within the bound').to.be.below(HANG_FAIL_FAST_MS);

    const { result: health, ms: healthMs } = await timed(() => fetch(`${app.url}/healthz`));
    // A second post, now that the app knows: as fast.
    const { result: again, ms: againMs } = await timed(() => respondent.post(action, posted));
    figures.push(`hung store: /healthz ${health.status} in ${healthMs} ms, second post ${again.status} in ${againMs} ms`);
    expect(health.status).to.equal(503);
    expect(await health.json()).to.include({ database: 'unreachable' });
    expect(healthMs).to.be.below(HANG_FAIL_FAST_MS);
    expect(again.status).to.equal(503);
    expect(againMs).to.be.below(HANG_FAIL_FAST_MS);

    store.child.kill('SIGCONT');
    const back = Date.now();
    let status = 0;
    while (status !== 200 && Date.now() - back < 10_000) status = (await fetch(`${app.url}/healthz`)).status;
    const backMs = Date.now() - back;
    figures.push(`store continued: /healthz 200 after ${backMs} ms`);
    expect(backMs).to.be.below(BACK_WITHIN_MS);
    const retried = await respondent.post(action, posted);
    expect(retried.status, retried.html.slice(0, 300)).to.equal(303);
    const next = await respondent.open(retried.location!);
    expect(respondent.formAction(next)).to.equal(`/s/${CAPTIC_ID}/p/satisfaction`);
  });
});
