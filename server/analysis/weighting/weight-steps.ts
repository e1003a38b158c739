import { MISSING } from './respondent-index';
import type { IndexedVariable } from './respondent-index';

/**
 * One raking step on one variable (anesrake's rakeonvar): scale the weights in each category so
 * the category's weighted share among respondents with a known value equals its target.
 * Respondents with no value keep their weight, and the known ones keep their total weight, so
 * Σw is unchanged; the targets then describe the population with a known value. The entries
 * are weighting cells' total weights (design/calibrate-cells.ts): a cell's respondents share every
 * category, so scaling its total is scaling each of them.
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
