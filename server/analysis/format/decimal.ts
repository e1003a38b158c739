// Decimal numbers for display (means, weighted counts, points of change, p-values): rounded half
// away from zero on the decimal value, as percentages are (decimal-rounding.ts says why), with the
// decimal comma in French. The report, its statements and the dashboard all print through it.
import { roundHalfAwayFromZero } from './decimal-rounding';
import type { DisplayLocale } from './percent';

/** 3.257 → "3.26" (en) or "3,26" (fr) with 2 digits; 2.675 → "2.68", where toFixed says "2.67". */
export function formatDecimal(value: number, digits: number, locale: DisplayLocale): string {
  const text = roundHalfAwayFromZero(value, digits).toFixed(digits);
  return locale === 'fr' ? text.replace('.', ',') : text;
}
