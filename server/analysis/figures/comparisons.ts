// Comparisons between groups of respondents: the columns of a crosstab (segment against segment)
// and two waves (this edition against an earlier one). Shares are compared by the pooled
// two-proportion z-test, means by Welch's t-test; a crosstab of a single-choice question also gets
// a test of independence. Two waves are not compared on a question whose wording changed between
// them (a break in series). Nothing is tested on or against figures withheld for a small base.
import type { TQuestion, TSurveyDefinition } from '../../surveys/survey.schemas';
import {
  DEFAULT_COLUMN_ADJUSTMENT,
  SIGNIFICANCE_LEVELS,
  chiSquareIndependence,
  columnLetter,
  compareColumnProportions,
  fisherExactTwoSided,
  twoProportionZTest,
  weightedTwoProportionZTest,
  welchTTest,
  type PValueAdjustment,
} from '../stats/index';
import type { BoxFigure, Figures, QuestionFigures, ScaleFigures, WaveChange } from './figures.types';

export interface CrosstabColumn {
  letter: string;
  n: number;
  questions: Record<string, QuestionFigures>;
}

/**
 * A crosstab's test of independence. 'pearson': Pearson's X² on the respondents' counts of an
 * unweighted table; 'fisher': Fisher's exact test, for a sparse unweighted 2×2 table; 'rao-scott':
 * the design-based F of a weighted table, never Pearson's X² on weighted counts, which treats them
 * as respondents and overstates significance. A weighted table the design cannot test (no result,
 * or a NaN p: empty cells leave the design effects undefined) is 'rao-scott' with no statistic,
 * no p and no claim.
 */
export interface CrosstabChiSquare {
  method: 'pearson' | 'rao-scott' | 'fisher';
  /** X² (pearson) or F (rao-scott); null for Fisher's test, which has none, and for an untestable weighted table. */
  statistic: number | null;
  df: number | null;
  /** Rao-Scott: the F's denominator degrees of freedom. */
  ddf?: number;
  /** null when the table is too sparse for the approximation and no exact test applies. */
  pValue: number | null;
  /** p < 0.05; never on a sparse table without an exact test. */
  significant: boolean;
  /** Cochran's rule fails: more than 20% of the cells expect fewer than 5 respondents, or one fewer than 1. */
  sparse: boolean;
  /** Cells expecting fewer than 5 respondents, of `cells` (unweighted counts, non-empty rows and columns). */
  expectedBelow5: number;
  cells: number;
}

export interface CrosstabTest {
  chiSquare: CrosstabChiSquare | null;
  /**
   * option id → column id → letters of the columns significantly lower (SPSS convention): upper
   * case at p < 0.01, lower case at p < 0.05, after the legend's adjustment.
   */
  markers: Record<string, Record<string, string[]>>;
}

/** How to read the letters, printed under every crosstab. */
export interface CrosstabLegend {
  /** Pooled two-proportion z-test between every pair of columns, per row. */
  test: 'column-proportions';
  /** The n of the tests: respondents, or Kish's effective base when weighted. */
  base: 'respondents' | 'effective';
  adjustment: PValueAdjustment;
  /** Upper case below 0.01, lower case below 0.05 (adjusted p-values). */
  levels: { upperCase: number; lowerCase: number };
  /** Columns (ids) left out of every test of some question because its figures there are withheld. */
  withheldColumns: string[];
}

export interface Crosstab {
  question: string;
  columns: Record<string, CrosstabColumn>;
  tests: Record<string, CrosstabTest>;
  legend: CrosstabLegend;
}

export type OptionChange = WaveChange;

/** A design-based test of independence (Rao-Scott's F, design/rao-scott.ts). */
export interface DesignIndependenceTest {
  f: number;
  ndf: number;
  ddf: number;
  p: number;
}

