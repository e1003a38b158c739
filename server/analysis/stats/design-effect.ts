/*
 * Kish's approximations for unequal weighting (Kish, "Survey Sampling", 1965, §11.7):
 *   n_eff = (Σw)² / Σw²        deff = n · Σw² / (Σw)² = n / n_eff
 * They ignore clustering and stratification: they measure only the precision lost to the
 * variability of the weights, which is what a weighted online panel needs.
 */

function assertValidWeights(weights: readonly number[]): void {
  for (const weight of weights) {
    if (!Number.isFinite(weight) || weight < 0) {
      throw new RangeError(`weights must be finite and non-negative, got ${weight}`);
    }
  }
}

/** Kish effective sample size (Σw)²/Σw². Returns 0 for no weights or all-zero weights. */
export function kishEffectiveSampleSize(weights: readonly number[]): number {
  assertValidWeights(weights);
  let sum = 0;
  let sumOfSquares = 0;
  for (const weight of weights) {
    sum += weight;
    sumOfSquares += weight * weight;
  }
  return sumOfSquares === 0 ? 0 : (sum * sum) / sumOfSquares;
}

/**
 * Kish effective sample size from the sums a tally keeps, Σw and Σw² (rather than the weights):
 * (Σw)²/Σw², 0 when Σw² is not positive (no one, or sums that rounding left at or below 0).
 */
export function kishEffectiveSizeOfSums(sum: number, squares: number): number {
  return squares > 0 ? (sum * sum) / squares : 0;
}

/**
 * Kish design effect due to weighting, n·Σw²/(Σw)² (1 for equal weights, larger when the
 * weights vary). Returns null when it is undefined (no weights, or all weights zero).
 */
export function kishDesignEffect(weights: readonly number[]): number | null {
  const nEff = kishEffectiveSampleSize(weights);
  return nEff === 0 ? null : weights.length / nEff;
}
