// Calibration (post-stratification, raking) on weighting cells instead of respondents. Every
// respondent of a cell has the same answers to the weighting variables, so every calibration
// step multiplies all their design weights by the same factor: the final weight of respondent i
// of cell c is w_i = g_c·d_i, and the steps only ever look at the cell's total Σd (times g).
// Running the steps on cell totals is therefore exact, not an approximation: with one cell per
// respondent and d = 1 it is today's unit-level weighting step for step (the tests prove it),
// and grouping respondents into cells changes nothing but the cost. The math is in README.md.
import type { TWeightingConfig } from '../figures/figures.schemas';
import type { WeightingSummary } from '../figures/figures.types';
import { RESPONSE_KEY } from '../tally/contribution';
import { COMPLETE_CONVERGENCE_CHANGE, DEFAULT_CAP, DEFAULT_CONVERGENCE, DEFAULT_MAX_ITERATIONS } from '../weighting/raking-defaults';
import { indexRespondents, type IndexedVariable } from '../weighting/respondent-index';
import { readTargetShares } from '../weighting/targets';
import { adjustToVariable } from '../weighting/weight-steps';
import { measureMargins } from '../weighting/weighting-result';
import { WeightingError } from '../weighting/weighting.errors';
import type { CellTallies } from './design.types';

/** One weighting cell reduced to what calibration needs. */
export interface WeightingCell {
  key: string;
  /** The cell's category per weighting variable; undefined = the respondents did not answer it. */
  values: Readonly<Record<string, string | undefined>>;
  /** Respondents in the cell. */
  n: number;
  /** Σd and Σd² over the cell's respondents (n and n when every d = 1). */
  designWeight: number;
  designWeightSquares: number;
}

export interface CellCalibration {
  /**
   * cell key → g. The final weight of a respondent of the cell is g·d, and these weights have
   * mean 1 over the wave's respondents (Σ g_c·Σd_c = n): with every d = 1, g is today's weight.
   */
  factors: Map<string, number>;
  summary: WeightingSummary;
}

/**
 * The key of the cell a respondent with these weighting answers belongs to. Independent of the
 * order of `variables`; an unanswered variable is its own value (null), distinct from any option.
 */
export function cellKeyOf(values: Readonly<Record<string, string | undefined>>, variables: readonly string[]): string {
  return JSON.stringify([...variables].sort().map((variable) => [variable, values[variable] ?? null]));
}

/** Reads each cell's n, Σd and Σd² from the RESPONSE_KEY `n` key of its tallies. */
function weightingCellsOf(cells: CellTallies): WeightingCell[] {
  return [...cells].map(([key, cell]) => ({
    key,
    values: cell.values,
    n: cell.counts.get(RESPONSE_KEY)?.n ?? 0,
    designWeight: cell.weighted.get(RESPONSE_KEY)?.n ?? 0,
    designWeightSquares: cell.weightedSquares.get(RESPONSE_KEY)?.n ?? 0,
  }));
}

/** Calibrates a wave's cells to its weighting config: g per cell, and the summary the figures show. */
export function calibrateCells(cells: CellTallies, config: TWeightingConfig): CellCalibration {
  return calibrateWeightingCells(weightingCellsOf(cells), config);
}

interface CalibrationRun {
  iterations: number;
  converged: boolean;
}

export function calibrateWeightingCells(allCells: readonly WeightingCell[], config: TWeightingConfig): CellCalibration {
  // A cell nobody is in (a counter decremented back to 0) weighs nothing and must not count as
  // "a respondent" in the category checks below.
  const cells = allCells.filter((cell) => cell.n > 0);
  const variableNames = Object.keys(config.targets);
  const targets = config.method === 'poststratify' ? pickFirstVariable(config, variableNames) : config.targets;
  // Each cell stands for its respondents in the checks of indexRespondents (unknown category,
  // empty or zero-target category), so the refusals are today's, worded per cell.
  const variables = indexCells(cells, targets);
  // Calibration works on each cell's total weight W_c = g_c·Σd_c; g_c is read back at the end.
  const totals = Float64Array.from(cells, (cell) => cell.designWeight);
  const designTotals = Float64Array.from(totals);
  const respondents = cells.reduce((sum, cell) => sum + cell.n, 0);

  const run =
    config.method === 'poststratify'
      ? postStratifyTotals(totals, designTotals, variables, config.cap)
      : rakeTotals(totals, designTotals, variables, respondents, readRakingOptions(config));

  return summarise(cells, totals, designTotals, variables, respondents, config, variableNames, run);
}

/**
 * indexRespondents with each cell standing for its respondents, so the refusals are today's
 * (unknown category, empty or zero-target category); the two that name a respondent are worded
 * for the cell's respondents instead of its key.
 */
