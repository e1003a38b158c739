// The database goes away while a respondent with JavaScript answers CAP-TIC: the page's script
// (public/js/take.js) gets a 503, keeps the page and its answers on the device, says so, and sends
// them once the store is back, with "Try again now". The store is a process of its own (npm run db),
// killed and started again on the same port and directory; the app a child process pointed at it
// with MONGODB_URI (test/integration/faults/database-outage.test.ts does the same without a browser).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { MongoClient, type Document } from 'mongodb';
import type { Browser, Page } from 'playwright-core';
import { childEnv, startAppProcess, startStoreProcess, type AppProcess, type StoreProcess } from '../support/app-process';
import { CAPTIC_ID, USER_PAGES } from '../fixtures/captic-answers';
import { launchChromium, openContext } from './support/chromium';
import { answerPage, currentPageId, inPage, next, submitWith, untilInPage } from './support/survey';

const SOCIAL_USAGE = USER_PAGES.social_usage!;
const PAGE_PATH = `/s/${CAPTIC_ID}/p/social_usage`;

/** The one response of the run, read straight from the store. */
async function storedResponse(store: StoreProcess): Promise<Document> {
  const client = await MongoClient.connect(store.uri);
  try {
    const [stored, ...more] = await client.db('barometer').collection('responses').find({ surveyId: CAPTIC_ID }).toArray();
    expect(more, 'one response').to.have.length(0);
    return stored!;
  } finally {
    await client.close();
  }
}

/** The form's fields as the page would post them (hidden ones and the honeypot aside), repeated names as arrays. */
function formAnswers(page: Page): Promise<Record<string, string | string[]>> {
  return inPage(
    page,
    `(() => {
      const form = document.getElementById('survey-form');
      const answers = {};
      for (const [name, value] of new FormData(form)) {
        const field = form.querySelector('[name="' + name + '"]');
        if (!field || field.type === 'hidden' || field.closest('.honeypot')) continue;
        answers[name] = name in answers ? [].concat(answers[name], value) : field.type === 'checkbox' ? [value] : value;
      }
      return answers;
    })()`,
  );
}

/** What take.js keeps in localStorage, by key. */
function keptOnDevice(page: Page): Promise<Record<string, string>> {
  return inPage(page, 'Object.fromEntries(Object.entries(localStorage).filter(([key]) => key.startsWith("barometer:")))');
}

describe('A database outage while a respondent answers CAP-TIC in Chromium', function () {
  this.timeout(60_000);
  let dir: string;
  let store: StoreProcess;
  let app: AppProcess;
  let browser: Browser;

  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'barometer-e2e-outage-'));
    store = await startStoreProcess(['--port', '0', '--dbpath', path.join(dir, 'db')]);
    [app, browser] = await Promise.all([
      startAppProcess(childEnv({ MONGODB_URI: `${store.uri}/barometer`, DATA_DIR: path.join(dir, 'app') })),
      launchChromium(),
    ]);
  });
  after(async () => {
    await browser?.close();
    await app?.stop();
    await store?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('keeps the typed page on the page and the device while the store is away, and sends it once with "Try again now"', async () => {
    const context = await openContext(browser, { locale: 'fr-FR' });
    const page = await context.newPage();
    // Every answer the server gave to a post of the page, in order.
    const posts: number[] = [];
    page.on('response', (response) => {
      if (response.request().method() === 'POST' && new URL(response.url()).pathname === PAGE_PATH) posts.push(response.status());
    });

    await page.goto(`${app.url}/s/${CAPTIC_ID}`);
    await page.getByLabel("J'ai lu ces informations et j'accepte de participer").check();
    await submitWith(page, page.getByRole('button', { name: 'Commencer' }));
    await answerPage(page, USER_PAGES.social_use!);
    await next(page);
    expect(await currentPageId(page)).to.equal('social_usage');
    const revisionBefore = (await storedResponse(store)).revision as number;

    store.child.kill('SIGKILL');
    await store.exited;
    await answerPage(page, SOCIAL_USAGE);
    await page.locator('#survey-form button[value="next"]').click();
    const status = page.locator('#submit-status');
    await status.filter({ hasText: 'gardées sur cet appareil' }).waitFor();
    expect(await status.textContent()).to.equal('Enregistrement impossible pour l’instant\u00a0: vos réponses sont gardées sur cet appareil et seront envoyées automatiquement.');
    expect(posts[0], 'the server answered the post 503').to.equal(503);
    expect(await currentPageId(page), 'the page stays').to.equal('social_usage');
    expect(await page.locator('#retry-now').innerText()).to.equal('Réessayer maintenant');
    expect(await page.locator('#survey-form button[value="next"]').isEnabled(), 'the page can still be sent by hand').to.equal(true);
    // Nothing typed is lost: it is in the form, in the draft, and in the submission kept to send.
    expect(await formAnswers(page)).to.deep.equal(SOCIAL_USAGE);
    const kept = await keptOnDevice(page);
    const draft = Object.entries(kept).find(([key]) => key.endsWith(':draft:social_usage'));
    expect(draft, `a draft among ${Object.keys(kept).join(', ')}`).to.not.equal(undefined);
    expect(Object.values(JSON.parse(draft![1]).fields as Record<string, unknown>)).to.include('Instagram');
    const pending = Object.entries(kept).find(([key]) => key.endsWith(':pending'));
    const sent = new URLSearchParams(JSON.parse(pending![1]).body as string);
    expect(sent.getAll('networks')).to.deep.equal(SOCIAL_USAGE.networks);
    expect(sent.get('networks--other')).to.equal('Instagram');
    expect(sent.get('action')).to.equal('next');

    // The store comes back; "Try again now" sends the kept page (or the script's own retry already
    // has: the button is then gone, and a second send is refused by the script while one runs).
    store = await startStoreProcess(['--port', String(store.port), '--dbpath', path.join(dir, 'db')]);
    await untilInPage(page, `fetch('/healthz').then((r) => r.ok)`, 10_000);
    await Promise.all([
      page.waitForURL(`**/s/${CAPTIC_ID}/p/satisfaction`, { waitUntil: 'load' }),
      inPage(page, `(() => { const retry = document.getElementById('retry-now'); if (retry && !retry.hidden) retry.click(); })()`),
    ]);
    expect(await currentPageId(page)).to.equal('satisfaction');
    // 503s while the store was away (the first, and any automatic retry), then one 200: sent once.
    expect(posts.slice(0, -1).every((code) => code === 503), `posts ${posts.join(', ')}`).to.equal(true);
    expect(posts.at(-1)).to.equal(200);
    const stored = await storedResponse(store);
    expect(stored.revision, 'one write since the page before').to.equal(revisionBefore + 1);
    expect(stored.answers).to.deep.include({ usage: 'both', networks: ['facebook', 'viadeo', 'other'] });
    expect(stored.otherTexts).to.deep.include({ networks: 'Instagram' });
    // Nothing of the sent page is left waiting on the device.
    expect(Object.keys(await keptOnDevice(page))).to.deep.equal([]);
    await context.close();
  });
});
