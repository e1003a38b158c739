// Linearized (Taylor) variances of weighted ratios, computed as R's survey package computes them
// for svydesign(ids = ~1, weights = ~d), then postStratify or rake, then svymean on the design or
// on a subset of it (survey:::svymean.survey.design2, svyrecvar, onestrat). The derivation, and
// why per-cell sums are enough, is in README.md; in short:
//   θ = Σ w·δ·y / Σ w·δ, w = g_c·d, δ = 1 in the domain (and the ratio's denominator)
//   x_i = w_i·u_i / W with u = δ·(y − θ), W = Σ w·δ         svymean's influence values
//   calibration subtracts from x_i, per post-stratum or per margin, g_c·d_i times a constant,
//   so within cell c, x_i = d_i·(α_c·u_i + β_c) with α_c = g_c/W and β_c a cell constant
//   V = n/(n − 1)·Σ (x_i − x̄)²  over the wave's n units     onestrat, one unit per PSU
// and Σ x_i, Σ x_i² per cell need only Σu, Σd·u, Σd²·u, Σd²·u², Σd, Σd² and n.
import tQuantile from '@stdlib/stats-base-dists-t-quantile';
import type { TWeightingConfig } from '../figures/figures.schemas';
import { RESPONSE_KEY } from '../tally/contribution';
import type { CellTallies, CellTally } from './design.types';

/** How the wave's weights were made from the design weights: g per cell and the variables used. */
export type DesignCalibration =
  | { method: 'none' }
  | { method: 'poststratify'; variable: string; factors: ReadonlyMap<string, number> }
  | { method: 'rake'; variables: readonly string[]; factors: ReadonlyMap<string, number> };

/**
 * A ratio of tally keys of one question: Σw·numerator / Σw·denominator. The numerator counts
 * only respondents the denominator counts (an option over `answered`, `sum` over `answered`).
 */
export interface RatioKeys {
  question: string;
  numerator: string;
  denominator: string;
  /**
   * The key whose Σd² is Σd²·y² for the numerator's y (`sumsq` for a mean of `sum`). Absent for
   * a 0/1 numerator (an option, a box), where y² = y.
   */
  numeratorSquares?: string;
}

export interface DesignEstimate {
  estimate: number;
  variance: number;
  se: number;
  /** Units in the domain with a non-zero weight (R's units "in the subset"). */
  domainN: number;
  /** Units in the wave: the n of n/(n − 1). */
  waveN: number;
  /** R's degf: domain units − 1 (one stage, no strata). */
  df: number;
}

/** What a cell holds of the wave as a whole: its respondents and their Σd, Σd². */
interface WaveCell {
  key: string;
  tally: CellTally;
  n: number;
  d1: number;
  d2: number;
  g: number;
}

/** One estimate's sums in one cell: plain, ×d and ×d² of δ·y and of δ, and Σd²·δ·y². */
export interface RatioCellSums {
  y0: number;
  y1: number;
  y2: number;
  yy2: number;
  delta0: number;
  delta1: number;
  delta2: number;
}

const UNKNOWN = '\u0000unknown';
/** svyrecvar's raking back-fit runs a fixed 10 passes over the margins. */
const RAKING_VARIANCE_PASSES = 10;

function keyOf(tallies: Map<string, Record<string, number>>, question: string, key: string): number {
  return tallies.get(question)?.[key] ?? 0;
}

function waveCellsOf(wave: CellTallies, calibration: DesignCalibration): WaveCell[] {
  return [...wave].map(([key, tally]) => ({
    key,
    tally,
    n: keyOf(tally.counts, RESPONSE_KEY, 'n'),
    d1: keyOf(tally.weighted, RESPONSE_KEY, 'n'),
    d2: keyOf(tally.weightedSquares, RESPONSE_KEY, 'n'),
    g: calibration.method === 'none' ? 1 : (calibration.factors.get(key) ?? 0),
  }));
}

