import { expect } from 'chai';
import { calibrateCells, cellKeyOf, type CellCalibration } from '../../../../server/analysis/design/calibrate-cells';
import type { TWeightingConfig } from '../../../../server/analysis/figures/figures.schemas';
import { WeightingError } from '../../../../server/analysis/weighting/weighting.errors';
import { seededRandom } from '../../../support/seeded-random';
import { expectClose } from '../expect-close';
import { buildCellTallies, pick, type TestRespondent } from './cell-tallies';

const VARIABLES = ['company_size', 'region', 'role'];
const TARGETS = {
  company_size: { tpe: 60, pme: 18, eti: 10, ge: 12 },
  region: { north: 30, south: 45, east: 25 },
  role: { manager: 40, other: 60 },
};

/** Seeded respondents whose sample shares are off the targets, some with an unanswered variable. */
function makeRespondents(seed: number, n: number, missingRate: number, withDesignWeights: boolean): TestRespondent[] {
  const random = seededRandom(seed);
  return Array.from({ length: n }, (_, i) => {
    const values: Record<string, string | undefined> = {
      company_size: pick(random, ['tpe', 'pme', 'eti', 'ge'], [0.4, 0.3, 0.2, 0.1]),
      region: random() < missingRate ? undefined : pick(random, ['north', 'south', 'east'], [0.5, 0.3, 0.2]),
      role: pick(random, ['manager', 'other'], [0.6, 0.4]),
    };
    return { id: `r${i + 1}`, values, ...(withDesignWeights ? { weight: 0.5 + 3 * random() } : {}) };
  });
}

const RAKE: TWeightingConfig = { method: 'rake', targets: TARGETS };

/**
 * With one cell per respondent and every d = 1, calibration is unit-level weighting, whose values
 * test/unit/analysis/weighting/ holds to anesrake's and hand-computed ones (the design weights
 * are held to R's survey in design-oracle.test.ts). Weights by respondent id, from that layout.
 */
function unitLevel(respondents: readonly TestRespondent[], config: TWeightingConfig): CellCalibration {
  return calibrateCells(buildCellTallies(respondents.map(({ weight: _designWeight, ...unweighted }) => unweighted), VARIABLES, true), config);
}

/** Grouping the respondents into cells changes no weight and no figure of the summary. */
function expectSameAsUnitLevel(respondents: readonly TestRespondent[], config: TWeightingConfig): void {
  const unit = unitLevel(respondents, config);
  const { factors, summary } = calibrateCells(buildCellTallies(respondents, VARIABLES), config);
  for (const respondent of respondents) {
    expectClose(factors.get(cellKeyOf(respondent.values, VARIABLES)), unit.factors.get(respondent.id) ?? Number.NaN, 1e-12);
  }
  // The anesrake rule stops once an iteration no longer shrinks the change by 1%, which happens
  // at the rounding floor (changes of 1e-13): there, summing over fewer, larger cells can stop a
  // few iterations earlier or later, with the same factors to 1e-12.
  expect(summary.iterations).to.be.closeTo(unit.summary.iterations, 2 + unit.summary.iterations / 10);
  expect(summary.converged).to.equal(unit.summary.converged);
  expectClose(summary.designEffect, unit.summary.designEffect, 1e-12);
  expectClose(summary.effectiveN, unit.summary.effectiveN, 1e-12);
  expectClose(summary.minWeight, unit.summary.minWeight, 1e-12);
  expectClose(summary.maxWeight, unit.summary.maxWeight, 1e-12);
  expect(summary.maxMarginGap).to.be.closeTo(unit.summary.maxMarginGap, 1e-9);
}

