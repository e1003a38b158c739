/*
 * Rounding for display. Binary floating point cannot hold most decimal fractions, so a share
 * computed as 179/200 times 100 is 89.49999999999999, and a naive Math.round or toFixed rounds
 * the published 89.5% down. We first snap the value to 12 significant digits, which drops that
 * residue (it sits around the 16th digit) while keeping far more precision than any survey
 * figure carries, then round the now-exact decimal.
 */

const SIGNIFICANT_DIGITS = 12;

/** Snaps a value to 12 significant digits to drop binary representation residue. */
export function snapToDecimal(value: number): number {
  if (value === 0 || !Number.isFinite(value)) return value;
  return Number(value.toPrecision(SIGNIFICANT_DIGITS));
}

/** Rounds half away from zero at `decimals` places: 89.45 → 89.5 (1 place), 28.5 → 29, −2.5 → −3. */
export function roundHalfAwayFromZero(value: number, decimals: number): number {
  const factor = 10 ** decimals;
  const scaled = snapToDecimal(snapToDecimal(value) * factor);
  return snapToDecimal((Math.sign(scaled) * Math.floor(Math.abs(scaled) + 0.5)) / factor);
}

/** Rounds to the nearest multiple of step, halves away from zero (step 5: 52.5 → 55). */
export function roundToStep(value: number, step: number): number {
  const multiples = snapToDecimal(snapToDecimal(value) / step);
  return snapToDecimal(Math.sign(multiples) * Math.floor(Math.abs(multiples) + 0.5) * step);
}

/** Floors to a multiple of step (step 10: 53.2 → 50; 0.7 with step 0.1 stays 0.7). */
export function floorToStep(value: number, step: number): number {
  return snapToDecimal(Math.floor(snapToDecimal(snapToDecimal(value) / step)) * step);
}

/** Number of decimal places a step needs to print: 10 → 0, 0.5 → 1, 0.25 → 2. */
export function decimalsOf(step: number): number {
  const text = String(snapToDecimal(step));
  if (text.includes('e-')) return Number(text.split('e-')[1]);
  return text.split('.')[1]?.length ?? 0;
}