export interface CrosstabOptions {
  /** Adjustment of the column letters' p-values; default Benjamini-Hochberg. */
  adjust?: PValueAdjustment;
  /**
   * Weighted tables: the design-based test of a question's options by the given (published)
   * columns. Without it, or where it has no result, a weighted table gets no test at all.
   */
  designTest?: (questionId: string, optionIds: readonly string[], columnIds: readonly string[]) => DesignIndependenceTest | null;
}

const ALPHA = SIGNIFICANCE_LEVELS.lowerCase;

type ChoiceQuestion = Extract<TQuestion, { options: unknown }>;

function choiceQuestions(definition: TSurveyDefinition): ChoiceQuestion[] {
  return definition.pages.flatMap((p) => p.questions).filter((q): q is ChoiceQuestion => q.type === 'single_choice' || q.type === 'yes_no' || q.type === 'multiple_choice');
}

function withheld(figures: QuestionFigures | undefined): boolean {
  return figures?.flags.includes('suppressed') ?? false;
}

/**
 * The test of independence of a single-choice question by the columns, from the respondents'
 * counts: Pearson's X², unless Cochran's rule fails. Then a 2×2 table gets Fisher's exact test,
 * and any other table no claim at all (its p-value would mean nothing). A weighted table is
 * tested by the design (Rao-Scott) or not at all; Cochran's rule, on the respondents, still
 * withholds the claim on a sparse one.
 */
function independenceTest(respondents: number[][], weighted: boolean, designTest: (() => DesignIndependenceTest | null) | undefined): CrosstabChiSquare | null {
  const observed = chiSquareIndependence(respondents);
  if (!observed) return null;
  const sparseness = { sparse: observed.sparse, expectedBelow5: observed.cellsWithExpectedBelow5, cells: observed.cells };
  if (weighted) {
    const design = designTest?.() ?? null;
    if (!design || Number.isNaN(design.p)) return { method: 'rao-scott', statistic: null, df: null, pValue: null, significant: false, ...sparseness };
    const claim = !observed.sparse;
    return { method: 'rao-scott', statistic: design.f, df: design.ndf, ddf: design.ddf, pValue: claim ? design.p : null, significant: claim && design.p < ALPHA, ...sparseness };
  }
  if (!observed.sparse) {
    return { method: 'pearson', statistic: observed.statistic, df: observed.df, pValue: observed.pValue, significant: observed.pValue < ALPHA, ...sparseness };
  }
  const nonEmpty = nonEmptyTable(respondents);
  if (nonEmpty.length === 2 && nonEmpty[0]?.length === 2) {
    const pValue = fisherExactTwoSided(nonEmpty);
    return { method: 'fisher', statistic: null, df: null, pValue, significant: pValue < ALPHA, ...sparseness };
  }
  return { method: 'pearson', statistic: observed.statistic, df: observed.df, pValue: null, significant: false, ...sparseness };
}

/** The table without its all-zero rows and columns (as the chi-square leaves them out). */
function nonEmptyTable(table: number[][]): number[][] {
  const columns = (table[0] ?? []).map((_, c) => c).filter((c) => table.some((row) => (row[c] ?? 0) > 0));
  return table.filter((row) => row.some((count) => count > 0)).map((row) => columns.map((c) => row[c] ?? 0));
}