function ratioSumsOf(cell: CellTally | undefined, keys: RatioKeys): RatioCellSums {
  if (!cell) return { y0: 0, y1: 0, y2: 0, yy2: 0, delta0: 0, delta1: 0, delta2: 0 };
  const { question, numerator, denominator } = keys;
  return {
    y0: keyOf(cell.counts, question, numerator),
    y1: keyOf(cell.weighted, question, numerator),
    y2: keyOf(cell.weightedSquares, question, numerator),
    yy2: keyOf(cell.weightedSquares, question, keys.numeratorSquares ?? numerator),
    delta0: keyOf(cell.counts, question, denominator),
    delta1: keyOf(cell.weighted, question, denominator),
    delta2: keyOf(cell.weightedSquares, question, denominator),
  };
}

/** One estimate being linearized: θ, its cell sums, and the per-cell α, β of x = d·(α·u + β). */
interface Linearized {
  theta: number;
  sums: RatioCellSums[];
  alpha: number[];
  beta: number[];
  /** Σu, Σd·u, Σd²·u per cell. */
  u0: number[];
  u1: number[];
  u2: number[];
}

function linearize(cells: readonly WaveCell[], sums: RatioCellSums[]): Linearized {
  let weightedNumerator = 0;
  let weightedDenominator = 0;
  cells.forEach((cell, c) => {
    weightedNumerator += cell.g * (sums[c]?.y1 ?? 0);
    weightedDenominator += cell.g * (sums[c]?.delta1 ?? 0);
  });
  const theta = weightedDenominator === 0 ? Number.NaN : weightedNumerator / weightedDenominator;
  const at = (c: number): RatioCellSums => sums[c] ?? ratioSumsOf(undefined, { question: '', numerator: '', denominator: '' });
  return {
    theta,
    sums,
    alpha: cells.map((cell) => cell.g / weightedDenominator),
    beta: cells.map(() => 0),
    u0: cells.map((_, c) => at(c).y0 - theta * at(c).delta0),
    u1: cells.map((_, c) => at(c).y1 - theta * at(c).delta1),
    u2: cells.map((_, c) => at(c).y2 - theta * at(c).delta2),
  };
}

/** The category of a cell for one calibration variable, "unknown" being a category of its own. */
function categoryOf(cell: WaveCell, variable: string): string {
  return cell.tally.values[variable] ?? UNKNOWN;
}

/**
 * svyrecvar's post-stratification step: per post-stratum h, with psw = g·d and oldw = d,
 *   m_h = Σ_h x·oldw/psw ÷ Σ_h oldw = Σ_{c∈h} (α_c·Σd·u + β_c·Σd)/g_c ÷ Σ_{c∈h} Σd
 * and x −= m_h·psw, i.e. β_c −= g_c·m_h.
 */
function postStratifyResiduals(cells: readonly WaveCell[], variable: string, estimate: Linearized): void {
  const byStratum = new Map<string, { sum: number; designWeight: number }>();
  cells.forEach((cell, c) => {
    if (cell.g === 0) return;
    const stratum = categoryOf(cell, variable);
    const entry = byStratum.get(stratum) ?? { sum: 0, designWeight: 0 };
    entry.sum += ((estimate.alpha[c] ?? 0) * (estimate.u1[c] ?? 0) + (estimate.beta[c] ?? 0) * cell.d1) / cell.g;
    entry.designWeight += cell.d1;
    byStratum.set(stratum, entry);
  });
  cells.forEach((cell, c) => {
    const entry = byStratum.get(categoryOf(cell, variable));
    if (!entry || entry.designWeight === 0) return;
    estimate.beta[c] = (estimate.beta[c] ?? 0) - cell.g * (entry.sum / entry.designWeight);
  });
}

