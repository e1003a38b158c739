import { WeightingError } from './weighting.errors';
import type { TargetMargins } from './weighting.types';

/** Targets are given in percent and published tables round them: allow this much slack. */
export const TARGET_SUM_TOLERANCE = 0.1;

/** Target shares per variable, rescaled to sum to exactly 1 (removing the allowed rounding slack). */
export type TargetShares = Map<string, Map<string, number>>;

/**
 * Checks the targets and turns percents into shares. Every variable must have at least one
 * category, every percent must be a finite number ≥ 0, and each variable's percents must sum to
 * 100 ± 0.1: a larger gap is a typo (a missing category, a 0.7 meant as 70) that would
 * otherwise be silently rescaled.
 */
export function readTargetShares(targets: TargetMargins): TargetShares {
  const variables = Object.entries(targets);
  if (variables.length === 0) throw new WeightingError('invalid_targets', 'Weighting needs targets for at least one variable.');
  const shares: TargetShares = new Map();
  for (const [variable, margins] of variables) {
    const categories = Object.entries(margins);
    if (categories.length === 0) {
      throw new WeightingError('invalid_targets', `The targets for "${variable}" list no categories.`, { variable });
    }
    let sum = 0;
    for (const [category, percent] of categories) {
      if (typeof percent !== 'number' || !Number.isFinite(percent) || percent < 0) {
        throw new WeightingError(
          'invalid_targets',
          `The target for "${variable}" = "${category}" must be a percentage ≥ 0, got ${String(percent)}.`,
          { variable, category },
        );
      }
      sum += percent;
    }
    if (Math.abs(sum - 100) > TARGET_SUM_TOLERANCE) {
      throw new WeightingError(
        'targets_not_100',
        `The targets for "${variable}" sum to ${Number(sum.toPrecision(12))}%, not 100% (± ${TARGET_SUM_TOLERANCE}).`,
        { variable, sum },
      );
    }
    shares.set(variable, new Map(categories.map(([category, percent]) => [category, percent / sum])));
  }
  return shares;
}
