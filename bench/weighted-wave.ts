// The weighted wave bench:report and bench:design both measure: the synthetic design weights
// their responses carry and the wave's weighting, kept in one place so that the two benchmarks
// keep measuring the same thing.
import type { TWeightingConfig } from '../server/analysis/figures/figures.schemas';

/** Raking on two variables, so that the weighting cells cross them. */
export const BENCH_WEIGHTING: TWeightingConfig = {
  method: 'rake',
  targets: { company_size: { tpe: 45, pme: 30, eti: 15, ge: 10 }, uses_social: { yes: 90, no: 10 } },
};

/** The design weight of the i-th synthetic response: 0.5 to 3, so calibration starts from unequal weights. */
export function syntheticDesignWeight(i: number): number {
  return 0.5 + ((i * 7919) % 251) / 100;
}
