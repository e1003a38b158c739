// A flaky connection loses nothing: on CAP-TIC's satisfaction page the network goes away, the
// respondent answers and presses Next, the page says it will be sent; a reload without network
// still shows the page with what was typed (the service worker's copy and the draft kept on the
// device); the network comes back, the page is saved once and the survey goes on. Where the
// browser refuses to store anything, the open page still sends it.
import { expect } from 'chai';
import type { Page } from 'playwright-core';
import { CAPTIC_ID, USER_PAGES, USER_STORED_ANSWERS } from '../fixtures/captic-answers';
import { useChromiumSuite } from './support/chromium';
import { answerPage, currentPageId, inPage, next, storedResponses, submitWith } from './support/survey';

const SATISFACTION = USER_PAGES.satisfaction!;

async function checkedRadios(page: Page): Promise<Record<string, string>> {
  return inPage(
    page,
    `Object.fromEntries(Array.from(document.querySelectorAll('#survey-form input[type=radio]:checked')).map((r) => [r.name, r.value]))`,
  );
}

/** What take.js keeps in localStorage. */
function keptOnDevice(page: Page): Promise<string[]> {
  return inPage(page, 'Object.keys(localStorage).filter((key) => key.startsWith("barometer:"))');
}

/** The question pages the service worker holds copies of. */
function copiedPages(page: Page): Promise<string[]> {
  return inPage(
    page,
    `caches.open('barometer-respondent-v1').then((cache) => cache.keys()).then((requests) => requests.map((r) => new URL(r.url).pathname).filter((path) => path.includes('/p/')))`,
  );
}

/** From the consent page (in French) to the satisfaction page; `onFirstPage` runs on the first question page. */
async function reachSatisfaction(page: Page, appUrl: string, onFirstPage: () => Promise<unknown> = async () => {}): Promise<void> {
  await page.goto(`${appUrl}/s/${CAPTIC_ID}`);
  await page.getByLabel("J'ai lu ces informations et j'accepte de participer").check();
  await submitWith(page, page.getByRole('button', { name: 'Commencer' }));
  await onFirstPage();
  await answerPage(page, USER_PAGES.social_use!);
  await next(page);
  await answerPage(page, USER_PAGES.social_usage!);
  await next(page);
  expect(await currentPageId(page)).to.equal('satisfaction');
}

