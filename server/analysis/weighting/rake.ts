import { WeightingError } from './weighting.errors';
import { indexRespondents } from './respondent-index';
import { readTargetShares } from './targets';
import { adjustToVariable, capWeights } from './weight-steps';
import { buildResult, measureMargins } from './weighting-result';
import type { RakingOptions, TargetMargins, WeightingRespondent, WeightingResult } from './weighting.types';

export const DEFAULT_CAP = 5;
export const DEFAULT_CONVERGENCE = 0.01;
export const DEFAULT_MAX_ITERATIONS = 1000;
/** anesrake calls convergence "complete" when the last iteration moved the weights by at most this in total. */
export const COMPLETE_CONVERGENCE_CHANGE = 0.001;

function readOptions(options: RakingOptions): Required<RakingOptions> {
  const cap = options.cap ?? DEFAULT_CAP;
  const convergence = options.convergence ?? DEFAULT_CONVERGENCE;
  const maxIterations = options.maxIterations ?? DEFAULT_MAX_ITERATIONS;
  if (!(cap > 1)) throw new WeightingError('invalid_option', `The weight cap must be greater than 1, got ${cap}.`);
  if (!(convergence > 0 && convergence < 1)) {
    throw new WeightingError('invalid_option', `The convergence criterion must be between 0 and 1, got ${convergence}.`);
  }
  if (!Number.isInteger(maxIterations) || maxIterations < 1) {
    throw new WeightingError('invalid_option', `The maximum number of iterations must be a positive integer, got ${maxIterations}.`);
  }
  return { cap, convergence, maxIterations };
}

/**
 * Raking (iterative proportional fitting, Deming & Stephan 1940) on several variables, following
 * anesrake's rakelist (Pasek, R package anesrake 0.80) step for step:
 * - one iteration adjusts the weights to each variable in turn (see adjustToVariable), then caps
 *   them at `cap` × the mean weight (see capWeights);
 * - change = Σ|w − w_before| over the iteration (in weight units, with mean weight 1);
 * - it stops when an iteration no longer shrinks the change by at least `convergence` (default
 *   1%): change ≥ (1 − convergence) × previous change. The criterion is relative, as in anesrake,
 *   not an absolute threshold: in practice raking goes on until the weights stop moving;
 * - `converged` is true when that last change is at most 0.001 (anesrake's "complete
 *   convergence"); a stop above it is anesrake's "partial convergence": the weights are stable
 *   but the margins may be off, so check maxMarginGap;
 * - still improving after `maxIterations` iterations: throws WeightingError 'not_converged'.
 * Weights have mean 1.
 */
export function rake(
  respondents: readonly WeightingRespondent[],
  targets: TargetMargins,
  options: RakingOptions = {},
): WeightingResult {
  const { cap, convergence, maxIterations } = readOptions(options);
  const variables = indexRespondents(respondents, readTargetShares(targets));
  const weights = new Float64Array(respondents.length).fill(1);
  const before = new Float64Array(respondents.length);

  let iterations = 0;
  let change = Number.POSITIVE_INFINITY;
  let previousChange = Number.POSITIVE_INFINITY;
  do {
    if (iterations === maxIterations) {
      const { maxMarginGap } = measureMargins(weights, variables);
      throw new WeightingError(
        'not_converged',
        `Raking did not converge within ${maxIterations} iterations: the last iteration still changed the weights by ${change.toPrecision(3)} in total, and the margins are up to ${maxMarginGap.toPrecision(3)} percentage points off target.`,
        { iterations, finalChange: change, maxMarginGap },
      );
    }
    iterations += 1;
    before.set(weights);
    for (const variable of variables) adjustToVariable(weights, variable);
    capWeights(weights, cap);
    previousChange = change;
    change = weights.reduce((sum, weight, r) => sum + Math.abs(weight - (before[r] ?? 0)), 0);
  } while (change < (1 - convergence) * previousChange);

  return buildResult(respondents, weights, variables, {
    iterations,
    converged: change <= COMPLETE_CONVERGENCE_CHANGE,
    finalChange: change,
  });
}
