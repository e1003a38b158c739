// Design-based figures against R's survey package (test/oracles/design.R): for each data set,
// one Rscript run computes svymean / svyciprop(method = "beta") / svychisq(statistic = "F") under
// design weights alone, postStratify and rake, and every figure here must agree to 1e-6.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { calibrateCells, cellKeyOf } from '../../../../server/analysis/design/calibrate-cells';
import { designCalibrationOf, estimateRatio, meanInterval, type DesignCalibration, type RatioKeys } from '../../../../server/analysis/design/design-variance';
import type { CellTallies } from '../../../../server/analysis/design/design.types';
import { kornGraubardInterval } from '../../../../server/analysis/design/korn-graubard';
import { raoScottTest } from '../../../../server/analysis/design/rao-scott';
import type { TWeightingConfig } from '../../../../server/analysis/figures/figures.schemas';
import { runOracle } from '../../../support/oracles';
import { seededRandom } from '../../../support/seeded-random';
import { expectClose } from '../expect-close';
import { buildCellTallies, pick, type TestRespondent } from './cell-tallies';

const ORACLE = join(__dirname, '..', '..', '..', 'oracles', 'design.R');
const TOLERANCE = 1e-6;

interface Row {
  d: number;
  a: string | null;
  b: string | null;
  y: string | null;
  col: string | null;
  f: 'yes' | 'no';
  num: number | null;
}

interface DataSet {
  name: string;
  rows: Row[];
  options: string[];
  columns: string[];
  weighting: { variables: string[]; targets: TWeightingConfig['targets'] };
  methods: ('none' | 'poststratify' | 'rake')[];
}

interface Estimates {
  estimate: number[];
  se: number[];
}
interface OracleFigures {
  weights: number[];
  options: Estimates;
  mean: Estimates;
  filter_options: Estimates;
  filter_mean: Estimates;
  columns: { options: Estimates; mean: Estimates }[];
  mean_ci: number[];
  mean_ci_filter: number[];
  ciprop: { estimate: number; ci: number[] };
  ciprop_filter: { estimate: number; ci: number[] };
  chisq: { f: number; ndf: number; ddf: number; p: number };
}

