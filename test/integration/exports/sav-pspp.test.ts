// The .sav export read back by GNU PSPP (installed by .ci/run): every name, label, value label,
// missing value, measurement level, multiple-response set, the weight and every value of the
// 250 CAP-TIC responses (plus a few with weights, accents, "don't know", a long text and an
// "other" text) must be what the CSV export of the same wave says.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import mongoose from 'mongoose';
import { parse } from 'csv-parse/sync';
import { readCsv, type Row } from './export-csv';
import { buildCaptic250 } from '../../fixtures/captic-250';
import { CAPTIC_ID } from '../../fixtures/captic-answers';
import { importResponses } from '../../../server/responses/import.service';
import type { LoadedSurvey } from '../../../server/surveys/survey.loader';
import { spssSeconds } from '../../../server/exports/sav/sav-dictionary';
import { runOracle } from '../../support/oracles';
import { startTestApp, type TestApp } from '../../support/app';
import { createStaff, signedInFetch, type CookieFetch } from '../../support/staff';

const WAVE_URL = `/admin/surveys/${CAPTIC_ID}/waves/2011-03`;
const LONG_COMMENT = `${'Très utile pour échanger entre pairs — ça m’a aidé à trouver des partenaires. '.repeat(12)}Fin.`;
const ACCENTED_OTHER = 'Réseau d’entrepreneurs « Élan »';

/** PSPP's CSV output: "Table: <title>" then the table as CSV, up to a blank line. */
function readTables(text: string): Map<string, string[][]> {
  const tables = new Map<string, string[][]>();
  for (const block of text.split(/\r?\n(?=Table: )/)) {
    const match = /^Table: (.*)\r?\n([\s\S]*)$/.exec(block);
    if (!match) continue;
    const body = match[2]!.split(/\r?\n\r?\n/)[0]!;
    tables.set(match[1]!, parse(body, { relax_column_count: true }) as string[][]);
  }
  return tables;
}

/** The .sav name of an export column: the "other (specify)" texts lose their "--", which SPSS names cannot hold. */
function savName(column: string): string {
  return column.endsWith('--other') ? `${column.slice(0, -'--other'.length)}_other_text` : column;
}

