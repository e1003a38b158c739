// The rule for an "other" text typed without ticking "Other" (no JavaScript): the text is never
// thrown away silently (server/responses/form-input.ts tickOtherForTypedText).
import { expect } from 'chai';
import mongoose from 'mongoose';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Browser, pageIdOf, text, type Page } from '../../support/browser';
import { startTestApp, type TestApp } from '../../support/app';
import { CAPTIC_ID, NON_USER_PAGES, USER_PAGES } from '../../fixtures/captic-answers';

const COWORKING_ID = 'coworking_members_2026';

async function storedResponse() {
  const all = await mongoose.connection.db!.collection('responses').find({}).toArray();
  expect(all).to.have.length(1);
  return all[0]!;
}

/** The notices above a page, as a reader sees them. */
function notices(page: Page): string[] {
  return page.$('p.notice[role=status]').map((_, el) => page.$(el).text().replace(/\s+/g, ' ').trim()).get();
}

/** The summary entries and the question's own messages, as a reader sees them. */
function errorsOf(page: Page, questionId: string): { summary: string[]; hrefs: string[]; own: string } {
  return {
    summary: page.$('#error-summary a').map((_, el) => page.$(el).text().replace(/\s+/g, ' ').trim()).get(),
    hrefs: page.$('#error-summary a').map((_, el) => page.$(el).attr('href')).get(),
    own: text(page, `#${questionId}-error`),
  };
}

/** Posts the page's form without following the redirect: where it sends the browser. */
async function post(browser: Browser, page: Page, answers: Record<string, string | string[]>, action: 'next' | 'back' = 'next'): Promise<Page> {
  return browser.post(browser.formAction(page), { ...browser.hiddenFields(page), ...answers, action });
}

