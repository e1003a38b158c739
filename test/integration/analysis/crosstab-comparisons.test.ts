// Column letters, withheld columns, sparse tables and the legend, through the figures API, the
// report and the dashboard, on the 250 CAP-TIC respondents (company size: 170, 45, 20 and 15;
// regions of 0 to 39 respondents).
import { expect } from 'chai';
import supertest from 'supertest';
import { startTestApp, type TestApp } from '../../support/app';
import { apiTokenFor, createStaff, signedInBrowser, type StaffMember } from '../../support/staff';
import { importTwoCapticEditions } from '../../support/waves';
import { buildCaptic250 } from '../../fixtures/captic-250';
import { CAPTIC_ID } from '../../fixtures/captic-answers';

const FIGURES = `/api/v1/surveys/${CAPTIC_ID}/waves/2011-03/figures`;

interface CrosstabBody {
  columns: Record<string, { letter: string; questions: Record<string, { flags: string[]; rows?: Record<string, { flags: string[]; mean: number | null }> }> }>;
  tests: Record<string, { chiSquare: { method: string; pValue: number | null; significant: boolean; sparse: boolean; expectedBelow5: number; cells: number } | null; markers: Record<string, Record<string, string[]>> }>;
  legend: { adjustment: string; base: string; withheldColumns: string[] };
}

