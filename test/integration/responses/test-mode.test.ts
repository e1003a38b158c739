// Test mode: an organizer takes a wave's survey as a respondent from its responses page, before
// and during fieldwork, in the version the wave pins, with the banner on every page; the test
// responses are counted nowhere (figures API, report, exports, console counts, live tallies), as
// voided ones are not, and are deleted in one audited action. The time is the app's clock.
import { expect } from 'chai';
import mongoose from 'mongoose';
import ExcelJS from 'exceljs';
import { parse } from 'csv-parse/sync';
import supertest from 'supertest';
import { useAppSuite } from '../../support/app-suite';
import { text, type Browser, type FormFields, type Page } from '../../support/browser';
import { apiTokenFor, signedInBrowser, signedInFetch, storedCollection } from '../../support/staff';
import { TEST_ACTOR, wavesOf } from '../../support/waves';
import { CAPTIC_ID, NON_USER_PAGES, USER_PAGES } from '../../fixtures/captic-answers';
import { buildCaptic250 } from '../../fixtures/captic-250';
import { importResponses } from '../../../server/responses/import.service';
import { countResponsesByWave } from '../../../server/responses/response.service';
import { readTallies } from '../../../server/analysis/tally/tally.service';
import { recordSurveyVersion } from '../../../server/surveys/survey.catalog';
import { fingerprintSurvey } from '../../../server/surveys/fingerprint';
import type { TSurveyDefinition } from '../../../server/surveys/survey.schemas';

const NOW = '2026-12-01T10:00:00Z';
const SURVEY_ADMIN = `/admin/surveys/${CAPTIC_ID}`;
const responsesPage = (waveId: string) => `${SURVEY_ADMIN}/waves/${waveId}/responses`;
const BANNER = 'Test mode: this response is not counted in any result.';

/** Posts the form `formId` of the page at `path` with its own CSRF token and action, as a person would. */
async function submitForm(browser: Browser, path: string, formId: string, fields: FormFields = {}): Promise<Page> {
  const page = await browser.get(path);
  const form = page.$(`form#${formId}`);
  expect(form.length, `no form #${formId} on ${path} (${page.status})`).to.equal(1);
  return browser.post(form.attr('action') as string, { _csrf: form.find('input[name=_csrf]').attr('value') ?? '', ...fields });
}

/** Goes through the survey's pages from `page` with the answers `plan` gives each; answers the page it ends on. */
async function answerEveryPage(browser: Browser, page: Page, plan: Record<string, FormFields>): Promise<Page> {
  let current = page;
  for (let form = current.$('form#survey-form'); form.length > 0; form = current.$('form#survey-form')) {
    const pageId = (form.attr('action') ?? '').split('/p/')[1] ?? '';
    expect(current.$('.test-mode-banner').text(), `banner on page ${pageId}`).to.equal(BANNER);
    current = await browser.submit(current, plan[pageId] ?? {});
    expect(current.status, `after page ${pageId}: ${text(current, '.error-summary')}`).to.equal(200);
  }
  return current;
}

function responses() {
  return mongoose.connection.db!.collection('responses');
}

