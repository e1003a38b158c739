import { twoSidedNormalPValue } from './distributions';
import { adjustPValues, type PValueAdjustment } from './multiple-comparisons';
import { roundedShare } from './significance';

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
  /**
   * Columns whose figures are withheld (too small a base to publish): they are neither tested
   * nor tested against, so no letter anywhere reveals what their figures would have shown.
   */
  withheldColumns?: readonly boolean[];
}

/** The two levels a letter reports, as SPSS Custom Tables and Q print them. */
export const SIGNIFICANCE_LEVELS = { lowerCase: 0.05, upperCase: 0.01 } as const;

export interface ColumnComparisonOptions {
  /**
   * 'none' tests every pair on its own p-value. 'bonferroni' multiplies each p-value by the
   * number of pairs compared within its row (SPSS Custom Tables' default): the chance of any false
   * letter in a row stays under the level. 'bh' (Benjamini-Hochberg, the default, as Q's "false
   * discovery rate") adjusts over every pairwise test of the table: among the letters shown, the
   * expected share of false ones stays under the level, without Bonferroni's loss of power on
   * wide banners.
   */
  adjustment?: PValueAdjustment;
}

export const DEFAULT_COLUMN_ADJUSTMENT: PValueAdjustment = 'bh';

export interface ColumnComparisonResult {
  /** Letters naming the columns: A, B, …, Z, AA, AB, … */
  columnLetters: string[];
  /**
   * markers[row][column]: letters of the columns whose proportion is significantly LOWER than this
   * cell's (SPSS / Q convention: the letter sits on the larger proportion), upper case when the
   * adjusted p-value is below 0.01, lower case when below 0.05.
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

interface PairTest {
  row: number;
  higher: number;
  lower: number;
  pValue: number;
}

/** The letter a significant pair prints: upper case below 0.01, lower case below 0.05, else none. */
function letterAt(letter: string, adjustedP: number): string | null {
  if (adjustedP < SIGNIFICANCE_LEVELS.upperCase) return letter.toUpperCase();
  if (adjustedP < SIGNIFICANCE_LEVELS.lowerCase) return letter.toLowerCase();
  return null;
}

/**
 * Column-proportion comparison markers for a crosstab: for each row, every pair of columns is
 * compared with a pooled two-proportion z-test (see twoProportionZTest), the p-values are adjusted
 * for multiple comparisons, and the column with the significantly larger share gets the other
 * column's letter. Columns with a zero base or withheld are not compared; nor are pairs where both
 * shares are 0 or both are 1 (nothing differs, no test is counted).
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
  const withheld = input.withheldColumns ?? [];
  if (columnBases.length !== columnCount || testBases.length !== columnCount || (input.withheldColumns && withheld.length !== columnCount)) {
    throw new RangeError('columnBases, effectiveBases and withheldColumns must have one entry per column');
  }
  const comparableColumns = [...Array(columnCount).keys()].filter(
    (c) => (columnBases[c] ?? 0) > 0 && (testBases[c] ?? 0) > 0 && withheld[c] !== true,
  );
  // Every row compares the same columns: Bonferroni's multiplier is the same for all.
  const rowPairs = (comparableColumns.length * (comparableColumns.length - 1)) / 2;

  const tests: PairTest[] = [];
  counts.forEach((row, r) => {
    const share = (c: number): number => roundedShare((row[c] ?? 0) / (columnBases[c] ?? 1));
    for (const [i, first] of comparableColumns.entries()) {
      for (const second of comparableColumns.slice(i + 1)) {
        const p1 = share(first);
        const p2 = share(second);
        const pValue = pooledPValue(p1, testBases[first] ?? 0, p2, testBases[second] ?? 0);
        if (pValue === null) continue;
        const [higher, lower] = p1 > p2 ? [first, second] : [second, first];
        tests.push({ row: r, higher, lower, pValue });
      }
    }
  });

  const adjustment = options.adjustment ?? DEFAULT_COLUMN_ADJUSTMENT;
  const adjusted =
    adjustment === 'bonferroni'
      ? tests.map((test) => Math.min(1, test.pValue * rowPairs))
      : adjustPValues(tests.map((test) => test.pValue), adjustment);

  const columnLetters = Array.from({ length: columnCount }, (_, c) => columnLetter(c));
  const markers = counts.map((row) => row.map((): string[] => []));
  tests.forEach((test, i) => {
    const letter = letterAt(columnLetters[test.lower] ?? '', adjusted[i] ?? 1);
    if (letter) markers[test.row]?.[test.higher]?.push(letter);
  });
  const order = (x: string, y: string) => x.length - y.length || x.localeCompare(y, 'en', { sensitivity: 'base' });
  for (const row of markers) for (const letters of row) letters.sort(order);
  return { columnLetters, markers };
}
