// Tallies split by weighting cell, and the weighted TallySet they give once calibration has put a
// factor on each cell. The live counters keep these cells (tally.service.ts) and a recompute over
// the responses accumulates the same ones here, so weighted figures go through one computation
// whichever source they come from: weighted = Σ_cell g·(Σd·v), weightedSquares = Σ_cell g²·(Σd²·v).
import type { TAnswers } from '../../surveys/answers';
import type { CellTallies, CellTally } from '../design/design.types';
import type { TallySet } from '../figures/build-figures';
import { accumulate, RESPONSE_KEY, type Contribution } from './contribution';

/** Weighting variables in the order cell keys list them (cellKeyOf sorts them), whatever order the targets were given in. */
export function cellVariablesOf(targets: Readonly<Record<string, unknown>> | undefined): string[] {
  return Object.keys(targets ?? {}).sort();
}

export function cellValuesOf(answers: TAnswers, variables: readonly string[]): Record<string, string | undefined> {
  return Object.fromEntries(variables.map((variable) => {
    const value = answers[variable];
    return [variable, typeof value === 'string' ? value : undefined];
  }));
}

/**
 * The cell a key (cellKeyOf) names, or undefined when its variables are not `variables`: counters
 * kept for other weighting variables. The key is also a field name of the counters, which it can
 * be: variable and option ids are snake_case, so it holds neither "." nor a leading "$".
 */
export function parseCellKey(key: string, variables: readonly string[]): Record<string, string | undefined> | undefined {
  let pairs: unknown;
  try {
    pairs = JSON.parse(key);
  } catch {
    return undefined;
  }
  if (!Array.isArray(pairs) || pairs.length !== variables.length) return undefined;
  const values: Record<string, string | undefined> = {};
  for (const [i, pair] of pairs.entries()) {
    if (!Array.isArray(pair) || pair[0] !== variables[i] || !(typeof pair[1] === 'string' || pair[1] === null)) return undefined;
    values[pair[0]] = pair[1] ?? undefined;
  }
  return values;
}

export function emptyCell(values: Record<string, string | undefined>): CellTally {
  return { values, counts: new Map(), weighted: new Map(), weightedSquares: new Map() };
}

/** Adds one response's contribution, with its design weight d, to its cell (`key` = cellKeyOf(values, …)). */
export function addToCell(cells: CellTallies, key: string, values: Record<string, string | undefined>, contribution: Contribution, weight: number): void {
  let cell = cells.get(key);
  if (!cell) {
    cell = emptyCell(values);
    cells.set(key, cell);
  }
  accumulate(cell.counts, contribution);
  accumulate(cell.weighted, contribution, weight);
  accumulate(cell.weightedSquares, contribution, weight * weight);
}

/** Adds a cell's Σv, Σd·v and Σd²·v into `into`, the last two times its calibration factor g and g². */
function addCellSums(into: Required<TallySet>, cell: Required<TallySet>, g = 1): void {
  accumulate(into.counts, cell.counts);
  accumulate(into.weighted, cell.weighted, g);
  accumulate(into.weightedSquares, cell.weightedSquares, g * g);
}

/** Adds every cell of `from` into `into` (a filter on several segments sums their cells). */
export function mergeCells(into: CellTallies, from: CellTallies): void {
  for (const [key, cell] of from) {
    const target = into.get(key) ?? emptyCell(cell.values);
    addCellSums(target, cell);
    into.set(key, target);
  }
}

/**
 * The tallies figures are built from: plain counts summed over the cells, and each cell's Σd·v and
 * Σd²·v times its calibration factor g and g² (a cell without a factor keeps its design weights).
 */
export function tallySetFromCells(cells: CellTallies, factors: ReadonlyMap<string, number> = new Map()): Required<TallySet> {
  const set: Required<TallySet> = { counts: new Map(), weighted: new Map(), weightedSquares: new Map() };
  for (const [key, cell] of cells) addCellSums(set, cell, factors.get(key) ?? 1);
  return set;
}

/** The respondents of these cells, n, and their design weights' Σd and Σd². */
export function designWeightTotals(cells: CellTallies): { n: number; sum: number; squares: number } {
  const totals = { n: 0, sum: 0, squares: 0 };
  for (const cell of cells.values()) {
    totals.n += cell.counts.get(RESPONSE_KEY)?.n ?? 0;
    totals.sum += cell.weighted.get(RESPONSE_KEY)?.n ?? 0;
    totals.squares += cell.weightedSquares.get(RESPONSE_KEY)?.n ?? 0;
  }
  return totals;
}

/** Whether any response of these cells has a design weight other than 1: Σ(d − 1)² = Σd² − 2Σd + n is then positive. */
export function hasDesignWeights(cells: CellTallies): boolean {
  const { n, sum, squares } = designWeightTotals(cells);
  return squares - 2 * sum + n > 1e-9 * Math.max(1, squares);
}
