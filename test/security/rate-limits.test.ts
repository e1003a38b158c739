// Rate limits hold against a guesser and across app processes: every limiter counts in MongoDB
// (server/lib/rate-limit-store.ts), so two apps on one database allow a limit once, not twice, and
// an app restarted keeps the count. Two apps in this process share the test database, as two
// machines share a replica set; the client's address comes from X-Forwarded-For (TRUST_PROXY).
import { expect } from 'chai';
import mongoose from 'mongoose';
import { CookieAccessInfo } from 'cookiejar';
import { Browser, pageIdOf, text, type Page } from '../support/browser';
import { startTestApp, type TestApp } from '../support/app';
import { CAPTIC_ID } from '../fixtures/captic-answers';

const rateLimitWindows = () => mongoose.connection.db!.collection<{ _id: string; hits: number; resetAt: Date }>('rate_limits');
const TOO_MANY_LINKS = { fr: 'Trop de liens essayés depuis cette adresse', en: 'Too many links tried from this address' };
/** INVITATION_LINK_RATE_LIMIT's default: these apps run with it. */
const LINKS_PER_WINDOW = 100;
const RESPONSES_PER_WINDOW = 4;

/** A browser at one client address (as the proxy says), on one app. */
function browserAt(app: TestApp, address: string, lang: 'fr' | 'en' = 'fr'): Browser {
  const browser = new Browser(app.url);
  browser.acceptLanguage = lang;
  browser.agent.set('X-Forwarded-For', address);
  return browser;
}

/** The same browser (its cookies) reaching the other app, as a load balancer would send it. */
function sameBrowserOn(browser: Browser, app: TestApp, address: string): Browser {
  const twin = browserAt(app, address, browser.acceptLanguage === 'en' ? 'en' : 'fr');
  for (const cookie of browser.agent.jar.getCookies(CookieAccessInfo.All)) twin.agent.jar.setCookie(cookie);
  return twin;
}

async function respondentOnFirstPage(browser: Browser): Promise<Page> {
  const intro = await browser.open(`/s/${CAPTIC_ID}`);
  const page = await browser.submit(intro, { consent: 'yes' });
  expect(pageIdOf(page)).to.equal('social_use');
  return page;
}

/** "Email me this link", posted from the page's form by `browser` (on either app). */
function askForLink(browser: Browser, page: Page, email: string): Promise<Page> {
  const form = page.$('form.resume-mail-form');
  return browser.post(form.attr('action')!, { _csrf: form.find('input[name=_csrf]').attr('value')!, page: pageIdOf(page)!, email });
}

const randomToken = () => Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString('base64url');

