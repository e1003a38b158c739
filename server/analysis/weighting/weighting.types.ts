export interface WeightingRespondent {
  id: string;
  /** Category of each weighting variable; undefined when the respondent did not answer it. */
  values: Readonly<Record<string, string | undefined>>;
}

/** Population margins: variable → category → percent (each variable sums to 100 ± 0.1). */
export type TargetMargins = Readonly<Record<string, Readonly<Record<string, number>>>>;

export interface WeightingResult {
  /** Respondent id → weight; weights have mean 1 over all respondents. */
  weights: Map<string, number>;
  iterations: number;
  converged: boolean;
  /** Weighted distribution reached, in percent, among respondents with a known value. */
  achievedMargins: Record<string, Record<string, number>>;
  /** Largest |achieved − target| over all categories, in percentage points. */
  maxMarginGap: number;
  /** Σ|w − w_previous| over the last iteration (anesrake's "nonconvergence"). */
  finalChange: number;
  /** Kish design effect due to weighting, n·Σw²/(Σw)². */
  designEffect: number;
  /** Kish effective sample size, (Σw)²/Σw². */
  nEff: number;
}

export interface RakingOptions {
  /** Largest weight allowed, relative to the mean weight (anesrake's cap). Default 5; must exceed 1. */
  cap?: number;
  /** anesrake's convcrit: stop when an iteration improves the total weight change by less than this share. Default 0.01. */
  convergence?: number;
  /** Default 1000. */
  maxIterations?: number;
}
