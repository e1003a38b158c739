import { assertFiniteValues, resolveWeights } from './weights-input';

/*
 * Descriptive statistics for numeric answers (scales, counts, amounts). Empty input gives
 * null rather than NaN so a report shows "no base" instead of a broken number.
 */

/** Arithmetic mean; null for no values. */
export function mean(values: readonly number[]): number | null {
  return weightedMean(values);
}

/** Weighted mean Σwx / Σw; null when there are no values or the weights sum to 0. */
export function weightedMean(values: readonly number[], weights?: readonly number[]): number | null {
  assertFiniteValues(values);
  const w = resolveWeights(values.length, weights);
  let sumOfWeights = 0;
  let weightedSum = 0;
  values.forEach((value, i) => {
    const weight = w[i] ?? 0;
    sumOfWeights += weight;
    weightedSum += weight * value;
  });
  return sumOfWeights === 0 ? null : weightedSum / sumOfWeights;
}

/**
 * Sample standard deviation, with the n − 1 (Bessel) denominator, as numpy.std(x, ddof=1) and
 * SPSS report it: the answers are a sample of the population the survey speaks for.
 * null below two values.
 */
export function sampleStandardDeviation(values: readonly number[]): number | null {
  if (values.length < 2) return null;
  return weightedStandardDeviation(values);
}

/**
 * Weighted standard deviation with frequency-weight semantics: √( Σw(x − x̄w)² / (Σw − 1) ),
 * the definition of SPSS and statsmodels DescrStatsW(...).std with ddof=1. It assumes the weights
 * are on the respondent scale (mean 1, as our weighting produces), so Σw is the sample size;
 * unweighted it reduces to sampleStandardDeviation. null when Σw ≤ 1.
 */
export function weightedStandardDeviation(values: readonly number[], weights?: readonly number[]): number | null {
  const centre = weightedMean(values, weights);
  if (centre === null) return null;
  const w = resolveWeights(values.length, weights);
  let sumOfWeights = 0;
  let sumOfSquares = 0;
  values.forEach((value, i) => {
    const weight = w[i] ?? 0;
    sumOfWeights += weight;
    sumOfSquares += weight * (value - centre) * (value - centre);
  });
  return sumOfWeights <= 1 ? null : Math.sqrt(sumOfSquares / (sumOfWeights - 1));
}

/**
 * Quantile by Hyndman & Fan's type 7 (linear interpolation between order statistics at
 * h = (n − 1)p), the default of numpy.quantile, R and Excel's PERCENTILE.INC; chosen so that
 * figures match what analysts get from those tools. null for no values.
 */
export function quantile(values: readonly number[], probability: number): number | null {
  assertFiniteValues(values);
  if (!(probability >= 0 && probability <= 1)) throw new RangeError(`probability must be in [0, 1], got ${probability}`);
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const position = (sorted.length - 1) * probability;
  const below = Math.floor(position);
  const lowerValue = sorted[below] ?? 0;
  const upperValue = sorted[Math.min(below + 1, sorted.length - 1)] ?? lowerValue;
  return lowerValue + (position - below) * (upperValue - lowerValue);
}

export interface Quartiles {
  q1: number;
  median: number;
  q3: number;
}

/** Median (type 7, which for the median is the usual middle value or mean of the two middle values). */
export function median(values: readonly number[]): number | null {
  return quantile(values, 0.5);
}

/** First quartile, median and third quartile by type 7 (see quantile). */
export function quartiles(values: readonly number[]): Quartiles | null {
  if (values.length === 0) return null;
  return { q1: quantile(values, 0.25) ?? 0, median: quantile(values, 0.5) ?? 0, q3: quantile(values, 0.75) ?? 0 };
}

/**
 * Weighted quantile by the inverted empirical CDF (type 1 generalised to weights): the smallest
 * value whose cumulative weight share reaches the probability. Interpolating definitions such as
 * type 7 have no agreed weighted form; this one is what numpy.quantile(x, p, weights=w,
 * method='inverted_cdf') computes, so a reviewer can check it. Zero-weight values are ignored.
 * null when there are no values with positive weight.
 */
export function weightedQuantile(values: readonly number[], weights: readonly number[], probability: number): number | null {
  assertFiniteValues(values);
  if (!(probability >= 0 && probability <= 1)) throw new RangeError(`probability must be in [0, 1], got ${probability}`);
  const w = resolveWeights(values.length, weights);
  const pairs = values
    .map((value, i) => ({ value, weight: w[i] ?? 0 }))
    .filter((pair) => pair.weight > 0)
    .sort((a, b) => a.value - b.value);
  if (pairs.length === 0) return null;
  const cumulative: number[] = [];
  let running = 0;
  for (const pair of pairs) {
    running += pair.weight;
    cumulative.push(running);
  }
  const total = running;
  // Same arithmetic as numpy (cumsum, then divide by the total) so ties at a boundary agree.
  const index = cumulative.findIndex((c) => c / total >= probability);
  return pairs[index === -1 ? pairs.length - 1 : index]?.value ?? null;
}

export function weightedMedian(values: readonly number[], weights: readonly number[]): number | null {
  return weightedQuantile(values, weights, 0.5);
}

export function weightedQuartiles(values: readonly number[], weights: readonly number[]): Quartiles | null {
  const median = weightedQuantile(values, weights, 0.5);
  if (median === null) return null;
  return {
    q1: weightedQuantile(values, weights, 0.25) ?? median,
    median,
    q3: weightedQuantile(values, weights, 0.75) ?? median,
  };
}