describe('The SPSS export read back by PSPP', function () {
  this.timeout(120_000);
  let app: TestApp;
  let captic: LoadedSurvey;
  let analyst: CookieFetch;
  let directory: string;
  let tables: Map<string, string[][]>;
  let weightNote: string;
  let data: { header: string[]; rows: Row[] };
  let exported: { header: string[]; rows: Row[] };
  let codebook: { columns: { column: string; type: string; questionText: Record<string, string>; values: { code: string | number; label: Record<string, string> }[] }[] };

  before(async () => {
    app = await startTestApp();
    captic = app.catalog.require(CAPTIC_ID);
    await app.reset();
    const extra = buildCaptic250(77)
      .filter((r) => r.answers.uses_social === 'yes')
      .slice(0, 3)
      .map((r, i) => {
        const answers = { ...r.answers };
        if (i === 0) answers.comments = LONG_COMMENT;
        if (i === 1) answers.comments = 'À bientôt, et merci — très intéressant !';
        const networks = Array.isArray(answers.networks) ? answers.networks : [];
        if (i === 2) answers.networks = [...networks.filter((n) => n !== 'other'), 'other'];
        return { ...r, answers, otherTexts: i === 2 ? { ...r.otherTexts, networks: ACCENTED_OTHER } : r.otherTexts };
      });
    const records = [...buildCaptic250(), ...extra].map((r) => JSON.stringify(r)).join('\n');
    const report = await importResponses({ survey: captic, wave: '2011-03', format: 'jsonl', content: records, now: new Date('2011-03-31T18:00:00Z') });
    expect(report.problems).to.deep.equal([]);
    const responses = mongoose.connection.db!.collection('responses');
    await responses.updateMany({ 'answers.company_size': 'micro' }, { $set: { weight: 1.5 } });
    await responses.updateOne({ 'answers.comments': LONG_COMMENT }, { $set: { weight: 2.75 } });
    analyst = await signedInFetch(app, await createStaff(app, { email: 'analyst@example.org', role: 'analyst', grants: [CAPTIC_ID] }));

    directory = await mkdtemp(path.join(tmpdir(), 'barometer-sav-'));
    const res = await analyst(`${WAVE_URL}/export.sav`);
    expect(res.status).to.equal(200);
    expect(res.headers.get('content-type')).to.equal('application/x-spss-sav');
    expect(res.headers.get('content-disposition')).to.equal('attachment; filename=captic_2011-2011-03-responses.sav');
    exported = readCsv(await (await analyst(`${WAVE_URL}/export.csv?multi=columns`)).text());
    codebook = (await (await analyst(`${WAVE_URL}/codebook.json?multi=columns`)).json()) as typeof codebook;
    const read = await readBack(Buffer.from(await res.arrayBuffer()), 'export');
    tables = readTables(read.output);
    weightNote = /WEIGHT is (\S+?)\.?$/m.exec(read.output)?.[1] ?? '';
    data = read.data;
  });

  /** Runs PSPP on a .sav: its dictionary, sets and weight as PSPP's CSV output, its cases as a CSV file. */
  async function readBack(sav: Buffer, name: string): Promise<{ output: string; data: { header: string[]; rows: Row[] } }> {
    const file = (extension: string) => path.join(directory, `${name}.${extension}`);
    await writeFile(file('sav'), sav);
    // Timestamps as plain seconds, so that every value is compared exactly, not as PSPP prints dates.
    const syntax = [
      'SET TVARS=NAMES.',
      `GET FILE='${file('sav')}'.`,
      'DISPLAY DICTIONARY.',
      'MRSETS /DISPLAY NAME=ALL.',
      'SHOW WEIGHT.',
      'FORMATS started_at completed_at (F20.3).',
      `SAVE TRANSLATE /OUTFILE='${file('data.csv')}' /TYPE=CSV /FIELDNAMES /REPLACE /CELLS=VALUES.`,
    ].join('\n');
    await writeFile(file('sps'), `${syntax}\n`);
    await runOracle('pspp', ['-O', 'format=csv', '-o', file('output.csv'), file('sps')]);
    return { output: await readFile(file('output.csv'), 'utf8'), data: readCsv(await readFile(file('data.csv'), 'utf8')) };
  }
  after(async () => {
    await app.close();
    await rm(directory, { recursive: true, force: true });
  });

  it('has one variable per column of the CSV export with ?multi=columns, with valid names, French labels and measurement levels', () => {
    const variables = tables.get('Variables')!;
    const [head, ...rows] = variables;
    const at = (field: string) => head!.indexOf(field);
    expect(rows.map((r) => r[at('Name')])).to.deep.equal(exported.header.map(savName));
    const byName = new Map(rows.map((r) => [r[at('Name')]!, r]));
    const field = (name: string, f: string) => byName.get(name)![at(f)];
    expect(field('uses_social', 'Label')).to.equal('Utilisez-vous les réseaux sociaux ?');
    expect(field('uses_social', 'Measurement Level')).to.equal('Nominal');
    expect(field('networks_facebook', 'Label')).to.equal('Quels réseaux sociaux utilisez-vous ? [Facebook]');
    expect(field('satisfaction_personal.facebook', 'Measurement Level')).to.equal('Ordinal');
    expect(field('satisfaction_personal.facebook', 'Missing Values')).to.equal('99');
    expect(field('weight', 'Measurement Level')).to.equal('Scale');
    expect(field('completed_at', 'Print Format')).to.equal('DATETIME20.0');
    // A text longer than 255 bytes is one very long string, not cut.
    expect(field('comments', 'Print Format')).to.equal(`A${Buffer.byteLength(LONG_COMMENT)}`);
    expect(field('networks_other_text', 'Label')).to.match(/^Quels réseaux sociaux utilisez-vous \? \[/);
  });

  it('gives every coded variable the value labels of its options and scale, accents intact, "don\'t know" as the missing code 99', () => {
    const labels = new Map<string, Array<[string, string]>>();
    let current = '';
    // Rows of three fields: the table ends with a footnote line ("a. User-missing value").
    for (const [variable, value, label] of tables.get('Value Labels')!.slice(1).filter((r) => r.length === 3)) {
      if (variable) current = variable;
      const list = labels.get(current) ?? [];
      list.push([value!.replace(/\[a\]$/, ''), label!]);
      labels.set(current, list);
    }
    for (const entry of codebook.columns) {
      if (!['single_choice', 'yes_no', 'matrix'].includes(entry.type)) continue;
      const expected = entry.values.map((v, i): [string, string] => [entry.type === 'matrix' ? (v.code === 'dont_know' ? '99' : String(v.code)) : String(i + 1), v.label.fr!]);
      expect(labels.get(savName(entry.column)), entry.column).to.deep.equal(expected);
    }
    expect(labels.get('satisfaction_personal.facebook')).to.deep.include(['5', 'Très satisfait']);
    expect(labels.get('networks_facebook')).to.deep.equal([['0', 'Non choisi'], ['1', 'Choisi']]);
  });

  it('declares one multiple-response set per multiple choice question, and the design weight as the file weight', () => {
    const [, ...sets] = tables.get('Multiple Response Sets')!;
    const byName = new Map(sets.map((s) => [s[0]!, s]));
    for (const question of ['networks', 'info_sources', 'club_obstacles', 'reasons', 'themes']) {
      const members = exported.header.filter((h) => h.startsWith(`${question}_`) && !h.includes('--'));
      const set = byName.get(`$${question}`)!;
      expect(set, question).to.not.equal(undefined);
      expect(set[2]).to.equal('Dichotomies');
      expect(set[3]).to.equal('1');
      expect(set[4]!.split(/\r?\n/)).to.deep.equal(members);
    }
    expect(byName.get('$networks')![1]).to.equal('Quels réseaux sociaux utilisez-vous ?');
    expect(weightNote).to.equal('weight');
  });

  it('holds every value of every response, as the CSV export has it', () => {
    expect(data.header).to.deep.equal(exported.header.map(savName));
    expect(data.rows).to.have.length(253);
    const types = new Map(codebook.columns.map((c) => [c.column, c]));
    const expectedValue = (column: string, csv: string): string | number | null => {
      if (column === 'started_at' || column === 'completed_at') return csv === '' ? null : spssSeconds(new Date(csv));
      const entry = types.get(column);
      if (column === 'weight' || entry?.type === 'multiple_choice_option' || entry?.type === 'matrix' || entry?.type === 'number' || entry?.type === 'nps') {
        if (csv === '') return null;
        return csv === 'dont_know' ? 99 : Number(csv);
      }
      if (entry && ['single_choice', 'yes_no'].includes(entry.type)) return csv === '' ? null : entry.values.findIndex((v) => v.code === csv) + 1;
      return csv;
    };
    const actualValue = (expected: string | number | null, text: string): string | number | null => {
      if (typeof expected === 'string') return text;
      return text.trim() === '' || text.trim() === '.' ? null : Number(text);
    };
    exported.rows.forEach((row, i) => {
      const read = data.rows[i]!;
      for (const column of exported.header) {
        const expected = expectedValue(column, row[column]!);
        const actual = actualValue(expected, read[savName(column)]!);
        if (typeof expected === 'number' && typeof actual === 'number') expect(actual, `${column}, row ${i + 1}`).to.be.closeTo(expected, 1e-3);
        else expect(actual, `${column}, row ${i + 1}`).to.equal(expected);
      }
    });
    expect(data.rows.map((r) => r.weight).filter((w) => w !== '1')).to.include('2.75');
    expect(data.rows.some((r) => r.comments === LONG_COMMENT)).to.equal(true);
    expect(data.rows.some((r) => r.networks_other_text === ACCENTED_OTHER)).to.equal(true);
    expect(data.rows.some((r) => r['satisfaction_personal.facebook'] === '99')).to.equal(true);
  });

  it('refuses an unknown option of the .sav export with 400', async () => {
    const res = await analyst(`${WAVE_URL}/export.sav?compress=1`, { headers: { accept: 'application/json' } });
    expect(res.status).to.equal(400);
    expect(((await res.json()) as { error: { message: string } }).error.message).to.equal('unknown export option "compress"');
  });

  it('labels in English with ?lang=en, and adds partial and voided responses with their status and last page on request', async () => {
    const responses = mongoose.connection.db!.collection('responses');
    await responses.insertOne({
      surveyId: CAPTIC_ID, waveId: '2011-03', fingerprint: captic.fingerprint, status: 'partial', answers: { uses_social: 'yes', usage: 'both' }, otherTexts: {},
      language: 'fr', source: 'web', startedAt: new Date('2011-03-20T08:00:00Z'), lastPageId: 'social_usage', revision: 2,
    });
    await responses.updateOne({ status: 'complete', 'answers.comments': LONG_COMMENT }, { $set: { status: 'voided', voided: { at: new Date(), reason: 'Doublon à écarter', previousStatus: 'complete' } } });
    const res = await analyst(`${WAVE_URL}/export.sav?lang=en&status=all&voided=include`);
    expect(res.status).to.equal(200);
    const { output, data: all } = await readBack(Buffer.from(await res.arrayBuffer()), 'all');
    const [head, ...variables] = readTables(output).get('Variables')!;
    const name = head!.indexOf('Name');
    const label = head!.indexOf('Label');
    expect(variables.slice(-4).map((v) => v[name])).to.deep.equal(['status', 'last_page', 'voided', 'voided_reason']);
    expect(variables.find((v) => v[name] === 'uses_social')![label]).to.equal('Do you use social networks?');
    expect(all.rows).to.have.length(254);
    // The partial response saved the page of usage and networks: networks was shown (0), information never was (empty).
    expect(all.rows.find((r) => r.status === 'partial')).to.include({ last_page: 'social_usage', uses_social: '1', usage: '3', networks_facebook: '0', info_sources_social_media: ' ' });
    expect(all.rows.find((r) => r.voided === '1')).to.include({ status: 'complete', voided_reason: 'Doublon à écarter', comments: LONG_COMMENT });
  });
});
