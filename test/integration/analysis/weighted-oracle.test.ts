// The weighted figures API end to end against R's survey package: 300 CAP-TIC responses imported
// with design weights (0.5 to 3), weighted by the design weights alone, post-stratified on company
// size and raked on company size and social network use through the weighting API; the figures
// (whole wave from the counters, a filter from the responses, crosstab columns from both) and the
// responses' CSV export go to test/oracles/weighted-figures.R, which builds svydesign(ids = ~1,
// weights = ~weight) + postStratify / rake from the export with the same targets. Shares, their
// linearized SEs and Korn-Graubard intervals, a matrix row's mean, SE and t interval, and the
// crosstab's Rao-Scott F and p must be R's to 1e-6.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import supertest from 'supertest';
import { importResponses } from '../../../server/responses/import.service';
import { runOracle } from '../../support/oracles';
import { ROOT, startTestApp, type TestApp } from '../../support/app';
import { apiTokenFor, createStaff, signedInFetch } from '../../support/staff';
import { buildCaptic250 } from '../../fixtures/captic-250';
import { CAPTIC_ID } from '../../fixtures/captic-answers';
import { seededRandom } from '../../support/seeded-random';

const ORACLE = join(ROOT, 'test', 'oracles', 'weighted-figures.R');
const WAVE = '2011-03';
const WAVE_PATH = `/api/v1/surveys/${CAPTIC_ID}/waves/${WAVE}`;
const TOLERANCE = 1e-6;

const DESIGN_WEIGHTS = [0.5, 1, 1.5, 2, 3];
const TARGETS = {
  poststratify: { company_size: { tpe: 60, pme: 22, eti: 10, ge: 8 } },
  rake: { company_size: { tpe: 60, pme: 22, eti: 10, ge: 8 }, uses_social: { yes: 90, no: 10 } },
};
type Method = 'design' | 'poststratify' | 'rake';
const METHODS: Method[] = ['design', 'poststratify', 'rake'];

/** What R is asked (the spec of weighted-figures.R) and what the API is read for. */
const SHARE = { question: 'usage', options: ['professional', 'personal', 'both'] };
const MEAN = { question: 'satisfaction_personal', row: 'facebook' };
const FILTER = { question: 'function', values: ['business_owner', 'self_employed'] };
/** club_member's columns come from a recompute over the responses, company_size's from the counters (a segment). */
const COLUMNS = [{ question: 'club_member', value: 'yes' }, { question: 'company_size', value: 'tpe' }];
const CHISQ_BY = 'club_member';

interface ROption { proportion: number; se: number; ci95: number[] }
interface RDomain { options: Record<string, ROption>; mean: { mean: number; se: number; ci95: number[] } }
interface RFigures { wave: RDomain; filter: RDomain; columns: RDomain[]; chisq: { f: number; ndf: number; ddf: number; p: number } }

interface ApiOption { proportion: number | null; se?: number; ci95: [number, number] | null }
interface ApiRow { mean: number | null; meanSe?: number | null; meanCi95?: [number, number] | null }
interface ApiQuestions { usage: { options: Record<string, ApiOption>; flags: string[] }; satisfaction_personal: { rows: Record<string, ApiRow> } }
interface ApiFigures {
  weighted: boolean;
  source: string;
  weighting?: { method: string };
  questions: ApiQuestions;
  crosstab?: {
    columns: Record<string, { questions: ApiQuestions }>;
    tests: Record<string, { chiSquare: { method: string; statistic: number | null; df: number | null; ddf?: number; pValue: number | null } | null }>;
  };
}

