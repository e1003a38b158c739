import { expect } from 'chai';
import mongoose from 'mongoose';
import { Browser, encodeForm, type Page } from '../../support/browser';
import { startTestApp, type TestApp } from '../../support/app';
import { CAPTIC_ID, NON_USER_PAGES, USER_PAGES } from '../../fixtures/captic-answers';

async function responses() {
  return mongoose.connection.db!.collection('responses').find({}).toArray();
}

function pageId(page: Page): string {
  const action = page.$('form#survey-form').attr('action') ?? '';
  return action.split('/p/')[1] ?? '';
}

async function begin(browser: Browser): Promise<Page> {
  const intro = await browser.open(`/s/${CAPTIC_ID}`);
  expect(intro.status).to.equal(200);
  return browser.submit(intro, { consent: 'yes' });
}

/** Answers page after page from `plan` until the thank-you page; returns the page ids seen. */
async function answerAll(browser: Browser, first: Page, plan: Record<string, Record<string, string | string[]>>) {
  const seen: string[] = [];
  let page = first;
  for (let i = 0; i < 20 && page.$('form#survey-form').length; i += 1) {
    const id = pageId(page);
    seen.push(id);
    const answers = plan[id];
    if (!answers) throw new Error(`no answers planned for page ${id}`);
    page = await browser.submit(page, answers);
    expect(page.status, `after page ${id}: ${page.$('.error-summary').text()}`).to.equal(200);
  }
  return { seen, last: page };
}

