import { Z_95 } from './distributions';

/** A confidence interval as [lower, upper], both proportions in [0, 1]. */
export type Interval = [lower: number, upper: number];

function assertFiniteNonNegative(name: string, value: number): void {
  if (!Number.isFinite(value) || value < 0) {
    throw new RangeError(`${name} must be a finite non-negative number, got ${value}`);
  }
}

/*
 * Wilson score interval (Wilson 1927; Agresti & Coull 1998), for proportion p on n:
 *   centre = (p + z²/2n) / (1 + z²/n)
 *   half   = z / (1 + z²/n) · √( p(1−p)/n + z²/4n² )
 * Preferred over the Wald interval because it stays inside [0, 1] and keeps its coverage
 * near p = 0 and p = 1, which survey shares often are (F1 is 94%).
 * n need not be an integer: the weighted variant passes a Kish effective sample size.
 */
function scoreInterval(p: number, n: number, z: number): Interval {
  const z2 = z * z;
  const denominator = 1 + z2 / n;
  const centre = (p + z2 / (2 * n)) / denominator;
  const halfWidth = (z / denominator) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  // At p = 0 (or 1) the bound is exactly 0 (or 1) in exact arithmetic; pin it rather than
  // report a rounding residue such as 1e-17 or a value just outside [0, 1].
  const lower = p === 0 ? 0 : Math.max(0, centre - halfWidth);
  const upper = p === 1 ? 1 : Math.min(1, centre + halfWidth);
  return [lower, upper];
}

/**
 * Wilson score interval for `successes` out of `n` (default z gives a two-sided 95% interval).
 * Returns null when n = 0: there is no proportion to bound, and callers must show "no base"
 * rather than an interval.
 */
export function wilsonInterval(successes: number, n: number, z: number = Z_95): Interval | null {
  assertFiniteNonNegative('successes', successes);
  assertFiniteNonNegative('n', n);
  if (successes > n) throw new RangeError(`successes (${successes}) cannot exceed n (${n})`);
  if (n === 0) return null;
  return scoreInterval(successes / n, n, z);
}
