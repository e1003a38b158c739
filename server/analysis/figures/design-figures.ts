// Standard errors and intervals of the figures, added after buildFigures so that the live counters
// and a recompute over the responses get them from one computation. Weighted figures get the
// design-based ones R's survey package gives for svydesign(ids = ~1, weights = ~d) then
// postStratify or rake (../design/README.md): a proportion's linearized SE and its Korn-Graubard
// interval (svyciprop method "beta"), a mean's SE and its t interval on the domain's degrees of
// freedom. All come from the wave's weighting-cell tallies, a few sums per cell, so their cost does
// not grow with the responses. Unweighted figures get the textbook ones: √(p(1−p)/n) beside the
// Wilson interval they already have (the published report does not change), sd/√n and t on n − 1
// for a mean. A withheld figure (proportion or mean null) gets none.
import type { TQuestion, TSurveyDefinition } from '../../surveys/survey.schemas';
import { estimateOneRatioOn, meanInterval, type DesignEstimate, type PreparedDesign, type RatioCellSums } from '../design/design-variance';
import { kornGraubardInterval } from '../design/korn-graubard';
import { tQuantile } from '../design/quantiles';
import type { CellTallies, CellTally } from '../design/design.types';
import { RESPONSE_KEY } from '../tally/contribution';
import { scaleEnds, type ScalePoints, type TallySet } from './build-figures';
import type { BasePolicyName, BoxFigure, Figures, OptionFigure, QuestionFigures, ScaleFigures } from './figures.types';

/**
 * The design a set of figures was computed on. Weighted: the wave's cells as calibrated (what
 * calibration saw, prepared once for the whole view: prepareDesign) and the cells of the figures'
 * domain (the wave itself, a filter, a crosstab column).
 */
export type FiguresDesign =
  | { weighted: false }
  | { weighted: true; design: PreparedDesign; domain: CellTallies };

/** A base's sums per wave cell (by PreparedDesign index) in a domain, and the domain's units in it. */
interface BaseSums {
  delta0: Float64Array;
  delta1: Float64Array;
  delta2: Float64Array;
  domainN: number;
}

/**
 * FiguresDesign as the errors are computed on it: weighted, the wave's prepared cells, shared by
 * all the figures' estimates, whose number grows with the questions; the domain's cells in the
 * same order; and each base's sums, read once for all the options divided by it.
 */
type ErrorsDesign =
  | { weighted: false }
  | { weighted: true; prepared: PreparedDesign; domain: CellTallies; domainCells: readonly (CellTally | undefined)[]; bases: Map<string, BaseSums>; calibrated: boolean };
type WeightedErrorsDesign = Extract<ErrorsDesign, { weighted: true }>;

/** A ratio of tallies: numerator keys of one question (summed: a box's points) over a base key. */
interface RatioSpec {
  question: string;
  numerators: readonly string[];
  /** The key whose Σd² is Σd²·y² (`sumsq` for a mean); absent for 0/1 numerators, where y² = y. */
  numeratorSquares?: string;
  base: { question: string; key: string };
}

function sumOf(tallies: Map<string, Record<string, number>>, question: string, keys: readonly string[]): number {
  const counts = tallies.get(question);
  if (!counts) return 0;
  let sum = 0;
  for (const key of keys) sum += counts[key] ?? 0;
  return sum;
}

function baseSumsOf(design: WeightedErrorsDesign, base: RatioSpec['base']): BaseSums {
  const id = `${base.question}\u0000${base.key}`;
  const known = design.bases.get(id);
  if (known) return known;
  const keys = [base.key];
  const read = (of: (cell: CellTally) => Map<string, Record<string, number>>) => Float64Array.from(design.domainCells, (cell) => (cell ? sumOf(of(cell), base.question, keys) : 0));
  let domainN = 0;
  for (const cell of design.domain.values()) domainN += sumOf(cell.counts, base.question, keys);
  const sums = { delta0: read((cell) => cell.counts), delta1: read((cell) => cell.weighted), delta2: read((cell) => cell.weightedSquares), domainN };
  design.bases.set(id, sums);
  return sums;
}