/**
 * svyrecvar's raking step, 10 passes over the margins: per category k of a margin,
 *   M_k = mean over k's units of x/psw = Σ_{c∈k} (α_c·Σu + β_c·n_c)/g_c ÷ Σ_{c∈k} n_c
 * (a plain mean, as R's ave()), and x −= psw·M_k, i.e. β_c −= g_c·M_k. R's psw are the weights
 * after each margin's step in its last raking iteration, which equal g·d once raking converged.
 */
function rakeResiduals(cells: readonly WaveCell[], variables: readonly string[], estimate: Linearized): void {
  for (let pass = 0; pass < RAKING_VARIANCE_PASSES; pass += 1) {
    for (const variable of variables) {
      const byCategory = new Map<string, { sum: number; units: number }>();
      cells.forEach((cell, c) => {
        if (cell.g === 0) return;
        const category = categoryOf(cell, variable);
        const entry = byCategory.get(category) ?? { sum: 0, units: 0 };
        entry.sum += ((estimate.alpha[c] ?? 0) * (estimate.u0[c] ?? 0) + (estimate.beta[c] ?? 0) * cell.n) / cell.g;
        entry.units += cell.n;
        byCategory.set(category, entry);
      });
      cells.forEach((cell, c) => {
        const entry = byCategory.get(categoryOf(cell, variable));
        if (!entry || entry.units === 0) return;
        estimate.beta[c] = (estimate.beta[c] ?? 0) - cell.g * (entry.sum / entry.units);
      });
    }
  }
}

function calibrateResiduals(cells: readonly WaveCell[], calibration: DesignCalibration, estimate: Linearized): void {
  if (calibration.method === 'poststratify') postStratifyResiduals(cells, calibration.variable, estimate);
  if (calibration.method === 'rake') rakeResiduals(cells, calibration.variables, estimate);
}

/**
 * Σ_{i∈c} d_i²·u_k·u_l for two estimates over one domain: Σd²δ(y_k − θ_k)(y_l − θ_l). For k = l
 * it uses Σd²·δ·y²; for k ≠ l the numerators never count the same respondent (options of one
 * single-choice question, or table cells), so Σd²·y_k·y_l = 0.
 */
function crossSquares(k: Linearized, l: Linearized, c: number, same: boolean): number {
  const sk = k.sums[c];
  const sl = l.sums[c];
  if (!sk || !sl) return 0;
  const product = same ? sk.yy2 : 0;
  return product - l.theta * sk.y2 - k.theta * sl.y2 + k.theta * l.theta * sk.delta2;
}

/** The n/(n − 1)-scaled covariance of the estimates' influence values over the wave's units. */
function covarianceOf(cells: readonly WaveCell[], estimates: readonly Linearized[]): number[][] {
  const waveN = cells.reduce((sum, cell) => sum + cell.n, 0);
  const totals = estimates.map((e) => cells.reduce((sum, cell, c) => sum + (e.alpha[c] ?? 0) * (e.u1[c] ?? 0) + (e.beta[c] ?? 0) * cell.d1, 0));
  return estimates.map((k, a) =>
    estimates.map((l, b) => {
      let products = 0;
      cells.forEach((cell, c) => {
        const ak = k.alpha[c] ?? 0;
        const al = l.alpha[c] ?? 0;
        const bk = k.beta[c] ?? 0;
        const bl = l.beta[c] ?? 0;
        products += ak * al * crossSquares(k, l, c, a === b) + ak * bl * (k.u2[c] ?? 0) + al * bk * (l.u2[c] ?? 0) + bk * bl * cell.d2;
      });
      const centred = products - ((totals[a] ?? 0) * (totals[b] ?? 0)) / waveN;
      return waveN > 1 ? (waveN / (waveN - 1)) * centred : Number.NaN;
    }),
  );
}

/**
 * Estimates of several ratios and their covariance matrix. `sumsPerEstimate[k]` gives estimate
 * k's sums in a cell (see ratioSumsOf, tableCellSums). When there are several, they share one
 * denominator and their numerators never count the same respondent (the cells of one table).
 */
