// Quotas on the CAP-TIC demo wave (open on a fresh start): the organizer sets each cell's limit,
// every bad quota is refused whole; a respondent of a full cell is screened out politely, in
// their language, as soon as they answer the quota question; concurrent last completes never
// overshoot a limit; raising a quota lets the next respondent in, and voiding or erasing a
// complete response gives its place back.
import { expect } from 'chai';
import supertest from 'supertest';
import type { TestApp } from '../../support/app';
import { useAppSuite } from '../../support/app-suite';
import { Browser, pageIdOf, text, type FormFields, type Page } from '../../support/browser';
import { apiTokenFor, createStaff, signedInBrowser, storedCollection } from '../../support/staff';
import { CAPTIC_ID, NON_USER_PAGES } from '../../fixtures/captic-answers';
import { fullCellFor, releaseQuotaCells, reserveQuotaCells } from '../../../server/fieldwork/quotas';
import { findWave, forgetWaves } from '../../../server/waves/wave.service';
import { TEST_ACTOR, wavesOf } from '../../support/waves';
import mongoose from 'mongoose';

const WAVE = 'demo';
const WAVE_PAGE = `/admin/surveys/${CAPTIC_ID}/waves/${WAVE}`;
const QUOTAS_PAGE = `${WAVE_PAGE}/quotas`;
const QUOTAS_API = `/api/v1/surveys/${CAPTIC_ID}/waves/${WAVE}/quotas`;

function collection(name: string) {
  return mongoose.connection.db!.collection(name);
}

/** The last CAP-TIC page, company_size among its questions, reached with a non-user's answers. */
async function reachProfile(browser: Browser): Promise<Page> {
  const intro = await browser.open(`/s/${CAPTIC_ID}`);
  let page = await browser.submit(intro, { consent: 'yes' });
  for (let i = 0; i < 10 && pageIdOf(page) !== 'profile'; i += 1) {
    const id = pageIdOf(page) ?? '';
    const answers = NON_USER_PAGES[id];
    if (!answers) throw new Error(`no answers planned for page "${id}": ${page.html.slice(0, 300)}`);
    page = await browser.submit(page, answers);
  }
  expect(pageIdOf(page)).to.equal('profile');
  return page;
}

function profileOf(companySize: string): FormFields {
  return { ...NON_USER_PAGES.profile!, company_size: companySize };
}

/** A respondent who answers the whole survey as a company of `companySize`: what they see at the end. */
async function respond(app: TestApp, companySize: string, language = 'fr'): Promise<Page> {
  const browser = new Browser(app.url);
  browser.acceptLanguage = language;
  return browser.submit(await reachProfile(browser), profileOf(companySize));
}

/** The thank-you page of a completed response, in either language. */
function isThanks(page: Page): boolean {
  return page.status === 200 && ['Merci, vos réponses ont bien été envoyées', 'Thank you, your answers have been sent'].includes(text(page, 'h1'));
}

async function storedQuotas() {
  return (await storedCollection('waves').findOne({ surveyId: CAPTIC_ID, waveId: WAVE }))!.quotas as unknown[];
}

async function counters() {
  return collection('quota_counters')
    .find({ surveyId: CAPTIC_ID, waveId: WAVE }, { projection: { _id: 0, questionId: 1, optionId: 1, count: 1, limit: 1 } })
    .sort({ questionId: 1, optionId: 1 })
    .toArray();
}

interface QuotaCell {
  questionId: string;
  optionId: string;
  limit: number;
}

/**
 * The wave stores `cells` as its quotas, in that order, and keeps a counter in step with each
 * (its limit, nothing counted yet), as counters() lists them: by question, then option.
 */
async function expectQuotasWithEmptyCounters(cells: QuotaCell[]): Promise<void> {
  expect(await storedQuotas()).to.deep.equal(cells);
  const byCell = (a: QuotaCell, b: QuotaCell) => (a.questionId === b.questionId ? (a.optionId < b.optionId ? -1 : 1) : a.questionId < b.questionId ? -1 : 1);
  const inStep = [...cells].sort(byCell).map(({ questionId, optionId, limit }) => ({ questionId, optionId, count: 0, limit }));
  expect(await counters()).to.deep.equal(inStep);
}

