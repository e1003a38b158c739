import { expect } from 'chai';
import type { TWeightingConfig } from '../../../../server/analysis/figures/figures.schemas';
import { WeightingError } from '../../../../server/analysis/weighting/weighting.errors';
import type { WeightingRespondent } from '../../../../server/analysis/weighting/weighting.types';
import { expectAllClose, expectClose } from '../expect-close';
import { CELL_LAYOUTS, weighRespondents } from './weigh-respondents';

/*
 * Raking runs on weighting cells (server/analysis/design/calibrate-cells.ts); with one cell per
 * respondent and every design weight 1 it is unit-level raking, and grouping the respondents into
 * cells must not change a weight. Both layouts are held to the same reference values.
 *
 * Reference: anesrake's algorithm in numpy 2.4 (cap applied as the limit of anesrake's
 * clip-and-renormalise loop, see capFactors):
 *
 *   import numpy as np, json
 *   size   = list("TTPTTEPTGTTPTETTPTTGTPTTETPTTT")   # T=tpe P=pme E=eti G=ge
 *   region = list("NSNENSSNEESNSSNESNNSESNSENSSEN")   # N=north S=south E=east
 *   role   = list("MOOMOMOOMOOOMOMOOMOOMOOOMOMOOO")   # M=manager O=other
 *   targets = [(size,   {'T': .60, 'P': .18, 'E': .10, 'G': .12}),
 *              (region, {'N': .30, 'S': .45, 'E': .25}),
 *              (role,   {'M': .40, 'O': .60})]
 *   def cap_weights(w, cap):
 *       w = w / w.mean(); capped = np.zeros(len(w), bool)
 *       while (new := (~capped) & (w > cap)).any():
 *           capped |= new
 *           w = np.where(capped, cap, w * (len(w) - capped.sum()*cap) / w[~capped].sum())
 *       return w
 *   def rake(targets, cap=5.0, convcrit=0.01):
 *       w = np.ones(len(targets[0][0])); change = prev = np.inf; it = 0
 *       while True:
 *           it += 1; old = w.copy()
 *           for values, shares in targets:
 *               v = np.array(values)
 *               w = w * np.array([shares[c] * w.sum() / w[v == c].sum() for c in v])
 *           w = cap_weights(w, cap)
 *           prev, change = change, np.abs(w - old).sum()
 *           if not change < (1 - convcrit) * prev: return w, it, change
 *   print(rake(targets)[1])                                     # 26 iterations
 *   print(json.dumps([float(x) for x in rake(targets)[0]]))
 *   print(json.dumps([float(x) for x in rake(targets, cap=1.5)[0]]))
 */
const SIZE = { T: 'tpe', P: 'pme', E: 'eti', G: 'ge' } as const;
const REGION = { N: 'north', S: 'south', E: 'east' } as const;
const ROLE = { M: 'manager', O: 'other' } as const;
const sizes = 'TTPTTEPTGTTPTETTPTTGTPTTETPTTT';
const regions = 'NSNENSSNEESNSSNESNNSESNSENSSEN';
const roles = 'MOOMOMOOMOOOMOMOOMOOMOOOMOMOOO';

const respondents: WeightingRespondent[] = [...sizes].map((size, i) => ({
  id: `r${i + 1}`,
  values: {
    company_size: SIZE[size as keyof typeof SIZE],
    region: REGION[regions[i] as keyof typeof REGION],
    role: ROLE[roles[i] as keyof typeof ROLE],
  },
}));

const targets = {
  company_size: { tpe: 60, pme: 18, eti: 10, ge: 12 },
  region: { north: 30, south: 45, east: 25 },
  role: { manager: 40, other: 60 },
};

const NUMPY_WEIGHTS = [
  1.0313439887764126, 1.0517207191323357, 0.6726278931547006, 1.118812252212123, 0.7601187078935601,
  1.1899797916321981, 0.9306660711687009, 0.7601187078935601, 1.855638297661432, 0.8245843605836238,
  1.0517207191323357, 0.6726278931547006, 1.42699532360494, 0.877036092204352, 1.0313439887764126,
  0.8245843605836238, 0.9306660711687009, 1.0313439887764126, 0.7601187078935601, 1.7443617023385678,
  1.118812252212123, 0.9306660711687009, 0.7601187078935601, 1.0517207191323357, 0.9329841161634497,
  0.7601187078935601, 1.2627460001844961, 1.0517207191323357, 0.8245843605836238, 0.7601187078935601,
];
const NUMPY_WEIGHTS_CAP_1_5 = [
  1.0592200144156685, 1.0657466237577127, 0.68958145445037, 1.1596299976093538, 0.7746204170662845,
  1.2141373664807626, 0.9487474002683395, 0.7746204170662845, 1.5, 0.8480514531121983, 1.0657466237577127,
  0.68958145445037, 1.45730751386004, 0.887913351710904, 1.0592200144156685, 0.8480514531121983,
  0.9487474002683395, 1.0592200144156685, 0.7746204170662845, 1.5, 1.1596299976093538, 0.9487474002683395,
  0.7746204170662845, 1.0657466237577127, 0.9661310999901512, 0.7746204170662845, 1.297322163021514,
  1.0657466237577127, 0.8480514531121983, 0.7746204170662845,
];

function weightsInOrder(weights: Map<string, number>): number[] {
  return respondents.map((respondent) => weights.get(respondent.id) ?? Number.NaN);
}

function rake(people: readonly WeightingRespondent[], margins: TWeightingConfig['targets'], options: Omit<TWeightingConfig, 'method' | 'targets'> = {}, layout = CELL_LAYOUTS[0]) {
  return weighRespondents(people, { method: 'rake', targets: margins, ...options }, layout);
}

