// Resume links under attack. A crafted link (the attacker's own response) must never replace the
// response a victim's browser has in progress without asking, and must never let its sender read
// what the victim types: a browser with answers of its own is asked which to continue (a GET never
// switches, the switch is a POST with the form's CSRF token), and a link opened hands the response
// over under a new token, so that whoever held the link before opens nothing. Every link that opens
// nothing gets the same page. The limits on trying links are in rate-limits.test.ts.
import { expect } from 'chai';
import mongoose from 'mongoose';
import { Browser, pageIdOf, text, type FormFields, type Page } from '../support/browser';
import { startTestApp, type TestApp } from '../support/app';
import { setCookieNamed } from '../support/staff';
import { CAPTIC_ID, USER_PAGES } from '../fixtures/captic-answers';
import { startResponse } from '../../server/responses/response.service';
import { useChromiumSuite } from '../e2e/support/chromium';
import { describeViolations, findSeriousViolations } from '../e2e/support/axe';
import { currentPageId, submitWith } from '../e2e/support/survey';

const responses = () => mongoose.connection.db!.collection('responses');
const RESUME_COOKIE = `brm_resume_${CAPTIC_ID}`;
const SWITCH_TITLE = { fr: 'Quelles réponses voulez-vous continuer\u00a0?', en: 'Which answers do you want to continue?' };
const KEEP_OWN = { fr: 'Continuer mes réponses (commencées sur cet appareil)', en: 'Continue my answers (started on this device)' };
const OPEN_LINK = { fr: 'Ouvrir les réponses du lien', en: 'Open the answers from the link' };
const LINK_INVALID = { fr: 'Ce lien de reprise n’ouvre aucune réponse', en: 'This resume link opens no answers' };

/** A respondent who consented and answered the first page: on the page after it. */
async function respondentPast(browser: Browser, usesSocial: 'yes' | 'no'): Promise<Page> {
  const intro = await browser.open(`/s/${CAPTIC_ID}`);
  const first = await browser.submit(intro, { consent: 'yes' });
  return browser.submit(first, { uses_social: usesSocial });
}

/** The path of the "continue later" link a page shows. */
function resumePathOn(page: Page): string {
  const href = page.$('#resume-link').attr('href');
  if (!href) throw new Error(`no resume link on the page:\n${page.html.slice(0, 400)}`);
  return new URL(href).pathname;
}

/** The CSRF token of the question's "open the answers from the link" form. */
const switchToken = (page: Page) => page.$('form#open-link input[name=_csrf]').attr('value')!;
const responseIdOf = (page: Page) => page.$('input[name=response]').attr('value')!;

/** The page as a person reads it, without what differs on every request (the CSRF token). */
const withoutCsrf = (html: string) => html.replace(/name="_csrf" value="[^"]*"/g, 'name="_csrf"');