describe('Answering CAP-TIC offline in Chromium', function () {
  this.timeout(60_000);
  const suite = useChromiumSuite();

  it('keeps the satisfaction page on the device without network, through a reload, and sends it once when the network returns', async () => {
    const page = await suite.newPage({ locale: 'fr-FR' });
    const context = page.context();
    // The POSTs of the satisfaction page that the server answered (a request cut by the network fails instead).
    const satisfactionPosts: number[] = [];
    context.on('requestfinished', async (request) => {
      if (request.method() !== 'POST' || new URL(request.url()).pathname !== `/s/${CAPTIC_ID}/p/satisfaction`) return;
      satisfactionPosts.push((await request.response())?.status() ?? 0);
    });

    // The first question page registers the worker; the pages after it go through it.
    await reachSatisfaction(page, suite.app.url, () =>
      inPage(
        page,
        `navigator.serviceWorker.controller ? true : new Promise((resolve) => navigator.serviceWorker.addEventListener('controllerchange', () => resolve(true)))`,
      ),
    );
    expect(await inPage<boolean>(page, 'caches.match(location.href).then((copy) => Boolean(copy))'), 'the worker kept a copy of the page').to.equal(true);

    const revisionBefore = (await storedResponses())[0]!.revision as number;
    await context.setOffline(true);
    await answerPage(page, SATISFACTION);
    await page.locator('#survey-form button[value="next"]').click();
    const status = page.locator('#submit-status');
    await status.filter({ hasText: 'seront envoyées dès le retour de la connexion' }).waitFor();
    expect(await status.getAttribute('role')).to.equal('status');
    expect(await currentPageId(page)).to.equal('satisfaction');

    // A reload without network: the worker's copy of the page, the answers and the waiting state back.
    const workerFailures: string[] = [];
    context.on('requestfailed', (request) => {
      if (request.serviceWorker()) workerFailures.push(new URL(request.url()).pathname);
    });
    const reloaded = await page.reload();
    // The worker tried the network, which failed, and answered with its copy.
    expect(reloaded?.fromServiceWorker()).to.equal(true);
    expect(workerFailures).to.include(`/s/${CAPTIC_ID}/p/satisfaction`);
    expect(await currentPageId(page)).to.equal('satisfaction');
    await status.filter({ hasText: 'seront envoyées dès le retour de la connexion' }).waitFor();
    expect(await checkedRadios(page)).to.deep.equal(SATISFACTION);
    expect(await page.locator('#draft-restored').isVisible()).to.equal(true);
    expect(satisfactionPosts, 'nothing reached the server while offline').to.have.length(0);
    expect((await storedResponses())[0]!.revision).to.equal(revisionBefore);

    // The network returns: the waiting page is sent, once, and the survey goes on.
    await Promise.all([page.waitForURL(`**/s/${CAPTIC_ID}/p/information`, { waitUntil: 'load' }), context.setOffline(false)]);
    expect(await currentPageId(page)).to.equal('information');
    // 200: the script's submit is answered with where to go (server/responses/take.handlers.ts).
    expect(satisfactionPosts).to.deep.equal([200]);
    const [stored] = await storedResponses();
    // Saved once: one write since the page before it.
    expect(stored!.revision).to.equal(revisionBefore + 1);
    expect(stored!.answers).to.deep.include({
      satisfaction_personal: USER_STORED_ANSWERS.satisfaction_personal,
      satisfaction_professional: USER_STORED_ANSWERS.satisfaction_professional,
    });
    // Nothing of the sent page is left waiting on the device.
    expect(await keptOnDevice(page)).to.deep.equal([]);

    // To the end: the thank-you page drops the survey's copies and drafts.
    while (new URL(page.url()).pathname.includes('/p/')) {
      await answerPage(page, USER_PAGES[await currentPageId(page)]!);
      await next(page);
    }
    expect(new URL(page.url()).pathname).to.equal(`/s/${CAPTIC_ID}/thanks`);
    expect(await keptOnDevice(page)).to.deep.equal([]);
    let copies = await copiedPages(page);
    // The worker drops them as the thank-you page is fetched: wait until it has.
    for (let tries = 0; copies.length > 0 && tries < 100; tries += 1) copies = await copiedPages(page);
    expect(copies).to.deep.equal([]);
  });

  it('sends the page when the network returns where the browser refuses to store anything, and says to keep the page open', async () => {
    const page = await suite.newPage({ locale: 'fr-FR' });
    const context = page.context();
    // Safari's private windows (and a full quota) throw on every write to localStorage.
    await context.addInitScript(
      `Storage.prototype.setItem = function () { throw new DOMException('The quota has been exceeded.', 'QuotaExceededError'); };`,
    );
    await reachSatisfaction(page, suite.app.url);

    await context.setOffline(true);
    await answerPage(page, SATISFACTION);
    await page.locator('#survey-form button[value="next"]').click();
    const status = page.locator('#submit-status');
    await status.filter({ hasText: 'Gardez cette page ouverte' }).waitFor();
    expect(await status.textContent()).to.equal('Pas de connexion\u00a0: vos réponses seront envoyées dès son retour. Gardez cette page ouverte.');

    await Promise.all([page.waitForURL(`**/s/${CAPTIC_ID}/p/information`, { waitUntil: 'load' }), context.setOffline(false)]);
    const [stored] = await storedResponses();
    expect(stored!.answers).to.deep.include({ satisfaction_personal: USER_STORED_ANSWERS.satisfaction_personal });
  });
});
