// Weights respondents through the cells code (calibrateWeightingCells), for the known-value tests:
// with every design weight 1 a respondent's weight is its cell's factor g, so these tests hold
// the cells code to the values anesrake and hand computation give for unit-level weighting.
import { calibrateWeightingCells, cellKeyOf, type WeightingCell } from '../../../../server/analysis/design/calibrate-cells';
import type { TWeightingConfig } from '../../../../server/analysis/figures/figures.schemas';
import type { WeightingSummary } from '../../../../server/analysis/figures/figures.types';
import type { WeightingRespondent } from '../../../../server/analysis/weighting/weighting.types';

/** One cell per respondent (keyed by its id: the unit-level case), or one per combination of answers. */
export type CellLayout = 'one cell per respondent' | 'grouped cells';
export const CELL_LAYOUTS: readonly CellLayout[] = ['one cell per respondent', 'grouped cells'];

export interface RespondentWeights {
  /** Respondent id → weight (mean 1). */
  weights: Map<string, number>;
  summary: WeightingSummary;
  /** variable → category → weighted percent among the respondents with a known value. */
  achievedMargins: Record<string, Record<string, number>>;
}

function cellsOf(respondents: readonly WeightingRespondent[], variables: readonly string[], layout: CellLayout): WeightingCell[] {
  if (layout === 'one cell per respondent') {
    return respondents.map(({ id, values }) => ({ key: id, values, n: 1, designWeight: 1, designWeightSquares: 1 }));
  }
  const cells = new Map<string, WeightingCell>();
  for (const { values } of respondents) {
    const key = cellKeyOf(values, variables);
    const cell = cells.get(key) ?? { key, values, n: 0, designWeight: 0, designWeightSquares: 0 };
    cells.set(key, { ...cell, n: cell.n + 1, designWeight: cell.designWeight + 1, designWeightSquares: cell.designWeightSquares + 1 });
  }
  return [...cells.values()];
}

function marginsOf(respondents: readonly WeightingRespondent[], weights: ReadonlyMap<string, number>, variables: readonly string[]): RespondentWeights['achievedMargins'] {
  return Object.fromEntries(
    variables.map((variable) => {
      const totals: Record<string, number> = {};
      let known = 0;
      for (const { id, values } of respondents) {
        const category = values[variable];
        if (category === undefined) continue;
        const weight = weights.get(id) ?? Number.NaN;
        totals[category] = (totals[category] ?? 0) + weight;
        known += weight;
      }
      return [variable, Object.fromEntries(Object.entries(totals).map(([category, total]) => [category, (100 * total) / known]))];
    }),
  );
}

/** Calibrates `respondents` (design weight 1) to `config` on cells laid out as `layout`. */
export function weighRespondents(respondents: readonly WeightingRespondent[], config: TWeightingConfig, layout: CellLayout = 'one cell per respondent'): RespondentWeights {
  const variables = Object.keys(config.targets);
  const { factors, summary } = calibrateWeightingCells(cellsOf(respondents, variables, layout), config);
  const keyOf = (respondent: WeightingRespondent) => (layout === 'one cell per respondent' ? respondent.id : cellKeyOf(respondent.values, variables));
  const weights = new Map(respondents.map((respondent) => [respondent.id, factors.get(keyOf(respondent)) ?? Number.NaN]));
  return { weights, summary, achievedMargins: marginsOf(respondents, weights, variables) };
}