for (const layout of CELL_LAYOUTS) {
  describe(`analysis/weighting: raking (anesrake-style IPF), ${layout}`, () => {
    it('converges on three variables and reproduces every target margin', () => {
      const result = rake(respondents, targets, {}, layout);
      // converged: the last iteration moved the weights by at most 0.001 in total (anesrake's "complete convergence").
      expect(result.summary.converged).to.equal(true);
      for (const [variable, margins] of Object.entries(targets)) {
        for (const [category, percent] of Object.entries(margins)) {
          expectClose(result.achievedMargins[variable]?.[category], percent, 1e-8);
        }
      }
      expect(result.summary.maxMarginGap).to.be.below(1e-8);
    });

    it('matches the numpy reference weights and iteration count', () => {
      const result = rake(respondents, targets, {}, layout);
      expectAllClose(weightsInOrder(result.weights), NUMPY_WEIGHTS);
      expect(result.summary.iterations).to.be.closeTo(26, 2);
    });

    it('normalises weights to mean 1 and reports the Kish design effect and effective base', () => {
      const result = rake(respondents, targets, {}, layout);
      const weights = weightsInOrder(result.weights);
      const sum = weights.reduce((total, w) => total + w, 0);
      const sumOfSquares = weights.reduce((total, w) => total + w * w, 0);
      expectClose(sum / weights.length, 1);
      expectClose(result.summary.designEffect, (weights.length * sumOfSquares) / (sum * sum));
      expectClose(result.summary.effectiveN, (sum * sum) / sumOfSquares);
      expectClose(result.summary.minWeight, Math.min(...weights));
      expectClose(result.summary.maxWeight, Math.max(...weights));
    });

    it('rakes two variables too', () => {
      const result = rake(respondents, { company_size: targets.company_size, region: targets.region }, {}, layout);
      expect(result.summary.converged).to.equal(true);
      expectClose(result.achievedMargins.region?.south, 45, 1e-8);
      expectClose(result.achievedMargins.company_size?.ge, 12, 1e-8);
    });

    it('respects the weight cap, matching the numpy reference, at the cost of the margins', () => {
      const result = rake(respondents, targets, { cap: 1.5 }, layout);
      const weights = weightsInOrder(result.weights);
      expect(Math.max(...weights)).to.be.at.most(1.5 + 1e-12);
      expectAllClose(weights, NUMPY_WEIGHTS_CAP_1_5);
      // Two GE respondents at the cap cannot carry 12%: the margin stays at 10%.
      expectClose(result.achievedMargins.company_size?.ge, 10, 1e-8);
      expect(result.summary.maxMarginGap).to.be.closeTo(2, 1e-8);
    });

    it('applies the default cap of 5 times the mean weight', () => {
      // One GE respondent among 40 (2.5%) targeted at 20% would need weight 8.
      const oneGe: WeightingRespondent[] = Array.from({ length: 40 }, (_, i) => ({
        id: `p${i}`,
        values: { company_size: i === 0 ? 'ge' : 'tpe' },
      }));
      const result = rake(oneGe, { company_size: { tpe: 80, ge: 20 } }, {}, layout);
      expectClose(result.weights.get('p0'), 5);
      expectClose(result.achievedMargins.company_size?.ge, 12.5);
    });

    it('leaves respondents with a missing value out of that variable, as anesrake does', () => {
      const withGap = respondents.map((respondent, i) =>
        i === 0 ? { ...respondent, values: { ...respondent.values, region: undefined } } : respondent,
      );
      const result = rake(withGap, targets, {}, layout);
      expect(result.summary.converged).to.equal(true);
      expectClose(result.achievedMargins.region?.north, 30, 1e-8);
      expectClose(result.achievedMargins.company_size?.tpe, 60, 1e-8);
    });

    it('throws not_converged, with the remaining discrepancy, when the iterations run out', () => {
      expect(() => rake(respondents, targets, { maxIterations: 2 }, layout))
        .to.throw(WeightingError, /did not converge within 2 iterations: .* changed the weights by [\d.e-]+ in total, and the margins are up to [\d.e-]+ percentage points off target/)
        .with.property('code', 'not_converged');
    });

    it('names the variable and category of an empty target category', () => {
      expect(() => rake(respondents, { ...targets, region: { north: 30, south: 40, east: 25, west: 5 } }, {}, layout))
        .to.throw(WeightingError, /No respondent has "region" = "west"/)
        .with.property('code', 'empty_target_category');
    });

    it('rejects respondents whose category is missing from the targets, counting them', () => {
      const others = [...roles].filter((role) => role === 'O').length;
      expect(() => rake(respondents, { ...targets, role: { manager: 100 } }, {}, layout))
        .to.throw(WeightingError, new RegExp(`^${others} respondent\\(s\\) have "role" = "other", which has no target \\(targets: manager\\)`))
        .with.property('code', 'unknown_category');
    });

    it('rejects targets that do not sum to 100 and names the variable', () => {
      expect(() => rake(respondents, { ...targets, region: { north: 0.3, south: 0.45, east: 0.25 } }, {}, layout))
        .to.throw(WeightingError, /targets for "region" sum to 1%, not 100%/)
        .with.property('code', 'targets_not_100');
    });

    it('rejects a cap at or below 1 and nonsense options', () => {
      expect(() => rake(respondents, targets, { cap: 1 }, layout)).to.throw(WeightingError).with.property('code', 'invalid_option');
      expect(() => rake(respondents, targets, { maxIterations: 0 }, layout)).to.throw(WeightingError).with.property('code', 'invalid_option');
      expect(() => rake(respondents, targets, { convergence: 0 }, layout)).to.throw(WeightingError).with.property('code', 'invalid_option');
    });
  });
}
