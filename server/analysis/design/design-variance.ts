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
import type { TWeightingConfig } from '../figures/figures.schemas';
import { RESPONSE_KEY } from '../tally/contribution';
import type { CellTallies, CellTally } from './design.types';
import { tQuantile } from './quantiles';

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

/** An estimate's sums in the wave's cell `cellKey`, the `cellIndex`-th of PreparedDesign.keys. */
export type CellSumsOf = (cellKey: string, cellIndex: number) => RatioCellSums;

/** A calibration margin (post-stratification: its one variable) as the residual steps read it. */
interface PreparedMargin {
  /** Each cell's category, an index; "unknown" is a category of its own. */
  category: Int32Array;
  /** Per category: the step's running sum and its divisor (Σd or n), reused from estimate to estimate. */
  sums: Float64Array;
  divisors: Float64Array;
}

/**
 * The wave's cells as the variance reads them: n, Σd, Σd² and g per cell in typed arrays and each
 * cell's category per calibration margin as an index, read once per wave and calibration rather than
 * once per estimate (a view has hundreds of estimates on one wave: prepareDesign). What each
 * estimate then computes is the very arithmetic, in the very order, of the per-estimate code it
 * replaced, so the figures do not move by a bit.
 */
export interface PreparedDesign {
  /** The wave's cell keys, in the order of the arrays. */
  keys: readonly string[];
  n: Float64Array;
  d1: Float64Array;
  d2: Float64Array;
  g: Float64Array;
  waveN: number;
  method: DesignCalibration['method'];
  margins: readonly PreparedMargin[];
  /** Raking: the 10 passes' residual adjustment as one linear map, built once (rakingOperatorOf). */
  raking?: RakingOperator;
}

/**
 * svyrecvar's raking back-fit on the influence values, solved once per wave and calibration
 * instead of run per estimate. Each of its steps subtracts g_c·m_k from every cell c of a
 * category k, so after any number of steps β_c = −g_c·Σ_margins Γ_slot(c), one Γ per category of
 * each margin ("slot"; K of them in all). A step for category k sets Γ_k += (A_k − Σ_l U_kl·Γ_l)/U_kk,
 * with A_k = Σ_{c∈k} α_c·Σu_c/g_c the estimate's input and U_kl the units in both k and l. That is
 * linear in A and the same for every estimate: Γ = M·A with M (K×K) obtained by running the 10
 * passes on each unit input. Per estimate the passes (10 × margins × 2 × cells, with a division
 * each) become K² multiplications, whatever the number of cells. The sums come in another order
 * than the passes', so the figures agree with per-estimate passes to rounding (1e-15), not bit for bit.
 */
interface RakingOperator {
  /** The slot of cell c in margin m at c·margins + m. */
  slots: Int32Array;
  size: number;
  /** M, row-major: Γ_i = Σ_j M[i·size + j]·A_j. */
  matrix: Float64Array;
  /** Scratch for A and Γ, reused from estimate to estimate. */
  inputs: Float64Array;
  outputs: Float64Array;
}

const UNKNOWN = '\u0000unknown';
/** svyrecvar's raking back-fit runs a fixed 10 passes over the margins. */
const RAKING_VARIANCE_PASSES = 10;

function keyOf(tallies: Map<string, Record<string, number>>, question: string, key: string): number {
  return tallies.get(question)?.[key] ?? 0;
}

function marginOf(cells: readonly CellTally[], variable: string): PreparedMargin {
  const indexOf = new Map<string, number>();
  const category = Int32Array.from(cells, (cell) => {
    const value = cell.values[variable] ?? UNKNOWN;
    let index = indexOf.get(value);
    if (index === undefined) {
      index = indexOf.size;
      indexOf.set(value, index);
    }
    return index;
  });
  return { category, sums: new Float64Array(indexOf.size), divisors: new Float64Array(indexOf.size) };
}

/** Reads the wave's cells and the calibration's margins once, for every estimate on the wave. */
export function prepareDesign(wave: CellTallies, calibration: DesignCalibration): PreparedDesign {
  const keys = [...wave.keys()];
  const cells = [...wave.values()];
  const n = Float64Array.from(cells, (tally) => keyOf(tally.counts, RESPONSE_KEY, 'n'));
  let waveN = 0;
  for (const units of n) waveN += units;
  const variables = calibration.method === 'poststratify' ? [calibration.variable] : calibration.method === 'rake' ? calibration.variables : [];
  const g = Float64Array.from(keys, (key) => (calibration.method === 'none' ? 1 : (calibration.factors.get(key) ?? 0)));
  const margins = variables.map((variable) => marginOf(cells, variable));
  return {
    keys,
    n,
    d1: Float64Array.from(cells, (tally) => keyOf(tally.weighted, RESPONSE_KEY, 'n')),
    d2: Float64Array.from(cells, (tally) => keyOf(tally.weightedSquares, RESPONSE_KEY, 'n')),
    g,
    waveN,
    method: calibration.method,
    margins,
    ...(calibration.method === 'rake' ? { raking: rakingOperatorOf(margins, n, g) } : {}),
  };
}

