// The bins of a number question's histogram. The live counters keep one count per bin, so bins
// must be known before any answer arrives: they come from the question's definition alone (its
// min, max and integer), never from the data, and a recompute from the responses counts the same
// bins (contribution.ts). A question without both min and max has no bins in its counters; a
// recompute, which holds every value, bins the values themselves (dataBins).
import { snapToDecimal } from '../format/decimal-rounding';
import type { TNumberQuestion } from '../../surveys/survey.schemas';

/** Whole numbers over at most this many values get one bin each (days a week: 0…7). */
const MAX_VALUE_BINS = 20;
/** Otherwise a defined range is cut in this many equal ranges. */
const EQUAL_BINS = 10;
/** Bins computed from the data: Sturges' number, never more than this. */
const MAX_DATA_BINS = 20;

/**
 * perValue: one bin per value `start`, `start + 1`, … (`count` of them).
 * Otherwise `count` ranges of `width` from `start`, each [from, to) except the last, [from, end].
 */
export interface BinLayout {
  perValue: boolean;
  start: number;
  width: number;
  count: number;
  end: number;
}

/** A bin's bounds: from = to for a single value. */
export interface NumberBin {
  from: number;
  to: number;
}

function perValue(start: number, count: number): BinLayout {
  return { perValue: true, start, width: 1, count, end: start + count - 1 };
}

/** The bins a question's counters keep: absent unless the question has both min and max. */
export function definitionBins(question: Pick<TNumberQuestion, 'min' | 'max' | 'integer'>): BinLayout | undefined {
  const { min, max } = question;
  if (min === undefined || max === undefined) return undefined;
  if (question.integer) {
    const low = Math.ceil(min);
    const high = Math.floor(max);
    if (high >= low && high - low + 1 <= MAX_VALUE_BINS) return perValue(low, high - low + 1);
  }
  if (min === max) return perValue(min, 1);
  return { perValue: false, start: min, width: (max - min) / EQUAL_BINS, count: EQUAL_BINS, end: max };
}

/** The smallest of 1, 2, 5 × 10^k at least `raw`: bins whose bounds read well ("10–20"). */
function niceWidth(raw: number): number {
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].find((m) => m * power >= raw * (1 - 1e-12)) ?? 10;
  return snapToDecimal(step * power);
}

/**
 * Bins for values seen (a recompute of a question without a defined range): one per value for
 * whole numbers spanning at most 20 values, else Sturges' number of bins (⌈log₂ n⌉ + 1, at most
 * 20) of a round width (1, 2 or 5 × 10^k) starting at a multiple of that width.
 */
export function dataBins(values: readonly number[]): BinLayout | undefined {
  if (values.length === 0) return undefined;
  let low = Infinity;
  let high = -Infinity;
  for (const value of values) {
    low = Math.min(low, value);
    high = Math.max(high, value);
  }
  if (values.every(Number.isInteger) && high - low + 1 <= MAX_VALUE_BINS) return perValue(low, high - low + 1);
  if (low === high) return perValue(low, 1);
  const sturges = Math.min(MAX_DATA_BINS, Math.ceil(Math.log2(values.length)) + 1);
  const width = niceWidth((high - low) / sturges);
  const start = snapToDecimal(Math.floor(snapToDecimal(low / width)) * width);
  const count = Math.max(1, Math.ceil(snapToDecimal((high - start) / width)));
  return { perValue: false, start, width, count, end: snapToDecimal(start + count * width) };
}

/** The bin a value falls in, or undefined outside the bins. */
export function binIndex(layout: BinLayout, value: number): number | undefined {
  if (!(value >= layout.start && value <= layout.end)) return undefined;
  if (layout.perValue) {
    const offset = snapToDecimal(value - layout.start);
    return Number.isInteger(offset) && offset < layout.count ? offset : undefined;
  }
  // The top of the range belongs to the last bin, which is closed.
  return Math.min(layout.count - 1, Math.floor(snapToDecimal((value - layout.start) / layout.width)));
}

export function binsOf(layout: BinLayout): NumberBin[] {
  return Array.from({ length: layout.count }, (_, i) => {
    if (layout.perValue) return { from: layout.start + i, to: layout.start + i };
    const from = snapToDecimal(layout.start + i * layout.width);
    return { from, to: i === layout.count - 1 ? layout.end : snapToDecimal(layout.start + (i + 1) * layout.width) };
  });
}