export function estimateRatioCovariance(
  wave: CellTallies,
  sumsPerEstimate: readonly ((cellKey: string) => RatioCellSums)[],
  calibration: DesignCalibration,
): { estimates: number[]; covariance: number[][]; waveN: number } {
  const cells = waveCellsOf(wave, calibration);
  const estimates = sumsPerEstimate.map((sumsOf) => linearize(cells, cells.map((cell) => sumsOf(cell.key))));
  for (const estimate of estimates) calibrateResiduals(cells, calibration, estimate);
  return {
    estimates: estimates.map((e) => e.theta),
    covariance: covarianceOf(cells, estimates),
    waveN: cells.reduce((sum, cell) => sum + cell.n, 0),
  };
}

/**
 * A weighted proportion (0/1 numerator over its base key) or mean (`sum` over `answered`, with
 * `numeratorSquares: 'sumsq'`) in a domain of the wave, with R's linearized variance: the
 * domain's units count, the wave's others count with zero (svymean on a subset design).
 * `domain` is the wave itself for the whole-wave figure.
 */
export function estimateRatio(wave: CellTallies, domain: CellTallies, keys: RatioKeys, calibration: DesignCalibration): DesignEstimate {
  const { estimates, covariance, waveN } = estimateRatioCovariance(wave, [(key) => ratioSumsOf(domain.get(key), keys)], calibration);
  const variance = Math.max(0, covariance[0]?.[0] ?? Number.NaN);
  let domainN = 0;
  for (const cell of domain.values()) domainN += keyOf(cell.counts, keys.question, keys.denominator);
  return { estimate: estimates[0] ?? Number.NaN, variance, se: Math.sqrt(variance), domainN, waveN, df: domainN - 1 };
}

/** The sums of a table cell: numerator `rowKey` in one column, denominator summed over all columns. */
export function tableCellSums(columns: readonly CellTallies[], column: number, question: string, rowKey: string, denominator: string): (cellKey: string) => RatioCellSums {
  return (cellKey) => {
    const own = ratioSumsOf(columns[column]?.get(cellKey), { question, numerator: rowKey, denominator });
    let delta0 = 0;
    let delta1 = 0;
    let delta2 = 0;
    for (const other of columns) {
      const sums = ratioSumsOf(other.get(cellKey), { question, numerator: rowKey, denominator });
      delta0 += sums.delta0;
      delta1 += sums.delta1;
      delta2 += sums.delta2;
    }
    return { ...own, delta0, delta1, delta2 };
  };
}



/** The calibration of the variance from a wave's weighting config and calibrateCells' factors. */
export function designCalibrationOf(config: TWeightingConfig | undefined, factors: ReadonlyMap<string, number>): DesignCalibration {
  if (!config) return { method: 'none' };
  const variables = Object.keys(config.targets);
  return config.method === 'poststratify' ? { method: 'poststratify', variable: variables[0] ?? '', factors } : { method: 'rake', variables, factors };
}

/**
 * The interval of a weighted mean, estimate ± t_{df, 1−α/2}·SE on the domain's degrees of
 * freedom: R's confint(svymean(...), df = degf(design)). (R's default, df = Inf, is the normal
 * interval; on small domains the t quantile is the honest one.)
 *
 * null where R's is NaN: no degrees of freedom (one respondent), no mean (an empty domain) or no
 * variance (a wave of one, where n/(n − 1) is undefined); the figures publish no interval then.
 */
export function meanInterval(estimate: DesignEstimate, level = 0.95): { lower: number; upper: number } | null {
  if (!(estimate.df > 0) || !Number.isFinite(estimate.estimate) || !Number.isFinite(estimate.se)) return null;
  const half = tQuantile(1 - (1 - level) / 2, estimate.df) * estimate.se;
  return { lower: estimate.estimate - half, upper: estimate.estimate + half };
}
