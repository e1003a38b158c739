import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { expect } from 'chai';
import ExcelJS from 'exceljs';
import mongoose from 'mongoose';
import { readCsv, type Row } from './export-csv';
import { ROOT } from '../../support/app';
import { CAPTIC_ID } from '../../fixtures/captic-answers';
import { importResponses } from '../../../server/responses/import.service';
import { registerSurvey } from '../../../server/surveys/survey.catalog';
import { fingerprintSurvey } from '../../../server/surveys/fingerprint';
import type { LoadedSurvey } from '../../../server/surveys/survey.loader';
import type { TSurveyDefinition } from '../../../server/surveys/survey.schemas';
import { startTestApp, type TestApp } from '../../support/app';
import { createStaff, signedInFetch, type CookieFetch } from '../../support/staff';

const FIXTURES = path.join(ROOT, 'test', 'fixtures', 'import');
const WAVE_URL = `/admin/surveys/${CAPTIC_ID}/waves/2011-03`;

const CAPTIC_COLUMNS = [
  'response_id', 'wave', 'fingerprint', 'language', 'source', 'started_at', 'completed_at', 'weight',
  'uses_social', 'usage', 'networks', 'networks--other',
  'satisfaction_personal.facebook', 'satisfaction_personal.linkedin', 'satisfaction_personal.viadeo', 'satisfaction_personal.twitter',
  'satisfaction_professional.facebook', 'satisfaction_professional.linkedin', 'satisfaction_professional.viadeo', 'satisfaction_professional.twitter',
  'info_sources', 'info_sources--other', 'club_member', 'club_obstacles', 'club_obstacles--other', 'reasons', 'reasons--other',
  'themes', 'themes--other', 'trust_mediated', 'trust_unmediated', 'comments',
  'company_size', 'sector', 'sector--other', 'region', 'function', 'function--other',
];

function db() {
  return mongoose.connection.db!;
}