async function figuresInR(data: DataSet): Promise<Record<string, OracleFigures>> {
  const folder = mkdtempSync(join(tmpdir(), 'design-oracle-'));
  try {
    const file = join(folder, `${data.name}.json`);
    writeFileSync(file, JSON.stringify(data));
    const stdout = await runOracle('Rscript', [ORACLE, file]);
    return JSON.parse(stdout) as Record<string, OracleFigures>;
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

/** Rows from one array per variable; every `filterEvery`-th respondent (from the first) is out of the filter. */
function rowsOf(columns: { d: number[]; a: string[]; b: string[]; y: (string | null)[]; col: string[]; num: (number | null)[] }, filterEvery: number): Row[] {
  const { d, a, b, y, col, num } = columns;
  return d.map((weight, i) => ({
    d: weight,
    a: a[i] ?? null,
    b: b[i] ?? null,
    y: y[i] ?? null,
    col: col[i] ?? null,
    f: i % filterEvery === 0 ? 'no' : 'yes',
    num: num[i] ?? null,
  }));
}

/** The 12-respondent case: two weighting variables, unequal design weights. */
function twelve(): DataSet {
  const d = [1, 2, 1.5, 3, 1, 2.5, 1, 1, 2, 4, 1.5, 1];
  const a = ['x1', 'x1', 'x2', 'x2', 'x1', 'x2', 'x2', 'x1', 'x2', 'x1', 'x2', 'x2'];
  const b = ['z1', 'z2', 'z1', 'z2', 'z2', 'z1', 'z1', 'z1', 'z2', 'z2', 'z1', 'z2'];
  const y = ['o1', 'o2', 'o1', 'o3', 'o2', 'o1', null, 'o3', 'o1', 'o2', 'o2', 'o1'];
  const col = ['c1', 'c2', 'c2', 'c1', 'c1', 'c2', 'c1', 'c2', 'c1', 'c2', 'c1', 'c2'];
  const num = [7, 3, null, 9, 5, 6, 8, 2, 10, 4, 6, 7];
  const rows = rowsOf({ d, a, b, y, col, num }, 3);
  return {
    name: 'twelve',
    rows,
    options: ['o1', 'o2', 'o3'],
    columns: ['c1', 'c2'],
    weighting: { variables: ['a', 'b'], targets: { a: { x1: 40, x2: 60 }, b: { z1: 55, z2: 45 } } },
    methods: ['none', 'poststratify', 'rake'],
  };
}

/**
 * The edges: a weighting cell of one respondent (x2·z2), a crosstab column of one respondent (c3:
 * a domain whose df is 0), a column where everyone gave the same answer and the same number (c2:
 * p = 1 and SEs of 0), an option nobody chose (o4: p = 0 everywhere). R's SEs are defined there
 * (0); its intervals are asked only where they are (the wave and the filter).
 */
function edges(): DataSet {
  const d = [1, 2, 1.5, 3, 1, 2.5, 1, 1, 2, 4, 1.5, 1, 2, 1.2, 0.8, 3.5];
  const a = ['x1', 'x1', 'x2', 'x1', 'x1', 'x2', 'x2', 'x1', 'x2', 'x1', 'x2', 'x1', 'x1', 'x2', 'x1', 'x2'];
  const b = ['z1', 'z2', 'z1', 'z2', 'z2', 'z1', 'z1', 'z1', 'z1', 'z2', 'z1', 'z2', 'z1', 'z2', 'z1', 'z1'];
  const y = ['o1', 'o2', 'o1', 'o3', 'o2', 'o1', null, 'o3', 'o1', 'o2', 'o2', 'o1', 'o1', 'o2', 'o3', 'o1'];
  const col = ['c1', 'c1', 'c2', 'c1', 'c1', 'c2', 'c1', 'c1', 'c2', 'c1', 'c1', 'c2', 'c1', 'c3', 'c1', 'c2'];
  const num = [7, 3, 5, 9, 5, 5, 8, 2, 5, 4, 6, 5, 1, 10, 6, 5];
  const rows = rowsOf({ d, a, b, y, col, num }, 4);
  return {
    name: 'edges',
    rows,
    options: ['o1', 'o2', 'o3', 'o4'],
    columns: ['c1', 'c2', 'c3'],
    weighting: { variables: ['a', 'b'], targets: { a: { x1: 50, x2: 50 }, b: { z1: 60, z2: 40 } } },
    methods: ['none', 'poststratify', 'rake'],
  };
}

/** CAP-TIC-like: company size × sector cells, a 4-option question, a 3-column banner, a 0-10 score. */
function seeded(name: string, n: number, seed: number, unknownRate: number): DataSet {
  const random = seededRandom(seed);
  const rows: Row[] = Array.from({ length: n }, () => {
    const a = random() < unknownRate ? null : pick(random, ['tpe', 'pme', 'eti', 'ge'], [0.45, 0.3, 0.15, 0.1]);
    const b = pick(random, ['industrie', 'services', 'commerce'], [0.3, 0.5, 0.2]);
    const y = random() < 0.08 ? null : pick(random, ['o1', 'o2', 'o3', 'o4'], [0.4, 0.3, 0.2, 0.1]);
    const col = random() < 0.05 ? null : pick(random, ['c1', 'c2', 'c3'], [0.5, 0.3, 0.2]);
    const num = random() < 0.1 ? null : Math.floor(random() * 11);
    return { d: 0.5 + 3 * random(), a, b, y, col, f: random() < 0.6 ? 'yes' : 'no', num };
  });
  return {
    name,
    rows,
    options: ['o1', 'o2', 'o3', 'o4'],
    columns: ['c1', 'c2', 'c3'],
    weighting: {
      variables: ['a', 'b'],
      targets: { a: { tpe: 60, pme: 25, eti: 9, ge: 6 }, b: { industrie: 25, services: 55, commerce: 20 } },
    },
    methods: unknownRate > 0 ? ['none', 'poststratify'] : ['none', 'poststratify', 'rake'],
  };
}

function respondentsOf(rows: readonly Row[]): TestRespondent[] {
  return rows.map((row, i) => ({
    id: `r${i}`,
    values: { a: row.a ?? undefined, b: row.b ?? undefined },
    weight: row.d,
    keys: {
      y: row.y === null ? ({} as Record<string, number>) : { answered: 1, [`opt:${row.y}`]: 1 },
      num: row.num === null ? ({} as Record<string, number>) : { answered: 1, sum: row.num, sumsq: row.num * row.num },
    },
  }));
}

function expectEstimates(actual: { estimate: number; se: number }[], expected: Estimates, what: string): void {
  expected.estimate.forEach((value, i) => {
    expectClose(actual[i]?.estimate, value, TOLERANCE);
    expect(Math.abs((actual[i]?.se ?? Number.NaN) - (expected.se[i] ?? Number.NaN)), `${what} SE ${i}: ${actual[i]?.se} vs R ${expected.se[i]}`).to.be.at.most(TOLERANCE * Math.max(expected.se[i] ?? 0, 1e-3));
  });
}

for (const data of [twelve(), seeded('captic250', 250, 2011, 0), seeded('unknown', 120, 14, 0.1), edges()]) {
  describe(`analysis/design: R survey oracle, ${data.name} (${data.rows.length} respondents)`, function () {
    this.timeout(60_000);
    const variables = data.weighting.variables;
    const respondents = respondentsOf(data.rows);
    const wave = buildCellTallies(respondents, variables);
    const domainOf = (keep: (row: Row) => boolean): CellTallies => buildCellTallies(respondents.filter((_, i) => keep(data.rows[i] as Row)), variables);
    const filtered = domainOf((row) => row.f === 'yes');
    const columns = data.columns.map((column) => domainOf((row) => row.col === column));
    const optionKeys = (option: string): RatioKeys => ({ question: 'y', numerator: `opt:${option}`, denominator: 'answered' });
    const MEAN: RatioKeys = { question: 'num', numerator: 'sum', denominator: 'answered', numeratorSquares: 'sumsq' };
    let oracle: Record<string, OracleFigures> = {};

    before(async () => {
      oracle = await figuresInR(data);
    });

    for (const method of data.methods) {
      const config: TWeightingConfig | undefined = method === 'none' ? undefined : { method, targets: data.weighting.targets };
      const calibrate = (): { calibration: DesignCalibration; factors: ReadonlyMap<string, number> } => {
        const factors = config ? calibrateCells(wave, config).factors : new Map<string, number>();
        return { calibration: designCalibrationOf(config, factors), factors };
      };
      const expected = (): OracleFigures => {
        const figures = oracle[method];
        if (!figures) throw new Error(`R gave no figures for ${method}`);
        return figures;
      };

      it(`${method}: the weights g·d are R's (mean 1)`, () => {
        if (!config) return;
        const { factors } = calibrate();
        data.rows.forEach((row, i) => {
          const g = factors.get(cellKeyOf({ a: row.a ?? undefined, b: row.b ?? undefined }, variables)) ?? Number.NaN;
          expectClose(g * row.d, expected().weights[i] ?? Number.NaN, 1e-9);
        });
      });

      it(`${method}: proportions and means with R's linearized SEs, for the wave, a filter and each crosstab column`, () => {
        const { calibration } = calibrate();
        const figures = expected();
        expectEstimates(data.options.map((o) => estimateRatio(wave, wave, optionKeys(o), calibration)), figures.options, 'options');
        expectEstimates([estimateRatio(wave, wave, MEAN, calibration)], figures.mean, 'mean');
        expectEstimates(data.options.map((o) => estimateRatio(wave, filtered, optionKeys(o), calibration)), figures.filter_options, 'filter options');
        expectEstimates([estimateRatio(wave, filtered, MEAN, calibration)], figures.filter_mean, 'filter mean');
        columns.forEach((column, j) => {
          const inR = figures.columns[j];
          if (!inR) throw new Error(`R gave no column ${j}`);
          expectEstimates(data.options.map((o) => estimateRatio(wave, column, optionKeys(o), calibration)), inR.options, `column ${j} options`);
          expectEstimates([estimateRatio(wave, column, MEAN, calibration)], inR.mean, `column ${j} mean`);
        });
      });

      it(`${method}: the Korn-Graubard interval is svyciprop(method = "beta")`, () => {
        const { calibration } = calibrate();
        const first = optionKeys(data.options[0] ?? '');
        for (const [domain, inR] of [
          [wave, expected().ciprop],
          [filtered, expected().ciprop_filter],
        ] as const) {
          const interval = kornGraubardInterval(estimateRatio(wave, domain, first, calibration), config !== undefined);
          expectClose(interval?.lower, inR.ci[0] ?? Number.NaN, TOLERANCE);
          expectClose(interval?.upper, inR.ci[1] ?? Number.NaN, TOLERANCE);
        }
      });

      it(`${method}: the interval of a mean is confint(svymean, df = degf)`, () => {
        const { calibration } = calibrate();
        for (const [domain, inR] of [
          [wave, expected().mean_ci],
          [filtered, expected().mean_ci_filter],
        ] as const) {
          const interval = meanInterval(estimateRatio(wave, domain, MEAN, calibration));
          expectClose(interval?.lower, inR[0] ?? Number.NaN, TOLERANCE);
          expectClose(interval?.upper, inR[1] ?? Number.NaN, TOLERANCE);
        }
      });

      it(`${method}: the Rao-Scott F test is svychisq(statistic = "F")`, () => {
        const { calibration } = calibrate();
        const test = raoScottTest(wave, { question: 'y', rowKeys: data.options.map((o) => `opt:${o}`), denominator: 'answered', columns }, calibration);
        const inR = expected().chisq;
        expectClose(test.f, inR.f, TOLERANCE);
        expectClose(test.ndf, inR.ndf, TOLERANCE);
        expectClose(test.ddf, inR.ddf, TOLERANCE);
        expectClose(test.p, inR.p, TOLERANCE);
      });
    }
  });
}