describe('Test mode and the responses page', function () {
  this.timeout(60_000);
  const suite = useAppSuite({ startAt: NOW, organizerOf: [CAPTIC_ID], analystOf: [CAPTIC_ID] });

  /** Starts a preview of the wave from its responses page; answers the first page of the survey. */
  async function preview(waveId: string): Promise<Page> {
    const started = await submitForm(suite.browser, responsesPage(waveId), 'preview-wave');
    expect(started.status, text(started, '.error-summary')).to.equal(303);
    return suite.browser.open(started.location as string);
  }

  /** `count` real complete responses of the wave, as an import stores them. */
  async function importComplete(waveId: string, count: number): Promise<void> {
    const content = buildCaptic250(5).slice(0, count).map((r) => JSON.stringify(r)).join('\n');
    const report = await importResponses({ survey: suite.app.catalog.require(CAPTIC_ID), wave: waveId, format: 'jsonl', content, now: suite.clock.now() });
    expect(report.imported, JSON.stringify(report.problems)).to.equal(count);
  }

  describe('previewing a wave', () => {
    it('takes the organizer through the open wave as a respondent, with the banner, to the thank-you page; the response is marked test', async () => {
      const started = await submitForm(suite.browser, responsesPage('demo'), 'preview-wave');
      expect(started.status).to.equal(303);
      expect(started.location).to.equal(`/s/${CAPTIC_ID}/p/social_use`);
      expect(started.headers['set-cookie']?.toString()).to.match(new RegExp(`brm_resume_${CAPTIC_ID}=.*Path=/s/${CAPTIC_ID}`));

      const first = await suite.browser.open(started.location as string);
      expect(first.$('html').attr('lang')).to.equal('en');
      const thanks = await answerEveryPage(suite.browser, first, USER_PAGES);
      expect(thanks.$('h1').text()).to.match(/thank/i);
      expect(text(thanks, '.test-mode-banner')).to.equal(BANNER);

      const stored = await responses().find({}).toArray();
      expect(stored.map((r) => [r.waveId, r.status, r.test, r.language])).to.deep.equal([['demo', 'complete', true, 'en']]);
      // Counted nowhere: no console count, no live counter.
      expect((await countResponsesByWave(CAPTIC_ID)).get('demo')).to.equal(undefined);
      expect([...(await readTallies(CAPTIC_ID, 'demo'))].length).to.equal(0);
      const page = await suite.browser.get(responsesPage('demo'));
      expect(text(page, '#count-complete')).to.equal('0');
      expect(text(page, '#count-test')).to.equal('1');
      expect(text(page, '#responses tbody tr td:first-of-type')).to.equal('complete test');
    });

    it('lets the organizer meet the survey as anyone would once their preview is finished', async () => {
      await answerEveryPage(suite.browser, await preview('demo'), USER_PAGES);
      // The browser still holds the finished preview's cookie: the survey starts afresh, unmarked.
      const intro = await suite.browser.open(`/s/${CAPTIC_ID}`);
      expect(intro.$('form').last().attr('action')).to.equal(`/s/${CAPTIC_ID}/start`);
      expect(intro.$('.test-mode-banner').length).to.equal(0);
      const first = await suite.browser.submit(intro, { consent: 'yes' });
      expect(first.$('.test-mode-banner').length).to.equal(0);
      const stored = await responses().find({}, { sort: { startedAt: 1 } }).toArray();
      expect(stored.map((r) => [r.status, r.test === true])).to.deep.equal([['complete', true], ['partial', false]]);
    });

    it('works before fieldwork, on a draft or scheduled wave, in the version the wave pins', async () => {
      const definition = structuredClone(suite.app.catalog.require(CAPTIC_ID).definition) as TSurveyDefinition;
      const question = definition.pages[0]!.questions[0]!;
      question.text = { fr: 'Utilisez-vous des réseaux sociaux en ligne ?', en: 'Do you use online social networks?' };
      const fingerprint = fingerprintSurvey(definition);
      await recordSurveyVersion({ definition, fingerprint }, { source: 'upload', fileName: 'captic-2012.yaml' });
      const waves = wavesOf(suite.app);
      await waves.createWave(CAPTIC_ID, { waveId: '2012-03', copyFrom: '2011-03', fingerprint }, TEST_ACTOR);

      const draft = await preview('2012-03');
      expect(draft.$('#question-uses_social legend').contents().first().text().trim()).to.equal('Do you use online social networks?');
      expect(text(draft, '.test-mode-banner')).to.equal(BANNER);

      // Fieldwork of the demo wave ends, so that 2012-03 may be scheduled after it.
      await waves.closeWave(CAPTIC_ID, 'demo', TEST_ACTOR);
      await waves.setSchedule(CAPTIC_ID, '2012-03', { opensAt: new Date('2027-03-01T08:00:00Z'), closesAt: new Date('2027-04-01T08:00:00Z') }, TEST_ACTOR);
      await waves.scheduleWave(CAPTIC_ID, '2012-03', TEST_ACTOR);
      const scheduled = await preview('2012-03');
      const done = await answerEveryPage(suite.browser, scheduled, NON_USER_PAGES);
      expect(text(done, '.test-mode-banner')).to.equal(BANNER);
      const stored = await responses().find({ waveId: '2012-03' }).sort({ _id: 1 }).toArray();
      expect(stored.map((r) => [r.status, r.test, r.fingerprint])).to.deep.equal([
        ['partial', true, fingerprint],
        ['complete', true, fingerprint],
      ]);
    });

    it('refuses a closed wave with a message, and starts nothing', async () => {
      const page = await suite.browser.get(responsesPage('2011-03'));
      expect(page.status).to.equal(200);
      expect(page.$('form#preview-wave').length).to.equal(0);
      expect(text(page, '#preview-closed')).to.equal('This wave is closed: it can no longer be tried.');

      const handMade = await suite.browser.post(`${SURVEY_ADMIN}/waves/2011-03/preview`, suite.browser.hiddenFields(await suite.browser.get(responsesPage('demo'))));
      expect(handMade.status).to.equal(410);
      expect(text(handMade, '.error-summary')).to.equal('This wave is closed: it can no longer be tried.');
      expect(handMade.headers['set-cookie']?.toString() ?? '').not.to.contain('brm_resume');
      expect(await responses().countDocuments()).to.equal(0);
    });

    it('answers 404 for a wave the survey does not have', async () => {
      const handMade = await suite.browser.post(`${SURVEY_ADMIN}/waves/no-such-wave/preview`, suite.browser.hiddenFields(await suite.browser.get(responsesPage('demo'))));
      expect(handMade.status).to.equal(404);
    });
  });

  describe('the responses page', () => {
    it('counts the wave\'s responses by status and lists them newest first, 50 a page, each linking to its page', async () => {
      await importComplete('demo', 52);
      const first = await suite.browser.get(responsesPage('demo'));
      expect(first.status).to.equal(200);
      expect(first.$('nav.wave-nav a[aria-current=page]').attr('href')).to.equal(responsesPage('demo'));
      expect(text(first, '#count-complete')).to.equal('52');
      const rows = first.$('#responses tbody tr');
      expect(rows.length).to.equal(50);
      expect(text(first, 'nav.pagination [aria-current=page]')).to.equal('Page 1 of 2');
      const second = await suite.browser.get(first.$('nav.pagination a[rel=next]').attr('href') as string);
      expect(second.$('#responses tbody tr').length).to.equal(2);

      const stored = await responses().find({}).sort({ startedAt: -1, _id: -1 }).toArray();
      const firstId = stored[0]!._id.toHexString();
      expect(rows.first().find('a').attr('href')).to.equal(`${SURVEY_ADMIN}/responses/${firstId}`);
      const shown = await suite.browser.get(`${SURVEY_ADMIN}/responses/${firstId}`);
      expect(shown.status).to.equal(200);
      expect(text(shown, 'h1')).to.equal(`Response ${firstId}`);
      // Question wording and answer labels, as the respondent saw them.
      expect(text(shown, '#answers tr[data-column=uses_social]')).to.match(/^Do you use social networks\? (Yes|No)$/);
    });

    it('shows an analyst the counts and the list, without the preview or delete buttons', async () => {
      const page = await (await signedInBrowser(suite.app, suite.analyst)).get(responsesPage('demo'));
      expect(page.status).to.equal(200);
      expect(page.$('form#preview-wave, form#delete-test-responses').length).to.equal(0);
    });
  });

  describe('deleting the test responses', () => {
    it('deletes exactly the wave\'s test responses in one action, audited with their count', async () => {
      await importComplete('demo', 2);
      await answerEveryPage(suite.browser, await preview('demo'), NON_USER_PAGES);
      await preview('demo');
      const real = await responses().find({ test: { $ne: true } }).toArray();

      const page = await suite.browser.get(responsesPage('demo'));
      expect(text(page, '#delete-tests-hint')).to.equal('The 2 test responses of this wave, at once. Other responses do not change.');
      const deleted = await submitForm(suite.browser, responsesPage('demo'), 'delete-test-responses');
      expect(deleted.status).to.equal(303);
      const after = await suite.browser.open(deleted.location as string);
      expect(text(after, '.notice')).to.equal('2 test responses deleted.');
      expect(text(after, '#count-test')).to.equal('0');
      expect(text(after, '#count-complete')).to.equal('2');

      const left = await responses().find({}).toArray();
      expect(left.map((r) => r._id.toHexString()).sort()).to.deep.equal(real.map((r) => r._id.toHexString()).sort());
      const events = await storedCollection('audit_events').find({ action: 'test_responses_deleted' }).toArray();
      expect(events.map((e) => [e.actorEmail, e.surveyId, e.target, e.details])).to.deep.equal([['organizer@example.org', CAPTIC_ID, 'demo', { count: 2 }]]);
    });

    it('refuses an analyst (403), as it refuses an analyst\'s preview', async () => {
      await preview('demo');
      const analystBrowser = await signedInBrowser(suite.app, suite.analyst);
      const token = analystBrowser.hiddenFields(await analystBrowser.get('/admin'));
      expect((await analystBrowser.post(`${responsesPage('demo')}/test/delete`, token)).status).to.equal(403);
      expect((await analystBrowser.post(`${SURVEY_ADMIN}/waves/demo/preview`, token)).status).to.equal(403);
      expect(await responses().countDocuments()).to.equal(1);
    });
  });

  describe('what is counted', () => {
    it('leaves test and voided responses out of the figures API, the report, the exports, the console counts and the live tallies', async () => {
      await importComplete('demo', 5);
      // Test responses: one complete, one still in progress.
      await answerEveryPage(suite.browser, await preview('demo'), USER_PAGES);
      await preview('demo');
      const readToken = await apiTokenFor(suite.analyst, 'read');
      const figures = async (query = '') => {
        const res = await supertest(suite.app.url).get(`/api/v1/surveys/${CAPTIC_ID}/waves/demo/figures${query}`).set('Authorization', `Bearer ${readToken}`);
        expect(res.status, JSON.stringify(res.body)).to.equal(200);
        return res.body as { n: number; source: string; questions: Record<string, { base: { n: number } }> };
      };
      expect((await figures()).n).to.equal(5);

      // One real response is voided: the figures drop it at once, from the counters and from a recompute.
      const real = await responses().find({ test: { $ne: true } }).sort({ _id: 1 }).toArray();
      const voidedId = real[0]!._id.toHexString();
      const voided = await submitForm(suite.browser, `${SURVEY_ADMIN}/responses/${voidedId}`, 'void-response', { reason: 'Duplicate of another response' });
      expect(voided.status, text(voided, '.error-summary')).to.equal(303);

      const counters = await figures();
      expect([counters.source, counters.n, counters.questions.uses_social!.base.n]).to.deep.equal(['counters', 4, 4]);
      const recomputed = await figures('?filter=uses_social:yes,no');
      expect([recomputed.source, recomputed.n]).to.deep.equal(['responses', 4]);
      const tallied = await readTallies(CAPTIC_ID, 'demo');
      expect(tallied.get('_response')).to.deep.equal({ n: 4 });
      expect(tallied.get('uses_social')).to.include({ shown: 4, answered: 4 });
      expect((await countResponsesByWave(CAPTIC_ID)).get('demo')).to.deep.equal({ complete: 4, partial: 0, screened_out: 0, voided: 1 });

      const get = await signedInFetch(suite.app, suite.analyst);
      const report = await get(`${SURVEY_ADMIN}/waves/demo/report?lang=en`);
      expect(report.status).to.equal(200);
      expect(await report.text()).to.contain('4 respondents (complete questionnaires)');

      const counted = real.slice(1).map((r) => r._id.toHexString()).sort();
      const csvRows = parse(await (await get(`${SURVEY_ADMIN}/waves/demo/export.csv`)).text(), { bom: true, columns: true }) as Array<Record<string, string>>;
      expect(csvRows.map((r) => r.response_id).sort()).to.deep.equal(counted);
      expect(Object.keys(csvRows[0]!)).not.to.include('voided');

      const workbook = new ExcelJS.Workbook();
      await workbook.xlsx.load(await (await get(`${SURVEY_ADMIN}/waves/demo/export.xlsx`)).arrayBuffer());
      const sheet = workbook.getWorksheet('Responses')!;
      const ids: string[] = [];
      sheet.eachRow((row, i) => {
        if (i > 1) ids.push(String(row.getCell(1).value));
      });
      expect(ids.sort()).to.deep.equal(counted);

      // On request, the voided response comes too, marked with its reason; test responses never do.
      const marked = parse(await (await get(`${SURVEY_ADMIN}/waves/demo/export.csv?voided=include`)).text(), { bom: true, columns: true }) as Array<Record<string, string>>;
      expect(marked.map((r) => [r.response_id, r.voided, r.voided_reason]).sort()).to.deep.equal(
        [[voidedId, '1', 'Duplicate of another response'], ...counted.map((id) => [id, '0', ''])].sort(),
      );
      const withVoided = new ExcelJS.Workbook();
      await withVoided.xlsx.load(await (await get(`${SURVEY_ADMIN}/waves/demo/export.xlsx?voided=include`)).arrayBuffer());
      const voidedSheet = withVoided.getWorksheet('Responses')!;
      expect(voidedSheet.rowCount).to.equal(6);
      expect((voidedSheet.getRow(1).values as unknown[]).slice(-2)).to.deep.equal(['voided', 'voided_reason']);

      const page = await suite.browser.get(responsesPage('demo'));
      expect(['complete', 'partial', 'screened_out', 'voided', 'test'].map((status) => text(page, `#count-${status}`))).to.deep.equal(['4', '0', '0', '1', '2']);
    });
  });
});