describe('Answering the CAP-TIC survey over HTTP', () => {
  let app: TestApp;
  before(async () => {
    app = await startTestApp();
  });
  after(async () => app.close());
  beforeEach(() => app.reset());

  describe('the intro page', () => {
    it('is in French by default, with a visible switch to English', async () => {
      const page = await new Browser(app.url).open(`/s/${CAPTIC_ID}`);
      expect(page.$('html').attr('lang')).to.equal('fr');
      expect(page.$('h1').text()).to.equal('Utilisation des réseaux sociaux par les professionnels');
      expect(page.$('button[type=submit]').text()).to.equal('Commencer');
      expect(page.$('a.lang-switch').attr('href')).to.equal(`/s/${CAPTIC_ID}?lang=en`);
    });

    it('is in English with ?lang=en, and every interface string follows', async () => {
      const page = await new Browser(app.url).open(`/s/${CAPTIC_ID}?lang=en`);
      expect(page.$('html').attr('lang')).to.equal('en');
      expect(page.$('h1').text()).to.equal('How professionals use social networks');
      expect(page.$('button[type=submit]').text()).to.equal('Start');
      expect(page.$('.skip-link').text()).to.equal('Skip to content');
    });

    it("follows the browser's Accept-Language", async () => {
      const browser = new Browser(app.url);
      browser.acceptLanguage = 'en-GB,en;q=0.9';
      const page = await browser.open(`/s/${CAPTIC_ID}`);
      expect(page.$('html').attr('lang')).to.equal('en');
    });

    it('re-renders with 422 and stores nothing when consent is not given', async () => {
      const browser = new Browser(app.url);
      const intro = await browser.open(`/s/${CAPTIC_ID}`);
      const page = await browser.submit(intro, {});
      expect(page.status).to.equal(422);
      expect(page.$('.error-summary a').attr('href')).to.equal('#consent');
      expect(await responses()).to.have.length(0);
    });

    it('answers 404 for an unknown survey', async () => {
      const page = await new Browser(app.url).get('/s/no_such_survey');
      expect(page.status).to.equal(404);
      expect(page.$('h1').text()).to.equal('Page introuvable');
    });
  });

  describe('completing the survey', () => {
    it('skips the users-only pages for a non-user and stores one complete response', async () => {
      const browser = new Browser(app.url);
      const first = await begin(browser);
      const { seen, last } = await answerAll(browser, first, NON_USER_PAGES);
      expect(seen).to.deep.equal(['social_use', 'information', 'real_networks', 'reasons_page', 'captic_project', 'profile']);
      expect(last.$('h1').text()).to.equal('Merci, vos réponses ont bien été envoyées');
      const stored = await responses();
      expect(stored).to.have.length(1);
      const [response] = stored;
      expect(response).to.include({ surveyId: CAPTIC_ID, waveId: 'demo', status: 'complete', language: 'fr' });
      expect(response!.fingerprint).to.equal(app.catalog.require(CAPTIC_ID).fingerprint);
      expect(response!.answers).to.deep.equal({
        uses_social: 'no',
        info_sources: ['specialised_sites', 'radio'],
        club_member: 'yes',
        reasons: ['build_network', 'find_partners'],
        themes: ['creation'],
        trust_mediated: 'yes',
        trust_unmediated: 'no',
        comments: 'Très utile',
        company_size: 'tpe',
        sector: 'retail',
        region: 'bretagne',
        function: 'business_owner',
      });
      expect(response!.startedAt).to.be.instanceOf(Date);
      expect(response!.completedAt).to.be.instanceOf(Date);
      expect(response!.completedAt.getTime()).to.be.at.least(response!.startedAt.getTime());
    });

    it('pipes the chosen networks into the satisfaction matrices and keeps "other" texts', async () => {
      const browser = new Browser(app.url);
      let page = await begin(browser);
      page = await browser.submit(page, USER_PAGES.social_use!);
      expect(pageId(page)).to.equal('social_usage');
      page = await browser.submit(page, USER_PAGES.social_usage!);
      expect(pageId(page)).to.equal('satisfaction');
      const rows = page.$('#question-satisfaction_personal [data-row] > legend').map((_, el) => page.$(el).text()).get();
      expect(rows).to.deep.equal(['Facebook', 'Viadeo']);
      const { last } = await answerAll(browser, page, USER_PAGES);
      expect(last.$('h1').text()).to.equal('Merci, vos réponses ont bien été envoyées');
      const [response] = await responses();
      expect(response!.answers.networks).to.deep.equal(['facebook', 'viadeo', 'other']);
      expect(response!.otherTexts).to.deep.equal({ networks: 'Instagram', info_sources: 'Télévision' });
      expect(response!.answers.satisfaction_personal).to.deep.equal({ facebook: 4, viadeo: 'dont_know' });
      expect(response!.answers.satisfaction_professional).to.deep.equal({ facebook: 2, viadeo: 5 });
      expect(response!.answers.club_obstacles).to.deep.equal(['time', 'fees']);
    });

    it('shows the progress as a percentage of the questions that can still be shown (test/integration/responses/progress.test.ts walks both branches)', async () => {
      const browser = new Browser(app.url);
      const first = await begin(browser);
      expect(first.$('.progress label').text()).to.equal('Progression\u00a0: 0\u00a0%');
      const user = await browser.submit(first, { uses_social: 'yes' });
      expect(user.$('progress#progress').attr('value')).to.equal('5');
      const back = await browser.submit(user, {}, 'back');
      const nonUser = await browser.submit(back, { uses_social: 'no' });
      expect(nonUser.$('progress#progress').attr('value')).to.equal('7');
    });
    it('tells the page\'s script where to go instead of redirecting it, and redirects a plain form post', async () => {
      const browser = new Browser(app.url);
      const first = await begin(browser);
      const fields = encodeForm({ ...browser.hiddenFields(first), ...NON_USER_PAGES.social_use!, action: 'next' });
      const scripted = await browser.agent
        .post(browser.formAction(first))
        .set('Barometer-Submit', 'fetch')
        .type('form')
        .send(fields)
        .redirects(0);
      expect(scripted.status).to.equal(200);
      expect(scripted.headers['content-type']).to.match(/^application\/json/);
      expect(scripted.headers.vary).to.match(/Barometer-Submit/i);
      expect(scripted.body).to.deep.equal({ location: `/s/${CAPTIC_ID}/p/information` });
      expect((await responses())[0]).to.deep.include({ lastPageId: 'social_use' });

      // The same page posted again by a form without the script: the redirect, to the same place.
      const plain = await browser.post(browser.formAction(first), { ...browser.hiddenFields(first), ...NON_USER_PAGES.social_use!, action: 'next' });
      expect(plain.status).to.equal(303);
      expect(plain.location).to.equal(`/s/${CAPTIC_ID}/p/information`);
      // A refused page is the page with its errors, for the script as for a form.
      const refused = await browser.agent.post(browser.formAction(first)).set('Barometer-Submit', 'fetch').type('form')
        .send(encodeForm({ ...browser.hiddenFields(first), action: 'next' })).redirects(0);
      expect(refused.status).to.equal(422);
      expect(refused.headers['content-type']).to.match(/^text\/html/);
    });
  });

  describe('validation', () => {
    it('re-renders with 422, a linked error summary and every typed answer in place', async () => {
      const browser = new Browser(app.url);
      let page = await begin(browser);
      page = await browser.submit(page, { uses_social: 'yes' });
      // usage is required; the networks ticked and the "other" text must survive the error (the
      // text ticks "Other" itself: test/integration/responses/other-text.test.ts).
      page = await browser.submit(page, { networks: ['facebook'], 'networks--other': 'Mastodon' });
      expect(page.status).to.equal(422);
      const summary = page.$('.error-summary');
      expect(summary.attr('tabindex')).to.equal('-1');
      expect(summary.find('h2').text()).to.equal('Il y a un problème');
      const link = summary.find('a').first();
      expect(link.attr('href')).to.equal('#usage-professional');
      expect(link.text()).to.contain('Cette question est obligatoire.');
      expect(page.$('#question-usage').attr('aria-describedby')).to.contain('usage-error');
      expect(page.$('#usage-error').text()).to.contain('Cette question est obligatoire.');
      expect(page.$('#networks-facebook').attr('checked')).to.equal('checked');
      expect(page.$('#networks-other').attr('checked')).to.equal('checked');
      expect(page.$('#networks-other--other').attr('value')).to.equal('Mastodon');
      const [response] = await responses();
      expect(response!.answers).to.deep.equal({ uses_social: 'yes' });
    });

    it('refuses an oversized text with 422 and stores nothing from that request', async () => {
      const browser = new Browser(app.url);
      let page = await begin(browser);
      for (const id of ['social_use', 'information', 'real_networks', 'reasons_page']) {
        page = await browser.submit(page, NON_USER_PAGES[id]!);
      }
      expect(pageId(page)).to.equal('captic_project');
      const before = (await responses())[0]!;
      page = await browser.submit(page, { themes: ['creation'], comments: 'x'.repeat(3001) });
      expect(page.status).to.equal(422);
      expect(page.$('#comments-error').text()).to.contain('3000 caractères au maximum');
      expect(page.$('#q-comments').text()).to.have.length(3001);
      const after = (await responses())[0]!;
      expect(after.revision).to.equal(before.revision);
      expect(after.answers).to.not.have.property('themes');
    });

    it('refuses an exclusive or wrong-typed matrix value with 422', async () => {
      const browser = new Browser(app.url);
      let page = await begin(browser);
      page = await browser.submit(page, USER_PAGES.social_use!);
      page = await browser.submit(page, USER_PAGES.social_usage!);
      page = await browser.submit(page, { ...USER_PAGES.satisfaction!, 'satisfaction_personal.facebook': 'lots' });
      expect(page.status).to.equal(422);
      expect(page.$('.error-summary a').attr('href')).to.equal('#satisfaction_personal-facebook-1');
    });
  });

  describe('never losing an answer', () => {
    it('resumes on the first unanswered page with earlier answers in place, in the same browser', async () => {
      const browser = new Browser(app.url);
      let page = await begin(browser);
      page = await browser.submit(page, USER_PAGES.social_use!);
      page = await browser.submit(page, USER_PAGES.social_usage!);
      expect(pageId(page)).to.equal('satisfaction');
      // The tab is closed; later the respondent opens the survey address again.
      const again = await browser.open(`/s/${CAPTIC_ID}`);
      expect(pageId(again)).to.equal('satisfaction');
      expect(again.$('.notice').text()).to.contain('Bon retour');
      const back = await browser.submit(again, {}, 'back');
      expect(pageId(back)).to.equal('social_usage');
      expect(back.$('#networks-viadeo').attr('checked')).to.equal('checked');
      expect(back.$('#networks-other--other').attr('value')).to.equal('Instagram');
    });

    it('resumes from the "continue later" link on another device', async () => {
      const browser = new Browser(app.url);
      let page = await begin(browser);
      page = await browser.submit(page, USER_PAGES.social_use!);
      const link = page.$('#resume-link').attr('href')!;
      expect(link).to.match(new RegExp(`^${app.url}/s/${CAPTIC_ID}/resume/[A-Za-z0-9_-]{43}$`));
      const other = new Browser(app.url);
      const resumed = await other.open(new URL(link).pathname);
      expect(pageId(resumed)).to.equal('social_usage');
      const finished = await answerAll(other, resumed, USER_PAGES);
      expect(finished.last.$('h1').text()).to.equal('Merci, vos réponses ont bien été envoyées');
      const stored = await responses();
      expect(stored).to.have.length(1);
      expect(stored[0]!.status).to.equal('complete');
    });

    it('keeps answers when going Back without completing the page', async () => {
      const browser = new Browser(app.url);
      let page = await begin(browser);
      page = await browser.submit(page, USER_PAGES.social_use!);
      const back = await browser.submit(page, { usage: 'personal' }, 'back');
      expect(pageId(back)).to.equal('social_use');
      const [response] = await responses();
      expect(response!.answers).to.deep.equal({ uses_social: 'yes', usage: 'personal' });
    });

    it('discards answers to questions that become hidden', async () => {
      const browser = new Browser(app.url);
      let page = await begin(browser);
      page = await browser.submit(page, USER_PAGES.social_use!);
      page = await browser.submit(page, USER_PAGES.social_usage!);
      page = await browser.submit(page, {}, 'back');
      page = await browser.submit(page, {}, 'back');
      expect(pageId(page)).to.equal('social_use');
      page = await browser.submit(page, { uses_social: 'no' });
      expect(pageId(page)).to.equal('information');
      const [response] = await responses();
      expect(response!.answers).to.deep.equal({ uses_social: 'no' });
      expect(response!.otherTexts).to.deep.equal({});
    });

    it('completes exactly once on a double submit and shows the thank-you page both times', async () => {
      const browser = new Browser(app.url);
      let page = await begin(browser);
      for (const id of ['social_use', 'information', 'real_networks', 'reasons_page', 'captic_project']) {
        page = await browser.submit(page, NON_USER_PAGES[id]!);
      }
      expect(pageId(page)).to.equal('profile');
      const fields = { ...browser.hiddenFields(page), ...NON_USER_PAGES.profile!, action: 'next' };
      const [a, b] = await Promise.all([browser.post(browser.formAction(page), fields), browser.post(browser.formAction(page), fields)]);
      const retry = await browser.post(browser.formAction(page), fields);
      for (const res of [a, b, retry]) expect(res.location).to.equal(`/s/${CAPTIC_ID}/thanks`);
      const stored = await responses();
      expect(stored).to.have.length(1);
      expect(stored[0]!.status).to.equal('complete');
      const thanks = await browser.open(`/s/${CAPTIC_ID}`);
      expect(thanks.$('h1').text()).to.equal('Merci, vos réponses ont bien été envoyées');
    });
  });
});