describe('Crosstab comparisons: adjusted letters, withheld columns, sparse tables, the legend', function () {
  this.timeout(60_000);
  let app: TestApp;
  let analyst: StaffMember;
  let token: string;
  const read = (query: string) => supertest(app.url).get(`${FIGURES}?${query}`).set('Authorization', `Bearer ${token}`);

  before(async () => {
    app = await startTestApp();
    await app.reset();
    // A second edition drawn with another seed, to compare matrix rows across waves.
    await importTwoCapticEditions(app, buildCaptic250(7));
    analyst = await createStaff(app, { email: 'analyst@example.org', role: 'analyst', grants: [CAPTIC_ID] });
    token = await apiTokenFor(analyst, 'read');
  });
  after(async () => app.close());

  it('refuses an adjustment it does not know with 400, and states the default, Benjamini-Hochberg, in the legend', async () => {
    const wrong = await read('by=company_size&adjust=holm');
    expect(wrong.status).to.equal(400);
    expect(wrong.body.error.code).to.equal('invalid_query');
    const crosstab = (await read('by=company_size').expect(200)).body.crosstab as CrosstabBody;
    expect(crosstab.legend).to.include({ adjustment: 'bh', base: 'respondents' });
  });

  it('adjusts the letters as asked: no more letters under Bonferroni or BH than unadjusted', async () => {
    const letters = async (adjust: string) => {
      const crosstab = (await read(`by=region&adjust=${adjust}`).expect(200)).body.crosstab as CrosstabBody;
      expect(crosstab.legend.adjustment).to.equal(adjust);
      return Object.values(crosstab.tests).flatMap((t) => Object.values(t.markers).flatMap((c) => Object.values(c).flat())).length;
    };
    const [none, bh, bonferroni] = [await letters('none'), await letters('bh'), await letters('bonferroni')];
    expect(none).to.be.greaterThan(0); expect(bh).to.be.at.most(none); expect(bonferroni).to.be.at.most(none);
  });

  it('puts no letter on or against a column withheld for the question, with any base policy', async () => {
    for (const base of ['answered', 'shown', 'all']) {
      const crosstab = (await read(`by=region&adjust=none&base=${base}`).expect(200)).body.crosstab as CrosstabBody;
      expect(crosstab.legend.withheldColumns).to.include('corse');
      for (const [questionId, test] of Object.entries(crosstab.tests)) {
        const withheld = Object.entries(crosstab.columns).filter(([, c]) => c.questions[questionId]?.flags.includes('suppressed'));
        const withheldLetters = new Set(withheld.map(([, c]) => c.letter));
        for (const byColumn of Object.values(test.markers)) {
          for (const [id] of withheld) expect(byColumn[id], `${questionId}: letters on ${id}`).to.deep.equal([]);
          for (const letters of Object.values(byColumn)) {
            expect(letters.filter((l) => withheldLetters.has(l.toUpperCase())), `${questionId}: letters against withheld columns`).to.deep.equal([]);
          }
        }
      }
    }
  });

  it('makes no claim on a sparse table: function by region has most cells expecting fewer than 5', async () => {
    const crosstab = (await read('by=region').expect(200)).body.crosstab as CrosstabBody;
    const test = crosstab.tests.function?.chiSquare;
    expect(test).to.include({ sparse: true, pValue: null, significant: false });
    expect(test!.expectedBelow5 / test!.cells).to.be.above(0.2);
    // A table with enough in every cell keeps its Pearson test.
    expect(crosstab.tests.club_member?.chiSquare).to.include({ method: 'pearson', sparse: false });
    expect(crosstab.tests.club_member?.chiSquare?.pValue).to.be.a('number');
  });

  it('withholds a matrix row mean on fewer than 10 answers under base=all', async () => {
    // The 15 large companies: few of them rate each network.
    const body = (await read('filter=company_size:ge&base=all').expect(200)).body;
    const rows = Object.values(body.questions.satisfaction_professional.rows as Record<string, { flags: string[]; mean: number | null; options: Record<string, { count: number }> }>);
    const few = rows.filter((row) => Object.values(row.options).reduce((s, o) => s + o.count, 0) < 10);
    expect(few.length).to.be.greaterThan(0);
    for (const row of few) expect(row).to.deep.include({ flags: ['suppressed'], mean: null });
  });

  it('prints the legend and the sparse-table note under the report’s crosstab and the dashboard’s', async () => {
    const browser = await signedInBrowser(app, analyst);
    const report = await browser.agent.get(`/admin/surveys/${CAPTIC_ID}/waves/2011-03/report?lang=en&by=region`).set('Accept', 'text/html');
    expect(report.status).to.equal(200);
    expect(report.text).to.contain('Letters: the column’s percentage is significantly higher than that of the column named');
    expect(report.text).to.contain('Benjamini-Hochberg over the whole table (false discovery rate), the default');
    expect(report.text).to.contain('Columns whose base is too small to publish are neither tested nor compared with');
    expect(report.text).to.match(/No test of independence: \d+ of \d+ cells expect fewer than 5 respondents/);
    expect(report.text).to.not.match(/—\s*<strong class="marker-letters">/);
    const french = await browser.agent.get(`/admin/surveys/${CAPTIC_ID}/waves/2011-03/report?lang=fr&by=company_size`).set('Accept', 'text/html');
    expect(french.text).to.contain('Lettres\u00a0: le pourcentage de la colonne est significativement plus élevé');
    const dashboard = await browser.open(`/admin/surveys/${CAPTIC_ID}/waves/2011-03/dashboard?lang=en&by=company_size`);
    expect(dashboard.status).to.equal(200);
    const usage = dashboard.$('section[data-part="q:usage"]').text();
    expect(usage).to.contain('Letters: the column’s percentage is significantly higher');
    expect(usage).to.contain('No test of independence');
  });

  it("compares each matrix row's top-2 box and mean with the earlier wave, and the dashboard shows the changes", async () => {
    const body = (await supertest(app.url).get(`/api/v1/surveys/${CAPTIC_ID}/waves/2012-03/figures?compare=2011-03`).set('Authorization', `Bearer ${token}`).expect(200)).body;
    const rows = Object.entries(body.questions.satisfaction_professional.rows as Record<string, { top2: { proportion: number | null; change?: { previous: number } }; mean: number | null; meanChange?: { df: number; pValue: number } }>);
    const published = rows.filter(([, row]) => row.mean !== null);
    expect(published.length).to.be.greaterThan(0);
    for (const [, row] of published) {
      expect(row.top2.change).to.have.keys(['previous', 'difference', 'z', 'pValue', 'significant']);
      expect(row.meanChange).to.have.keys(['previous', 'difference', 'z', 'df', 'pValue', 'significant']);
      expect(row.meanChange!.df).to.be.above(1);
    }
    const browser = await signedInBrowser(app, analyst);
    const page = await browser.open(`/admin/surveys/${CAPTIC_ID}/waves/2012-03/dashboard?lang=en&compare=2011-03`);
    expect(page.status).to.equal(200);
    const headers = page.$('section[data-part="q:satisfaction_professional"] thead th').toArray().map((th) => page.$(th).text().trim());
    expect(headers).to.include.members(['Top-2 change since 2011-03 (points)', 'Mean change since 2011-03']);
  });
});
