// What design-based figures are computed from: a wave's tallies split by weighting cell. A cell is
// one combination of the weighting variables' answers (company_size=tpe and sector=services...);
// within a cell, calibration multiplies every design weight by the same factor, so per cell and
// per tally key three sums are enough for every weighted estimate, its linearized variance and
// the Rao-Scott test: the key's value summed plainly, times the design weight d, and times d².
// The live counters keep these sums and a recompute over the responses produces the same ones,
// so both go through one computation (docs/decisions/0010-design-based-figures.md).
import type { TallySet } from '../figures/build-figures';

/** One weighting cell's tallies: counts = Σv, weighted = Σd·v, weightedSquares = Σd²·v, per question and key. */
export interface CellTally extends Required<TallySet> {
  /** The cell's category for each weighting variable; undefined when the respondent did not answer it. */
  values: Record<string, string | undefined>;
}

/** Tallies by weighting cell (keyed by cellKeyOf(values)), for a whole wave or one domain of it. */
export type CellTallies = Map<string, CellTally>;