function indexCells(cells: readonly WeightingCell[], targets: TWeightingConfig['targets']): IndexedVariable[] {
  const shares = readTargetShares(targets);
  try {
    return indexRespondents(cells.map((cell) => ({ id: cell.key, values: cell.values })), shares);
  } catch (error) {
    if (!(error instanceof WeightingError) || !error.details) throw error;
    const { respondentId, variable, category } = error.details as { respondentId?: string; variable: string; category: string };
    const inCategory = cells.filter((cell) => cell.values[variable] === category).reduce((sum, cell) => sum + cell.n, 0);
    if (error.code === 'unknown_category' && respondentId !== undefined) {
      const known = [...(shares.get(variable)?.keys() ?? [])].join(', ');
      throw new WeightingError('unknown_category', `${inCategory} respondent(s) have "${variable}" = "${category}", which has no target (targets: ${known}).`, { variable, category, respondents: inCategory });
    }
    if (error.code === 'zero_target_with_respondents') {
      throw new WeightingError('zero_target_with_respondents', `"${variable}" = "${category}" has a target of 0% but ${inCategory} respondent(s); weighting cannot remove them. Filter them out first.`, { variable, category });
    }
    throw error;
  }
}

/** The unit-level post-stratification weights on the first variable only; so does this. */
function pickFirstVariable(config: TWeightingConfig, variableNames: readonly string[]): TWeightingConfig['targets'] {
  const first = variableNames[0] ?? '';
  return { [first]: config.targets[first] ?? {} };
}

function readRakingOptions(config: TWeightingConfig): { cap: number; convergence: number; maxIterations: number } {
  const cap = config.cap ?? DEFAULT_CAP;
  const convergence = config.convergence ?? DEFAULT_CONVERGENCE;
  const maxIterations = config.maxIterations ?? DEFAULT_MAX_ITERATIONS;
  assertCap(cap);
  if (!(convergence > 0 && convergence < 1)) {
    throw new WeightingError('invalid_option', `The convergence criterion must be between 0 and 1, got ${convergence}.`);
  }
  if (!Number.isInteger(maxIterations) || maxIterations < 1) {
    throw new WeightingError('invalid_option', `The maximum number of iterations must be a positive integer, got ${maxIterations}.`);
  }
  return { cap, convergence, maxIterations };
}

function assertCap(cap: number): void {
  if (!(cap > 1)) throw new WeightingError('invalid_option', `The weight cap must be greater than 1, got ${cap}.`);
}

/**
 * Post-stratification: one adjustment from the design weights (target share ÷ weighted sample
 * share, among cells with a known value; unknown cells keep their weight), then the optional cap.
 */
function postStratifyTotals(totals: Float64Array, designTotals: Float64Array, variables: readonly IndexedVariable[], cap: number | undefined): CalibrationRun {
  for (const variable of variables) adjustToVariable(totals, variable);
  if (cap !== undefined) {
    assertCap(cap);
    capFactors(totals, designTotals, cap);
  }
  return { iterations: 1, converged: true };
}

/**
 * Raking as anesrake's rakelist does it (Pasek, R package anesrake 0.80), on cell totals: each
 * iteration adjusts to every variable in turn, then caps; it stops when an iteration no longer
 * shrinks the change by `convergence`, "complete" at a change ≤ 0.001. adjustToVariable scales
 * category totals, which is the same whether it sees respondents or cells; the cap bounds g
 * relative to its Σd-weighted mean (see capFactors); the change Σ|w − w_before| over respondents
 * is Σ_c |g_c − g_before_c|·Σd_c, measured in weights of mean 1 as the unit-level one is.
 */
function rakeTotals(
  totals: Float64Array,
  designTotals: Float64Array,
  variables: readonly IndexedVariable[],
  respondents: number,
  options: { cap: number; convergence: number; maxIterations: number },
): CalibrationRun {
  const designTotal = designTotals.reduce((sum, total) => sum + total, 0);
  const toMeanOneWeights = respondents / designTotal;
  const before = new Float64Array(totals.length);
  let iterations = 0;
  let change = Number.POSITIVE_INFINITY;
  let previousChange = Number.POSITIVE_INFINITY;
  do {
    if (iterations === options.maxIterations) {
      const { maxMarginGap } = measureMargins(totals, variables);
      throw new WeightingError(
        'not_converged',
        `Raking did not converge within ${options.maxIterations} iterations: the last iteration still changed the weights by ${change.toPrecision(3)} in total, and the margins are up to ${maxMarginGap.toPrecision(3)} percentage points off target.`,
        { iterations, finalChange: change, maxMarginGap },
      );
    }
    iterations += 1;
    before.set(totals);
    for (const variable of variables) adjustToVariable(totals, variable);
    capFactors(totals, designTotals, options.cap);
    previousChange = change;
    // |W_c − W_before_c| = |g_c − g_before_c|·Σd_c, since both g are > 0 on the same Σd_c.
    change = totals.reduce((sum, total, c) => sum + Math.abs(total - (before[c] ?? 0)), 0) * toMeanOneWeights;
  } while (change < (1 - options.convergence) * previousChange);
  return { iterations, converged: change <= COMPLETE_CONVERGENCE_CHANGE };
}

