/**
 * Checks that an optional weight vector matches its values and returns one weight per value
 * (1 when no weights are given), so each statistic has a single code path for weighted and
 * unweighted data.
 */
export function resolveWeights(valueCount: number, weights: readonly number[] | undefined): number[] {
  if (weights === undefined) return new Array<number>(valueCount).fill(1);
  if (weights.length !== valueCount) {
    throw new RangeError(`expected ${valueCount} weights (one per value), got ${weights.length}`);
  }
  for (const weight of weights) {
    if (!Number.isFinite(weight) || weight < 0) {
      throw new RangeError(`weights must be finite and non-negative, got ${weight}`);
    }
  }
  return [...weights];
}

export function assertFiniteValues(values: readonly number[]): void {
  for (const value of values) {
    if (!Number.isFinite(value)) throw new RangeError(`values must be finite numbers, got ${value}`);
  }
}
