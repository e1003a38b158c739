import { MISSING } from './respondent-index';
import type { IndexedVariable } from './respondent-index';

export interface MarginReport {
  /** variable → category → weighted percent among respondents with a known value. */
  achievedMargins: Record<string, Record<string, number>>;
  /** Largest |achieved − target| in percentage points. */
  maxMarginGap: number;
}

export function measureMargins(weights: Float64Array, variables: readonly IndexedVariable[]): MarginReport {
  const achievedMargins: Record<string, Record<string, number>> = {};
  let maxMarginGap = 0;
  for (const variable of variables) {
    const totals = new Array<number>(variable.categories.length).fill(0);
    let known = 0;
    weights.forEach((weight, r) => {
      const category = variable.categoryOf[r] ?? MISSING;
      if (category === MISSING) return;
      totals[category] = (totals[category] ?? 0) + weight;
      known += weight;
    });
    const margins: Record<string, number> = {};
    variable.categories.forEach((category, c) => {
      const percent = known === 0 ? 0 : (100 * (totals[c] ?? 0)) / known;
      margins[category] = percent;
      maxMarginGap = Math.max(maxMarginGap, Math.abs(percent - 100 * (variable.shares[c] ?? 0)));
    });
    achievedMargins[variable.name] = margins;
  }
  return { achievedMargins, maxMarginGap };
}
