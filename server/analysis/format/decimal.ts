// Decimal numbers for display (means, weighted counts, points of change, p-values): rounded half
// away from zero on the decimal value, as percentages are (decimal-rounding.ts says why), with the
// decimal comma in French. The report, its statements and the dashboard all print through it, and
// word a change in points and a p-value the same way through the helpers below.
import { roundHalfAwayFromZero } from './decimal-rounding';
import type { DisplayLocale } from './percent';

/** 3.257 → "3.26" (en) or "3,26" (fr) with 2 digits; 2.675 → "2.68", where toFixed says "2.67". */
export function formatDecimal(value: number, digits: number, locale: DisplayLocale): string {
  const text = roundHalfAwayFromZero(value, digits).toFixed(digits);
  return locale === 'fr' ? text.replace('.', ',') : text;
}

/**
 * A difference, always signed by what is printed: 0.123 → "+0.12", −0.5 → "−0.50", and a
 * difference that rounds to zero → "±0.00", whichever its sign (never "−0.00").
 */
export function formatSignedDecimal(difference: number, digits: number, locale: DisplayLocale): string {
  const rounded = roundHalfAwayFromZero(difference, digits);
  const sign = rounded > 0 ? '+' : rounded < 0 ? '−' : '±';
  return `${sign}${formatDecimal(Math.abs(rounded), digits, locale)}`;
}

/** A difference of proportions in percentage points, signed as printed: 0.05 → "+5.0", −0.025 → "−2.5", −0.0001 → "±0.0". */
export function formatPoints(difference: number, locale: DisplayLocale): string {
  return formatSignedDecimal(difference * 100, 1, locale);
}

/** A p-value with three decimals, or "< 0.001" ("< 0,001"). */
export function formatPValue(p: number, locale: DisplayLocale): string {
  return p < 0.001 ? `< ${formatDecimal(0.001, 3, locale)}` : formatDecimal(p, 3, locale);
}
