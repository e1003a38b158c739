import { WeightingError } from './weighting.errors';
import { indexRespondents } from './respondent-index';
import { readTargetShares } from './targets';
import { adjustToVariable, capWeights, normaliseToMeanOne } from './weight-steps';
import { buildResult } from './weighting-result';
import type { WeightingRespondent, WeightingResult } from './weighting.types';

export interface PostStratificationOptions {
  /**
   * Optional weight cap relative to the mean weight (none by default: a cap makes the margins
   * inexact, which defeats post-stratification; prefer merging thin categories).
   */
  cap?: number;
}

/**
 * Post-stratification on one variable: every respondent in category c gets
 *   w = target share of c / sample share of c
 * (Kalton & Flores-Cervantes 2003, §2.2), computed among respondents with a known value;
 * respondents who did not answer the variable keep weight 1. The weighted margins then equal the
 * targets exactly. Weights have mean 1.
 */
export function postStratify(
  respondents: readonly WeightingRespondent[],
  variable: string,
  margins: Readonly<Record<string, number>>,
  options: PostStratificationOptions = {},
): WeightingResult {
  const variables = indexRespondents(respondents, readTargetShares({ [variable]: margins }));
  const weights = new Float64Array(respondents.length).fill(1);
  // One raking step from equal weights is exactly target share / sample share.
  for (const indexed of variables) adjustToVariable(weights, indexed);
  normaliseToMeanOne(weights);
  if (options.cap !== undefined) {
    if (!(options.cap > 1)) throw new WeightingError('invalid_option', `The weight cap must be greater than 1, got ${options.cap}.`);
    capWeights(weights, options.cap);
  }
  return buildResult(respondents, weights, variables, { iterations: 1, converged: true, finalChange: 0 });
}