describe('analysis/design: calibration on weighting cells', () => {
  const sample = makeRespondents(14, 200, 0, false);
  const withGaps = makeRespondents(41, 200, 0.1, false);

  it('keys a cell by its values whatever the order of the variables, an unanswered one apart', () => {
    expect(cellKeyOf({ a: 'x', b: 'y' }, ['a', 'b'])).to.equal(cellKeyOf({ b: 'y', a: 'x' }, ['b', 'a']));
    expect(cellKeyOf({ a: 'x' }, ['a', 'b'])).to.not.equal(cellKeyOf({ a: 'x', b: 'null' }, ['a', 'b']));
  });

  it('rakes grouped cells to the weights of one cell per respondent (anesrake rule, default cap)', () => {
    expectSameAsUnitLevel(sample, RAKE);
  });

  it('applies the cap to grouped cells as to one cell per respondent', () => {
    expectSameAsUnitLevel(sample, { ...RAKE, cap: 2 });
  });

  it('leaves an unanswered variable out of its step, grouped or not', () => {
    expectSameAsUnitLevel(withGaps, RAKE);
    expectSameAsUnitLevel(withGaps, { ...RAKE, convergence: 0.2 });
  });

  it('post-stratifies grouped cells on the first variable as one cell per respondent, unknowns keeping their weight, with and without a cap', () => {
    const config: TWeightingConfig = { method: 'poststratify', targets: { region: TARGETS.region, role: TARGETS.role } };
    expectSameAsUnitLevel(withGaps, config);
    expectSameAsUnitLevel(withGaps, { ...config, cap: 1.2 });
    // Only the first variable counts: the same as post-stratifying on region alone.
    const regionOnly = unitLevel(withGaps, { method: 'poststratify', targets: { region: TARGETS.region } });
    const both = unitLevel(withGaps, config);
    for (const { id } of withGaps) expectClose(both.factors.get(id), regionOnly.factors.get(id) ?? Number.NaN, 1e-15);
  });

  it('starts from the design weights: the weighted margins g·d reach the targets, and g ignores a constant d', () => {
    const weighted = makeRespondents(7, 200, 0.1, true);
    const cells = buildCellTallies(weighted, VARIABLES);
    const { factors, summary } = calibrateCells(cells, RAKE);
    expect(summary.converged).to.equal(true);
    expect(summary.maxMarginGap).to.be.below(1e-6);
    const totals = new Map<string, number>();
    let known = 0;
    let all = 0;
    for (const respondent of weighted) {
      const w = (factors.get(cellKeyOf(respondent.values, VARIABLES)) ?? 0) * (respondent.weight ?? 1);
      all += w;
      if (respondent.values.region === undefined) continue;
      totals.set(respondent.values.region, (totals.get(respondent.values.region) ?? 0) + w);
      known += w;
    }
    expectClose(all / weighted.length, 1, 1e-12);
    expectClose((100 * (totals.get('south') ?? 0)) / known, 45, 1e-6);

    const doubled = buildCellTallies(sample.map((r) => ({ ...r, weight: 2 })), VARIABLES);
    const unit = unitLevel(sample, RAKE);
    const { factors: doubledFactors } = calibrateCells(doubled, RAKE);
    // Weights g·d of mean 1: g = unit weight / 2.
    for (const respondent of sample) expectClose(doubledFactors.get(cellKeyOf(respondent.values, VARIABLES)), (unit.factors.get(respondent.id) ?? 0) / 2, 1e-12);
  });

  it('bounds the calibration factor, relative to its Σd-weighted mean, by the cap', () => {
    const weighted = makeRespondents(8, 200, 0, true);
    const { summary } = calibrateCells(buildCellTallies(weighted, VARIABLES), { ...RAKE, cap: 1.6 });
    expect(summary.maxWeight).to.be.at.most(1.6 + 1e-12);
    expectClose(summary.maxWeight, 1.6, 1e-12);
  });

  it('refuses what the unit-level weighting refuses, naming the cell’s respondents', () => {
    const cells = buildCellTallies(sample, VARIABLES);
    expect(() => calibrateCells(cells, { ...RAKE, targets: { ...TARGETS, role: { manager: 100 } } }))
      .to.throw(WeightingError, /^\d+ respondent\(s\) have "role" = "other", which has no target \(targets: manager\)/)
      .with.property('code', 'unknown_category');
    expect(() => calibrateCells(cells, { ...RAKE, targets: { ...TARGETS, region: { north: 30, south: 40, east: 25, west: 5 } } }))
      .to.throw(WeightingError, /No respondent has "region" = "west"/)
      .with.property('code', 'empty_target_category');
    const ges = sample.filter((r) => r.values.company_size === 'ge').length;
    expect(() => calibrateCells(cells, { ...RAKE, targets: { ...TARGETS, company_size: { tpe: 60, pme: 28, eti: 12, ge: 0 } } }))
      .to.throw(WeightingError, new RegExp(`has a target of 0% but ${ges} respondent\\(s\\)`))
      .with.property('code', 'zero_target_with_respondents');
    expect(() => calibrateCells(cells, { ...RAKE, maxIterations: 2 })).to.throw(WeightingError, /did not converge within 2 iterations/).with.property('code', 'not_converged');
    expect(() => calibrateCells(cells, { ...RAKE, cap: 1 })).to.throw(WeightingError).with.property('code', 'invalid_option');
    expect(() => calibrateCells(new Map(), RAKE)).to.throw(WeightingError).with.property('code', 'no_respondents');
  });
});
