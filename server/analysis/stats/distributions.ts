import erfc from '@stdlib/math-base-special-erfc';
import betainc from '@stdlib/math-base-special-betainc';
import gammainc from '@stdlib/math-base-special-gammainc';

/** Two-sided 95% critical value of the standard normal, Φ⁻¹(0.975) (scipy.stats.norm.ppf(0.975)). */
export const Z_95 = 1.959963984540054;

/**
 * Two-sided p-value of a standard normal statistic: P(|Z| ≥ |z|) = erfc(|z| / √2).
 * Computed from the complementary error function rather than 1 − Φ so that small
 * p-values keep their precision (1 − Φ rounds to 0 beyond |z| ≈ 8.3).
 */
export function twoSidedNormalPValue(z: number): number {
  return erfc(Math.abs(z) / Math.SQRT2);
}

/**
 * Upper tail of the chi-square distribution, P(X² ≥ x) with df degrees of freedom.
 * X² ~ Gamma(df/2, 2), so the tail is the regularized upper incomplete gamma Q(df/2, x/2)
 * (same as scipy.stats.chi2.sf); computing Q directly avoids the cancellation of 1 − CDF.
 */
export function chiSquareSurvival(x: number, df: number): number {
  if (x <= 0) return 1;
  return gammainc(x / 2, df / 2, true, true);
}

/**
 * Two-sided p-value of Student's t statistic with df degrees of freedom (df need not be whole:
 * Welch's are not), P(|T| ≥ |t|) = I_{df/(df+t²)}(df/2, 1/2), the regularized incomplete beta
 * (as scipy.stats.t.sf doubles it); computed directly, not as 1 − CDF, to keep small p-values.
 */
export function twoSidedTPValue(t: number, df: number): number {
  if (!(df > 0)) throw new RangeError(`degrees of freedom must be positive, got ${df}`);
  if (!Number.isFinite(t)) return Number.isNaN(t) ? Number.NaN : 0;
  return betainc(df / (df + t * t), df / 2, 0.5, true, false);
}
