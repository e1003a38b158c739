// Korn-Graubard interval for a weighted proportion, as R's svyciprop(method = "beta") computes
// it: a Clopper-Pearson interval on the effective sample size p(1 − p)/Var(p), that size scaled by
// (t_{rows−1} / t_{df})² for the design's degrees of freedom (Korn & Graubard 1998).
import type { DesignEstimate } from './design-variance';
import { betaQuantile, tQuantile } from './quantiles';

export interface ProportionInterval {
  lower: number;
  upper: number;
  /** The effective sample size the interval was computed on. */
  effectiveN: number;
}

/**
 * R's svyciprop(method = "beta") from a design estimate. `rows` is R's nrow(design): the domain's
 * units for design weights alone, but the wave's for a calibrated design (R keeps the rows outside
 * a subset of a calibrated design, with weight 0), which makes R's (t_{rows−1}/t_{df})² factor
 * below 1 on a domain and the interval a little wider; pass `calibrated` to reproduce that.
 *
 * When the variance is 0 (p = 0 or 1, or every unit alike) R's n_eff is 0/0 and it returns NaN.
 * We return the Clopper-Pearson interval on the domain's unweighted n instead: with nothing to
 * estimate a design effect from, the sample is taken at face value (for p = 0 the upper bound is
 * 1 − (α/2)^(1/n), the exact bound), which is what a reader of "0%" needs.
 *
 * null when there is no proportion (an empty domain): no NaN bounds for the figures to publish.
 */
export function kornGraubardInterval(estimate: DesignEstimate, calibrated: boolean, level = 0.95): ProportionInterval | null {
  const p = estimate.estimate;
  if (!Number.isFinite(p) || !(estimate.domainN > 0)) return null;
  const alpha = 1 - level;
  const rows = calibrated ? estimate.waveN : estimate.domainN;
  let effectiveN: number;
  if (!(estimate.variance > 0) || p <= 0 || p >= 1) {
    effectiveN = estimate.domainN;
  } else {
    const dfFactor = estimate.df > 0 && rows > 1 ? tQuantile(alpha / 2, rows - 1) / tQuantile(alpha / 2, estimate.df) : 1;
    effectiveN = ((p * (1 - p)) / estimate.variance) * dfFactor * dfFactor;
  }
  const lower = p <= 0 ? 0 : betaQuantile(alpha / 2, effectiveN * p, effectiveN * (1 - p) + 1);
  const upper = p >= 1 ? 1 : betaQuantile(1 - alpha / 2, effectiveN * p + 1, effectiveN * (1 - p));
  return { lower, upper, effectiveN };
}