/** The raking back-fit's linear map (RakingOperator), from the cells' units and categories. */
function rakingOperatorOf(margins: readonly PreparedMargin[], n: Float64Array, g: Float64Array): RakingOperator {
  const count = margins.length;
  const offsets: number[] = [];
  let size = 0;
  for (const margin of margins) {
    offsets.push(size);
    size += margin.sums.length;
  }
  const slots = new Int32Array(n.length * count);
  margins.forEach((margin, m) => {
    for (let c = 0; c < n.length; c += 1) slots[c * count + m] = (offsets[m] as number) + (margin.category[c] as number);
  });
  // U_kl: the units (of cells with a factor) in slot k and slot l; U_kk is category k's n.
  const units = new Float64Array(size * size);
  for (let c = 0; c < n.length; c += 1) {
    if (g[c] === 0) continue;
    for (let m = 0; m < count; m += 1) {
      for (let l = 0; l < count; l += 1) {
        const at = (slots[c * count + m] as number) * size + (slots[c * count + l] as number);
        units[at] = (units[at] as number) + (n[c] as number);
      }
    }
  }
  const matrix = new Float64Array(size * size);
  const gamma = new Float64Array(size);
  for (let input = 0; input < size; input += 1) {
    gamma.fill(0);
    for (let pass = 0; pass < RAKING_VARIANCE_PASSES; pass += 1) {
      // Margin by margin, as the passes: the categories of one margin share no unit, so updating
      // them in turn is updating them at once.
      for (let k = 0; k < size; k += 1) {
        const own = units[k * size + k] as number;
        if (own === 0) continue;
        let step = k === input ? 1 : 0;
        for (let l = 0; l < size; l += 1) step -= (units[k * size + l] as number) * (gamma[l] as number);
        gamma[k] = (gamma[k] as number) + step / own;
      }
    }
    for (let k = 0; k < size; k += 1) matrix[k * size + input] = gamma[k] as number;
  }
  return { slots, size, matrix, inputs: new Float64Array(size), outputs: new Float64Array(size) };
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
  alpha: Float64Array;
  beta: Float64Array;
  /** Σu, Σd·u, Σd²·u per cell. */
  u0: Float64Array;
  u1: Float64Array;
  u2: Float64Array;
}

function linearize(design: PreparedDesign, sums: RatioCellSums[]): Linearized {
  const { g } = design;
  const size = sums.length;
  let weightedNumerator = 0;
  let weightedDenominator = 0;
  for (let c = 0; c < size; c += 1) {
    const cell = sums[c] as RatioCellSums;
    weightedNumerator += (g[c] as number) * cell.y1;
    weightedDenominator += (g[c] as number) * cell.delta1;
  }
  const theta = weightedDenominator === 0 ? Number.NaN : weightedNumerator / weightedDenominator;
  const estimate: Linearized = { theta, sums, alpha: new Float64Array(size), beta: new Float64Array(size), u0: new Float64Array(size), u1: new Float64Array(size), u2: new Float64Array(size) };
  for (let c = 0; c < size; c += 1) {
    const cell = sums[c] as RatioCellSums;
    estimate.alpha[c] = (g[c] as number) / weightedDenominator;
    estimate.u0[c] = cell.y0 - theta * cell.delta0;
    estimate.u1[c] = cell.y1 - theta * cell.delta1;
    estimate.u2[c] = cell.y2 - theta * cell.delta2;
  }
  return estimate;
}

/**
 * One residual step, per category k of a margin: m_k = Σ_{c∈k, g_c≠0} (α_c·u_c + β_c·w_c)/g_c ÷
 * Σ_{c∈k, g_c≠0} w_c, then β_c −= g_c·m_k. Post-stratification (u = Σd·u, w = Σd) runs it once,
 * raking (u = Σu, w = n: R's plain ave()) per margin and pass.
 */
