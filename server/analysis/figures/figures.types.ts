// The figures API's JSON (docs/api.md). Proportions are between 0 and 1 and never rounded.
import type { BaseFlag } from '../format/index';
import type { Crosstab } from './comparisons';

export type BasePolicyName = 'answered' | 'shown' | 'all';

export interface FigureBase {
  /** Unweighted respondents in the base. */
  n: number;
  /** Sum of the weights of those respondents (equals n when unweighted). */
  weighted: number;
  /** Kish effective base, (Σw)²/Σw² (equals n when unweighted). */
  effective: number;
  policy: BasePolicyName;
}

/** A change since an earlier wave (`compare=<wave>`), with the test that judged it. */
export interface WaveChange {
  previous: number | null;
  difference: number;
  /** The test statistic: z for shares (pooled two-proportion test), t for means (Welch). */
  z: number;
  pValue: number;
  significant: boolean;
  /** Welch's degrees of freedom, for a change of mean. */
  df?: number;
}

export interface OptionFigure {
  count: number;
  weightedCount: number;
  proportion: number | null;
  ci95: [number, number] | null;
  /**
   * Standard error of the proportion: weighted, linearized on the design (Taylor, as R's survey
   * package computes it); unweighted, √(p(1−p)/n). Absent when the proportion is withheld.
   */
  se?: number;
  /** Multi-select only: share of all mentions, on request (`mentions=1`). */
  shareOfMentions?: number | null;
  /** With `compare=<wave>`: the change since that wave, with a pooled two-proportion z-test. */
  change?: WaveChange;
}

export interface BoxFigure {
  count: number;
  weightedCount: number;
  proportion: number | null;
  ci95: [number, number] | null;
  /** As OptionFigure.se. */
  se?: number;
  /** With `compare=<wave>`: the change of this top-2 or bottom-2 box since that wave. */
  change?: WaveChange;
}

/** One bin of a number's histogram: `from` = `to` for one value, else [from, to), the last [from, to]. */
export interface NumberBinFigure {
  from: number;
  to: number;
  count: number;
  weightedCount: number;
}

export interface ScaleFigures {
  base: FigureBase;
  options: Record<string, OptionFigure>;
  dontKnow?: { count: number; weightedCount: number };
  mean?: number | null;
  sd?: number | null;
  /** Standard error of the mean (linearized on the design when weighted) and its 95% interval. */
  meanSe?: number | null;
  meanCi95?: [number, number] | null;
  /** With `compare=<wave>`: the change of the mean since that wave (Welch's t-test). */
  meanChange?: WaveChange;
  top2?: BoxFigure;
  bottom2?: BoxFigure;
  flags: BaseFlag[];
}

export interface QuestionFigures extends Partial<ScaleFigures> {
  type: string;
  base: FigureBase;
  flags: BaseFlag[];
  /** Matrix: one set of scale figures per row. */
  rows?: Record<string, ScaleFigures>;
  nps?: { promoters: number | null; passives: number | null; detractors: number | null; score: number | null };
  meanRanks?: Record<string, { meanRank: number | null; base: number }>;
  median?: number | null;
  quartiles?: [number, number, number] | null;
  /**
   * Number: the histogram. Bins come from the question's min and max (from the values themselves
   * when recomputed from responses for a question without them); see docs/api.md.
   */
  distribution?: NumberBinFigure[];
  /** Open text and date: respondents who answered, whatever the base policy. */
  answers?: number;
  /**
   * With `compare=<wave>`: the question's wording changed between the two waves (refs such as
   * "question:uses_social" or "option:usage.both") and was not marked editorial, so its figures
   * are not compared (no `change` on its options).
   */
  seriesBreak?: { reworded: string[] };
}

export interface WeightingSummary {
  /**
   * 'design': the design weights alone (`weighted=1` on a wave with design weights and no
   * targets): no calibration, so no iterations and no margins; the design effect and effective n
   * are Kish's on the design weights, and the weight range is that of the calibration factor (1).
   */
  method: 'poststratify' | 'rake' | 'design';
  variables: string[];
  iterations: number;
  converged: boolean;
  designEffect: number;
  effectiveN: number;
  /** effectiveN ÷ n (1 ÷ designEffect): the share of the sample the weighted figures are worth. */
  efficiency: number;
  /** The range of the weights (mean 1): how far single respondents are stretched. */
  minWeight: number;
  maxWeight: number;
  maxMarginGap: number;
}

export interface Figures {
  survey: string;
  wave: string;
  n: number;
  weighted: boolean;
  base: BasePolicyName;
  /** Where the figures come from: the live counters, or a recompute over the responses. */
  source: 'counters' | 'responses';
  filter?: Record<string, string[]>;
  weighting?: WeightingSummary;
  /** Some respondent of the wave carries a design weight other than 1 (whether or not these figures are weighted). */
  designWeighted: boolean;
  questions: Record<string, QuestionFigures>;
  /** With `by=<question>`: the same figures per option of that question, with significance. */
  crosstab?: Crosstab;
  /** With `compare=<wave>`: the wave the changes are measured against. */
  comparedWith?: { wave: string; n: number };
}