export function buildCrosstab(definition: TSurveyDefinition, by: string, columns: Map<string, Figures>, options: CrosstabOptions = {}): Crosstab {
  const ids = [...columns.keys()];
  const weighted = [...columns.values()].some((f) => f.weighted);
  const adjustment = options.adjust ?? DEFAULT_COLUMN_ADJUSTMENT;
  const crosstab: Crosstab = {
    question: by,
    columns: {},
    tests: {},
    legend: { test: 'column-proportions', base: weighted ? 'effective' : 'respondents', adjustment, levels: { ...SIGNIFICANCE_LEVELS }, withheldColumns: [] },
  };
  ids.forEach((id, index) => {
    const figures = columns.get(id) as Figures;
    crosstab.columns[id] = { letter: columnLetter(index), n: figures.n, questions: figures.questions };
  });
  const withheldColumns = new Set<string>();
  for (const question of choiceQuestions(definition)) {
    if (question.id === by) continue;
    const optionIds = question.options.map((o) => o.id);
    const figuresOf = (c: string) => columns.get(c)?.questions[question.id];
    const isWithheld = ids.map((c) => withheld(figuresOf(c)));
    ids.forEach((c, k) => { if (isWithheld[k]) withheldColumns.add(c); });
    const respondents = optionIds.map((o) => ids.map((c) => figuresOf(c)?.options?.[o]?.count ?? 0));
    const counts = weighted ? optionIds.map((o) => ids.map((c) => figuresOf(c)?.options?.[o]?.weightedCount ?? 0)) : respondents;
    const bases = ids.map((c) => (weighted ? (figuresOf(c)?.base.weighted ?? 0) : (figuresOf(c)?.base.n ?? 0)));
    const effective = ids.map((c) => figuresOf(c)?.base.effective ?? 0);
    const comparison = compareColumnProportions(
      { counts, columnBases: bases, withheldColumns: isWithheld, ...(weighted ? { effectiveBases: effective } : {}) },
      { adjustment },
    );
    const markers: CrosstabTest['markers'] = {};
    optionIds.forEach((o, r) => {
      markers[o] = Object.fromEntries(ids.map((c, k) => [c, comparison.markers[r]?.[k] ?? []]));
    });
    // A test of independence needs mutually exclusive answers: single-choice questions only; and
    // it leaves withheld columns out, as the letters do.
    const published = (table: number[][]) => table.map((row) => row.filter((_, k) => !isWithheld[k]));
    const publishedIds = ids.filter((_, k) => !isWithheld[k]);
    const designTest = options.designTest ? () => options.designTest?.(question.id, optionIds, publishedIds) ?? null : undefined;
    const chiSquare = question.type === 'multiple_choice' ? null : independenceTest(published(respondents), weighted, designTest);
    crosstab.tests[question.id] = { chiSquare, markers };
  }
  crosstab.legend.withheldColumns = ids.filter((c) => withheldColumns.has(c));
  return crosstab;
}

/** A share's change between two waves: the pooled z-test, on effective bases when weighted. */
function shareChange(now: BoxFigure | undefined, nowBase: QuestionFigures['base'], before: BoxFigure | undefined, beforeBase: QuestionFigures['base'], weighted: boolean): WaveChange | undefined {
  if (!now || !before || now.proportion === null || before.proportion === null) return undefined;
  const test = weighted
    ? weightedTwoProportionZTest({ proportion: now.proportion, nEff: nowBase.effective }, { proportion: before.proportion, nEff: beforeBase.effective }, { alpha: ALPHA })
    : twoProportionZTest({ successes: now.count, n: nowBase.n }, { successes: before.count, n: beforeBase.n }, { alpha: ALPHA });
  if (!test) return undefined;
  return { previous: before.proportion, difference: test.difference, z: test.z, pValue: test.pValue, significant: test.significant };
}

/**
 * The number of respondents a mean stands on, for Welch's test: those who answered (the options'
 * counts of a scale, the histogram of a number), or the base under the default policy. Weighted,
 * the effective base scaled to them (the base's design effect), exact under the default policy.
 */
function meanSize(figures: Pick<ScaleFigures, 'base' | 'options'> & { distribution?: QuestionFigures['distribution'] }, weighted: boolean): number | null {
  const { base } = figures;
  let answered: number | null = null;
  if (base.policy === 'answered') answered = base.n;
  else if (Object.keys(figures.options ?? {}).length > 0) answered = Object.values(figures.options).reduce((sum, o) => sum + o.count, 0);
  else if (figures.distribution) answered = figures.distribution.reduce((sum, bin) => sum + bin.count, 0);
  if (answered === null || base.n === 0) return null;
  return weighted ? (base.effective * answered) / base.n : answered;
}