async function statuses(): Promise<Record<string, number>> {
  const rows = await collection('responses').aggregate<{ _id: string; n: number }>([{ $match: { waveId: WAVE } }, { $group: { _id: '$status', n: { $sum: 1 } } }]).toArray();
  return Object.fromEntries(rows.map((row) => [row._id, row.n]));
}

describe('Quotas', function () {
  this.timeout(60_000);
  const suite = useAppSuite({ organizerOf: [CAPTIC_ID] });

  /** Posts the quota form for `questionId` with the limits typed, as the organizer would. */
  async function postLimits(questionId: string, limits: Record<string, string>): Promise<Page> {
    const page = await suite.browser.get(`${QUOTAS_PAGE}?question=${questionId}`);
    expect(page.status, page.html.slice(0, 300)).to.equal(200);
    const csrf = page.$('form#quota-limits input[name=_csrf]').attr('value') ?? '';
    const fields: FormFields = { _csrf: csrf, questionId };
    for (const [optionId, typed] of Object.entries(limits)) fields[`limit.${optionId}`] = typed;
    return suite.browser.post(QUOTAS_PAGE, fields);
  }

  async function setLimits(questionId: string, limits: Record<string, string>): Promise<void> {
    const saved = await postLimits(questionId, limits);
    expect(saved.status, text(saved, '.error-summary')).to.equal(303);
  }

  describe('the quota page', () => {
    it('sets each cell of company_size, keeps the counters in step, audits the change, and empties a cell on an empty field', async () => {
      const empty = await suite.browser.get(QUOTAS_PAGE);
      expect(text(empty, '#no-quotas')).to.equal('This wave has no quotas.');
      // The segment question is offered first, with a field per option.
      expect(empty.$('form#quota-limits input[name=questionId]').attr('value')).to.equal('company_size');
      expect(empty.$('form#quota-limits input[type=number]').toArray().map((el) => empty.$(el).attr('name'))).to.deep.equal(['limit.tpe', 'limit.pme', 'limit.eti', 'limit.ge']);

      const saved = await postLimits('company_size', { tpe: '150', pme: '60', eti: '', ge: '' });
      expect(saved.status).to.equal(303);
      expect(saved.location).to.equal(`${QUOTAS_PAGE}?question=company_size&done=saved`);
      await expectQuotasWithEmptyCounters([
        { questionId: 'company_size', optionId: 'tpe', limit: 150 },
        { questionId: 'company_size', optionId: 'pme', limit: 60 },
      ]);
      const shown = await suite.browser.get(saved.location!);
      expect(text(shown, '.notice')).to.equal('Quotas saved.');
      expect(shown.$('#limit-tpe').attr('value')).to.equal('150');
      expect(text(shown, '#quota-cells tr[data-cell="company_size.pme"]')).to.contain('0 / 60');
      const audit = await storedCollection('audit_events').findOne({ action: 'quota_changed' });
      expect(audit).to.deep.include({ via: 'session', actorEmail: 'organizer@example.org', surveyId: CAPTIC_ID, target: WAVE });
      expect(audit!.details.after).to.have.length(2);

      // A quota on another question leaves these alone; emptying a field removes that cell's quota.
      await setLimits('uses_social', { yes: '10' });
      await setLimits('company_size', { tpe: '120', pme: '' });
      await expectQuotasWithEmptyCounters([
        { questionId: 'uses_social', optionId: 'yes', limit: 10 },
        { questionId: 'company_size', optionId: 'tpe', limit: 120 },
      ]);
    });

    it('refuses with 422 and changes nothing: a question that is not single-choice, an unknown option, a negative or fractional limit', async () => {
      await setLimits('company_size', { tpe: '5' });
      const refusals: Array<[string, Record<string, string>, string]> = [
        ['networks', { facebook: '3' }, '"Which social networks do you use?" is not a single-choice question'],
        ['comments', { x: '3' }, 'is not a single-choice question'],
        ['no_such_question', { x: '3' }, 'This wave’s version has no question "no_such_question".'],
        ['company_size', { tpe: '5', huge: '3' }, 'Question "How large is your company?" has no option "huge".'],
        ['company_size', { tpe: '-1' }, 'The limit for "Fewer than 50 employees (micro / small)" must be a whole number from 0 to 10,000,000 (typed: "-1")'],
        ['company_size', { tpe: '2.5' }, '(typed: "2.5")'],
        ['company_size', { pme: 'lots' }, 'The limit for "50 to 249 employees (medium)" must be a whole number from 0 to 10,000,000 (typed: "lots")'],
        ['company_size', { tpe: '99999999999999999999' }, 'must be a whole number from 0 to 10,000,000 (typed: "99999999999999999999")'],
        ['company_size', { tpe: '10000001' }, '(typed: "10000001")'],
      ];
      for (const [questionId, limits, message] of refusals) {
        const refused = await postLimits(questionId, limits);
        expect(refused.status, `${questionId} ${JSON.stringify(limits)}`).to.equal(422);
        expect(text(refused, '.error-summary')).to.contain(message);
        if (questionId === 'company_size') {
          // What was typed comes back in the form.
          for (const [optionId, typed] of Object.entries(limits)) if (optionId !== 'huge') expect(refused.$(`#limit-${optionId}`).attr('value')).to.equal(typed);
        }
      }
      await expectQuotasWithEmptyCounters([{ questionId: 'company_size', optionId: 'tpe', limit: 5 }]);
      expect(await storedCollection('audit_events').countDocuments({ action: 'quota_changed' })).to.equal(1);
    });

    it('refuses with 409 a change to a closed wave\'s quotas', async () => {
      const page = await suite.browser.get(QUOTAS_PAGE);
      await wavesOf(suite.app).closeWave(CAPTIC_ID, WAVE, TEST_ACTOR);
      const refused = await suite.browser.post(QUOTAS_PAGE, { ...suite.browser.hiddenFields(page), questionId: 'company_size', 'limit.tpe': '3' });
      expect(refused.status).to.equal(409);
      expect(text(refused, '.error-summary')).to.equal('Wave "demo" is closed: its quotas no longer change.');
      expect(await storedQuotas()).to.deep.equal([]);
    });

    it('accepts the largest limit, 10,000,000', async () => {
      await setLimits('company_size', { tpe: '10000000' });
      expect(await storedQuotas()).to.deep.equal([{ questionId: 'company_size', optionId: 'tpe', limit: 10_000_000 }]);
    });

    it('is read by any reader of the survey, changed only by its organizers: an analyst sees the cells, no form, and may not post (403)', async () => {
      await setLimits('company_size', { tpe: '7' });
      const analyst = await createStaff(suite.app, { email: 'analyst@example.org', role: 'analyst', grants: [CAPTIC_ID] });
      const analystBrowser = await signedInBrowser(suite.app, analyst);
      analystBrowser.acceptLanguage = 'en';
      const read = await analystBrowser.get(QUOTAS_PAGE);
      expect(read.status).to.equal(200);
      expect(text(read, '#quota-cells tr[data-cell="company_size.tpe"] .quota-count')).to.equal('0 / 7');
      expect(read.$('form#quota-limits').length).to.equal(0);
      expect(read.$('form#choose-question').length).to.equal(0);
      expect(text(read, '#quotas-read-only')).to.equal('Only the survey’s organizers can change the quotas.');
      const page = await analystBrowser.get('/admin');
      const posted = await analystBrowser.post(QUOTAS_PAGE, { ...analystBrowser.hiddenFields(page), questionId: 'company_size', 'limit.tpe': '1' });
      expect(posted.status).to.equal(403);
      expect(await storedQuotas()).to.deep.equal([{ questionId: 'company_size', optionId: 'tpe', limit: 7 }]);
    });
  });

  describe('respondents', () => {
    it('screens out a respondent of a full cell, in their language, as soon as they answer the quota question', async () => {
      await setLimits('company_size', { tpe: '1' });
      expect(isThanks(await respond(suite.app, 'tpe'))).to.equal(true);

      const english = await respond(suite.app, 'tpe', 'en');
      expect(english.status).to.equal(200);
      expect(text(english, 'h1')).to.equal('Thank you for taking part');
      expect(text(english, '.lead')).to.contain('We already have all the answers we need from people with your profile');
      const french = await respond(suite.app, 'tpe', 'fr');
      expect(text(french, 'h1')).to.equal('Merci de votre participation');
      expect(text(french, '.lead')).to.contain('Nous avons déjà reçu toutes les réponses dont nous avions besoin');
      // Another cell still has room.
      expect(isThanks(await respond(suite.app, 'pme'))).to.equal(true);

      const screened = await collection('responses').find({ status: 'screened_out' }).toArray();
      expect(screened).to.have.length(2);
      for (const response of screened) {
        expect(response.screenedOut).to.deep.include({ questionId: 'company_size', optionId: 'tpe' });
        expect(response.completedAt).to.equal(undefined);
      }
      expect(await statuses()).to.deep.equal({ complete: 2, screened_out: 2 });
      expect(await counters()).to.deep.equal([{ questionId: 'company_size', optionId: 'tpe', count: 1, limit: 1 }]);

      const progress = await suite.browser.get(`${WAVE_PAGE}/progress`);
      expect(text(progress, '#count-screened-out')).to.equal('2');
      expect(text(progress, '#count-complete')).to.equal('2');
      expect(text(progress, '#quota-cells tr[data-cell="company_size.tpe"]')).to.contain('1 / 1').and.to.contain('full');
    });

    it('screens out on the first page when the quota question is there, before any other question', async () => {
      await setLimits('uses_social', { no: '0' });
      const respondent = new Browser(suite.app.url);
      const intro = await respondent.open(`/s/${CAPTIC_ID}`);
      const first = await respondent.submit(intro, { consent: 'yes' });
      expect(pageIdOf(first)).to.equal('social_use');
      const screened = await respondent.submit(first, { uses_social: 'no' });
      expect(text(screened, 'h1')).to.equal('Merci de votre participation');
      const [stored] = await collection('responses').find({}).toArray();
      expect(stored).to.deep.include({ status: 'screened_out', lastPageId: 'social_use', answers: { uses_social: 'no' } });
      // Going back to the survey shows the same page, not the form.
      expect(text(await respondent.open(`/s/${CAPTIC_ID}`), 'h1')).to.equal('Merci de votre participation');
    });

    it('never counts more completes than the limit when the last places are taken at once', async () => {
      await setLimits('company_size', { tpe: '2' });
      expect(isThanks(await respond(suite.app, 'tpe'))).to.equal(true);
      const contenders = await Promise.all(
        Array.from({ length: 5 }, async () => {
          const respondent = new Browser(suite.app.url);
          return { respondent, profile: await reachProfile(respondent) };
        }),
      );
      // All five post the last page together: one conditional increment each on the same counter.
      const posted = await Promise.all(contenders.map(({ respondent, profile }) => respondent.post(respondent.formAction(profile), { ...respondent.hiddenFields(profile), ...profileOf('tpe'), action: 'next' })));
      const destinations = posted.map((page) => page.location);
      expect(destinations.filter((to) => to === `/s/${CAPTIC_ID}/thanks`)).to.have.length(1);
      expect(destinations.filter((to) => to === `/s/${CAPTIC_ID}/screened-out`)).to.have.length(4);
      expect(await statuses()).to.deep.equal({ complete: 2, screened_out: 4 });
      expect(await counters()).to.deep.equal([{ questionId: 'company_size', optionId: 'tpe', count: 2, limit: 2 }]);
    });

    it('lets the next respondent in once the organizer raises a full quota', async () => {
      await setLimits('company_size', { tpe: '1' });
      expect(isThanks(await respond(suite.app, 'tpe'))).to.equal(true);
      expect(text(await respond(suite.app, 'tpe', 'en'), 'h1')).to.equal('Thank you for taking part');
      await setLimits('company_size', { tpe: '2' });
      expect(isThanks(await respond(suite.app, 'tpe'))).to.equal(true);
      expect(text(await respond(suite.app, 'tpe', 'en'), 'h1')).to.equal('Thank you for taking part');
      // Lowered below the count, it only stops new completes.
      await setLimits('company_size', { tpe: '1' });
      expect(await counters()).to.deep.equal([{ questionId: 'company_size', optionId: 'tpe', count: 2, limit: 1 }]);
      expect(await statuses()).to.deep.equal({ complete: 2, screened_out: 2 });
    });

    it('gives a voided or erased complete response\'s place back', async () => {
      await setLimits('company_size', { tpe: '1' });
      expect(isThanks(await respond(suite.app, 'tpe'))).to.equal(true);
      const [first] = await collection('responses').find({ status: 'complete' }).toArray();
      const page = await suite.browser.get('/admin');
      const voided = await suite.browser.post(`/admin/surveys/${CAPTIC_ID}/responses/${first!._id.toHexString()}/void`, { ...suite.browser.hiddenFields(page), reason: 'A duplicate' });
      expect(voided.status, text(voided, '.error-summary')).to.equal(303);
      expect(await counters()).to.deep.equal([{ questionId: 'company_size', optionId: 'tpe', count: 0, limit: 1 }]);

      expect(isThanks(await respond(suite.app, 'tpe'))).to.equal(true);
      const [second] = await collection('responses').find({ status: 'complete' }).toArray();
      const erased = await suite.browser.post(`/admin/surveys/${CAPTIC_ID}/responses/${second!._id.toHexString()}/erase`, {
        ...suite.browser.hiddenFields(page),
        confirmation: second!._id.toHexString(),
      });
      expect(erased.status, text(erased, '.error-summary')).to.be.oneOf([200, 303]);
      expect(await counters()).to.deep.equal([{ questionId: 'company_size', optionId: 'tpe', count: 0, limit: 1 }]);
      expect(isThanks(await respond(suite.app, 'tpe'))).to.equal(true);
      expect(await counters()).to.deep.equal([{ questionId: 'company_size', optionId: 'tpe', count: 1, limit: 1 }]);
    });

    it('counts from the completes already there when a wave\'s quotas came without counters (copied from another wave)', async () => {
      expect(isThanks(await respond(suite.app, 'tpe'))).to.equal(true);
      // As createWave copies quotas: on the wave, no counter yet.
      await storedCollection('waves').updateOne({ surveyId: CAPTIC_ID, waveId: WAVE }, { $set: { quotas: [{ questionId: 'company_size', optionId: 'tpe', limit: 1 }] } });
      forgetWaves(CAPTIC_ID);
      expect(await counters()).to.deep.equal([]);
      expect(text(await respond(suite.app, 'tpe', 'en'), 'h1')).to.equal('Thank you for taking part');
      expect(await counters()).to.deep.equal([{ questionId: 'company_size', optionId: 'tpe', count: 1, limit: 1 }]);
    });
  });

  describe('the counters', () => {
    it('hand out exactly the places left to many reservations at once, and take back what a failed save gives back', async () => {
      await setLimits('company_size', { tpe: '3' });
      const wave = { ...(await findWave(CAPTIC_ID, WAVE)) };
      const answers = { company_size: 'tpe' };
      const outcomes = await Promise.all(Array.from({ length: 20 }, () => reserveQuotaCells(wave, answers)));
      expect(outcomes.filter((outcome) => outcome.ok)).to.have.length(3);
      expect(outcomes.filter((outcome) => !outcome.ok).map((outcome) => !outcome.ok && outcome.full)).to.deep.equal(Array(17).fill({ questionId: 'company_size', optionId: 'tpe', limit: 3 }));
      expect(await counters()).to.deep.equal([{ questionId: 'company_size', optionId: 'tpe', count: 3, limit: 3 }]);
      expect(await fullCellFor(wave, answers)).to.deep.equal({ questionId: 'company_size', optionId: 'tpe', limit: 3 });
      expect(await fullCellFor(wave, { company_size: 'pme' })).to.equal(undefined);
      await releaseQuotaCells(wave, [{ questionId: 'company_size', optionId: 'tpe' }]);
      expect(await fullCellFor(wave, answers)).to.equal(undefined);
    });
  });

  describe('the API', () => {
    let token: string;
    const put = (body: unknown) => supertest(suite.app.url).put(QUOTAS_API).set('Authorization', `Bearer ${token}`).send(body as object);

    beforeEach(async () => {
      token = await apiTokenFor(suite.organizer, 'manage');
    });

    it('replaces the wave\'s quotas and answers each cell with its count', async () => {
      const res = await put([{ questionId: 'company_size', optionId: 'tpe', limit: 150 }, { questionId: 'company_size', optionId: 'pme', limit: 60 }]).expect(200);
      expect(res.body.quotas).to.deep.equal([
        { questionId: 'company_size', optionId: 'tpe', limit: 150, count: 0, full: false },
        { questionId: 'company_size', optionId: 'pme', limit: 60, count: 0, full: false },
      ]);
      const read = await supertest(suite.app.url).get(QUOTAS_API).set('Authorization', `Bearer ${token}`).expect(200);
      expect(read.body.quotas).to.have.length(2);
      await put([]).expect(200);
      await expectQuotasWithEmptyCounters([]);
    });

    it('refuses each bad quota with 422 and its code, a body of the wrong shape with 400, and changes nothing', async () => {
      await put([{ questionId: 'company_size', optionId: 'tpe', limit: 5 }]).expect(200);
      for (const [body, code] of [
        [[{ questionId: 'networks', optionId: 'facebook', limit: 3 }], 'quota_not_single_choice'],
        [[{ questionId: 'company_size', optionId: 'huge', limit: 3 }], 'quota_unknown_option'],
        [[{ questionId: 'company_size', optionId: 'tpe', limit: -1 }], 'quota_invalid_limit'],
        [[{ questionId: 'company_size', optionId: 'tpe', limit: 1.5 }], 'quota_invalid_limit'],
        [[{ questionId: 'company_size', optionId: 'tpe', limit: 1e20 }], 'quota_invalid_limit'],
        [[{ questionId: 'company_size', optionId: 'tpe', limit: 10_000_001 }], 'quota_invalid_limit'],
        [[{ questionId: 'company_size', optionId: 'tpe', limit: 1 }, { questionId: 'company_size', optionId: 'tpe', limit: 2 }], 'quota_duplicate_cell'],
      ] as const) {
        const res = await put(body);
        expect(res.status, code).to.equal(422);
        expect(res.body.error.code).to.equal(code);
      }
      const wrongShape = await put({ company_size: { tpe: 3 } });
      expect(wrongShape.status).to.equal(400);
      expect(await storedQuotas()).to.deep.equal([{ questionId: 'company_size', optionId: 'tpe', limit: 5 }]);
    });

    it('refuses an analyst\'s token (403)', async () => {
      const analyst = await createStaff(suite.app, { email: 'analyst@example.org', role: 'analyst', grants: [CAPTIC_ID] });
      token = await apiTokenFor(analyst, 'manage');
      const refused = await put([{ questionId: 'company_size', optionId: 'tpe', limit: 5 }]);
      expect(refused.status).to.equal(403);
      expect(refused.body.error.code).to.equal('organizer_only');
      expect(await storedQuotas()).to.deep.equal([]);
    });
  });
});
