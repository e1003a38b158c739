// Quantiles remembered by their exact inputs, so a repeat returns the very same number.
// - Student's t: the design errors ask for the same ones over and over within one view: every
//   option of a question shares its base's degrees of freedom, every Korn-Graubard interval of a
//   calibrated wave uses t on the wave's rows − 1, and a crosstab repeats it all per column.
// - Beta (Korn-Graubard's bounds): within a view they hardly repeat, but a wave whose responses do
//   not change (fieldwork over, a report read again and again, a dashboard refreshed) asks for
//   the same ones on every view, and they are the largest part of a weighted view's errors.
// Each is an iterative inversion in stdlib (5-30 µs); a lookup is a fraction of a microsecond.
import betaQuantileOf from '@stdlib/stats-base-dists-beta-quantile';
import tQuantileOf from '@stdlib/stats-base-dists-t-quantile';

/** Per kind of quantile: a few views' worth of figures; past it the memory starts again from empty rather than grow. */
const MAX_REMEMBERED = 8192;

/** Nested maps on the exact inputs (a string key would cost more than some lookups save). */
class Remembered {
  private readonly byFirst = new Map<number, Map<number, Map<number, number>>>();
  private size = 0;

  get(first: number, second: number, third: number): number | undefined {
    return this.byFirst.get(first)?.get(second)?.get(third);
  }

  set(first: number, second: number, third: number, value: number): void {
    if (this.size >= MAX_REMEMBERED) this.clear();
    let bySecond = this.byFirst.get(first);
    if (!bySecond) {
      bySecond = new Map();
      this.byFirst.set(first, bySecond);
    }
    let byThird = bySecond.get(second);
    if (!byThird) {
      byThird = new Map();
      bySecond.set(second, byThird);
    }
    byThird.set(third, value);
    this.size += 1;
  }

  clear(): void {
    this.byFirst.clear();
    this.size = 0;
  }
}

const tQuantiles = new Remembered();
const betaQuantiles = new Remembered();

/** The t quantile at `probability` on `df` degrees of freedom: @stdlib/stats-base-dists-t-quantile's, remembered. */
export function tQuantile(probability: number, df: number): number {
  const known = tQuantiles.get(probability, df, 0);
  if (known !== undefined) return known;
  const quantile = tQuantileOf(probability, df);
  tQuantiles.set(probability, df, 0, quantile);
  return quantile;
}

/** The Beta(a, b) quantile at `probability`: @stdlib/stats-base-dists-beta-quantile's, remembered. */
export function betaQuantile(probability: number, a: number, b: number): number {
  const known = betaQuantiles.get(probability, a, b);
  if (known !== undefined) return known;
  const quantile = betaQuantileOf(probability, a, b);
  betaQuantiles.set(probability, a, b, quantile);
  return quantile;
}

/** Forgets every remembered quantile: a benchmark measures a view of a wave that just changed. */
export function forgetQuantiles(): void {
  tQuantiles.clear();
  betaQuantiles.clear();
}