/**
 * anesrake's cap, on factors: anesrake alternates "clip at cap × the mean" and "divide by the
 * mean" until the largest weight is within 1e-4 of the cap; this computes that loop's limit. Rescale
 * so the Σd-weighted mean of g is 1 (the totals keep Σd), then hold every cell whose g exceeds
 * `cap` at the cap and scale the others up together, until none exceeds it (at most one pass per
 * cell). With every d = 1 that is anesrake's cap on the weights, respondent by respondent.
 * With design weights the cap bounds the calibration factor, not g·d: a cell's respondents share
 * one g but not one d, and bounding g keeps the whole computation on cell totals (README.md).
 */
export function capFactors(totals: Float64Array, designTotals: Float64Array, cap: number): void {
  const designTotal = designTotals.reduce((sum, total) => sum + total, 0);
  const total = totals.reduce((sum, cellTotal) => sum + cellTotal, 0);
  totals.forEach((cellTotal, c) => {
    totals[c] = (cellTotal * designTotal) / total;
  });
  const capped = new Uint8Array(totals.length);
  const factorOf = (c: number): number => (totals[c] ?? 0) / (designTotals[c] ?? 1);
  for (;;) {
    let newlyCapped = 0;
    totals.forEach((_, c) => {
      if (!capped[c] && factorOf(c) > cap) {
        capped[c] = 1;
        newlyCapped += 1;
      }
    });
    if (newlyCapped === 0) return;
    let cappedDesignTotal = 0;
    let uncappedTotal = 0;
    totals.forEach((cellTotal, c) => {
      if (capped[c]) cappedDesignTotal += designTotals[c] ?? 0;
      else uncappedTotal += cellTotal;
    });
    const scale = (designTotal - cappedDesignTotal * cap) / uncappedTotal;
    totals.forEach((cellTotal, c) => {
      totals[c] = capped[c] ? cap * (designTotals[c] ?? 0) : cellTotal * scale;
    });
  }
}

function summarise(
  cells: readonly WeightingCell[],
  totals: Float64Array,
  designTotals: Float64Array,
  variables: readonly IndexedVariable[],
  respondents: number,
  config: TWeightingConfig,
  variableNames: string[],
  run: CalibrationRun,
): CellCalibration {
  const weightTotal = totals.reduce((sum, total) => sum + total, 0);
  const designTotal = designTotals.reduce((sum, total) => sum + total, 0);
  // g scaled so the weights g·d have mean 1 over respondents.
  const toMeanOne = respondents / weightTotal;
  const factors = new Map<string, number>();
  let sumOfSquares = 0;
  let minFactor = Infinity;
  let maxFactor = -Infinity;
  cells.forEach((cell, c) => {
    const factor = ((totals[c] ?? 0) / (designTotals[c] ?? 1)) * toMeanOne;
    factors.set(cell.key, factor);
    sumOfSquares += factor * factor * cell.designWeightSquares;
    // The range of g relative to its Σd-weighted mean: exact from the cell sums, and the range
    // of the weights themselves when every d = 1 (a cell holds no minimum or maximum d).
    const relativeFactor = ((totals[c] ?? 0) / (designTotals[c] ?? 1)) * (designTotal / weightTotal);
    minFactor = Math.min(minFactor, relativeFactor);
    maxFactor = Math.max(maxFactor, relativeFactor);
  });
  // Kish on the final weights g·d: n·Σw²/(Σw)² with Σw = n by construction and Σw² = Σ_c g_c²·Σd²_c.
  const designEffect = sumOfSquares / respondents;
  const effectiveN = respondents / designEffect;
  const { maxMarginGap } = measureMargins(totals, variables);
  return {
    factors,
    summary: {
      method: config.method,
      variables: variableNames,
      iterations: run.iterations,
      converged: run.converged,
      designEffect,
      effectiveN,
      efficiency: effectiveN / respondents,
      minWeight: minFactor,
      maxWeight: maxFactor,
      maxMarginGap,
    },
  };
}