function residualStep(design: PreparedDesign, margin: PreparedMargin, estimate: Linearized, u: Float64Array, w: Float64Array): void {
  const { g } = design;
  const { category, sums, divisors } = margin;
  const { alpha, beta } = estimate;
  sums.fill(0);
  divisors.fill(0);
  const size = g.length;
  for (let c = 0; c < size; c += 1) {
    const gc = g[c] as number;
    if (gc === 0) continue;
    const k = category[c] as number;
    sums[k] = (sums[k] as number) + ((alpha[c] as number) * (u[c] as number) + (beta[c] as number) * (w[c] as number)) / gc;
    divisors[k] = (divisors[k] as number) + (w[c] as number);
  }
  for (let c = 0; c < size; c += 1) {
    const k = category[c] as number;
    const divisor = divisors[k] as number;
    if (divisor === 0) continue;
    beta[c] = (beta[c] as number) - (g[c] as number) * ((sums[k] as number) / divisor);
  }
}

/**
 * svyrecvar's calibration of the influence values. Post-stratification: per post-stratum h, with
 * psw = g·d and oldw = d, m_h = Σ_h x·oldw/psw ÷ Σ_h oldw = Σ_{c∈h} (α_c·Σd·u + β_c·Σd)/g_c ÷ Σ_{c∈h} Σd
 * and x −= m_h·psw. Raking, 10 passes over the margins: per category k, M_k = mean over k's units of
 * x/psw = Σ_{c∈k} (α_c·Σu + β_c·n_c)/g_c ÷ Σ_{c∈k} n_c (a plain mean, as R's ave()), and x −= psw·M_k;
 * R's psw are the weights after each margin's step in its last raking iteration, which equal g·d
 * once raking converged. Either way β_c −= g_c·m.
 */
function calibrateResiduals(design: PreparedDesign, estimate: Linearized): void {
  if (design.method === 'poststratify') {
    for (const margin of design.margins) residualStep(design, margin, estimate, estimate.u1, design.d1);
  }
  if (design.raking) rakeResiduals(design, design.raking, estimate);
}

/** The raking passes through their linear map: A from the estimate, Γ = M·A, β_c = −g_c·Σ Γ_slot(c). */
function rakeResiduals(design: PreparedDesign, raking: RakingOperator, estimate: Linearized): void {
  const { g } = design;
  const { slots, size, matrix, inputs, outputs } = raking;
  const count = design.margins.length;
  inputs.fill(0);
  for (let c = 0; c < g.length; c += 1) {
    const gc = g[c] as number;
    if (gc === 0) continue;
    const input = ((estimate.alpha[c] as number) * (estimate.u0[c] as number)) / gc;
    for (let m = 0; m < count; m += 1) {
      const slot = slots[c * count + m] as number;
      inputs[slot] = (inputs[slot] as number) + input;
    }
  }
  for (let k = 0; k < size; k += 1) {
    let sum = 0;
    for (let j = 0; j < size; j += 1) sum += (matrix[k * size + j] as number) * (inputs[j] as number);
    outputs[k] = sum;
  }
  for (let c = 0; c < g.length; c += 1) {
    let sum = 0;
    for (let m = 0; m < count; m += 1) sum += outputs[slots[c * count + m] as number] as number;
    estimate.beta[c] = -(g[c] as number) * sum;
  }
}

/** Σ_i x_i over the wave for one estimate: Σ_c α_c·Σd·u + β_c·Σd. */
function totalOf(design: PreparedDesign, estimate: Linearized): number {
  let total = 0;
  for (let c = 0; c < design.g.length; c += 1) total = total + (estimate.alpha[c] as number) * (estimate.u1[c] as number) + (estimate.beta[c] as number) * (design.d1[c] as number);
  return total;
}

/**
 * n/(n − 1)·Σ_i (x_ki − x̄_k)(x_li − x̄_l) for two estimates over one domain, from
 * Σ_{i∈c} d_i²·u_k·u_l = Σd²δ(y_k − θ_k)(y_l − θ_l). For k = l it uses Σd²·δ·y²; for k ≠ l the
 * numerators never count the same respondent (options of one single-choice question, or table
 * cells), so Σd²·y_k·y_l = 0.
 */
