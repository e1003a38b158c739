// The variance from cells (design-variance.ts: raking's 10 passes solved once as a linear map,
// post-stratification's one step, both on cell sums) against svyrecvar's arithmetic transcribed
// respondent by respondent: influence values x_i = w_i·u_i/W, the calibration steps on them, then
// n/(n − 1)·Σ(x − x̄)². The R oracle checks the same to 1e-6 on small data sets; this checks, to
// rounding, that computing on cells changes nothing but the cost, on a wave with many cells
// (three raking variables, one with unanswered values) and unequal design weights.
import { expect } from 'chai';
import { calibrateCells, cellKeyOf } from '../../../../server/analysis/design/calibrate-cells';
import { designCalibrationOf, estimateRatio, type RatioKeys } from '../../../../server/analysis/design/design-variance';
import { betaQuantile, forgetQuantiles, tQuantile } from '../../../../server/analysis/design/quantiles';
import type { TWeightingConfig } from '../../../../server/analysis/figures/figures.schemas';
import { seededRandom } from '../../../support/seeded-random';
import { expectClose } from '../expect-close';
import { buildCellTallies, pick, type TestRespondent } from './cell-tallies';
import betaQuantileOf from '@stdlib/stats-base-dists-beta-quantile';
import tQuantileOf from '@stdlib/stats-base-dists-t-quantile';

const VARIABLES = ['a', 'b', 'c'];
const TARGETS: TWeightingConfig['targets'] = { a: { a1: 50, a2: 30, a3: 20 }, b: { b1: 60, b2: 40 }, c: { c1: 10, c2: 20, c3: 30, c4: 40 } };
/** Rounding, not method: the cells and the units add the same terms in another order. */
const ROUNDING = 1e-12;

interface Unit {
  respondent: TestRespondent;
  d: number;
  /** δ (in the domain and the denominator) and y for the estimate at hand. */
  delta: number;
  y: number;
}

function respondents(): TestRespondent[] {
  const random = seededRandom(14);
  return Array.from({ length: 400 }, (_, i) => {
    const answered = random() < 0.9;
    const option = pick(random, ['o1', 'o2', 'o3'], [0.5, 0.3]);
    const score = 1 + Math.floor(random() * 5);
    const keys: Record<string, number> = answered ? { answered: 1, [`opt:${option}`]: 1, sum: score, sumsq: score * score } : {};
    return {
      id: `r${i}`,
      // a is unanswered by about one in ten: a category of its own for the variance.
      values: { a: random() < 0.1 ? undefined : pick(random, ['a1', 'a2', 'a3'], [0.4, 0.35]), b: pick(random, ['b1', 'b2'], [0.7]), c: pick(random, ['c1', 'c2', 'c3', 'c4'], [0.3, 0.3, 0.2]) },
      weight: 0.5 + random() * 2.5,
      keys: { q: keys, f: { in: random() < 0.6 ? 1 : 0 } },
    };
  });
}

