// The Rao-Scott second-order corrected chi-square for an r×c weighted table, as R's
// svychisq(~row + col, design, statistic = "F") computes it (survey:::svychisq.survey.design):
//   p̂ = the table's weighted cell proportions (rows vary fastest), V = their linearized covariance
//   C = a basis of the interaction contrasts (tables whose rows and columns sum to 0)
//   Δ = (C'D⁻¹C)⁻¹·(C'D⁻¹VD⁻¹C)·N, D = diag(p̂)          the generalized design effects
//   (D⁻¹ has 0 for an empty cell, as R's)
//   X² = N·Σ (p̂_ij − p̂_i·p̂_j)² / (p̂_i·p̂_j)             Pearson's statistic on the table scaled to N
//   F = X² / tr Δ on d₀ = (tr Δ)² / tr Δ² and d₀·ν degrees of freedom, ν = n − 1.
// N cancels in F; tr Δ and tr Δ² do not depend on the basis C, so a simple one serves.
import betainc from '@stdlib/math-base-special-betainc';
import type { CellTallies } from './design.types';
import { estimateRatiosOn, prepareDesign, tableSums, type DesignCalibration, type PreparedDesign } from './design-variance';

export interface RaoScottTest {
  f: number;
  ndf: number;
  ddf: number;
  p: number;
  /** Pearson's X² on the weighted table scaled to the wave's n, before the correction. */
  pearson: number;
  /** Rows and columns tested: those with a weighted total above 0. */
  rows: string[];
  columns: number[];
}

export interface RaoScottTable {
  /** The single-choice question of the rows and its option keys (`opt:<id>`). */
  question: string;
  rowKeys: readonly string[];
  /** The key counting who is in the table within a column (who answered the question). */
  denominator: string;
  /** One domain per column (a crosstab column: the respondents who chose that option). */
  columns: readonly CellTallies[];
}

/** A pivot this small against the matrix's largest entry means it is singular (R's solve stops too). */
const SINGULAR_PIVOT = 1e-12;

/** matrix⁻¹·right by Gauss-Jordan with partial pivoting; null when the matrix is singular. */
function solve(matrix: number[][], right: number[][]): number[][] | null {
  const size = matrix.length;
  const a = matrix.map((row, i) => [...row, ...(right[i] ?? [])]);
  const scale = Math.max(0, ...matrix.flat().map(Math.abs));
  for (let col = 0; col < size; col += 1) {
    let pivot = col;
    for (let r = col + 1; r < size; r += 1) if (Math.abs(a[r]?.[col] ?? 0) > Math.abs(a[pivot]?.[col] ?? 0)) pivot = r;
    [a[col], a[pivot]] = [a[pivot] ?? [], a[col] ?? []];
    const lead = a[col]?.[col] ?? 0;
    if (!(Math.abs(lead) > SINGULAR_PIVOT * scale)) return null;
    const pivotRow = a[col] ?? [];
    for (let r = 0; r < size; r += 1) {
      const row = a[r];
      if (r === col || !row) continue;
      const factor = (row[col] ?? 0) / lead;
      for (let k = col; k < row.length; k += 1) row[k] = (row[k] ?? 0) - factor * (pivotRow[k] ?? 0);
    }
  }
  return a.map((row, i) => row.slice(size).map((value) => value / (row[i] ?? 1)));
}

// Plain loops: these run on every crosstab question of a weighted view, and reduce() with a
// closure per entry cost more than the arithmetic. Each entry sums its terms in the same order
// (k = 0, 1, …); a zero on the left adds nothing and is skipped (the contrasts, and D⁻¹ times them,
// have four non-zero entries in each of their columns).
function multiply(left: number[][], right: number[][]): number[][] {
  const width = right[0]?.length ?? 0;
  return left.map((row) => {
    const product = new Array<number>(width).fill(0);
    row.forEach((value, k) => {
      if (value === 0) return;
      const other = right[k] ?? [];
      for (let j = 0; j < width; j += 1) product[j] = (product[j] as number) + value * (other[j] ?? 0);
    });
    return product;
  });
}

function transpose(matrix: number[][]): number[][] {
  const width = matrix[0]?.length ?? 0;
  const transposed: number[][] = [];
  for (let j = 0; j < width; j += 1) transposed.push(matrix.map((row) => row[j] ?? 0));
  return transposed;
}

function trace(matrix: number[][]): number {
  return matrix.reduce((sum, row, i) => sum + (row[i] ?? 0), 0);
}