type MeanFigures = Pick<ScaleFigures, 'base' | 'options' | 'mean' | 'sd' | 'meanSe'> & { distribution?: QuestionFigures['distribution'] };

/** A mean's change between two waves: Welch's t-test from each wave's mean, SD and (effective) size. */
function meanChange(now: MeanFigures, before: MeanFigures, weighted: boolean): WaveChange | undefined {
  const nNow = meanSize(now, weighted);
  const nBefore = meanSize(before, weighted);
  if (now.mean == null || before.mean == null || now.sd == null || before.sd == null || nNow === null || nBefore === null) return undefined;
  // Weighted, a design-based standard error of the mean, when the figures have one, is the better variance.
  const se = (f: MeanFigures) => (weighted && typeof now.meanSe === 'number' && typeof before.meanSe === 'number' && typeof f.meanSe === 'number' ? { se: f.meanSe } : {});
  const test = welchTTest({ mean: now.mean, sd: now.sd, n: nNow, ...se(now) }, { mean: before.mean, sd: before.sd, n: nBefore, ...se(before) }, { alpha: ALPHA });
  if (!test) return undefined;
  return { previous: before.mean, difference: test.difference, z: test.t, df: test.df, pValue: test.pValue, significant: test.significant };
}

/** Top-2, bottom-2 and mean of one scale (a rating, an NPS, a matrix row) against the earlier wave. */
function addScaleChanges(now: ScaleFigures, before: ScaleFigures, weighted: boolean): void {
  const top2 = shareChange(now.top2, now.base, before.top2, before.base, weighted);
  if (top2 && now.top2) now.top2.change = top2;
  const bottom2 = shareChange(now.bottom2, now.base, before.bottom2, before.base, weighted);
  if (bottom2 && now.bottom2) now.bottom2.change = bottom2;
  const mean = meanChange(now, before, weighted);
  if (mean) now.meanChange = mean;
}

/**
 * Adds to every figure that can be followed across waves its change since `previous`, with its
 * test: each option of a choice question, the top-2 and bottom-2 boxes and the mean of a rating or
 * a matrix row, an NPS's mean, a number's mean. Not across a break in series (`breaks`: question id
 * → reworded refs), where the question is marked instead: a difference there may come from the new
 * wording, not from the respondents. Withheld figures have no change.
 */
export function addWaveChanges(definition: TSurveyDefinition, current: Figures, previous: Figures, breaks: ReadonlyMap<string, string[]> = new Map()): void {
  for (const [questionId, reworded] of breaks) {
    const figures = current.questions[questionId];
    if (figures) figures.seriesBreak = { reworded: [...reworded] };
  }
  const weighted = current.weighted;
  for (const question of definition.pages.flatMap((p) => p.questions)) {
    if (breaks.has(question.id)) continue;
    const now = current.questions[question.id];
    const before = previous.questions[question.id];
    if (!now || !before) continue;
    switch (question.type) {
      case 'single_choice':
      case 'yes_no':
      case 'multiple_choice':
        for (const option of question.options) {
          const change = shareChange(now.options?.[option.id], now.base, before.options?.[option.id], before.base, weighted);
          const figure = now.options?.[option.id];
          if (change && figure) figure.change = change;
        }
        break;
      case 'rating':
      case 'nps':
        if (now.options && before.options) addScaleChanges(now as ScaleFigures, before as ScaleFigures, weighted);
        break;
      case 'matrix':
        for (const [rowId, row] of Object.entries(now.rows ?? {})) {
          const earlier = before.rows?.[rowId];
          if (earlier) addScaleChanges(row, earlier, weighted);
        }
        break;
      case 'number': {
        const change = meanChange({ ...now, options: {} }, { ...before, options: {} }, weighted);
        if (change) now.meanChange = change;
        break;
      }
      default:
        break;
    }
  }
}