function cellSums(cell: CellTally | undefined, spec: RatioSpec, base: BaseSums, index: number): RatioCellSums {
  if (!cell) return { y0: 0, y1: 0, y2: 0, yy2: 0, delta0: 0, delta1: 0, delta2: 0 };
  const { question, numerators } = spec;
  const y2 = sumOf(cell.weightedSquares, question, numerators);
  return {
    y0: sumOf(cell.counts, question, numerators),
    y1: sumOf(cell.weighted, question, numerators),
    y2,
    yy2: spec.numeratorSquares ? sumOf(cell.weightedSquares, question, [spec.numeratorSquares]) : y2,
    delta0: base.delta0[index] as number,
    delta1: base.delta1[index] as number,
    delta2: base.delta2[index] as number,
  };
}

/** estimateRatio's estimate for a ratio whose numerator and base may be of different questions (base=all). */
function designEstimate(design: WeightedErrorsDesign, spec: RatioSpec): DesignEstimate {
  const base = baseSumsOf(design, spec.base);
  const { estimate, variance: raw, waveN } = estimateOneRatioOn(design.prepared, (_, index) => cellSums(design.domainCells[index], spec, base, index));
  const variance = Math.max(0, raw);
  const { domainN } = base;
  return { estimate, variance, se: Math.sqrt(variance), domainN, waveN, df: domainN - 1 };
}

/** The base key a share is divided by under each policy (build-figures' makeBase). */
function baseKeyOf(question: string, prefix: string, policy: BasePolicyName): RatioSpec['base'] {
  if (policy === 'all') return { question: RESPONSE_KEY, key: 'n' };
  return { question, key: `${prefix}${policy === 'shown' ? 'shown' : 'answered'}` };
}

function finiteOrUndefined(value: number): number | undefined {
  return Number.isFinite(value) ? value : undefined;
}

/**
 * A share calibrated to its target (a category of a post-stratification or raking variable) has no
 * sampling variance: its linearized variance is 0 up to rounding, some 1e-19 on one path and exactly
 * 0 on another. Korn-Graubard's effective n divides by it, so that noise would give an interval of
 * width 1e-9 or of width 0.1 depending on the path; a variance below 1e-14·p(1 − p) (a real one would
 * need some 1e14 respondents) is taken as the 0 it is, and its interval is Clopper-Pearson's on n.
 */
function withoutRoundingNoise(estimate: DesignEstimate): DesignEstimate {
  const p = estimate.estimate;
  if (!(estimate.variance <= 1e-14 * p * (1 - p))) return estimate;
  return { ...estimate, variance: 0, se: 0 };
}

function addShareErrors(figure: OptionFigure | BoxFigure | undefined, numerators: readonly string[], question: string, prefix: string, policy: BasePolicyName, baseN: number, design: ErrorsDesign): void {
  if (!figure || figure.proportion === null) return;
  const p = figure.proportion;
  if (!design.weighted) {
    const se = baseN > 0 ? finiteOrUndefined(Math.sqrt((p * (1 - p)) / baseN)) : undefined;
    if (se !== undefined) figure.se = se;
    return;
  }
  const estimate = withoutRoundingNoise(designEstimate(design, { question, numerators, base: baseKeyOf(question, prefix, policy) }));
  const se = finiteOrUndefined(estimate.se);
  if (se !== undefined) figure.se = se;
  const interval = kornGraubardInterval(estimate, design.calibrated);
  figure.ci95 = interval ? [interval.lower, interval.upper] : null;
}

type MeanTarget = Pick<ScaleFigures, 'mean' | 'sd' | 'meanSe' | 'meanCi95'>;