function covarianceOf(design: PreparedDesign, k: Linearized, l: Linearized, totalK: number, totalL: number, same: boolean): number {
  let products = 0;
  for (let c = 0; c < design.g.length; c += 1) {
    const sk = k.sums[c] as RatioCellSums;
    const sl = l.sums[c] as RatioCellSums;
    const product = same ? sk.yy2 : 0;
    const cross = product - l.theta * sk.y2 - k.theta * sl.y2 + k.theta * l.theta * sk.delta2;
    const ak = k.alpha[c] as number;
    const al = l.alpha[c] as number;
    const bk = k.beta[c] as number;
    const bl = l.beta[c] as number;
    products += ak * al * cross + ak * bl * (k.u2[c] as number) + al * bk * (l.u2[c] as number) + bk * bl * (design.d2[c] as number);
  }
  const { waveN } = design;
  const centred = products - (totalK * totalL) / waveN;
  return waveN > 1 ? (waveN / (waveN - 1)) * centred : Number.NaN;
}

function linearizeOn(design: PreparedDesign, sumsOf: CellSumsOf): Linearized {
  const estimate = linearize(design, design.keys.map(sumsOf));
  calibrateResiduals(design, estimate);
  return estimate;
}

/**
 * Estimates of several ratios on a prepared wave and their covariance matrix. `sumsPerEstimate[k]`
 * gives estimate k's sums in a cell (see ratioSumsOf, tableCellSums). When there are several, they
 * share one denominator and their numerators never count the same respondent (the cells of one table).
 */
export function estimateRatiosOn(design: PreparedDesign, sumsPerEstimate: readonly CellSumsOf[]): { estimates: number[]; covariance: number[][]; waveN: number } {
  const estimates = sumsPerEstimate.map((sumsOf) => linearizeOn(design, sumsOf));
  const totals = estimates.map((estimate) => totalOf(design, estimate));
  return {
    estimates: estimates.map((e) => e.theta),
    covariance: estimates.map((k, a) => estimates.map((l, b) => covarianceOf(design, k, l, totals[a] as number, totals[b] as number, a === b))),
    waveN: design.waveN,
  };
}

/** One ratio on a prepared wave: its estimate and its variance (not yet floored at 0). */
export function estimateOneRatioOn(design: PreparedDesign, sumsOf: CellSumsOf): { estimate: number; variance: number; waveN: number } {
  const estimate = linearizeOn(design, sumsOf);
  const total = totalOf(design, estimate);
  return { estimate: estimate.theta, variance: covarianceOf(design, estimate, estimate, total, total, true), waveN: design.waveN };
}

/**
 * A weighted proportion (0/1 numerator over its base key) or mean (`sum` over `answered`, with
 * `numeratorSquares: 'sumsq'`) in a domain of the wave, with R's linearized variance: the
 * domain's units count, the wave's others count with zero (svymean on a subset design).
 * `domain` is the wave itself for the whole-wave figure.
 */
export function estimateRatio(wave: CellTallies, domain: CellTallies, keys: RatioKeys, calibration: DesignCalibration): DesignEstimate {
  const { estimate, variance: raw, waveN } = estimateOneRatioOn(prepareDesign(wave, calibration), (key) => ratioSumsOf(domain.get(key), keys));
  const variance = Math.max(0, raw);
  let domainN = 0;
  for (const cell of domain.values()) domainN += keyOf(cell.counts, keys.question, keys.denominator);
  return { estimate, variance, se: Math.sqrt(variance), domainN, waveN, df: domainN - 1 };
}

/**
 * The sums of each cell of a table, rows varying fastest: numerator `rowKey` in one column,
 * denominator summed over all columns. The denominators are the same for every row of the table,
 * so they are summed once per wave cell rather than once per table cell.
 */
export function tableSums(design: PreparedDesign, columns: readonly CellTallies[], question: string, rowKeys: readonly string[], denominator: string): ((cellKey: string, cellIndex: number) => RatioCellSums)[] {
  const denominators = design.keys.map((cellKey) => {
    let delta0 = 0;
    let delta1 = 0;
    let delta2 = 0;
    for (const other of columns) {
      const cell = other.get(cellKey);
      if (!cell) continue;
      delta0 += keyOf(cell.counts, question, denominator);
      delta1 += keyOf(cell.weighted, question, denominator);
      delta2 += keyOf(cell.weightedSquares, question, denominator);
    }
    return { delta0, delta1, delta2 };
  });
  return columns.flatMap((column) =>
    rowKeys.map((rowKey) => (cellKey: string, cellIndex: number): RatioCellSums => {
      const cell = column.get(cellKey);
      const y2 = cell ? keyOf(cell.weightedSquares, question, rowKey) : 0;
      return { y0: cell ? keyOf(cell.counts, question, rowKey) : 0, y1: cell ? keyOf(cell.weighted, question, rowKey) : 0, y2, yy2: y2, ...(denominators[cellIndex] as { delta0: number; delta1: number; delta2: number }) };
    }),
  );
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
