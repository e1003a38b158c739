import { expect } from 'chai';
import mongoose from 'mongoose';
import { Browser, type Page } from '../../support/browser';
import { startTestApp, type TestApp } from '../../support/app';
import { TEST_ACTOR, wavesOf } from '../../support/waves';
import { CAPTIC_ID, USER_PAGES } from '../../fixtures/captic-answers';

const db = () => mongoose.connection.db!;
const storedResponses = () => db().collection('responses').find({}).toArray();

/** A respondent on the satisfaction page (uses_social=yes, usage=personal, networks chosen). */
async function onSatisfactionPage(browser: Browser): Promise<Page> {
  const intro = await browser.open(`/s/${CAPTIC_ID}`);
  let page = await browser.submit(intro, { consent: 'yes' });
  page = await browser.submit(page, { uses_social: 'yes' });
  page = await browser.submit(page, { usage: 'personal', networks: ['facebook', 'linkedin'] });
  expect(page.$('form#survey-form').attr('action')).to.equal(`/s/${CAPTIC_ID}/p/satisfaction`);
  return page;
}

describe('Protecting responses from bad input', () => {
  let app: TestApp;
  before(async () => {
    app = await startTestApp();
  });
  after(async () => app.close());
  beforeEach(() => app.reset());

  /** Posts raw fields on top of the page's own hidden fields; the page says `message`, and nothing changed. */
  async function expectRefused(browser: Browser, page: Page, fields: Record<string, string | string[]>, status: number, message: RegExp) {
    const before = await storedResponses();
    const res = await browser.post(browser.formAction(page), { ...browser.hiddenFields(page), action: 'next', ...fields });
    expect(res.status, res.html.slice(0, 300)).to.equal(status);
    expect(res.$('main').text()).to.match(message);
    expect(await storedResponses()).to.deep.equal(before);
    return res;
  }

  const FORM_NOT_OFFERED = "Le formulaire envoyé contient des réponses qui n'étaient pas proposées. Rien n'a été enregistré : revenez à la page et réessayez.";

  /**
   * A tampered form: the respondent's page says so in their words only, without the technical
   * reason, which a client asking for JSON gets. Nothing is stored either way.
   */
  async function expectTamperingRefused(browser: Browser, page: Page, fields: Record<string, string | string[]>, reason: RegExp) {
    const res = await expectRefused(browser, page, fields, 400, /réponses qui n'étaient pas proposées/);
    expect(res.$('p.lead').text()).to.equal(FORM_NOT_OFFERED);
    expect(res.$('main').text()).to.not.match(reason);
    const form = new URLSearchParams({ ...browser.hiddenFields(page), action: 'next', ...fields } as Record<string, string>);
    const before = await storedResponses();
    const json = await browser.agent.post(browser.formAction(page)).set('Accept', 'application/json').type('form').send(form.toString());
    expect(json.status).to.equal(400);
    expect((json.body as { error: { message: string } }).error.message).to.match(reason);
    expect(await storedResponses()).to.deep.equal(before);
  }

  it('refuses an unknown question id with 400', async () => {
    const browser = new Browser(app.url);
    const page = await onSatisfactionPage(browser);
    await expectTamperingRefused(browser, page, { 'satisfaction_personal.facebook': '4', 'satisfaction_personal.linkedin': '3', favourite_colour: 'blue' }, /Unknown fields: favourite_colour/);
  });

  it('refuses an unknown option id with 400', async () => {
    const browser = new Browser(app.url);
    const intro = await browser.open(`/s/${CAPTIC_ID}`);
    const page = await browser.submit(intro, { consent: 'yes' });
    await expectTamperingRefused(browser, page, { uses_social: 'maybe' }, /uses_social \(unknown_option\)/);
  });

  it('refuses a matrix row that was not offered (a network not chosen) with 400', async () => {
    const browser = new Browser(app.url);
    const page = await onSatisfactionPage(browser);
    await expectTamperingRefused(browser, page, { 'satisfaction_personal.facebook': '4', 'satisfaction_personal.linkedin': '3', 'satisfaction_personal.viadeo': '5' }, /satisfaction_personal \(hidden\)/);
  });

  it('refuses answers to a question hidden by earlier answers with 400', async () => {
    const browser = new Browser(app.url);
    const page = await onSatisfactionPage(browser);
    // usage=personal hides the professional matrix.
    await expectTamperingRefused(
      browser,
      page,
      { 'satisfaction_personal.facebook': '4', 'satisfaction_personal.linkedin': '3', 'satisfaction_professional.facebook': '5' },
      /not shown: satisfaction_professional/,
    );
  });

  it('refuses a wrong type with 422 and keeps the page', async () => {
    const browser = new Browser(app.url);
    const page = await onSatisfactionPage(browser);
    const before = await storedResponses();
    const res = await browser.post(browser.formAction(page), { ...browser.hiddenFields(page), action: 'next', 'satisfaction_personal.facebook': ['4', '5'], 'satisfaction_personal.linkedin': '3' });
    expect(res.status).to.equal(422);
    expect(res.$('.error-summary').text()).to.contain("Cette réponse n'a pas le bon format.");
    expect(await storedResponses()).to.deep.equal(before);
  });

  it('refuses a POST without a CSRF token with 403', async () => {
    const browser = new Browser(app.url);
    const page = await onSatisfactionPage(browser);
    const fields = { ...browser.hiddenFields(page), ...USER_PAGES.satisfaction } as Record<string, string>;
    delete fields._csrf;
    await expectRefused(browser, page, { ...fields, _csrf: '' }, 403, /Votre session a expiré ou le formulaire a été altéré/);
  });

  it('gives a CSRF token with every form, and keeps it from one page to the next', async () => {
    const browser = new Browser(app.url);
    const intro = await browser.get(`/s/${CAPTIC_ID}`);
    const token = browser.hiddenFields(intro)._csrf as string;
    expect(token).to.match(/^[0-9a-f]{64}\.[0-9a-f]+$/);
    expect(intro.headers['set-cookie']?.toString()).to.contain('brm_csrf=');
    // A redirect carries no form: no token is made for it.
    const started = await browser.post(browser.formAction(intro), { ...browser.hiddenFields(intro), consent: 'yes' });
    expect(started.status).to.equal(303);
    expect(started.headers['set-cookie']?.toString() ?? '').not.to.contain('brm_csrf=');
    const page = await browser.open(started.location!);
    expect(browser.hiddenFields(page)._csrf).to.equal(token);
  });

  it('refuses a tampered response id with 403', async () => {
    const browser = new Browser(app.url);
    const page = await onSatisfactionPage(browser);
    await expectRefused(browser, page, { response: '0123456789abcdef01234567', 'satisfaction_personal.facebook': '4', 'satisfaction_personal.linkedin': '3' }, 403, /pas accessible depuis ce navigateur/);
  });

  it("does not let another browser open or post to someone's response", async () => {
    const owner = new Browser(app.url);
    const page = await onSatisfactionPage(owner);
    const stranger = new Browser(app.url);
    const strangerIntro = await stranger.open(`/s/${CAPTIC_ID}`);
    // The stranger's own page shows the intro, not the owner's answers.
    expect(strangerIntro.$('h1').text()).to.equal('Utilisation des réseaux sociaux par les professionnels');
    const opened = await stranger.get(`/s/${CAPTIC_ID}/p/satisfaction`);
    expect(opened.status).to.equal(303);
    const res = await stranger.post(owner.formAction(page), { ...stranger.hiddenFields(strangerIntro), response: owner.hiddenFields(page).response as string, 'satisfaction_personal.facebook': '1' });
    expect(res.status).to.equal(403);
    const resumeBad = await stranger.get(`/s/${CAPTIC_ID}/resume/${'A'.repeat(43)}`);
    expect(resumeBad.status).to.equal(404);
  });

  it('refuses a POST to a closed wave once its grace period is over, with 410, and stores nothing', async () => {
    const browser = new Browser(app.url);
    const page = await onSatisfactionPage(browser);
    // No grace period: the close stops responses in progress at once (test/integration/waves covers the grace).
    await wavesOf(app).setSchedule(CAPTIC_ID, 'demo', { graceMinutes: 0 }, TEST_ACTOR);
    await wavesOf(app).closeWave(CAPTIC_ID, 'demo', TEST_ACTOR);
    await expectRefused(browser, page, { 'satisfaction_personal.facebook': '4', 'satisfaction_personal.linkedin': '3' }, 410, /Cette enquête est close/);
    const intro = await browser.get(`/s/${CAPTIC_ID}`);
    expect(intro.status).to.equal(410);
  });

  it('sees a wave closed by another process, without a restart', async () => {
    const browser = new Browser(app.url);
    const page = await onSatisfactionPage(browser);
    // Another instance or a command-line tool writes to the database; this process only learns
    // of it when its cached copy of the wave expires (WAVES_MAX_AGE_MS).
    await db().collection('waves').updateOne({ surveyId: CAPTIC_ID, waveId: 'demo' }, { $set: { status: 'closed', closedAt: new Date(), graceMinutes: 0 } });
    let intro = await browser.get(`/s/${CAPTIC_ID}`);
    while (intro.status !== 410) {
      expect(intro.status, 'before the closure is seen, the survey answers as usual').to.equal(303);
      await new Promise((resolve) => setTimeout(resolve, 20));
      intro = await browser.get(`/s/${CAPTIC_ID}`);
    }
    await expectRefused(browser, page, { 'satisfaction_personal.facebook': '4', 'satisfaction_personal.linkedin': '3' }, 410, /Cette enquête est close/);
  });

  it('refuses a filled honeypot with 400 and creates no response', async () => {
    const browser = new Browser(app.url);
    const intro = await browser.open(`/s/${CAPTIC_ID}`);
    const res = await browser.post(browser.formAction(intro), { ...browser.hiddenFields(intro), consent: 'yes', website: 'http://spam.example' });
    expect(res.status).to.equal(400);
    expect(await storedResponses()).to.have.length(0);
  });

  it('sends a strict Content-Security-Policy and no inline script', async () => {
    const browser = new Browser(app.url);
    const page = await onSatisfactionPage(browser);
    const csp = page.headers['content-security-policy'] ?? '';
    expect(csp).to.contain("script-src 'self'");
    expect(csp).to.not.contain('unsafe-inline');
    // A JSON data block (the script's strings) is not executed, and the CSP would not run it anyway.
    const executable = page.$('script').filter((_, el) => page.$(el).attr('type') !== 'application/json');
    expect(executable.length).to.be.greaterThan(0);
    executable.each((_, el) => {
      expect(page.$(el).attr('src'), 'every script is a file').to.match(/^\/public\//);
      expect(page.$(el).text().trim()).to.equal('');
    });
    page.$('script[type="application/json"]').each((_, el) => {
      expect(() => JSON.parse(page.$(el).text()), 'a data block is JSON only').to.not.throw();
    });
    expect(page.html).to.not.match(/\son[a-z]+=/i);
  });

  it('keeps a question page under 60 KB, stylesheet and script included', async () => {
    const browser = new Browser(app.url);
    const page = await onSatisfactionPage(browser);
    let total = Buffer.byteLength(page.html);
    const assets = [...page.$('link[rel=stylesheet]').map((_, el) => page.$(el).attr('href')).get(), ...page.$('script[src]').map((_, el) => page.$(el).attr('src')).get()];
    expect(assets.length).to.be.at.least(2);
    for (const href of assets) {
      const asset = await browser.agent.get(href);
      expect(asset.status).to.equal(200);
      total += Buffer.byteLength(asset.text);
    }
    expect(total).to.be.below(60 * 1024);
  });
});

describe('Rate limiting response creation', () => {
  let app: TestApp;
  before(async () => {
    app = await startTestApp({ RESPONSE_RATE_LIMIT: '3' });
    await app.reset();
  });
  after(async () => app.close());

  it('answers 429 once one address has started too many responses, and stores no more', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 5; i += 1) {
      const browser = new Browser(app.url);
      const intro = await browser.open(`/s/${CAPTIC_ID}`);
      const res = await browser.post(browser.formAction(intro), { ...browser.hiddenFields(intro), consent: 'yes' });
      statuses.push(res.status);
    }
    expect(statuses).to.deep.equal([303, 303, 303, 429, 429]);
    expect(await storedResponses()).to.have.length(3);
  });
});