/** svyrecvar on units: influence values, calibrated, then their n/(n − 1)-scaled sum of squares around the mean. */
function unitVariance(units: Unit[], g: (unit: Unit) => number, method: 'poststratify' | 'rake'): number {
  const w = units.map((unit) => g(unit) * unit.d);
  const total = units.reduce((sum, unit, i) => sum + (w[i] as number) * unit.delta, 0);
  const theta = units.reduce((sum, unit, i) => sum + (w[i] as number) * unit.delta * unit.y, 0) / total;
  const x = units.map((unit, i) => ((w[i] as number) * unit.delta * (unit.y - theta)) / total);
  const categoryOf = (unit: Unit, variable: string) => unit.respondent.values[variable] ?? 'unknown';
  const step = (variable: string, divideBy: (i: number) => number, weigh: (i: number) => number) => {
    const sums = new Map<string, { sum: number; divisor: number }>();
    units.forEach((unit, i) => {
      const entry = sums.get(categoryOf(unit, variable)) ?? { sum: 0, divisor: 0 };
      entry.sum += ((x[i] as number) * weigh(i)) / (w[i] as number);
      entry.divisor += weigh(i);
      sums.set(categoryOf(unit, variable), entry);
    });
    units.forEach((unit, i) => {
      const entry = sums.get(categoryOf(unit, variable)) as { sum: number; divisor: number };
      x[i] = (x[i] as number) - divideBy(i) * (entry.sum / entry.divisor);
    });
  };
  if (method === 'poststratify') {
    // m_h = Σ_h x·oldw/psw ÷ Σ_h oldw, oldw = d, psw = w; x −= m_h·psw.
    step('a', (i) => w[i] as number, (i) => (units[i] as Unit).d);
  } else {
    // 10 passes; per category the plain mean of x/psw (R's ave()); x −= psw·mean.
    for (let pass = 0; pass < 10; pass += 1) for (const variable of VARIABLES) step(variable, (i) => w[i] as number, () => 1);
  }
  const n = units.length;
  const mean = x.reduce((sum, value) => sum + value, 0) / n;
  return (n / (n - 1)) * x.reduce((sum, value) => sum + (value - mean) ** 2, 0);
}

describe('analysis/design: the variance from cells is the variance from respondents', () => {
  const people = respondents();
  const wave = buildCellTallies(people, VARIABLES);
  const domain = buildCellTallies(
    people.filter((person) => person.keys?.f?.in === 1),
    VARIABLES,
  );

  for (const method of ['rake', 'poststratify'] as const) {
    describe(method, () => {
      const config: TWeightingConfig = method === 'rake' ? { method, targets: TARGETS } : { method, targets: { a: TARGETS.a ?? {} } };
      // The unanswered a keep their weight in calibration and are a category of their own in the variance.
      const { factors } = calibrateCells(wave, config);
      const calibration = designCalibrationOf(config, factors);
      const gOf = (unit: Unit) => factors.get(cellKeyOf(unit.respondent.values, VARIABLES)) ?? Number.NaN;

      const cases: Array<{ name: string; keys: RatioKeys; y: (person: TestRespondent) => number; inDomain: boolean }> = [
        { name: 'a share on the wave', keys: { question: 'q', numerator: 'opt:o2', denominator: 'answered' }, y: (p) => p.keys?.q?.['opt:o2'] ?? 0, inDomain: false },
        { name: 'a share in a domain', keys: { question: 'q', numerator: 'opt:o1', denominator: 'answered' }, y: (p) => p.keys?.q?.['opt:o1'] ?? 0, inDomain: true },
        { name: 'a mean in a domain', keys: { question: 'q', numerator: 'sum', denominator: 'answered', numeratorSquares: 'sumsq' }, y: (p) => p.keys?.q?.sum ?? 0, inDomain: true },
      ];
      for (const { name, keys, y, inDomain } of cases) {
        it(`gives ${name} the units’ variance to rounding`, () => {
          const units: Unit[] = people.map((respondent) => ({
            respondent,
            d: respondent.weight ?? 1,
            delta: (respondent.keys?.q?.answered ?? 0) * (inDomain ? (respondent.keys?.f?.in ?? 0) : 1),
            y: y(respondent),
          }));
          const expected = unitVariance(units, gOf, method);
          expect(expected).to.be.greaterThan(0);
          expectClose(estimateRatio(wave, inDomain ? domain : wave, keys, calibration).variance, expected, ROUNDING);
        });
      }
    });
  }
});

describe('analysis/design: remembered quantiles', () => {
  it('are stdlib’s, bit for bit, whether computed, remembered or computed again after forgetting', () => {
    forgetQuantiles();
    for (let round = 0; round < 3; round += 1) {
      expect(tQuantile(0.975, 139)).to.equal(tQuantileOf(0.975, 139));
      expect(betaQuantile(0.025, 61.7, 40.2)).to.equal(betaQuantileOf(0.025, 61.7, 40.2));
      if (round === 1) forgetQuantiles();
    }
  });
});
