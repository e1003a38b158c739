// Running statistics shared by the accumulators ($group, windows) and their expression forms
// ($stdDevPop: [...], $median: {...}): mongod computes both with the same accumulator classes, so
// one implementation keeps the two answering alike.
import { makeDouble } from '../../bson/index';

/** Welford's algorithm over numbers; the result is a double, null without enough values. */
export class RunningDeviation {
  private count = 0;
  private mean = 0;
  private squares = 0;

  add(x: number): void {
    this.count += 1;
    const delta = x - this.mean;
    this.mean += delta / this.count;
    this.squares += delta * (x - this.mean);
  }

  result(sample: boolean): unknown {
    const divisor = sample ? this.count - 1 : this.count;
    if (this.count === 0 || divisor <= 0) return null;
    return makeDouble(Math.sqrt(this.squares / divisor));
  }
}

/**
 * mongod 7.0's percentile on sorted numbers: a value of the data, never an interpolation, the one
 * at rank ceil(p * n) - 1 clamped to the data (the median of [1, 2, 3, 4] is 2).
 */
export function discretePercentile(sortedValues: readonly number[], p: number): number {
  const n = sortedValues.length;
  const rank = p >= 1 ? n - 1 : p <= 0 ? 0 : Math.max(0, Math.ceil(p * n) - 1);
  return sortedValues[rank]!;
}
