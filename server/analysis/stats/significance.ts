import { twoSidedNormalPValue, twoSidedTPValue } from './distributions';

export const DEFAULT_ALPHA = 0.05;

export interface ZTestResult {
  /** p1 − p2, as a proportion. */
  difference: number;
  z: number;
  /** Two-sided p-value. */
  pValue: number;
  /** pValue < alpha. */
  significant: boolean;
}

export interface ZTestOptions {
  alpha?: number;
}

/** A group as counted: successes out of n respondents. */
export interface CountedProportion {
  successes: number;
  n: number;
}

/** A weighted group: its weighted proportion and its Kish effective sample size. */
export interface WeightedProportion {
  proportion: number;
  nEff: number;
}

function assertAlpha(alpha: number): void {
  if (!(alpha > 0 && alpha < 1)) throw new RangeError(`alpha must be in (0, 1), got ${alpha}`);
}

/*
 * Pooled two-proportion z-test (e.g. Agresti, "Categorical Data Analysis", §3.1.3): under
 * H0 p1 = p2 both groups share p̂ = (n1·p1 + n2·p2)/(n1 + n2), so
 *   z = (p1 − p2) / √( p̂(1 − p̂)(1/n1 + 1/n2) ).
 * It assumes independent groups: fine for segments and for fresh samples per wave, not for
 * the same panel members re-interviewed (that needs a paired test).
 */
function pooledZTest(p1: number, n1: number, p2: number, n2: number, alpha: number): ZTestResult | null {
  assertAlpha(alpha);
  if (n1 === 0 || n2 === 0) return null;
  const pooled = (n1 * p1 + n2 * p2) / (n1 + n2);
  const standardError = Math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2));
  const difference = p1 - p2;
  // p̂ of 0 or 1 means both groups are all-no or all-yes: identical, nothing to test.
  if (standardError === 0) return { difference, z: 0, pValue: 1, significant: false };
  const z = difference / standardError;
  const pValue = twoSidedNormalPValue(z);
  return { difference, z, pValue, significant: pValue < alpha };
}

function assertCounted(name: string, group: CountedProportion): void {
  const { successes, n } = group;
  if (!Number.isFinite(successes) || !Number.isFinite(n) || successes < 0 || n < 0 || successes > n) {
    throw new RangeError(`${name} must have 0 ≤ successes ≤ n, got ${successes} of ${n}`);
  }
}

/**
 * Pooled two-proportion z-test of a vs b (two-sided). Returns null when either group is
 * empty (no test is possible).
 */
export function twoProportionZTest(
  a: CountedProportion,
  b: CountedProportion,
  options: ZTestOptions = {},
): ZTestResult | null {
  assertCounted('a', a);
  assertCounted('b', b);
  const pA = a.n === 0 ? 0 : a.successes / a.n;
  const pB = b.n === 0 ? 0 : b.successes / b.n;
  return pooledZTest(pA, a.n, pB, b.n, options.alpha ?? DEFAULT_ALPHA);
}

/** How far past 0 or 1 a weighted share may be and still be rounding (sums of weights added in another order). */
const SHARE_ROUNDING = 1e-9;

/**
 * A weighted share brought back into [0, 1] when rounding put it just outside: 1.0000000000000002
 * is 1 (everyone in the group), or the pooled variance p̂(1 − p̂) would be negative and the p-value NaN.
 */
export function roundedShare(share: number): number {
  if (share > 1 && share <= 1 + SHARE_ROUNDING) return 1;
  if (share < 0 && share >= -SHARE_ROUNDING) return 0;
  return share;
}

/**
 * The same test on weighted data: each group's weighted proportion with its Kish effective
 * sample size in place of n, which widens the standard error by the design effect.
 */
export function weightedTwoProportionZTest(
  a: WeightedProportion,
  b: WeightedProportion,
  options: ZTestOptions = {},
): ZTestResult | null {
  const [pA, pB] = [roundedShare(a.proportion), roundedShare(b.proportion)];
  for (const [name, group, proportion] of [['a', a, pA], ['b', b, pB]] as const) {
    if (!(proportion >= 0 && proportion <= 1) || !(group.nEff >= 0) || !Number.isFinite(group.nEff)) {
      throw new RangeError(`${name} must have a proportion in [0, 1] and a finite nEff ≥ 0`);
    }
  }
  return pooledZTest(pA, a.nEff, pB, b.nEff, options.alpha ?? DEFAULT_ALPHA);
}

/** A group summarised for a test of means: mean, standard deviation and (effective) size. */
export interface MeanSummary {
  mean: number;
  sd: number;
  n: number;
  /**
   * The mean's standard error when it is known better than sd/√n (linearized on a weighted
   * design): it then stands for sd/√n in t and in Welch-Satterthwaite's df, n − 1 still counting
   * the group's degrees of freedom.
   */
  se?: number;
}

export interface WelchTestResult {
  /** mean1 − mean2. */
  difference: number;
  t: number;
  /** Welch-Satterthwaite degrees of freedom. */
  df: number;
  pValue: number;
  significant: boolean;
}

/*
 * Welch's unequal-variance t-test from summaries (Welch 1947), scipy.stats.ttest_ind_from_stats(
 * equal_var=False): t = (m1 − m2) / √(s1²/n1 + s2²/n2), with Welch-Satterthwaite degrees of freedom
 *   df = (s1²/n1 + s2²/n2)² / ( (s1²/n1)²/(n1 − 1) + (s2²/n2)²/(n2 − 1) ).
 * Welch rather than Student: two waves' variances need not be equal, and Welch loses little when
 * they are. Weighted, pass the Kish effective sizes as n. Returns null when a group has fewer than
 * two (effective) respondents, or when both variances are 0 (nothing to test).
 */
export function welchTTest(a: MeanSummary, b: MeanSummary, options: ZTestOptions = {}): WelchTestResult | null {
  const alpha = options.alpha ?? DEFAULT_ALPHA;
  assertAlpha(alpha);
  for (const [name, group] of [['a', a], ['b', b]] as const) {
    if (!Number.isFinite(group.mean) || !(group.sd >= 0) || !Number.isFinite(group.sd) || !(group.n >= 0)) {
      throw new RangeError(`${name} must have a finite mean, a finite sd ≥ 0 and n ≥ 0`);
    }
  }
  if (a.n <= 1 || b.n <= 1) return null;
  const va = a.se === undefined ? (a.sd * a.sd) / a.n : a.se * a.se;
  const vb = b.se === undefined ? (b.sd * b.sd) / b.n : b.se * b.se;
  const difference = a.mean - b.mean;
  if (va + vb === 0) return null;
  const t = difference / Math.sqrt(va + vb);
  const df = ((va + vb) * (va + vb)) / ((va * va) / (a.n - 1) + (vb * vb) / (b.n - 1));
  const pValue = twoSidedTPValue(t, df);
  return { difference, t, df, pValue, significant: pValue < alpha };
}
