// Unweighted figures carry the textbook errors beside the intervals they always had: a share's
// se = √(p(1 − p)/n) with its Wilson interval unchanged, a mean's sd/√n and a t interval on n − 1
// degrees of freedom. Withheld figures carry none. (The weighted ones are R's: weighted-oracle.)
import { expect } from 'chai';
import supertest from 'supertest';
import { importResponses } from '../../../server/responses/import.service';
import { wilsonInterval } from '../../../server/analysis/stats/index';
import { startTestApp, type TestApp } from '../../support/app';
import { apiTokenFor, createStaff } from '../../support/staff';
import { captic250AsJsonLines } from '../../fixtures/captic-250';
import { CAPTIC_ID } from '../../fixtures/captic-answers';

const FIGURES = `/api/v1/surveys/${CAPTIC_ID}/waves/2011-03/figures`;
// scipy.stats.t.ppf(0.975, 139): Facebook's personal satisfaction row has 140 answers (F3).
const T_975_139 = 1.977177724490333;

interface Share { count: number; proportion: number | null; ci95: [number, number] | null; se?: number }
interface Row { base: { n: number }; mean: number | null; sd: number | null; meanSe?: number | null; meanCi95?: [number, number] | null; options: Record<string, Share> }
interface Questions { uses_social: { base: { n: number }; options: Record<string, Share> }; satisfaction_personal: { rows: Record<string, Row> } }

describe('Unweighted figures carry standard errors; withheld figures none', function () {
  this.timeout(60_000);
  let app: TestApp;
  let token: string;
  const read = async (query: string) => (await supertest(app.url).get(`${FIGURES}?${query}`).set('Authorization', `Bearer ${token}`).expect(200)).body as { questions: Questions; crosstab?: { columns: Record<string, { questions: Record<string, { flags: string[]; options?: Record<string, Share>; meanSe?: number | null }> }> } };

  before(async () => {
    app = await startTestApp();
    await app.reset();
    await importResponses({ survey: app.catalog.require(CAPTIC_ID), wave: '2011-03', format: 'jsonl', content: captic250AsJsonLines() });
    token = await apiTokenFor(await createStaff(app, { email: 'analyst@example.org', role: 'analyst', grants: [CAPTIC_ID] }), 'read');
  });
  after(async () => app.close());

  it('gives a share √(p(1 − p)/n) beside its unchanged Wilson interval (F1: 235 of 250)', async () => {
    const { questions } = await read('');
    const yes = questions.uses_social.options.yes!;
    expect(yes.proportion).to.equal(0.94);
    expect(yes.se).to.be.closeTo(Math.sqrt((0.94 * 0.06) / 250), 1e-15);
    expect(yes.ci95).to.deep.equal(wilsonInterval(235, 250));
  });

  it('gives a mean sd/√n and the t interval on n − 1 degrees of freedom (F3’s row: 140 answers)', async () => {
    const row = (await read('')).questions.satisfaction_personal.rows.facebook!;
    const answered = Object.values(row.options).reduce((sum, option) => sum + option.count, 0);
    expect(answered).to.equal(140);
    expect(row.meanSe).to.be.closeTo((row.sd as number) / Math.sqrt(140), 1e-15);
    const [lower, upper] = row.meanCi95 as [number, number];
    expect(upper - (row.mean as number)).to.be.closeTo(T_975_139 * (row.meanSe as number), 1e-12);
    expect((row.mean as number) - lower).to.be.closeTo(T_975_139 * (row.meanSe as number), 1e-12);
  });

  it('gives a figure withheld for its small base no error at all', async () => {
    const crosstab = (await read('by=region')).crosstab!;
    const withheld = Object.values(crosstab.columns).flatMap((column) => Object.values(column.questions).filter((q) => q.flags.includes('suppressed')));
    expect(withheld.length).to.be.greaterThan(0);
    for (const question of withheld) {
      for (const option of Object.values(question.options ?? {})) {
        expect(option.proportion).to.equal(null);
        expect(option.se).to.equal(undefined);
      }
      expect(question.meanSe ?? undefined).to.equal(undefined);
    }
  });
});
