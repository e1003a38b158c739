import { MISSING } from './respondent-index';
import type { IndexedVariable } from './respondent-index';

/**
 * One raking step on one variable (anesrake's rakeonvar): scale the weights in each category so
 * the category's weighted share among respondents with a known value equals its target.
 * Respondents with no value keep their weight, and the known ones keep their total weight, so
 * Σw is unchanged; the targets then describe the population with a known value.
 */
export function adjustToVariable(weights: Float64Array, variable: IndexedVariable): void {
  const categoryTotals = new Array<number>(variable.categories.length).fill(0);
  let knownTotal = 0;
  weights.forEach((weight, r) => {
    const category = variable.categoryOf[r] ?? MISSING;
    if (category === MISSING) return;
    categoryTotals[category] = (categoryTotals[category] ?? 0) + weight;
    knownTotal += weight;
  });
  const factors = categoryTotals.map((total, c) => (total === 0 ? 0 : ((variable.shares[c] ?? 0) * knownTotal) / total));
  weights.forEach((weight, r) => {
    const category = variable.categoryOf[r] ?? MISSING;
    if (category !== MISSING) weights[r] = weight * (factors[category] ?? 0);
  });
}

export function normaliseToMeanOne(weights: Float64Array): void {
  const total = weights.reduce((sum, weight) => sum + weight, 0);
  const scale = weights.length / total;
  weights.forEach((weight, r) => {
    weights[r] = weight * scale;
  });
}

/**
 * Caps weights at `cap` times the mean weight. anesrake alternates "clip at cap" and "divide by
 * the mean" until the largest weight is within 1e-4 of the cap; this computes that loop's limit
 * directly: capped weights sit exactly at the cap, and the others are scaled up together so the
 * mean stays 1. Raising them may push more over the cap, so repeat until none is (at most n times).
 * Requires cap > 1: with mean 1, a cap at or below 1 would flatten every weight to 1.
 */
export function capWeights(weights: Float64Array, cap: number): void {
  normaliseToMeanOne(weights);
  const capped = new Uint8Array(weights.length);
  for (;;) {
    let newlyCapped = 0;
    weights.forEach((weight, r) => {
      if (!capped[r] && weight > cap) {
        capped[r] = 1;
        newlyCapped += 1;
      }
    });
    if (newlyCapped === 0) return;
    let cappedCount = 0;
    let uncappedTotal = 0;
    weights.forEach((weight, r) => {
      if (capped[r]) cappedCount += 1;
      else uncappedTotal += weight;
    });
    const scale = (weights.length - cappedCount * cap) / uncappedTotal;
    weights.forEach((weight, r) => {
      weights[r] = capped[r] ? cap : weight * scale;
    });
  }
}