describe('Resume links never hand a browser someone else’s response without asking', function () {
  this.timeout(30_000);
  let app: TestApp;
  before(async () => {
    app = await startTestApp({ TRUST_PROXY: 'true' });
  });
  after(async () => app.close());
  beforeEach(() => app.reset());

  /** The attacker's response (answered "no"), and the link to it they send the victim. */
  async function attackerWithLink() {
    const attacker = new Browser(app.url);
    const page = await respondentPast(attacker, 'no');
    expect(pageIdOf(page)).to.equal('information');
    return { attacker, link: resumePathOn(page), responseId: attacker.hiddenFields(page).response as string };
  }

  for (const lang of ['fr', 'en'] as const) {
    it(`asks a browser with its own response in progress which to continue, in ${lang}, and changes nothing until it chooses`, async () => {
      const { attacker, link, responseId: attackerId } = await attackerWithLink();
      const victim = new Browser(app.url);
      victim.acceptLanguage = lang;
      const own = await respondentPast(victim, 'yes');
      const victimId = victim.hiddenFields(own).response as string;

      const asked = await victim.get(link);
      expect(asked.status).to.equal(200);
      expect(asked.headers['cache-control']).to.equal('no-store');
      expect(setCookieNamed(asked.headers, RESUME_COOKIE), 'the link sets no cookie').to.equal(undefined);
      expect(asked.$('h1').text()).to.equal(SWITCH_TITLE[lang]);
      const forms = asked.$('form').toArray().map((form) => asked.$(form));
      expect(forms.map((form) => [form.attr('method'), form.attr('action'), form.find('button').text().trim()])).to.deep.equal([
        ['get', `/s/${CAPTIC_ID}`, KEEP_OWN[lang]],
        ['post', link, OPEN_LINK[lang]],
      ]);
      expect(forms[0]!.find('button').hasClass('primary')).to.equal(true);
      expect(forms[1]!.find('input[name=_csrf]').attr('value')).to.be.a('string').and.not.equal('');

      // "Continue my answers": the victim's own page, and what they type goes to their own response.
      const back = await victim.open(`/s/${CAPTIC_ID}?`);
      expect(pageIdOf(back)).to.equal('social_usage');
      expect(victim.hiddenFields(back).response).to.equal(victimId);
      const next = await victim.submit(back, USER_PAGES.social_usage!);
      expect(pageIdOf(next)).to.equal('satisfaction');
      const stored = await responses().find({}).toArray();
      const byId = new Map(stored.map((doc) => [String(doc._id), doc]));
      expect(byId.get(victimId)!.answers).to.include({ uses_social: 'yes', usage: 'both' });
      expect(byId.get(attackerId)!.answers).to.deep.equal({ uses_social: 'no' });

      // The attacker's browser reads its own answers only.
      const attackerPage = await attacker.open(`/s/${CAPTIC_ID}`);
      expect(pageIdOf(attackerPage)).to.equal('information');
      expect(attackerPage.html).to.not.contain('Instagram');
      expect(attacker.hiddenFields(attackerPage).response).to.equal(attackerId);
    });
  }

  it('refuses the switch without the form’s CSRF token, and the browser keeps its own response', async () => {
    const { link } = await attackerWithLink();
    const victim = new Browser(app.url);
    const own = await respondentPast(victim, 'yes');
    const asked = await victim.get(link);
    for (const fields of [{}, { _csrf: '' }, { _csrf: 'forged' }] as FormFields[]) {
      const refused = await victim.post(link, fields);
      expect(refused.status).to.equal(403);
      expect(setCookieNamed(refused.headers, RESUME_COOKIE)).to.equal(undefined);
    }
    // Another site's page posting the form carries none of the browser's cookies (SameSite=Lax):
    // a bare agent with only the page's token is what it can send.
    const crossSite = new Browser(app.url);
    expect((await crossSite.post(link, { _csrf: switchToken(asked) })).status).to.equal(403);
    const back = await victim.open(`/s/${CAPTIC_ID}`);
    expect(victim.hiddenFields(back).response).to.equal(victim.hiddenFields(own).response);
  });

  it('switches on the POST with the token, and the link’s sender can no longer open what the victim then types', async () => {
    const { attacker, link, responseId: attackerId } = await attackerWithLink();
    const victim = new Browser(app.url);
    await respondentPast(victim, 'yes');
    const asked = await victim.get(link);
    const switched = await victim.post(link, { _csrf: switchToken(asked) });
    expect(switched.status).to.equal(303);
    expect(switched.location).to.equal(`/s/${CAPTIC_ID}/p/information?resumed=1`);
    const cookie = setCookieNamed(switched.headers, RESUME_COOKIE);
    expect(cookie, 'the browser takes the linked response').to.not.equal(undefined);
    expect(decodeURIComponent(cookie!.value)).to.not.contain(link.split('/').at(-1));
    const page = await victim.open(switched.location!);
    expect(victim.hiddenFields(page).response).to.equal(attackerId);
    await victim.submit(page, { info_sources: ['social_media', 'other'], 'info_sources--other': 'Mon secret' });
    expect((await responses().findOne({ _id: new mongoose.Types.ObjectId(attackerId) }))!.otherTexts).to.deep.equal({ info_sources: 'Mon secret' });

    // The link and the attacker's cookie held the old token: neither opens the response now.
    const attackerBack = await attacker.open(`/s/${CAPTIC_ID}`);
    expect(attackerBack.$('form').first().attr('action')).to.equal(`/s/${CAPTIC_ID}/start`);
    expect(attackerBack.html).to.not.contain('Mon secret');
    const relinked = await attacker.get(link);
    expect(relinked.status).to.equal(404);
    expect(relinked.html).to.not.contain('Mon secret');
    expect(await attacker.get(`/s/${CAPTIC_ID}/p/information`)).to.have.property('status', 303);
  });

  it('opens the link at once in a browser with no response, and the device it came from lets go of it', async () => {
    const owner = new Browser(app.url);
    const page = await respondentPast(owner, 'yes');
    const link = resumePathOn(page);
    // The same browser following its own link goes straight back, and keeps its token.
    const own = await owner.get(link);
    expect(own.status).to.equal(303);
    expect(setCookieNamed(own.headers, RESUME_COOKIE)).to.equal(undefined);

    const phone = new Browser(app.url);
    const opened = await phone.get(link);
    expect(opened.status).to.equal(303);
    expect(opened.location).to.equal(`/s/${CAPTIC_ID}/p/social_usage?resumed=1`);
    const cookie = setCookieNamed(opened.headers, RESUME_COOKIE);
    expect(cookie!.attributes).to.include({ path: `/s/${CAPTIC_ID}`, samesite: 'Lax', httponly: true });
    expect(cookie!.attributes).to.not.have.property('secure');
    const onPhone = await phone.open(opened.location!);
    expect(phone.hiddenFields(onPhone).response).to.equal(owner.hiddenFields(page).response);
    // The phone's box shows its new link, which works there; the old one works nowhere.
    const newLink = resumePathOn(onPhone);
    expect(newLink).to.not.equal(link);
    expect((await phone.get(newLink)).status).to.equal(303);
    expect((await phone.get(link)).status).to.equal(404);
    const ownerBack = await owner.open(`/s/${CAPTIC_ID}`);
    expect(ownerBack.$('form').first().attr('action')).to.equal(`/s/${CAPTIC_ID}/start`);
  });

  it('opens the link at once in a browser whose own response is finished', async () => {
    const { link, responseId } = await attackerWithLink();
    const finished = new Browser(app.url);
    const page = await respondentPast(finished, 'yes');
    await responses().updateOne({ _id: new mongoose.Types.ObjectId(responseIdOf(page)) }, { $set: { status: 'complete', completedAt: new Date() } });
    const opened = await finished.open(link);
    expect(finished.hiddenFields(opened).response).to.equal(responseId);
  });

  it('marks the resume cookie Secure when the request came over HTTPS through the proxy', async () => {
    const { link } = await attackerWithLink();
    const res = await new Browser(app.url).agent.get(link).set('X-Forwarded-Proto', 'https').redirects(0);
    expect(res.status).to.equal(303);
    expect(setCookieNamed(res.headers as Record<string, unknown>, RESUME_COOKIE)!.attributes).to.include({ secure: true, httponly: true, samesite: 'Lax' });
  });

  for (const lang of ['fr', 'en'] as const) {
    it(`answers every link that opens nothing with one status and one page, in ${lang}`, async () => {
      const tokenOf = (page: Page) => resumePathOn(page).split('/').at(-1)!;
      const complete = await respondentPast(new Browser(app.url), 'yes');
      const voided = await respondentPast(new Browser(app.url), 'yes');
      const screened = await respondentPast(new Browser(app.url), 'no');
      await responses().updateOne({ _id: new mongoose.Types.ObjectId(responseIdOf(complete)) }, { $set: { status: 'complete' } });
      await responses().updateOne({ _id: new mongoose.Types.ObjectId(responseIdOf(voided)) }, { $set: { status: 'voided' } });
      await responses().updateOne({ _id: new mongoose.Types.ObjectId(responseIdOf(screened)) }, { $set: { status: 'screened_out' } });
      const elsewhere = await startResponse({ surveyId: 'coworking_members_2026', waveId: 'any', fingerprint: 'x', language: 'fr', consented: true, now: new Date() });
      const tokens = {
        unknown: 'A'.repeat(43),
        malformed: 'abc',
        'too long': 'B'.repeat(44),
        'with a dot': `${'C'.repeat(42)}.`,
        "another survey's": elsewhere.resumeToken,
        "a complete response's": tokenOf(complete),
        "a voided response's": tokenOf(voided),
        "a screened-out response's": tokenOf(screened),
      };
      const victim = new Browser(app.url);
      victim.acceptLanguage = lang;
      const own = await respondentPast(victim, 'yes');
      const pages = new Map<string, Page>();
      for (const [what, token] of Object.entries(tokens)) pages.set(what, await victim.get(`/s/${CAPTIC_ID}/resume/${token}`));
      const [first] = [...pages.values()];
      expect(first!.status).to.equal(404);
      expect(text(first!, 'h1')).to.equal(LINK_INVALID[lang]);
      expect(first!.headers['cache-control']).to.equal('no-store');
      for (const [what, page] of pages) {
        expect(page.status, what).to.equal(404);
        expect(withoutCsrf(page.html), what).to.equal(withoutCsrf(first!.html));
        expect(setCookieNamed(page.headers, RESUME_COOKIE), what).to.equal(undefined);
      }
      // Nor does the switch open anything with them.
      for (const [what, token] of Object.entries(tokens)) {
        const posted = await victim.post(`/s/${CAPTIC_ID}/resume/${token}`, { _csrf: victim.hiddenFields(own)._csrf as string });
        expect(posted.status, what).to.equal(404);
        expect(withoutCsrf(posted.html), what).to.equal(withoutCsrf(first!.html));
        expect(setCookieNamed(posted.headers, RESUME_COOKIE), what).to.equal(undefined);
      }
    });
  }
});