describe('An "other" text typed without ticking "Other" (no JavaScript)', () => {
  let app: TestApp;
  before(async () => {
    app = await startTestApp();
  });
  after(async () => app.close());
  beforeEach(() => app.reset());

  async function capticPage(browser: Browser, target: string, plan = USER_PAGES): Promise<Page> {
    let page = await browser.submit(await browser.open(`/s/${CAPTIC_ID}`), { consent: 'yes' });
    while (pageIdOf(page) !== target) page = await browser.submit(page, plan[pageIdOf(page)!]!);
    return page;
  }

  async function coworkingLeaving(browser: Browser): Promise<Page> {
    browser.acceptLanguage = 'en-GB,en;q=0.9';
    const intro = await browser.open(`/s/${COWORKING_ID}`);
    const first = await browser.submit(intro, { consent: 'yes' });
    const leaving = await browser.submit(first, { still_member: 'no', days_per_week: '2' });
    expect(pageIdOf(leaving)).to.equal('leaving');
    return leaving;
  }

  describe('multiple choice', () => {
    it('adds "Other" to the choices, and the next page says so, naming the question and quoting the stored text', async () => {
      const browser = new Browser(app.url);
      const usage = await capticPage(browser, 'social_usage');
      const posted = await post(browser, usage, { usage: 'both', networks: ['facebook', 'viadeo'], 'networks--other': 'Mastodon' });
      expect(posted.status).to.equal(303);
      // The URL names the question only: never the text.
      expect(posted.location).to.match(/\/p\/satisfaction\?ticked=networks$/);
      const next = await browser.open(posted.location!);
      expect(pageIdOf(next)).to.equal('satisfaction');
      expect(notices(next)).to.deep.equal([
        'Nous avons coché « Autre » pour « Quels réseaux sociaux utilisez-vous ? », car vous avez écrit « Mastodon ».',
      ]);
      const response = await storedResponse();
      expect(response.answers.networks).to.deep.equal(['facebook', 'viadeo', 'other']);
      expect(response.otherTexts).to.deep.equal({ networks: 'Mastodon' });
      // "other" is no matrix row (rows_from excludes it): the matrices rate what was ticked.
      expect(next.$('[data-question="satisfaction_personal"] input[type=radio]').length).to.be.greaterThan(0);
    });

    it('makes "Other" the only choice when nothing was ticked, and says so in English', async () => {
      const browser = new Browser(app.url);
      browser.acceptLanguage = 'en-GB,en;q=0.9';
      const information = await capticPage(browser, 'information', NON_USER_PAGES);
      const next = await browser.submit(information, { 'info_sources--other': '  Television  ' });
      expect(pageIdOf(next)).to.equal('real_networks');
      expect(notices(next)).to.deep.equal(['We ticked “Other” for “Which media do you use as sources of information?” because you typed “Television”.']);
      const response = await storedResponse();
      expect(response.answers.info_sources).to.deep.equal(['other']);
      expect(response.otherTexts).to.deep.equal({ info_sources: 'Television' });
    });

    it('brings the page back (422) when an exclusive option is ticked, the text kept in its box', async () => {
      const browser = new Browser(app.url);
      const leaving = await coworkingLeaving(browser);
      const refused = await browser.submit(leaving, { leave_reasons: ['rather_not_say'], 'leave_reasons--other': 'The coffee' });
      expect(refused.status).to.equal(422);
      const errors = errorsOf(refused, 'leave_reasons');
      expect(errors.own).to.contain("You ticked “I'd rather not say”, which goes with no other answer, and typed a text for “Other”");
      expect(errors.summary).to.have.length(1);
      expect(errors.summary[0]).to.match(/^Why did you leave\? \(up to 3 answers\): You ticked/);
      expect(errors.hrefs).to.deep.equal(['#leave_reasons-other--other']);
      expect(refused.$('#leave_reasons-other--other').attr('value')).to.equal('The coffee');
      expect(refused.$('#leave_reasons-rather_not_say').attr('checked')).to.equal('checked');
      expect((await storedResponse()).answers.leave_reasons).to.equal(undefined);
    });

    it('brings the page back (422) when ticking "Other" too would pass max_selections', async () => {
      const browser = new Browser(app.url);
      const leaving = await coworkingLeaving(browser);
      const refused = await browser.submit(leaving, { leave_reasons: ['price', 'moved', 'noise'], 'leave_reasons--other': 'The coffee' });
      expect(refused.status).to.equal(422);
      expect(errorsOf(refused, 'leave_reasons').own).to.contain('would make more than 3 choices');
      expect(refused.$('#leave_reasons-other--other').attr('value')).to.equal('The coffee');
      // Two choices leave room: "Other" joins them.
      const next = await browser.submit(refused, { leave_reasons: ['price', 'moved'], 'leave_reasons--other': 'The coffee' });
      expect(next.status).to.equal(200);
      expect((await storedResponse()).answers.leave_reasons).to.deep.equal(['price', 'moved', 'other']);
      expect(notices(next)).to.have.length(1);
    });
  });

  describe('single choice', () => {
    it('makes the answer "Other" when nothing was chosen, and the thank-you page says so', async () => {
      const browser = new Browser(app.url);
      const profile = await capticPage(browser, 'profile', NON_USER_PAGES);
      const { sector: _sector, ...rest } = NON_USER_PAGES.profile!;
      void _sector;
      const posted = await post(browser, profile, { ...rest, 'sector--other': 'Artisanat' });
      expect(posted.location).to.match(/\/thanks\?ticked=sector$/);
      const thanks = await browser.open(posted.location!);
      expect(thanks.$('form#survey-form').length).to.equal(0);
      expect(notices(thanks)).to.deep.equal([
        `Nous avons coché « Autre secteur » pour « Quel est le secteur d'activité de votre entreprise ? », car vous avez écrit « Artisanat ».`,
      ]);
      const response = await storedResponse();
      expect(response.status).to.equal('complete');
      expect(response.answers.sector).to.equal('other');
      expect(response.otherTexts).to.deep.include({ sector: 'Artisanat' });
    });

    it('brings the page back (422) when another option is chosen, saying what to do, the text kept', async () => {
      const browser = new Browser(app.url);
      const profile = await capticPage(browser, 'profile', NON_USER_PAGES);
      const refused = await browser.submit(profile, { ...NON_USER_PAGES.profile!, 'sector--other': 'Artisanat' });
      expect(refused.status).to.equal(422);
      const errors = errorsOf(refused, 'sector');
      expect(errors.own).to.contain('Vous avez choisi « Commerce » et écrit un texte pour « Autre secteur » : choisissez « Autre secteur » pour garder votre texte, ou effacez-le.');
      expect(errors.hrefs).to.deep.equal(['#sector-other--other']);
      expect(refused.$('#sector-other--other').attr('value')).to.equal('Artisanat');
      expect(refused.$('#sector-retail').attr('checked')).to.equal('checked');
      expect((await storedResponse()).status).to.equal('partial');
      // Clearing the text goes on, with no notice.
      const thanks = await browser.submit(refused, { ...NON_USER_PAGES.profile!, 'sector--other': '' });
      expect(thanks.status).to.equal(200);
      expect(notices(thanks)).to.deep.equal([]);
      expect((await storedResponse()).answers.sector).to.equal('retail');
    });
  });

  it('applies the rule when going Back too: the text is kept and the earlier page opens', async () => {
    const browser = new Browser(app.url);
    const information = await capticPage(browser, 'information', NON_USER_PAGES);
    const posted = await post(browser, information, { 'info_sources--other': 'Télévision' }, 'back');
    expect(posted.location).to.match(/\/p\/social_use\?ticked=info_sources$/);
    const back = await browser.open(posted.location!);
    expect(notices(back)).to.have.length(1);
    const response = await storedResponse();
    expect(response.answers.info_sources).to.deep.equal(['other']);
    expect(response.otherTexts).to.deep.include({ info_sources: 'Télévision' });
  });

  it('shows no notice for a ticked id that the response does not hold: a URL cannot put words on the page', async () => {
    const browser = new Browser(app.url);
    const usage = await capticPage(browser, 'social_usage');
    const next = await browser.submit(usage, USER_PAGES.social_usage!);
    const forged = await browser.open(`/s/${CAPTIC_ID}/p/satisfaction?ticked=info_sources,sector,nope`);
    expect(pageIdOf(forged)).to.equal('satisfaction');
    expect(notices(forged)).to.deep.equal([]);
    // What the respondent ticked themselves is no notice either.
    expect(notices(next)).to.deep.equal([]);
  });
});

