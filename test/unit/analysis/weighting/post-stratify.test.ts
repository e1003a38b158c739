import { expect } from 'chai';
import type { TWeightingConfig } from '../../../../server/analysis/figures/figures.schemas';
import { WeightingError } from '../../../../server/analysis/weighting/weighting.errors';
import type { WeightingRespondent } from '../../../../server/analysis/weighting/weighting.types';
import { expectClose } from '../expect-close';
import { CELL_LAYOUTS, type CellLayout, weighRespondents } from './weigh-respondents';

// Post-stratification runs on weighting cells (server/analysis/design/calibrate-cells.ts); with one
// cell per respondent and every design weight 1 it is unit-level post-stratification, and grouping
// the respondents into cells must not change a weight. Both layouts are held to the hand-computed values.

// Company size (profile question `company_size`), illustrative French margins in percent.
const COMPANY_SIZE_TARGETS = { tpe: 70, pme: 18, eti: 8, ge: 4 };

function respondentsBySize(sizes: readonly (string | undefined)[]): WeightingRespondent[] {
  return sizes.map((size, i) => ({ id: `r${i + 1}`, values: { company_size: size } }));
}

function postStratify(respondents: readonly WeightingRespondent[], margins: Record<string, number>, layout: CellLayout, options: Pick<TWeightingConfig, 'cap'> = {}) {
  return weighRespondents(respondents, { method: 'poststratify', targets: { company_size: margins }, ...options }, layout);
}

for (const layout of CELL_LAYOUTS) {
  describe(`analysis/weighting: post-stratification, ${layout}`, () => {
    // 6 TPE, 2 PME, 1 ETI, 1 GE among 10: sample shares 60/20/10/10 %.
    const sample = respondentsBySize(['tpe', 'tpe', 'pme', 'tpe', 'eti', 'tpe', 'ge', 'pme', 'tpe', 'tpe']);

    it('gives each category target share / sample share (hand-computed: 7/6, 0.9, 0.8, 0.4)', () => {
      const result = postStratify(sample, COMPANY_SIZE_TARGETS, layout);
      const expected: Record<string, number> = { tpe: 0.7 / 0.6, pme: 0.18 / 0.2, eti: 0.08 / 0.1, ge: 0.04 / 0.1 };
      for (const respondent of sample) {
        expectClose(result.weights.get(respondent.id), expected[respondent.values.company_size ?? ''] ?? Number.NaN);
      }
      expect(result.summary.iterations).to.equal(1);
      expect(result.summary.converged).to.equal(true);
    });

    it('reproduces the target margins exactly and reports the design effect', () => {
      const result = postStratify(sample, COMPANY_SIZE_TARGETS, layout);
      for (const [category, percent] of Object.entries(COMPANY_SIZE_TARGETS)) {
        expectClose(result.achievedMargins.company_size?.[category], percent);
      }
      expect(result.summary.maxMarginGap).to.be.below(1e-9);
      // Σw = 10, Σw² = 6·(7/6)² + 2·0.81 + 0.64 + 0.16 = 10.58666…
      expectClose(result.summary.designEffect, 1.0586666666666666);
      expectClose(result.summary.effectiveN, 100 / 10.586666666666666);
    });

    it('keeps weight 1 for a respondent who did not answer the variable, and the mean weight at 1', () => {
      const result = postStratify([...sample, { id: 'silent', values: {} }], COMPANY_SIZE_TARGETS, layout);
      // 1 to the last bit: grouped cells add up Σw in another order (0.9999999999999999).
      expectClose(result.weights.get('silent'), 1, 1e-15);
      expectClose(result.weights.get('r5'), 0.8);
      const weights = [...result.weights.values()];
      expectClose(weights.reduce((sum, w) => sum + w, 0) / weights.length, 1);
    });

    it('caps weights when asked, keeping the mean at 1', () => {
      const skewed = respondentsBySize(['tpe', 'tpe', 'tpe', 'tpe', 'tpe', 'tpe', 'tpe', 'tpe', 'pme', 'eti', 'ge', 'ge']);
      const result = postStratify(skewed, { tpe: 40, pme: 40, eti: 10, ge: 10 }, layout, { cap: 3 });
      expect(Math.max(...result.weights.values())).to.be.at.most(3);
      expectClose(result.weights.get('r9'), 3);
      const weights = [...result.weights.values()];
      expectClose(weights.reduce((sum, w) => sum + w, 0) / weights.length, 1);
    });

    it('names the variable and category when a target category has no respondents', () => {
      const noGe = respondentsBySize(['tpe', 'pme', 'eti']);
      expect(() => postStratify(noGe, COMPANY_SIZE_TARGETS, layout))
        .to.throw(WeightingError, /No respondent has "company_size" = "ge"/)
        .with.property('code', 'empty_target_category');
    });

    it('counts the respondents, and names the variable and category, when a category has no target', () => {
      const withMicro = respondentsBySize(['tpe', 'pme', 'eti', 'ge', 'micro']);
      expect(() => postStratify(withMicro, COMPANY_SIZE_TARGETS, layout))
        .to.throw(WeightingError, /^1 respondent\(s\) have "company_size" = "micro", which has no target/)
        .with.property('code', 'unknown_category');
    });

    it('rejects targets that do not sum to 100 ± 0.1, and accepts rounding slack within it', () => {
      expect(() => postStratify(sample, { tpe: 70, pme: 18, eti: 8, ge: 3 }, layout))
        .to.throw(WeightingError, /sum to 99%, not 100%/)
        .with.property('code', 'targets_not_100');
      const slack = postStratify(sample, { tpe: 70.05, pme: 18, eti: 8, ge: 4 }, layout);
      expectClose([...slack.weights.values()].reduce((sum, w) => sum + w, 0), 10);
    });

    it('is a 422 application error for the error middleware', () => {
      try {
        postStratify([], COMPANY_SIZE_TARGETS, layout);
        expect.fail('should have thrown');
      } catch (error) {
        expect(error).to.be.instanceOf(WeightingError);
        expect(error).to.include({ status: 422, code: 'no_respondents', expected: true });
      }
    });

    it('rejects negative or non-numeric targets, a 0% target that has respondents, and a cap at or below 1', () => {
      expect(() => postStratify(sample, { tpe: 110, pme: -10, eti: 0, ge: 0 }, layout))
        .to.throw(WeightingError)
        .with.property('code', 'invalid_targets');
      expect(() => postStratify(sample, { tpe: 80, pme: 20, eti: 0, ge: 0 }, layout))
        .to.throw(WeightingError, /"company_size" = "eti" has a target of 0% but 1 respondent\(s\)/)
        .with.property('code', 'zero_target_with_respondents');
      expect(() => postStratify(sample, COMPANY_SIZE_TARGETS, layout, { cap: 1 }))
        .to.throw(WeightingError, /weight cap must be greater than 1, got 1/)
        .with.property('code', 'invalid_option');
    });
  });
}

describe('analysis/weighting: post-stratification, a cell key given twice', () => {
  it('refuses it, naming the key (with one cell per respondent, the respondent)', () => {
    const sample = respondentsBySize(['tpe', 'pme', 'eti', 'ge']);
    expect(() => postStratify([...sample, { id: 'r1', values: { company_size: 'tpe' } }], COMPANY_SIZE_TARGETS, 'one cell per respondent'))
      .to.throw(WeightingError, /"r1" appears more than once/)
      .with.property('code', 'duplicate_respondent');
  });
});
