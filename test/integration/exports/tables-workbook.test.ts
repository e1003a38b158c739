// The tables workbook (tables.xlsx): every question by each banner, with the same bases,
// percentages, letters and legend as the figures API gives for that banner.
import { expect } from 'chai';
import ExcelJS from 'exceljs';
import { buildCaptic250 } from '../../fixtures/captic-250';
import { CAPTIC_ID } from '../../fixtures/captic-answers';
import { importResponses } from '../../../server/responses/import.service';
import type { Figures } from '../../../server/analysis/figures/figures.types';
import { startTestApp, type TestApp } from '../../support/app';
import { apiTokenFor, createStaff, signedInFetch, type CookieFetch } from '../../support/staff';
import { translator } from '../../../server/lib/i18n/index';

const WAVE_URL = `/admin/surveys/${CAPTIC_ID}/waves/2011-03`;

describe('The tables workbook', function () {
  this.timeout(60_000);
  let app: TestApp;
  let analyst: CookieFetch;
  let token: string;

  before(async () => {
    app = await startTestApp();
    await app.reset();
    const captic = app.catalog.require(CAPTIC_ID);
    const records = buildCaptic250().map((r) => JSON.stringify(r)).join('\n');
    await importResponses({ survey: captic, wave: '2011-03', format: 'jsonl', content: records, now: new Date('2011-03-31T18:00:00Z') });
    const staff = await createStaff(app, { email: 'analyst@example.org', role: 'analyst', grants: [CAPTIC_ID] });
    analyst = await signedInFetch(app, staff);
    token = await apiTokenFor(staff);
  });
  after(async () => app.close());

  async function apiFigures(by: string): Promise<Figures> {
    const res = await fetch(`${app.url}/api/v1/surveys/${CAPTIC_ID}/waves/2011-03/figures?by=${by}&adjust=none`, { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).to.equal(200);
    return (await res.json()) as Figures;
  }

  function rowsOf(sheet: ExcelJS.Worksheet): unknown[][] {
    const rows: unknown[][] = [];
    sheet.eachRow({ includeEmpty: true }, (row, i) => {
      rows[i - 1] = (row.values as unknown[]).slice(1);
    });
    return rows.map((r) => r ?? []);
  }

  it('has one sheet per banner, each table with the bases, percentages, letters and legend of the figures API', async () => {
    // Unadjusted letters (once the figures service passes adjust on), so that this sample has more to compare.
    const res = await analyst(`${WAVE_URL}/tables.xlsx?by=company_size,region&adjust=none`);
    expect(res.status).to.equal(200);
    expect(res.headers.get('content-disposition')).to.equal('attachment; filename=captic_2011-2011-03-tables.xlsx');
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(await res.arrayBuffer());
    expect(workbook.worksheets.map((w) => w.name)).to.deep.equal(['company_size', 'region']);

    const figures = await apiFigures('company_size');
    const crosstab = figures.crosstab!;
    const columnIds = Object.keys(crosstab.columns);
    const rows = rowsOf(workbook.getWorksheet('company_size')!);
    const start = rows.findIndex((r) => r[0] === "Êtes-vous adhérent à un club ou à un réseau d'entreprises (CCI, Medef, CGPME…) ?");
    expect(start, 'the club_member table').to.be.greaterThan(0);
    const [, header, base, yes] = rows.slice(start);
    expect(header![1]).to.equal('Total');
    expect(header!.slice(2)).to.have.length(columnIds.length);
    expect(header![2]).to.match(/\(A\)$/);
    expect(base).to.deep.equal(['Base (répondants)', figures.questions.club_member!.base.n, ...columnIds.map((c) => crosstab.columns[c]!.questions.club_member!.base.n)]);
    expect(yes![0]).to.equal('Oui');
    const shares = (yes as unknown[]).slice(1).map((v) => (typeof v === 'number' ? v : null));
    expect(shares[0]).to.be.closeTo(figures.questions.club_member!.options!.yes!.proportion!, 1e-12);
    columnIds.forEach((c, i) => {
      const expected = crosstab.columns[c]!.questions.club_member!.options!.yes!.proportion;
      if (expected === null) expect(yes![i + 2]).to.equal('—');
      else expect(shares[i + 1]).to.be.closeTo(expected, 1e-12);
    });
    // The legend under the table names the adjustment the letters used.
    const legend = rows.slice(start).find((r) => typeof r[0] === 'string' && r[0].startsWith('Lettres'));
    // Worded as under the report's crosstabs.
    expect(legend![0]).to.include(translator('fr')(`crosstab.adjust_${crosstab.legend.adjustment}`));
    expect(crosstab.legend.adjustment).to.equal('none');

    // Every letter of the API is in the workbook, under its percentage, for every choice question of both banners.
    const captic = app.catalog.require(CAPTIC_ID).definition;
    let checked = 0;
    for (const by of ['company_size', 'region']) {
      const bannerCrosstab = by === 'company_size' ? crosstab : (await apiFigures(by)).crosstab!;
      const bannerColumns = Object.keys(bannerCrosstab.columns);
      const bannerRows = rowsOf(workbook.getWorksheet(by)!);
      for (const [questionId, test] of Object.entries(bannerCrosstab.tests)) {
        const question = captic.pages.flatMap((p) => p.questions).find((q) => q.id === questionId)!;
        const at = bannerRows.findIndex((r) => r[0] === (question.text as Record<string, string>).fr);
        const end = bannerRows.slice(at).findIndex((r) => r.length === 0);
        const table = bannerRows.slice(at, end < 0 ? bannerRows.length : at + end);
        for (const option of 'options' in question && question.options ? question.options : []) {
          const letters = bannerColumns.map((c) => (test.markers[option.id]?.[c] ?? []).join(''));
          const under = table[table.findIndex((r) => r[0] === (option.label as Record<string, string>).fr) + 1]!;
          if (letters.every((l) => l === '')) expect(under[0], `${by}: ${questionId}.${option.id}`).to.not.equal('');
          else {
            expect(bannerColumns.map((_, k) => under[k + 2] ?? ''), `${by}: ${questionId}.${option.id}`).to.deep.equal(letters);
            checked += 1;
          }
        }
      }
    }
    expect(checked, 'options with letters').to.be.greaterThan(0);
  });

  it('refuses a workbook without a banner, or with a banner that is not a single-choice question, with 400', async () => {
    for (const [query, pattern] of [
      ['', /by names the banner/],
      ['?by=comments', /./],
      ['?by=company_size&filter=x', /unknown export option "filter"/],
    ] as const) {
      const res = await analyst(`${WAVE_URL}/tables.xlsx${query}`, { headers: { accept: 'application/json' } });
      expect(res.status, query).to.equal(400);
      expect(((await res.json()) as { error: { message: string } }).error.message, query).to.match(pattern);
    }
  });
});