/** Contrast (i, j): +1 at (i, j) and (last, last), −1 at (i, last) and (last, j); rows vary fastest. */
function interactionContrasts(rows: number, columns: number): number[][] {
  const contrasts: number[][] = [];
  for (let j = 0; j < columns - 1; j += 1) {
    for (let i = 0; i < rows - 1; i += 1) {
      const c = new Array<number>(rows * columns).fill(0);
      c[i + j * rows] = 1;
      c[rows - 1 + j * rows] = -1;
      c[i + (columns - 1) * rows] = -1;
      c[rows * columns - 1] = 1;
      contrasts.push(c);
    }
  }
  return transpose(contrasts);
}

/** Upper tail of the F distribution, P(F ≥ f), through the regularized incomplete beta. */
function fSurvival(f: number, ndf: number, ddf: number): number {
  if (Number.isNaN(f)) return Number.NaN;
  if (!(f > 0)) return 1;
  return betainc(ddf / (ddf + ndf * f), ddf / 2, ndf / 2);
}

export function raoScottTest(wave: CellTallies, table: RaoScottTable, calibration: DesignCalibration): RaoScottTest {
  return raoScottTestOn(prepareDesign(wave, calibration), table);
}

/** raoScottTest on a wave already prepared (prepareDesign), which a view shares among its figures and tests. */
export function raoScottTestOn(design: PreparedDesign, table: RaoScottTable): RaoScottTest {
  const full = estimateRatiosOn(design, tableSums(design, table.columns, table.question, table.rowKeys, table.denominator));
  // Keep the rows and columns someone is in, as R's table of the observed levels does.
  const share = (index: number): number => full.estimates[index] ?? 0;
  const rowKeys = table.rowKeys.filter((_, i) => table.columns.some((__, j) => share(i + j * table.rowKeys.length) > 0));
  const columns = table.columns.map((_, j) => j).filter((j) => table.rowKeys.some((__, i) => share(i + j * table.rowKeys.length) > 0));
  const kept = columns.flatMap((j) => rowKeys.map((key) => table.rowKeys.indexOf(key) + j * table.rowKeys.length));
  const p = kept.map(share);
  const covariance = kept.map((a) => kept.map((b) => full.covariance[a]?.[b] ?? 0));
  const r = rowKeys.length;
  const c = columns.length;
  const n = full.waveN;
  const noTest = { f: Number.NaN, ndf: Number.NaN, ddf: Number.NaN, p: Number.NaN, pearson: Number.NaN, rows: rowKeys, columns };
  // One row or one column left: there is no association to test (R's svychisq fails there).
  if (r < 2 || c < 2) return noTest;

  const rowShares = rowKeys.map((_, i) => columns.reduce((sum, __, j) => sum + (p[i + j * r] ?? 0), 0));
  const columnShares = columns.map((_, j) => rowKeys.reduce((sum, __, i) => sum + (p[i + j * r] ?? 0), 0));
  let pearson = 0;
  p.forEach((observed, index) => {
    const expected = (rowShares[index % r] ?? 0) * (columnShares[Math.floor(index / r)] ?? 0);
    pearson += (n * (observed - expected) ** 2) / expected;
  });

  const contrasts = interactionContrasts(r, c);
  // D⁻¹ with 0 for an empty cell of a row and a column that are not empty, as R's
  // ifelse(mean2 == 0, 0, 1/mean2): an empty cell is common in a small crosstab and must not make F NaN.
  const inverseShares = p.map((share) => (share === 0 ? 0 : 1 / share));
  const scaled = contrasts.map((row, index) => row.map((value) => value * (inverseShares[index] ?? 0)));
  const denominator = multiply(transpose(contrasts), scaled).map((row) => row.map((value) => value / n));
  const numerator = multiply(multiply(transpose(scaled), covariance), scaled);
  const delta = solve(denominator, numerator);
  // Empty cells on which an interaction contrast lives alone (an empty 2×2 block) leave the design
  // effects undefined: no test, and no p-value of 1 that would read as "independent".
  if (!delta) return noTest;
  const traceDelta = trace(delta);
  const ndf = traceDelta ** 2 / trace(multiply(delta, delta));
  const ddf = ndf * (n - 1);
  const f = pearson / traceDelta;
  if (!(traceDelta > 0) || !Number.isFinite(f) || !Number.isFinite(ndf)) return noTest;
  return { f, ndf, ddf, p: fSurvival(f, ndf, ddf), pearson, rows: rowKeys, columns };
}
