// Builds CellTallies from respondents as the counters would: per weighting cell, per question and
// key, Σv, Σd·v and Σd²·v, with RESPONSE_KEY `n` counting each respondent once.
import { cellKeyOf } from '../../../../server/analysis/design/calibrate-cells';
import type { CellTallies, CellTally } from '../../../../server/analysis/design/design.types';
import { RESPONSE_KEY } from '../../../../server/analysis/tally/contribution';

export interface TestRespondent {
  id: string;
  values: Record<string, string | undefined>;
  /** Design weight; absent = 1. */
  weight?: number;
  /** question id → key → value (1 for an option chosen, the number for sum, its square for sumsq). */
  keys?: Record<string, Record<string, number>>;
}

function addTo(target: Map<string, Record<string, number>>, question: string, key: string, amount: number): void {
  const keys = target.get(question) ?? {};
  keys[key] = (keys[key] ?? 0) + amount;
  target.set(question, keys);
}

/** One cell per distinct combination of `variables`, or one per respondent with `perRespondent`. */
export function buildCellTallies(respondents: readonly TestRespondent[], variables: readonly string[], perRespondent = false): CellTallies {
  const cells: CellTallies = new Map();
  for (const respondent of respondents) {
    const key = perRespondent ? respondent.id : cellKeyOf(respondent.values, variables);
    let cell: CellTally | undefined = cells.get(key);
    if (!cell) {
      cell = { values: Object.fromEntries(variables.map((v) => [v, respondent.values[v]])), counts: new Map(), weighted: new Map(), weightedSquares: new Map() };
      cells.set(key, cell);
    }
    const d = respondent.weight ?? 1;
    const entries: [string, string, number][] = [[RESPONSE_KEY, 'n', 1]];
    for (const [question, keys] of Object.entries(respondent.keys ?? {})) {
      for (const [key, value] of Object.entries(keys)) entries.push([question, key, value]);
    }
    for (const [question, key, value] of entries) {
      addTo(cell.counts, question, key, value);
      addTo(cell.weighted, question, key, d * value);
      addTo(cell.weightedSquares, question, key, d * d * value);
    }
  }
  return cells;
}

/** One of `items`, drawn with the given shares (the last takes what remains). */
export function pick<T>(random: () => number, items: readonly T[], shares: readonly number[]): T {
  let u = random();
  for (let i = 0; i < items.length - 1; i += 1) {
    u -= shares[i] ?? 0;
    if (u < 0) return items[i] as T;
  }
  return items[items.length - 1] as T;
}
