import { DEFAULT_ALPHA } from './significance';
import { twoSidedNormalPValue } from './distributions';

export interface ColumnComparisonInput {
  /** counts[row][column]: respondents (or weighted respondents) in the column who gave the row's answer. */
  counts: readonly (readonly number[])[];
  /**
   * The base of each column. Defaults to the column sums, which is right for a single-choice
   * question; a multi-select question must pass the number of respondents per column since its
   * answers add up to more than the base.
   */
  columnBases?: readonly number[];
  /** Kish effective sample sizes per column, for weighted counts; the test then uses them as n. */
  effectiveBases?: readonly number[];
}

export interface ColumnComparisonOptions {
  alpha?: number;
  /**
   * 'none' (default) tests every pair at alpha. 'bonferroni' divides alpha by the number of
   * pairs compared within a row, as SPSS Custom Tables does by default, to hold the chance of
   * any false marker in the row at alpha.
   */
  adjustment?: 'none' | 'bonferroni';
}

export interface ColumnComparisonResult {
  /** Letters naming the columns: A, B, …, Z, AA, AB, … */
  columnLetters: string[];
  /**
   * markers[row][column]: letters of the columns whose proportion is significantly LOWER
   * than this cell's (SPSS / Q convention: the letter sits on the larger proportion).
   */
  markers: string[][][];
}

/** Spreadsheet-style column letters: 0 → A, 25 → Z, 26 → AA. */
export function columnLetter(index: number): string {
  let letters = '';
  let remaining = index + 1;
  while (remaining > 0) {
    const digit = (remaining - 1) % 26;
    letters = String.fromCharCode(65 + digit) + letters;
    remaining = Math.floor((remaining - 1) / 26);
  }
  return letters;
}

function pooledPValue(p1: number, n1: number, p2: number, n2: number): number | null {
  const pooled = (n1 * p1 + n2 * p2) / (n1 + n2);
  const standardError = Math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2));
  if (standardError === 0) return null;
  return twoSidedNormalPValue((p1 - p2) / standardError);
}

/**
 * Column-proportion comparison markers for a crosstab: for each row, every pair of columns is
 * compared with a pooled two-proportion z-test (see twoProportionZTest), and the column with the
 * significantly larger share gets the other column's letter. Columns with a zero base are not
 * compared; nor are pairs where both shares are 0 or both are 1 (nothing differs).
 */
export function compareColumnProportions(
  input: ColumnComparisonInput,
  options: ColumnComparisonOptions = {},
): ColumnComparisonResult {
  const { counts } = input;
  const columnCount = counts[0]?.length ?? 0;
  for (const row of counts) {
    if (row.length !== columnCount) throw new RangeError('every row must have the same number of columns');
  }
  const columnBases =
    input.columnBases ?? Array.from({ length: columnCount }, (_, c) => counts.reduce((s, row) => s + (row[c] ?? 0), 0));
  const testBases = input.effectiveBases ?? columnBases;
  if (columnBases.length !== columnCount || testBases.length !== columnCount) {
    throw new RangeError('columnBases and effectiveBases must have one entry per column');
  }
  const alpha = options.alpha ?? DEFAULT_ALPHA;
  if (!(alpha > 0 && alpha < 1)) throw new RangeError(`alpha must be in (0, 1), got ${alpha}`);

  const comparableColumns = [...Array(columnCount).keys()].filter(
    (c) => (columnBases[c] ?? 0) > 0 && (testBases[c] ?? 0) > 0,
  );
  const pairCount = (comparableColumns.length * (comparableColumns.length - 1)) / 2;
  const threshold = options.adjustment === 'bonferroni' && pairCount > 0 ? alpha / pairCount : alpha;
  const columnLetters = Array.from({ length: columnCount }, (_, c) => columnLetter(c));

  const markers = counts.map((row) => {
    const cellMarkers: string[][] = row.map(() => []);
    const share = (c: number): number => (row[c] ?? 0) / (columnBases[c] ?? 1);
    for (const [i, first] of comparableColumns.entries()) {
      for (const second of comparableColumns.slice(i + 1)) {
        const p1 = share(first);
        const p2 = share(second);
        const pValue = pooledPValue(p1, testBases[first] ?? 0, p2, testBases[second] ?? 0);
        if (pValue === null || !(pValue < threshold)) continue;
        const [higher, lower] = p1 > p2 ? [first, second] : [second, first];
        cellMarkers[higher]?.push(columnLetters[lower] ?? '');
      }
    }
    for (const letters of cellMarkers) letters.sort((x, y) => x.length - y.length || x.localeCompare(y));
    return cellMarkers;
  });
  return { columnLetters, markers };
}