describe('Rate limits shared by every app process, in MongoDB', function () {
  this.timeout(40_000);
  let one: TestApp;
  let two: TestApp;
  const env = { TRUST_PROXY: 'true', RESPONSE_RATE_LIMIT: String(RESPONSES_PER_WINDOW) };
  before(async () => {
    [one, two] = await Promise.all([startTestApp(env), startTestApp(env)]);
  });
  after(async () => Promise.all([one?.close(), two?.close()]));
  beforeEach(() => one.reset());

  it('refuses 300 resume-token guesses from one address past the limit, counted across both apps, and still opens a genuine link from elsewhere', async () => {
    const owner = browserAt(one, '198.51.100.2');
    const ownerPage = await respondentOnFirstPage(owner);
    const genuine = new URL(ownerPage.$('#resume-link').attr('href')!).pathname;

    // Ten at a time, alternating apps: each hit is one atomic increment, whatever the order.
    const guessers = [browserAt(one, '203.0.113.7'), browserAt(two, '203.0.113.7', 'en')];
    const answers: Page[] = [];
    for (let batch = 0; batch < 30; batch += 1) {
      answers.push(...(await Promise.all(Array.from({ length: 10 }, (_, n) => guessers[n % 2]!.get(`/s/${CAPTIC_ID}/resume/${randomToken()}`)))));
    }
    const count = (status: number) => answers.filter((page) => page.status === status).length;
    expect([count(404), count(429)], 'the allowance once across both apps, then refusals').to.deep.equal([LINKS_PER_WINDOW, 300 - LINKS_PER_WINDOW]);
    // Refused in the language of the one who asked, on either app, with when to try again.
    for (const lang of ['fr', 'en'] as const) {
      const refused = answers.find((page) => page.status === 429 && page.$('html').attr('lang') === lang)!;
      expect(text(refused, 'h1')).to.equal(TOO_MANY_LINKS[lang]);
      expect(Number(refused.headers['retry-after'])).to.be.greaterThan(0).and.at.most(10 * 60);
      expect(refused.html, 'the page names no token').to.not.contain('/resume/');
    }

    // Invitation links count with resume links: switching kinds buys no tries.
    expect((await guessers[0]!.get(`/s/${CAPTIC_ID}/i/i_${randomToken()}`)).status).to.equal(429);
    // The genuine link, opened from another address on either app, still works.
    const phone = browserAt(two, '192.0.2.44');
    const opened = await phone.get(genuine);
    expect(opened.status).to.equal(303);
    expect(opened.location).to.equal(`/s/${CAPTIC_ID}/p/social_use?resumed=1`);
    const [guesses] = await rateLimitWindows().find({ _id: 'links-tried:203.0.113.7' }).toArray();
    expect(guesses!.hits).to.equal(301);
  });

  /** Consent posted by a fresh browser at `address` on `app`: the status of the start. */
  async function startFrom(app: TestApp, address: string): Promise<number> {
    const browser = browserAt(app, address);
    const intro = await browser.get(`/s/${CAPTIC_ID}`);
    return (await browser.post(browser.formAction(intro), { ...browser.hiddenFields(intro), consent: 'yes' })).status;
  }

  it('counts responses started from one address across both apps', async () => {
    const statuses: number[] = [];
    for (let n = 0; n <= RESPONSES_PER_WINDOW; n += 1) statuses.push(await startFrom(n % 2 ? two : one, '192.0.2.10'));
    expect(statuses).to.deep.equal([303, 303, 303, 303, 429]);
    expect(await mongoose.connection.db!.collection('responses').countDocuments()).to.equal(RESPONSES_PER_WINDOW);
  });

  it('reads the client from the proxy in front, not from X-Forwarded-For entries the client wrote', async () => {
    // A client behind the proxy sends its own X-Forwarded-For; the proxy appends the address it saw.
    const statuses: number[] = [];
    for (let n = 0; n <= RESPONSES_PER_WINDOW; n += 1) statuses.push(await startFrom(one, `10.9.${n}.1, 192.0.2.13`));
    expect(statuses).to.deep.equal([303, 303, 303, 303, 429]);
    expect(await rateLimitWindows().countDocuments({ _id: /^responses-started:10\.9\./ }), 'no forged address counted').to.equal(0);
  });

  it('keeps the count when an app process restarts', async () => {
    for (let n = 0; n < RESPONSES_PER_WINDOW; n += 1) expect(await startFrom(two, '192.0.2.11')).to.equal(303);
    await two.close();
    two = await startTestApp(env);
    expect(await startFrom(two, '192.0.2.11')).to.equal(429);
    expect(await startFrom(one, '192.0.2.11')).to.equal(429);
    expect(await startFrom(two, '192.0.2.12'), 'another address').to.equal(303);
  });

  it('starts a window afresh once it has ended, before the TTL monitor removes it', async () => {
    const key = 'responses-started:192.0.2.50';
    await rateLimitWindows().insertOne({ _id: key, hits: 99, resetAt: new Date(Date.now() - 1000) });
    expect(await startFrom(two, '192.0.2.50')).to.equal(303);
    const window = await rateLimitWindows().findOne({ _id: key });
    expect(window!.hits).to.equal(1);
    expect(window!.resetAt.getTime()).to.be.greaterThan(Date.now());
  });

  it('counts hits arriving at once on both apps exactly: the limit, never more', async () => {
    const statuses = await Promise.all(Array.from({ length: 2 * RESPONSES_PER_WINDOW }, (_, n) => startFrom(n % 2 ? two : one, '192.0.2.60')));
    expect(statuses.filter((status) => status === 303)).to.have.length(RESPONSES_PER_WINDOW);
    expect(statuses.filter((status) => status === 429)).to.have.length(RESPONSES_PER_WINDOW);
    expect((await rateLimitWindows().findOne({ _id: 'responses-started:192.0.2.60' }))!.hits).to.equal(2 * RESPONSES_PER_WINDOW);
  });

  it('counts the resume mail’s three limits across both apps, with no address in clear', async () => {
    // Per client address: 10 an hour, refused requests included.
    const asker = browserAt(one, '192.0.2.30');
    const page = await respondentOnFirstPage(asker);
    const askerOnTwo = sameBrowserOn(asker, two, '192.0.2.30');
    const perClient: number[] = [];
    for (let n = 0; n < 11; n += 1) perClient.push((await askForLink(n % 2 ? askerOnTwo : asker, page, 'not an address')).status);
    expect(perClient).to.deep.equal([...Array<number>(10).fill(422), 429]);

    // Per response: 3 links sent an hour, whichever app sends them.
    const respondent = browserAt(one, '192.0.2.31');
    const first = await respondentOnFirstPage(respondent);
    const respondentOnTwo = sameBrowserOn(respondent, two, '192.0.2.31');
    const perResponse: number[] = [];
    for (const [n, browser] of [respondent, respondentOnTwo, respondent, respondentOnTwo].entries()) {
      perResponse.push((await askForLink(browser, first, `me${n}@example.org`)).status);
    }
    expect(perResponse).to.deep.equal([303, 303, 303, 429]);

    // Per recipient: 5 a day, whichever responses and apps they come from.
    const recipientCounts: number[] = [];
    for (const address of ['192.0.2.32', '192.0.2.33']) {
      const browser = browserAt(one, address);
      const onFirst = await respondentOnFirstPage(browser);
      const twin = sameBrowserOn(browser, two, address);
      for (const via of [browser, twin, browser]) recipientCounts.push((await askForLink(via, onFirst, ' Same@Example.org')).status);
    }
    // The second response's third link is the address's sixth: refused, whichever app.
    expect(recipientCounts).to.deep.equal([303, 303, 303, 303, 303, 429]);

    const windows = await rateLimitWindows().find({}).toArray();
    const prefixes = new Set(windows.map((window) => window._id.split(':')[0]));
    expect([...prefixes].sort()).to.include.members(['resume-mail-client', 'resume-mail-recipient', 'resume-mail-response', 'responses-started']);
    for (const window of windows) {
      expect(window._id, 'no address in clear').to.not.match(/@|example/i);
      expect(window.resetAt).to.be.instanceOf(Date);
    }
    const indexes = await rateLimitWindows().indexes();
    expect(indexes.find((index) => index.key.resetAt === 1)).to.include({ expireAfterSeconds: 0 });
  });
});
