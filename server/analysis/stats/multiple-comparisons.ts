/*
 * Adjusting a family of p-values for multiple comparisons, as R's p.adjust computes them:
 * an adjusted p-value is compared with the level directly, so one list of tests can be read at
 * several levels (the lower- and upper-case letters).
 */

/** The adjustments there are: a tuple, so that request schemas can take it as their z.enum. */
export const P_VALUE_ADJUSTMENTS = ['none', 'bonferroni', 'bh'] as const;
export type PValueAdjustment = (typeof P_VALUE_ADJUSTMENTS)[number];

function assertPValues(pValues: readonly number[]): void {
  for (const p of pValues) {
    if (!(p >= 0 && p <= 1)) throw new RangeError(`p-values must be in [0, 1], got ${p}`);
  }
}

/**
 * Benjamini-Hochberg step-up adjustment (Benjamini & Hochberg 1995), R's p.adjust(p, "BH") and
 * scipy.stats.false_discovery_control: p_(i) · m / i, made monotone from the largest down,
 * capped at 1. Controls the false discovery rate for independent or positively dependent tests.
 */
export function benjaminiHochberg(pValues: readonly number[]): number[] {
  assertPValues(pValues);
  const m = pValues.length;
  const order = [...pValues.keys()].sort((a, b) => (pValues[b] ?? 0) - (pValues[a] ?? 0));
  const adjusted = new Array<number>(m);
  let running = 1;
  order.forEach((index, k) => {
    const rank = m - k;
    running = Math.min(running, ((pValues[index] ?? 1) * m) / rank);
    adjusted[index] = running;
  });
  return adjusted;
}

/** Bonferroni over the whole family: min(1, p · m). */
export function bonferroni(pValues: readonly number[]): number[] {
  assertPValues(pValues);
  return pValues.map((p) => Math.min(1, p * pValues.length));
}

export function adjustPValues(pValues: readonly number[], method: PValueAdjustment): number[] {
  if (method === 'bh') return benjaminiHochberg(pValues);
  if (method === 'bonferroni') return bonferroni(pValues);
  assertPValues(pValues);
  return [...pValues];
}
