// anesrake's defaults (Pasek, R package anesrake 0.80), which raking on weighting cells
// (design/calibrate-cells.ts) follows step for step.

/** Largest calibration factor, relative to its mean (anesrake's cap). */
export const DEFAULT_CAP = 5;
/** anesrake's convcrit: stop when an iteration improves the total weight change by less than this share. */
export const DEFAULT_CONVERGENCE = 0.01;
export const DEFAULT_MAX_ITERATIONS = 1000;
/** anesrake calls convergence "complete" when the last iteration moved the weights by at most this in total. */
export const COMPLETE_CONVERGENCE_CHANGE = 0.001;
