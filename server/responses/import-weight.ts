// A design weight as a file gives it: a response import's `weight` (JSON Lines or CSV) or a panel
// file's weight column. One reader for every file, so a value refused in one is refused in all,
// for the same reason (docs/design-weights.md).

/**
 * The largest weight taken. A design weight is the inverse of a selection probability: a million
 * means one respondent in a million drawn, which no survey run here does; such a figure is far
 * more likely a typo (an id pasted in the wrong column, a missing decimal point).
 */
export const MAX_DESIGN_WEIGHT = 1_000_000;

/** A plain decimal number, with an optional exponent: what a spreadsheet or a program writes. */
const DECIMAL = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
/** A decimal comma ("1,5"), as a French spreadsheet writes: ambiguous with a thousands separator. */
const DECIMAL_COMMA = /^[+-]?\d+,\d+$/;

/** No weight (absent, null, blank), a weight, or why the value is not one (for the import's report). */
export type DesignWeightReading = { kind: 'none' } | { kind: 'weight'; weight: number } | { kind: 'refused'; reason: string };

function numberOf(value: unknown): number | string {
  if (typeof value === 'number') return value;
  if (typeof value !== 'string') {
    const what = Array.isArray(value) ? 'a list' : typeof value === 'object' ? 'an object' : `a ${typeof value}`;
    return `is ${what}: a weight is a positive number`;
  }
  const text = value.trim();
  if (DECIMAL_COMMA.test(text)) return `has a decimal comma: write it with a point (${text.replace(',', '.')}); a comma could also be a thousands separator`;
  if (!DECIMAL.test(text)) return 'is not a number: a weight is a positive number, e.g. 1.25';
  return Number(text);
}

/**
 * Reads a design weight: a finite number above 0 and at most MAX_DESIGN_WEIGHT, given as a number
 * or as decimal text. Blank means no weight (a CSV's empty cell), never 1 nor 0.
 */
export function readDesignWeight(value: unknown): DesignWeightReading {
  if (value === undefined || value === null || (typeof value === 'string' && value.trim() === '')) return { kind: 'none' };
  const number = numberOf(value);
  if (typeof number === 'string') return { kind: 'refused', reason: number };
  // JSON.parse reads 1e309 as Infinity; text such as "Infinity" or "NaN" never reaches here.
  if (!Number.isFinite(number)) return { kind: 'refused', reason: 'is not a finite number: a weight is a positive number' };
  if (number <= 0) return { kind: 'refused', reason: 'is not above 0: a weight is a positive number (a respondent who should not count is left out of the file)' };
  if (number > MAX_DESIGN_WEIGHT) return { kind: 'refused', reason: `is above ${MAX_DESIGN_WEIGHT}: more likely a typo than a weight` };
  return { kind: 'weight', weight: number };
}
