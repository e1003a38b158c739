import { expect } from 'chai';
import {
  mean,
  median,
  quantile,
  quartiles,
  sampleStandardDeviation,
  weightedMean,
  weightedMedian,
  weightedQuantile,
  weightedQuartiles,
  weightedStandardDeviation,
} from '../../../../server/analysis/stats/descriptive';
import { expectClose } from '../expect-close';

/*
 * Reference (numpy 2.4):
 *   import numpy as np
 *   x = np.array([3,5,1,4,4,2,5,5,3,4,1,5], dtype=float)
 *   w = np.array([0.8,1.2,1.5,0.6,1.0,1.1,0.9,1.4,0.7,1.3,0.5,1.0])
 *   print(repr(x.mean()), repr(x.std(ddof=1)), [repr(np.quantile(x, q)) for q in (0.25, 0.5, 0.75, 0.1, 0.9)])
 *   xe = np.array([2.5,7.1,3.3,9.0,4.4,1.2,6.8])
 *   print([repr(np.quantile(xe, q)) for q in (0.25, 0.5, 0.75, 0.33)], repr(xe.std(ddof=1)), repr(xe.mean()))
 *   wm = np.average(x, weights=w); print(repr(wm), repr(np.sqrt((w*(x - wm)**2).sum()/(w.sum() - 1))))
 *   print([np.quantile(x, q, weights=w, method='inverted_cdf') for q in (0.25, 0.5, 0.75)])
 *   print([np.quantile([1.,2,3,4], q, weights=[1.,1,1,1], method='inverted_cdf') for q in (0.25, 0.5, 0.75)])
 */
const x = [3, 5, 1, 4, 4, 2, 5, 5, 3, 4, 1, 5];
const w = [0.8, 1.2, 1.5, 0.6, 1.0, 1.1, 0.9, 1.4, 0.7, 1.3, 0.5, 1.0];
const xe = [2.5, 7.1, 3.3, 9.0, 4.4, 1.2, 6.8];

describe('analysis/stats: mean and standard deviation', () => {
  it('matches numpy for the mean and the n − 1 standard deviation', () => {
    expectClose(mean(x), 3.5);
    expectClose(sampleStandardDeviation(x), 1.5075567228888183);
    expectClose(mean(xe), 4.8999999999999995);
    expectClose(sampleStandardDeviation(xe), 2.8142494558940574);
  });

  it('matches the weighted mean and the frequency-weighted SD (Σw − 1 denominator)', () => {
    expectClose(weightedMean(x, w), 3.566666666666667);
    expectClose(weightedStandardDeviation(x, w), 1.54174242238115);
  });

  it('reduces to the unweighted figures with unit weights', () => {
    const ones = x.map(() => 1);
    expectClose(weightedMean(x, ones), 3.5);
    expectClose(weightedStandardDeviation(x, ones), 1.5075567228888183);
  });

  it('returns null instead of NaN when there is nothing to describe', () => {
    expect(mean([])).to.equal(null);
    expect(sampleStandardDeviation([4])).to.equal(null);
    expect(weightedMean([1, 2], [0, 0])).to.equal(null);
  });

  it('rejects non-finite values and mismatched weights', () => {
    expect(() => mean([1, Number.NaN])).to.throw(RangeError);
    expect(() => weightedMean([1, 2], [1])).to.throw(RangeError, /expected 2 weights/);
    expect(() => weightedMean([1, 2], [1, -1])).to.throw(RangeError);
  });
});

describe('analysis/stats: quantiles (type 7, numpy default)', () => {
  it('matches numpy.quantile on an even-sized sample with ties', () => {
    expect(quartiles(x)).to.deep.equal({ q1: 2.75, median: 4, q3: 5 });
    expectClose(quantile(x, 0.1), 1.1);
    expectClose(quantile(x, 0.9), 5);
  });

  it('matches numpy.quantile on an odd-sized sample, interpolating between order statistics', () => {
    expectClose(quantile(xe, 0.25), 2.9);
    expectClose(median(xe), 4.4);
    expectClose(quantile(xe, 0.75), 6.949999999999999);
    expectClose(quantile(xe, 0.33), 3.284);
  });

  it('returns the extremes at 0 and 1 and null for no values', () => {
    expect(quantile(xe, 0)).to.equal(1.2);
    expect(quantile(xe, 1)).to.equal(9);
    expect(median([])).to.equal(null);
    expect(() => quantile(xe, 1.5)).to.throw(RangeError);
  });
});

describe('analysis/stats: weighted quantiles (inverted CDF, numpy method="inverted_cdf")', () => {
  it('matches numpy on weighted scale answers', () => {
    expect(weightedQuartiles(x, w)).to.deep.equal({ q1: 2, median: 4, q3: 5 });
  });

  it('takes the lower value at an exact cumulative boundary, as numpy does', () => {
    expect(weightedQuartiles([1, 2, 3, 4], [1, 1, 1, 1])).to.deep.equal({ q1: 1, median: 2, q3: 3 });
  });

  it('ignores zero-weight values and returns null when no weight is left', () => {
    expect(weightedMedian([100, 1, 2, 3], [0, 1, 1, 1])).to.equal(2);
    expect(weightedQuantile([1, 2], [0, 0], 0.5)).to.equal(null);
  });
});