async function figuresInR(csv: string): Promise<Record<Method, RFigures>> {
  const folder = mkdtempSync(join(tmpdir(), 'weighted-oracle-'));
  try {
    writeFileSync(join(folder, 'export.csv'), csv);
    const spec = {
      methods: METHODS,
      targets: TARGETS,
      share: SHARE,
      mean: `${MEAN.question}.${MEAN.row}`,
      filter: FILTER,
      columns: COLUMNS,
      chisq_by: CHISQ_BY,
    };
    writeFileSync(join(folder, 'spec.json'), JSON.stringify(spec));
    const stdout = await runOracle('Rscript', [ORACLE, join(folder, 'export.csv'), join(folder, 'spec.json')]);
    return JSON.parse(stdout) as Record<Method, RFigures>;
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

function expectClose(actual: number | null | undefined, expected: number | undefined, what: string): void {
  expect(actual, what).to.be.a('number');
  expect(expected, `${what} (R)`).to.be.a('number');
  expect(Math.abs((actual as number) - (expected as number)), `${what}: API ${actual}, R ${expected}`).to.be.at.most(TOLERANCE);
}

function expectDomain(api: ApiQuestions, r: RDomain, where: string): void {
  for (const option of SHARE.options) {
    const figure = api.usage.options[option];
    const expected = r.options[option];
    expectClose(figure?.proportion, expected?.proportion, `${where} usage=${option} proportion`);
    expectClose(figure?.se, expected?.se, `${where} usage=${option} se`);
    expectClose(figure?.ci95?.[0], expected?.ci95[0], `${where} usage=${option} ci95 lower`);
    expectClose(figure?.ci95?.[1], expected?.ci95[1], `${where} usage=${option} ci95 upper`);
  }
  const row = api.satisfaction_personal.rows[MEAN.row];
  expectClose(row?.mean, r.mean.mean, `${where} ${MEAN.question}.${MEAN.row} mean`);
  expectClose(row?.meanSe, r.mean.se, `${where} ${MEAN.question}.${MEAN.row} meanSe`);
  expectClose(row?.meanCi95?.[0], r.mean.ci95[0], `${where} ${MEAN.question}.${MEAN.row} meanCi95 lower`);
  expectClose(row?.meanCi95?.[1], r.mean.ci95[1], `${where} ${MEAN.question}.${MEAN.row} meanCi95 upper`);
}

describe('Weighted figures through the API equal R’s survey package on the exported responses', function () {
  this.timeout(120_000);
  let app: TestApp;
  let readToken: string;
  let manageToken: string;
  let csv = '';
  const api: Partial<Record<Method, { wave: ApiFigures; filter: ApiFigures; by: Record<string, ApiFigures> }>> = {};
  let oracle: Record<Method, RFigures>;
  const read = async (query: string): Promise<ApiFigures> =>
    (await supertest(app.url).get(`${WAVE_PATH}/figures?weighted=1&${query}`).set('Authorization', `Bearer ${readToken}`).expect(200)).body as ApiFigures;

  before(async () => {
    app = await startTestApp();
    await app.reset();
    // 300 respondents: the 250 of the article and 50 drawn with another seed, each with a design weight.
    const random = seededRandom(300);
    const records = [...buildCaptic250(2011), ...buildCaptic250(99).slice(0, 50)].map((record) => ({
      ...record,
      weight: DESIGN_WEIGHTS[Math.floor(random() * DESIGN_WEIGHTS.length)] as number,
    }));
    await importResponses({ survey: app.catalog.require(CAPTIC_ID), wave: WAVE, format: 'jsonl', content: records.map((r) => JSON.stringify(r)).join('\n') });
    readToken = await apiTokenFor(await createStaff(app, { email: 'analyst@example.org', role: 'analyst', grants: [CAPTIC_ID] }), 'read');
    const organizer = await createStaff(app, { email: 'organizer@example.org', role: 'organizer', grants: [CAPTIC_ID] });
    manageToken = await apiTokenFor(organizer, 'manage');
    const exporter = await signedInFetch(app, organizer);
    const exported = await exporter(`/admin/surveys/${CAPTIC_ID}/waves/${WAVE}/export.csv`);
    expect(exported.status).to.equal(200);
    csv = await exported.text();

    for (const method of METHODS) {
      if (method !== 'design') {
        await supertest(app.url).put(`${WAVE_PATH}/weighting`).set('Authorization', `Bearer ${manageToken}`).send({ method, targets: TARGETS[method] }).expect(204);
      }
      api[method] = {
        wave: await read(''),
        filter: await read(`filter=${FILTER.question}:${FILTER.values.join(',')}`),
        by: Object.fromEntries(await Promise.all([...new Set(COLUMNS.map((c) => c.question))].map(async (by) => [by, await read(`by=${by}`)] as const))),
      };
    }
    oracle = await figuresInR(csv);
  });
  after(async () => app.close());

  it('exports each response with its design weight, as R reads them', () => {
    const header = csv.replace(/^\uFEFF/, '').split('\r\n')[0]?.split(',') ?? [];
    expect(header).to.include('weight');
    expect(csv.split('\r\n').filter((line) => line.trim() !== '').length).to.equal(301);
  });

  for (const method of METHODS) {
    describe(method === 'design' ? 'design weights alone (no targets)' : `${method} from the design weights`, () => {
      it('weights as asked, the whole wave from the counters and the filter from the responses', () => {
        const figures = api[method]!;
        expect(figures.wave.weighted).to.equal(true);
        expect(figures.wave.weighting?.method).to.equal(method);
        expect(figures.wave.source).to.equal('counters');
        expect(figures.filter.source).to.equal('responses');
        expect(figures.by.company_size?.source).to.equal('counters');
      });

      it('gives R’s shares, linearized SEs and Korn-Graubard intervals, and a matrix row’s mean, SE and t interval, on the wave and a filter', () => {
        expectDomain(api[method]!.wave.questions, oracle[method].wave, `${method} wave`);
        expectDomain(api[method]!.filter.questions, oracle[method].filter, `${method} filter`);
      });

      it('gives R’s figures in crosstab columns, each a domain of the wave’s design', () => {
        COLUMNS.forEach((column, j) => {
          const crosstab = api[method]!.by[column.question]?.crosstab;
          const questions = crosstab?.columns[column.value]?.questions;
          expect(questions, `${column.question}=${column.value}`).to.not.equal(undefined);
          expectDomain(questions as ApiQuestions, oracle[method].columns[j] as RDomain, `${method} ${column.question}=${column.value}`);
        });
      });

      it('tests the crosstab with R’s Rao-Scott F (svychisq statistic = "F") and its p', () => {
        const crosstab = api[method]!.by[CHISQ_BY]?.crosstab;
        // Every column in the test: none withheld for this question (club_obstacles, asked of non-members only, is withheld in "yes").
        for (const [id, column] of Object.entries(crosstab?.columns ?? {})) expect(column.questions.usage.flags, id).to.not.include('suppressed');
        const test = crosstab?.tests[SHARE.question]?.chiSquare;
        expect(test?.method).to.equal('rao-scott');
        const r = oracle[method].chisq;
        expectClose(test?.statistic, r.f, `${method} F`);
        expectClose(test?.df, r.ndf, `${method} ndf`);
        expectClose(test?.ddf, r.ddf, `${method} ddf`);
        expectClose(test?.pValue, r.p, `${method} p`);
      });
    });
  }
});