/** A mean is always over those who answered (not "don't know"), whatever the base policy. */
function addMeanErrors(figures: MeanTarget, answeredN: number, question: string, prefix: string, design: ErrorsDesign): void {
  if (figures.mean === null || figures.mean === undefined) return;
  if (!design.weighted) {
    if (figures.sd === null || figures.sd === undefined || answeredN < 2) {
      figures.meanSe = null;
      figures.meanCi95 = null;
      return;
    }
    const se = figures.sd / Math.sqrt(answeredN);
    const half = tQuantile(0.975, answeredN - 1) * se;
    figures.meanSe = se;
    figures.meanCi95 = [figures.mean - half, figures.mean + half];
    return;
  }
  const estimate = designEstimate(design, { question, numerators: [`${prefix}sum`], numeratorSquares: `${prefix}sumsq`, base: { question, key: `${prefix}answered` } });
  figures.meanSe = finiteOrUndefined(estimate.se) ?? null;
  const interval = meanInterval(estimate);
  figures.meanCi95 = interval ? [interval.lower, interval.upper] : null;
}

function addScaleErrors(figures: ScaleFigures | QuestionFigures, question: string, prefix: string, scale: ScalePoints, policy: BasePolicyName, answeredN: number, design: ErrorsDesign): void {
  const { first, last } = scaleEnds(scale);
  for (const [point, figure] of Object.entries(figures.options ?? {})) addShareErrors(figure, [`${prefix}opt:${point}`], question, prefix, policy, figures.base.n, design);
  addShareErrors(figures.top2, [`${prefix}opt:${last}`, `${prefix}opt:${last - 1}`], question, prefix, policy, figures.base.n, design);
  addShareErrors(figures.bottom2, [`${prefix}opt:${first}`, `${prefix}opt:${first + 1}`], question, prefix, policy, figures.base.n, design);
  addMeanErrors(figures, answeredN, question, prefix, design);
}

function addQuestionErrors(question: TQuestion, figures: QuestionFigures, policy: BasePolicyName, tallies: TallySet, design: ErrorsDesign): void {
  // Those who answered: a mean's n, whatever the base policy.
  const answeredOf = (prefix: string) => tallies.counts.get(question.id)?.[`${prefix}answered`] ?? 0;
  switch (question.type) {
    case 'single_choice':
    case 'yes_no':
    case 'multiple_choice':
      for (const [id, figure] of Object.entries(figures.options ?? {})) addShareErrors(figure, [`opt:${id}`], question.id, '', policy, figures.base.n, design);
      return;
    case 'rating':
      addScaleErrors(figures, question.id, '', question.scale, policy, answeredOf(''), design);
      return;
    case 'nps':
      addScaleErrors(figures, question.id, '', { points: 11, zeroBased: true }, policy, answeredOf(''), design);
      return;
    case 'matrix':
      for (const [rowId, row] of Object.entries(figures.rows ?? {})) addScaleErrors(row, question.id, `row:${rowId}:`, question.scale, policy, answeredOf(`row:${rowId}:`), design);
      return;
    case 'number':
      addMeanErrors(figures, answeredOf(''), question.id, '', design);
      return;
    default:
      return;
  }
}

function errorsDesignOf({ design: prepared, domain }: Extract<FiguresDesign, { weighted: true }>): WeightedErrorsDesign {
  return { weighted: true, prepared, domain, domainCells: prepared.keys.map((key) => domain.get(key)), bases: new Map(), calibrated: prepared.method !== 'none' };
}

/**
 * Adds `se`, Korn-Graubard `ci95` (weighted), `meanSe` and `meanCi95` to every figure that is not
 * withheld; `tallies` are those the figures were built from.
 */
export function addDesignErrors(definition: TSurveyDefinition, figures: Figures, tallies: TallySet, figuresDesign: FiguresDesign): void {
  const design: ErrorsDesign = figuresDesign.weighted ? errorsDesignOf(figuresDesign) : { weighted: false };
  for (const page of definition.pages) {
    for (const question of page.questions) {
      const target = figures.questions[question.id];
      if (target) addQuestionErrors(question, target, figures.base, tallies, design);
    }
  }
}
