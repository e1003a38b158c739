import { chiSquareSurvival } from './distributions';

export interface ChiSquareResult {
  /** Pearson's X² = Σ (O − E)² / E, over the non-empty rows and columns. */
  statistic: number;
  /** (r − 1)(c − 1), counting non-empty rows and columns only. */
  df: number;
  pValue: number;
  /** Expected counts E = row total · column total / grand total, same shape as the input. */
  expected: number[][];
  /** Cells (among non-empty rows and columns) with E < 5: Cochran's rule says the
   *  chi-square approximation is doubtful when more than 20% of cells are like this. */
  cellsWithExpectedBelow5: number;
  /** Cells with E < 1 (among non-empty rows and columns). */
  cellsWithExpectedBelow1: number;
  /** The cells the statistic sums over: non-empty rows × non-empty columns. */
  cells: number;
  /**
   * Cochran's rule (Cochran 1954) fails: more than 20% of the cells have E < 5, or one has E < 1.
   * The chi-square distribution then does not approximate X², and its p-value supports no claim.
   */
  sparse: boolean;
}

function assertTable(table: readonly (readonly number[])[]): number {
  const columns = table[0]?.length ?? 0;
  for (const row of table) {
    if (row.length !== columns) throw new RangeError('every row of the table must have the same number of columns');
    for (const count of row) {
      if (!Number.isFinite(count) || count < 0) throw new RangeError(`counts must be finite and non-negative, got ${count}`);
    }
  }
  return columns;
}

/**
 * Pearson chi-square test of independence for an r×c crosstab of counts (weighted counts are
 * accepted, but the test then assumes they are real counts; rescale to the effective base first).
 *
 * No Yates continuity correction: the statistic matches
 * scipy.stats.chi2_contingency(table, correction=False). Yates is conservative and only
 * defined for 2×2 tables, and survey tools (SPSS "Pearson Chi-Square") report the uncorrected value.
 *
 * Rows or columns that are entirely zero (an answer nobody gave, a segment with no one in it)
 * are left out of the statistic and the degrees of freedom, as SPSS does, instead of making
 * E = 0 divide by zero. Returns null when fewer than two non-empty rows or columns remain:
 * independence is then untestable. That includes a table with no rows or no columns (a wave
 * with no responses, a crosstab whose every column is withheld): no test, not an error.
 */
export function chiSquareIndependence(table: readonly (readonly number[])[]): ChiSquareResult | null {
  const columnCount = assertTable(table);
  const rowTotals = table.map((row) => row.reduce((sum, count) => sum + count, 0));
  const columnTotals = Array.from({ length: columnCount }, (_, column) =>
    table.reduce((sum, row) => sum + (row[column] ?? 0), 0),
  );
  const grandTotal = rowTotals.reduce((sum, total) => sum + total, 0);
  const nonEmptyRows = rowTotals.filter((total) => total > 0).length;
  const nonEmptyColumns = columnTotals.filter((total) => total > 0).length;

  const expected = rowTotals.map((rowTotal) =>
    columnTotals.map((columnTotal) => (grandTotal === 0 ? 0 : (rowTotal * columnTotal) / grandTotal)),
  );
  if (nonEmptyRows < 2 || nonEmptyColumns < 2) return null;

  let statistic = 0;
  let cellsWithExpectedBelow5 = 0;
  let cellsWithExpectedBelow1 = 0;
  table.forEach((row, r) => {
    row.forEach((observed, c) => {
      const e = expected[r]?.[c] ?? 0;
      if (e === 0) return; // an empty row or column
      statistic += ((observed - e) * (observed - e)) / e;
      if (e < 5) cellsWithExpectedBelow5 += 1;
      if (e < 1) cellsWithExpectedBelow1 += 1;
    });
  });
  const df = (nonEmptyRows - 1) * (nonEmptyColumns - 1);
  const cells = nonEmptyRows * nonEmptyColumns;
  return {
    statistic,
    df,
    pValue: chiSquareSurvival(statistic, df),
    expected,
    cellsWithExpectedBelow5,
    cellsWithExpectedBelow1,
    cells,
    sparse: cellsWithExpectedBelow5 > 0.2 * cells || cellsWithExpectedBelow1 > 0,
  };
}