describe('An "other" text whose option the page\'s own answers hide', () => {
  let app: TestApp;
  let surveysDir: string;
  before(async () => {
    surveysDir = await mkdtemp(path.join(tmpdir(), 'barometer-other-'));
    await writeFile(path.join(surveysDir, 'other-hidden.yaml'), HIDDEN_OTHER_SURVEY);
    app = await startTestApp({ SURVEYS_DIR: surveysDir });
  });
  after(async () => {
    await app.close();
    await rm(surveysDir, { recursive: true, force: true });
  });
  beforeEach(() => app.reset());

  it('brings the page back (422) instead of dropping the text, and goes on once the text is cleared', async () => {
    const browser = new Browser(app.url);
    const page = await browser.submit(await browser.open('/s/other_hidden'), {});
    expect(pageIdOf(page)).to.equal('only');
    // Without JavaScript the "Other" box is on the form; "by bike" hides "Other".
    expect(page.$('#mode-other--other').length).to.equal(1);
    const refused = await browser.submit(page, { bike: 'yes', 'mode--other': 'Unicycle' });
    expect(refused.status).to.equal(422);
    expect(errorsOf(refused, 'mode').own).to.contain('“Other” does not apply with your other answers on this page, so your text cannot be kept');
    expect(refused.$('#mode-other--other').attr('value')).to.equal('Unicycle');
    const done = await browser.submit(refused, { bike: 'yes', mode: 'walk', 'mode--other': '' });
    expect(done.status).to.equal(200);
    expect(done.$('form#survey-form').length).to.equal(0);
  });

  it('ticks "Other" when the page\'s answers show it', async () => {
    const browser = new Browser(app.url);
    const page = await browser.submit(await browser.open('/s/other_hidden'), {});
    const done = await browser.submit(page, { bike: 'no', 'mode--other': 'Unicycle' });
    expect(done.status).to.equal(200);
    expect(notices(done)).to.deep.equal(['We ticked “Other” for “How else do you travel?” because you typed “Unicycle”.']);
  });
});

const HIDDEN_OTHER_SURVEY = `id: other_hidden
title: { en: Getting here }
languages: [en]
sponsor: { en: Tests }
conducted_by: { en: Tests }
target_population: { en: Anyone }
method: { en: Online }
sampling: opt_in
intro: { en: Two questions. }
thank_you: { en: Thanks. }
seed_waves:
  - id: "w1"
    label: { en: Wave 1 }
    field_start: "2020-01-01"
    status: open
pages:
  - id: only
    title: { en: Getting here }
    questions:
      - id: bike
        type: yes_no
        required: true
        text: { en: Do you come by bike? }
      - id: mode
        type: single_choice
        required: false
        text: { en: How else do you travel? }
        options:
          - id: walk
            label: { en: On foot }
          - id: other
            label: { en: Other }
            show_if: { question: bike, equals: "no" }
            specify: true
`;
