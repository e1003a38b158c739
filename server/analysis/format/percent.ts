import { formatDecimal } from './decimal';
import { decimalsOf, floorToStep, roundToStep, snapToDecimal } from './decimal-rounding';

export type DisplayLocale = 'fr' | 'en';

export interface PercentFormat {
  /** Decimal places shown; default 0 (whole percents, as the CAP-TIC article prints most figures). */
  decimals?: number;
  /** Default 'fr': French first. */
  locale?: DisplayLocale;
  /** 'nearest' (default) rounds half away from zero; 'down' floors ("over 50%" statements, F4). */
  round?: 'nearest' | 'down';
  /** Round to a multiple of this many percentage points, e.g. 10; default one unit of the last decimal. */
  step?: number;
  /** Append the percent sign (default true). */
  symbol?: boolean;
}

/** French puts a narrow no-break space (U+202F) before the percent sign; English puts none. */
const PERCENT_SUFFIX: Record<DisplayLocale, string> = { fr: '\u202F%', en: '%' };
const MAX_DECIMALS = 6;
/** A proportion this far outside [0, 1] is a bug, not floating-point residue. */
const RANGE_SLACK = 1e-9;

/**
 * Formats a share (a proportion in [0, 1], computed in full precision) as a percentage for
 * display. Rounding happens only here, per figure, as the report's statement asks.
 *
 * - Rounds half away from zero on the decimal value: 0.895 → "90" (0 decimals), "89.5" (1);
 *   0.285 → "29" (see decimal-rounding.ts for why this needs care).
 * - A share above 0 that would print as 0 prints as "<1" (or "<0.1" with one decimal, "<10"
 *   with step 10): a reader must not take "0%" to mean nobody. Only exactly 0 prints "0".
 * - round 'down' with step 10 floors to a multiple of 10: 0.532 → "50".
 */
export function formatPercent(proportion: number, format: PercentFormat = {}): string {
  const decimals = format.decimals ?? 0;
  const locale = format.locale ?? 'fr';
  if (!Number.isInteger(decimals) || decimals < 0 || decimals > MAX_DECIMALS) {
    throw new RangeError(`decimals must be an integer from 0 to ${MAX_DECIMALS}, got ${decimals}`);
  }
  const step = format.step ?? 10 ** -decimals;
  if (!(step > 0) || !Number.isFinite(step)) throw new RangeError(`step must be a positive number, got ${step}`);
  if (!Number.isFinite(proportion) || proportion < -RANGE_SLACK || proportion > 1 + RANGE_SLACK) {
    throw new RangeError(`a share must be a proportion in [0, 1], got ${proportion}`);
  }

  const share = Math.min(1, Math.max(0, proportion));
  const percent = snapToDecimal(share * 100);
  const rounded = format.round === 'down' ? floorToStep(percent, step) : roundToStep(percent, step);
  const shownDecimals = Math.max(decimals, decimalsOf(step));
  const suffix = format.symbol === false ? '' : PERCENT_SUFFIX[locale];

  if (rounded === 0 && share > 0) return `<${formatDecimal(step, shownDecimals, locale)}${suffix}`;
  return `${formatDecimal(rounded, shownDecimals, locale)}${suffix}`;
}

/** A 95 % interval as the report and the dashboard print it: "38,2 % – 50,1 %", one decimal. */
export function formatInterval([low, high]: readonly [number, number], locale: DisplayLocale): string {
  return `${formatPercent(low, { locale, decimals: 1 })} – ${formatPercent(high, { locale, decimals: 1 })}`;
}