describe('The question a resume link asks, in Chromium on a phone', function () {
  this.timeout(40_000);
  const suite = useChromiumSuite();

  it('offers two controls of at least 44 px, its own answers first, with no serious accessibility violation, and each does what it says', async () => {
    const attacker = new Browser(suite.app.url);
    const link = resumePathOn(await respondentPast(attacker, 'no'));
    const page = await suite.newPage({ viewport: { width: 360, height: 740 }, locale: 'fr-FR' });
    await page.goto(`${suite.app.url}/s/${CAPTIC_ID}`);
    await page.locator('label[for=consent]').click();
    await submitWith(page, page.locator('form button[type=submit]'));
    expect(await currentPageId(page)).to.equal('social_use');

    await page.goto(`${suite.app.url}${link}`);
    expect(await page.locator('h1').textContent()).to.equal(SWITCH_TITLE.fr);
    const buttons = page.locator('main button');
    expect(await buttons.allTextContents()).to.deep.equal([KEEP_OWN.fr, OPEN_LINK.fr]);
    for (const box of await Promise.all((await buttons.all()).map((button) => button.boundingBox()))) {
      expect(box!.height, 'a control a thumb can hit').to.be.at.least(44);
      expect(box!.x + box!.width, 'nothing scrolls sideways').to.be.at.most(360);
    }
    expect(describeViolations(await findSeriousViolations(page))).to.deep.equal([]);

    // Enter on the focused default keeps the browser's own answers.
    await Promise.all([page.waitForEvent('load'), page.keyboard.press('Enter')]);
    expect(await currentPageId(page)).to.equal('social_use');
    // The other choice, chosen on purpose, opens the link's answers.
    await page.goto(`${suite.app.url}${link}`);
    expect(await submitWith(page, page.getByRole('button', { name: OPEN_LINK.fr }))).to.equal(303);
    expect(await currentPageId(page)).to.equal('information');
  });
});