describe('Exports of a wave (CSV, XLSX, codebook)', () => {
  let app: TestApp;
  let captic: LoadedSurvey;
  /** An analyst granted CAP-TIC, signed in: exports hold every free text, so only staff read them. */
  let analyst: CookieFetch;
  before(async () => {
    app = await startTestApp();
    captic = app.catalog.require(CAPTIC_ID);
  });
  after(async () => app.close());
  beforeEach(async () => {
    await app.reset();
    await importResponses({ survey: captic, wave: '2011-03', format: 'jsonl', content: await readFile(path.join(FIXTURES, 'captic-responses.jsonl')), now: new Date('2011-03-17T12:00:00Z') });
    // A response still being filled in is not exported.
    await db().collection('responses').insertOne({
      surveyId: CAPTIC_ID, waveId: '2011-03', fingerprint: captic.fingerprint, status: 'partial', answers: { uses_social: 'no' }, otherTexts: {},
      language: 'fr', source: 'web', startedAt: new Date(), revision: 1,
    });
    analyst = await signedInFetch(app, await createStaff(app, { email: 'analyst@example.org', role: 'analyst', grants: [CAPTIC_ID] }));
  });

  function get(pathname: string): Promise<Response> {
    return analyst(pathname);
  }

  describe('responses as CSV', () => {
    it('sends a UTF-8 CSV with a BOM, as an attachment named after the survey and the wave', async () => {
      const res = await get(`${WAVE_URL}/export.csv`);
      expect(res.status).to.equal(200);
      expect(res.headers.get('content-type')).to.equal('text/csv; charset=utf-8');
      expect(res.headers.get('content-disposition')).to.equal('attachment; filename=captic_2011-2011-03-responses.csv');
      expect(res.headers.get('cache-control')).to.equal('no-store');
      const bytes = Buffer.from(await res.arrayBuffer());
      expect([...bytes.subarray(0, 3)]).to.deep.equal([0xef, 0xbb, 0xbf]);
      // Who took the responses away is on record.
      const events = await db().collection('audit_events').find({ action: 'responses_exported' }).toArray();
      expect(events.map((e) => [e.actorEmail, e.via, e.surveyId, e.target])).to.deep.equal([['analyst@example.org', 'session', CAPTIC_ID, '2011-03']]);
    });

    it('has one column per stable id and one row per complete response, in completion order, with codes', async () => {
      const { header, rows } = readCsv(await (await get(`${WAVE_URL}/export.csv`)).text());
      expect(header).to.deep.equal(CAPTIC_COLUMNS);
      expect(rows).to.have.length(3);
      const [first, second, third] = rows as [Row, Row, Row];
      expect(first).to.include({
        wave: '2011-03',
        fingerprint: captic.fingerprint,
        language: 'fr',
        source: 'import',
        started_at: '2011-03-14T09:12:00.000Z',
        completed_at: '2011-03-14T09:30:00.000Z',
        uses_social: 'yes',
        usage: 'both',
        networks: 'facebook;viadeo;other',
        'networks--other': 'Instagram',
        'satisfaction_personal.facebook': '4',
        'satisfaction_personal.viadeo': 'dont_know',
        'satisfaction_personal.linkedin': '',
        'satisfaction_professional.viadeo': '5',
        'info_sources--other': 'Télévision',
        club_obstacles: 'time;fees',
        comments: '',
      });
      expect(first.response_id).to.match(/^[0-9a-f]{24}$/);
      expect(second).to.include({ uses_social: 'no', completed_at: '2011-03-17T12:00:00.000Z', comments: 'Très utile', networks: '' });
      expect(third).to.include({ language: 'en', 'sector--other': 'Conseil -RH' });
    });

    it('neutralizes texts a spreadsheet would run as formulas, and only those', async () => {
      const { rows } = readCsv(await (await get(`${WAVE_URL}/export.csv`)).text());
      const english = rows.find((r) => r.language === 'en')!;
      expect(english.comments).to.equal(`'=HYPERLINK("http://evil.example","click")`);
      expect(english['function--other']).to.equal(`'-DG adjoint`);
      expect(english['sector--other']).to.equal('Conseil -RH');
    });

    it('gives option and scale labels in the language asked for with ?labels=1&lang=en', async () => {
      const { header, rows } = readCsv(await (await get(`${WAVE_URL}/export.csv?labels=1&lang=en`)).text());
      expect(header).to.deep.equal(CAPTIC_COLUMNS);
      expect(rows[0]).to.include({
        uses_social: 'Yes',
        usage: 'Both professional and personal',
        networks: 'Facebook;Viadeo;Other',
        'satisfaction_personal.facebook': 'Satisfied',
        'satisfaction_personal.viadeo': "Don't know",
        company_size: '50 to 249 employees (medium)',
      });
      const french = readCsv(await (await get(`${WAVE_URL}/export.csv?labels=1`)).text());
      expect(french.rows[0]).to.include({ uses_social: 'Oui', 'satisfaction_professional.facebook': 'Peu satisfait' });
    });

    it('answers 400 for a language the survey does not have', async () => {
      const res = await analyst(`${WAVE_URL}/export.csv?labels=1&lang=de`, { headers: { accept: 'application/json' } });
      expect(res.status).to.equal(400);
      expect(((await res.json()) as { error: { message: string } }).error.message).to.equal('lang must be one of fr, en');
    });

    it('resolves the wave "current", and names the file after the wave it resolved to', async () => {
      // The open demonstration wave, which has no responses here.
      const res = await get(`/admin/surveys/${CAPTIC_ID}/waves/current/export.csv`);
      expect(res.status).to.equal(200);
      expect(res.headers.get('content-disposition')).to.equal('attachment; filename=captic_2011-demo-responses.csv');
      expect(readCsv(await res.text()).rows).to.have.length(0);
    });

    it('answers 404 for an unknown survey or wave', async () => {
      // Only an admin may ask for a survey nobody was granted; an analyst is refused it (403) before
      // learning whether it exists.
      const admin = await signedInFetch(app, await createStaff(app, { email: 'admin@example.org', role: 'admin' }));
      for (const url of [`/admin/surveys/no_such_survey/waves/current/export.csv`, `/admin/surveys/${CAPTIC_ID}/waves/1999-01/export.csv`, `/admin/surveys/${CAPTIC_ID}/waves/1999-01/export.xlsx`, `/admin/surveys/${CAPTIC_ID}/waves/1999-01/codebook.json`]) {
        const res = await admin(url, { headers: { accept: 'application/json' } });
        expect(res.status, url).to.equal(404);
        expect(((await res.json()) as { error: { code: string } }).error.code).to.match(/^(survey|wave)_not_found$/);
      }
      const refused = await analyst('/admin/surveys/no_such_survey/waves/current/export.csv', { headers: { accept: 'application/json' } });
      expect(refused.status).to.equal(403);
      expect(((await refused.json()) as { error: { code: string } }).error.code).to.equal('survey_not_granted');
    });
  });

  describe('weights, partial responses and 0/1 columns', () => {
    it("writes each response's design weight, 1 when it has none", async () => {
      await db().collection('responses').updateOne({ status: 'complete', language: 'en' }, { $set: { weight: 2.75 } });
      const { rows } = readCsv(await (await get(`${WAVE_URL}/export.csv`)).text());
      expect(rows.map((r) => [r.language, r.weight])).to.deep.equal([['fr', '1'], ['fr', '1'], ['en', '2.75']]);
      const workbook = new ExcelJS.Workbook();
      await workbook.xlsx.load(await (await get(`${WAVE_URL}/export.xlsx`)).arrayBuffer());
      const sheet = workbook.getWorksheet('Responses')!;
      expect(sheet.getRow(4).getCell(CAPTIC_COLUMNS.indexOf('weight') + 1).value).to.equal(2.75);
    });

    it('adds the partial and screened-out responses with ?status=all, with their status and last page; test responses still never come', async () => {
      await db().collection('responses').insertMany([
        { surveyId: CAPTIC_ID, waveId: '2011-03', fingerprint: captic.fingerprint, status: 'screened_out', answers: { uses_social: 'yes' }, otherTexts: {}, language: 'fr', source: 'web', startedAt: new Date('2011-03-15T08:00:00Z'), lastPageId: 'usage', revision: 1 },
        { surveyId: CAPTIC_ID, waveId: '2011-03', fingerprint: captic.fingerprint, status: 'partial', test: true, answers: { uses_social: 'yes' }, otherTexts: {}, language: 'fr', source: 'web', startedAt: new Date('2011-03-15T08:00:00Z'), revision: 1 },
      ]);
      const plain = readCsv(await (await get(`${WAVE_URL}/export.csv`)).text());
      expect(plain.header).to.not.include('status');
      expect(plain.rows).to.have.length(3);
      const all = readCsv(await (await get(`${WAVE_URL}/export.csv?status=all`)).text());
      expect(all.header.slice(-2)).to.deep.equal(['status', 'last_page']);
      expect(all.rows.map((r) => r.status).sort()).to.deep.equal(['complete', 'complete', 'complete', 'partial', 'screened_out']);
      expect(all.rows.find((r) => r.status === 'screened_out')).to.include({ last_page: 'usage', uses_social: 'yes', completed_at: '' });
      const voided = readCsv(await (await get(`${WAVE_URL}/export.csv?status=all&voided=include`)).text());
      expect(voided.header.slice(-4)).to.deep.equal(['status', 'last_page', 'voided', 'voided_reason']);
    });

    it('gives one 0/1 column per option of a multiple choice with ?multi=columns, in CSV and XLSX', async () => {
      const { header, rows } = readCsv(await (await get(`${WAVE_URL}/export.csv?multi=columns`)).text());
      expect(header).to.not.include('networks');
      expect(header.slice(header.indexOf('usage') + 1, header.indexOf('networks--other') + 1)).to.deep.equal(['networks_facebook', 'networks_linkedin', 'networks_viadeo', 'networks_twitter', 'networks_other', 'networks--other']);
      const [user, nonUser] = rows as [Row, Row];
      expect(user).to.include({ networks_facebook: '1', networks_linkedin: '0', networks_viadeo: '1', networks_other: '1' });
      // Not asked (uses_social = no): empty, not 0.
      expect(nonUser).to.include({ networks_facebook: '', networks_other: '' });
      const workbook = new ExcelJS.Workbook();
      await workbook.xlsx.load(await (await get(`${WAVE_URL}/export.xlsx?multi=columns`)).arrayBuffer());
      const sheet = workbook.getWorksheet('Responses')!;
      expect(sheet.getRow(2).getCell(header.indexOf('networks_linkedin') + 1).value).to.equal(0);
    });

    it("refuses an option or a value it does not know with 400, in the export's error style", async () => {
      for (const [query, message] of [
        ['multi=column', 'multi is "list" or "columns"'],
        ['status=partial', 'status is "complete" or "all"'],
        ['format=sav', 'unknown export option "format"'],
      ]) {
        const res = await analyst(`${WAVE_URL}/export.csv?${query}`, { headers: { accept: 'application/json' } });
        expect(res.status, query).to.equal(400);
        expect(((await res.json()) as { error: { message: string } }).error.message, query).to.equal(message);
      }
      const unknownFormat = await analyst(`${WAVE_URL}/export.pdf`, { headers: { accept: 'application/json' } });
      expect(unknownFormat.status).to.equal(400);
      expect(((await unknownFormat.json()) as { error: { message: string } }).error.message).to.equal('unknown export format "pdf": csv, xlsx or sav');
    });
  });

  describe('responses as XLSX', () => {
    it('opens in a spreadsheet library with a Responses sheet and a Codebook sheet, numbers as numbers and texts as typed', async () => {
      const res = await get(`${WAVE_URL}/export.xlsx`);
      expect(res.status).to.equal(200);
      expect(res.headers.get('content-type')).to.equal('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
      expect(res.headers.get('content-disposition')).to.equal('attachment; filename=captic_2011-2011-03-responses.xlsx');
      const workbook = new ExcelJS.Workbook();
      await workbook.xlsx.load(await res.arrayBuffer());
      expect(workbook.worksheets.map((w) => w.name)).to.deep.equal(['Responses', 'Codebook']);

      const sheet = workbook.getWorksheet('Responses')!;
      expect(sheet.rowCount).to.equal(4);
      const header = (sheet.getRow(1).values as unknown[]).slice(1);
      expect(header).to.deep.equal(CAPTIC_COLUMNS);
      const cell = (row: number, column: string) => sheet.getRow(row).getCell(CAPTIC_COLUMNS.indexOf(column) + 1).value;
      expect(cell(2, 'satisfaction_personal.facebook')).to.equal(4);
      expect(cell(2, 'satisfaction_personal.viadeo')).to.equal('dont_know');
      expect(cell(2, 'networks')).to.equal('facebook;viadeo;other');
      expect(cell(2, 'completed_at')).to.be.instanceOf(Date);
      expect((cell(2, 'completed_at') as Date).toISOString()).to.equal('2011-03-14T09:30:00.000Z');
      // A string cell, never a formula: no CSV quote (test/security/formula-injection.test.ts).
      expect(cell(4, 'comments')).to.equal(`=HYPERLINK("http://evil.example","click")`);
      expect(cell(4, 'language')).to.equal('en');

      const codebook = workbook.getWorksheet('Codebook')!;
      const codebookHeader = (codebook.getRow(1).values as unknown[]).slice(1);
      expect(codebookHeader).to.deep.equal(['column', 'question_id', 'question_text_fr', 'question_text_en', 'type', 'required', 'code', 'label_fr', 'label_en', 'base', 'notes']);
      const usage: unknown[] = [];
      codebook.eachRow((row) => {
        if (row.getCell(1).value === 'usage') usage.push(row.getCell(7).value);
      });
      expect(usage).to.deep.equal(['professional', 'personal', 'both']);
    });

    it('gives labels in the Responses sheet with ?labels=1&lang=en', async () => {
      const workbook = new ExcelJS.Workbook();
      await workbook.xlsx.load(await (await get(`${WAVE_URL}/export.xlsx?labels=1&lang=en`)).arrayBuffer());
      const sheet = workbook.getWorksheet('Responses')!;
      expect(sheet.getRow(2).getCell(CAPTIC_COLUMNS.indexOf('usage') + 1).value).to.equal('Both professional and personal');
    });
  });

  describe('codebook', () => {
    it('describes every column in JSON: texts and labels in both languages, types, codes and bases', async () => {
      const res = await get(`${WAVE_URL}/codebook.json`);
      expect(res.status).to.equal(200);
      expect(res.headers.get('content-disposition')).to.equal('attachment; filename=captic_2011-2011-03-codebook.json');
      const codebook = (await res.json()) as {
        surveyId: string;
        waveId: string;
        fingerprints: string[];
        languages: string[];
        columns: { column: string; questionId: string | null; questionText: Record<string, string>; type: string; required: boolean | null; base: string; notes: string; values: { code: string | number; label: Record<string, string> }[] }[];
      };
      expect(codebook).to.include({ surveyId: CAPTIC_ID, waveId: '2011-03' });
      expect(codebook.fingerprints).to.deep.equal([captic.fingerprint]);
      expect(codebook.languages).to.deep.equal(['fr', 'en']);
      expect(codebook.columns.map((c) => c.column)).to.deep.equal(CAPTIC_COLUMNS);
      const byName = new Map(codebook.columns.map((c) => [c.column, c]));

      expect(byName.get('uses_social')).to.deep.include({ questionId: 'uses_social', type: 'yes_no', required: true, base: 'all respondents' });
      expect(byName.get('uses_social')!.questionText).to.deep.equal({ fr: 'Utilisez-vous les réseaux sociaux ?', en: 'Do you use social networks?' });
      expect(byName.get('networks')!.base).to.equal('asked if uses_social = yes');
      expect(byName.get('networks')!.values[0]).to.deep.equal({ code: 'facebook', label: { fr: 'Facebook', en: 'Facebook' } });
      expect(byName.get('networks--other')).to.deep.include({ type: 'other_text', base: 'asked if uses_social = yes and networks includes other' });
      const row = byName.get('satisfaction_personal.facebook')!;
      expect(row.type).to.equal('matrix');
      expect(row.base).to.equal('asked if uses_social = yes and usage in (personal, both) and networks includes facebook');
      expect(row.questionText.en).to.equal('For personal use, how satisfied are you with these networks? [Facebook]');
      expect(row.values.map((v) => v.code)).to.deep.equal([1, 2, 3, 4, 5, 'dont_know']);
      expect(row.values[4]!.label).to.deep.equal({ fr: 'Très satisfait', en: 'Very satisfied' });
      expect(byName.get('club_obstacles')!.base).to.equal('asked if club_member = no');
      expect(byName.get('comments')).to.deep.include({ type: 'long_text', required: false, notes: 'free text, at most 3000 characters' });
      expect(byName.get('source')!.values.map((v) => v.code)).to.deep.equal(['web', 'import']);
    });

    it('is also a CSV: one row per column and code', async () => {
      const res = await get(`${WAVE_URL}/codebook.csv`);
      expect(res.status).to.equal(200);
      expect(res.headers.get('content-disposition')).to.equal('attachment; filename=captic_2011-2011-03-codebook.csv');
      const { header, rows } = readCsv(await res.text());
      expect(header).to.deep.equal(['column', 'question_id', 'question_text_fr', 'question_text_en', 'type', 'required', 'code', 'label_fr', 'label_en', 'base', 'notes']);
      const usage = rows.filter((r) => r.column === 'usage');
      expect(usage.map((r) => [r.code, r.label_fr, r.label_en])).to.deep.equal([
        ['professional', 'Professionnel uniquement', 'Professional only'],
        ['personal', 'Personnel uniquement', 'Personal only'],
        ['both', 'Professionnel et personnel', 'Both professional and personal'],
      ]);
      expect(usage[0]).to.include({ question_id: 'usage', type: 'single_choice', required: 'yes', base: 'asked if uses_social = yes', question_text_en: 'For what use?' });
      expect(rows.filter((r) => r.column === 'comments')).to.have.length(1);
    });

    it('describes an old wave in the wording its respondents saw, from the version recorded under its fingerprint', async () => {
      const old = JSON.parse(JSON.stringify(captic.definition)) as TSurveyDefinition;
      const firstQuestion = old.pages[0]!.questions[0]!;
      firstQuestion.text = { fr: 'Êtes-vous sur les réseaux sociaux ?', en: 'Are you on social networks?' };
      const oldFingerprint = fingerprintSurvey(old);
      await registerSurvey({ definition: old, fingerprint: oldFingerprint, file: 'old.yaml' });
      await db().collection('waves').insertOne({ surveyId: CAPTIC_ID, waveId: '2010-11', status: 'closed', createdAt: new Date('2010-11-01'), updatedAt: new Date('2010-11-30') });
      await db().collection('responses').insertOne({
        surveyId: CAPTIC_ID, waveId: '2010-11', fingerprint: oldFingerprint, status: 'complete', answers: { uses_social: 'no' }, otherTexts: {},
        language: 'fr', source: 'web', startedAt: new Date('2010-11-10T10:00:00Z'), completedAt: new Date('2010-11-10T10:05:00Z'), revision: 3,
      });

      const res = await get(`/admin/surveys/${CAPTIC_ID}/waves/2010-11/codebook.json`);
      const codebook = (await res.json()) as { fingerprints: string[]; columns: { column: string; questionText: Record<string, string> }[] };
      expect(codebook.fingerprints).to.deep.equal([oldFingerprint]);
      expect(codebook.columns.find((c) => c.column === 'uses_social')!.questionText.en).to.equal('Are you on social networks?');

      const current = (await (await get(`${WAVE_URL}/codebook.json`)).json()) as typeof codebook;
      expect(current.columns.find((c) => c.column === 'uses_social')!.questionText.en).to.equal('Do you use social networks?');

      const byFingerprint = (await (await get(`${WAVE_URL}/codebook.json?fingerprint=${encodeURIComponent(oldFingerprint)}`)).json()) as typeof codebook;
      expect(byFingerprint.columns.find((c) => c.column === 'uses_social')!.questionText.en).to.equal('Are you on social networks?');

      const unknown = await analyst(`${WAVE_URL}/codebook.json?fingerprint=sha256:0000000000000000`, { headers: { accept: 'application/json' } });
      expect(unknown.status).to.equal(404);
      const { rows } = readCsv(await (await get(`/admin/surveys/${CAPTIC_ID}/waves/2010-11/export.csv`)).text());
      expect(rows.map((r) => [r.fingerprint, r.uses_social])).to.deep.equal([[oldFingerprint, 'no']]);
    });
  });

  describe('round trip', () => {
    it('an exported CSV imported into another wave gives back the same answers, other texts, languages and times', async () => {
      const exported = await (await get(`${WAVE_URL}/export.csv`)).text();
      await db().collection('waves').insertOne({ surveyId: CAPTIC_ID, waveId: '2011-04', status: 'closed', createdAt: new Date('2011-04-01'), updatedAt: new Date('2011-04-01') });
      const report = await importResponses({ survey: captic, wave: '2011-04', format: 'csv', content: exported });
      expect(report.problems).to.deep.equal([]);
      expect(report.imported).to.equal(3);

      const view = (waveId: string) =>
        db()
          .collection('responses')
          .find({ waveId, status: 'complete' })
          .sort({ completedAt: 1 })
          .toArray()
          .then((docs) => docs.map((d) => ({ answers: d.answers, otherTexts: d.otherTexts, language: d.language, startedAt: d.startedAt, completedAt: d.completedAt })));
      const original = await view('2011-03');
      expect(original).to.have.length(3);
      expect(await view('2011-04')).to.deep.equal(original);
    });
  });
});
