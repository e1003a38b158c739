import { expect } from 'chai';
import { wilsonInterval } from '../../../../server/analysis/stats/proportion';
import { kishDesignEffect, kishEffectiveSampleSize } from '../../../../server/analysis/stats/design-effect';
import { expectAllClose, expectClose } from '../expect-close';

describe('analysis/stats: Wilson interval', () => {
  /*
   * Reference (scipy 1.17):
   *   from scipy.stats import binomtest
   *   for k, n in [(235,250),(0,250),(250,250),(1,3),(179,200),(57,200)]:
   *       ci = binomtest(k, n).proportion_ci(method='wilson'); print(k, n, repr(ci.low), repr(ci.high))
   */
  const references: Array<[number, number, number, number]> = [
    [235, 250, 0.9033771072831173, 0.9633055891608916], // F1: 94% of 250
    [1, 3, 0.06149194472039626, 0.7923403991979523],
    [179, 200, 0.8448196800887696, 0.9302925120731899], // F17: 89.5%
    [57, 200, 0.22695003004617284, 0.35115346029605166],
  ];
  for (const [successes, n, lower, upper] of references) {
    it(`matches scipy for ${successes} of ${n}`, () => {
      expectAllClose(wilsonInterval(successes, n), [lower, upper]);
    });
  }

  it('gives a lower bound of exactly 0 when nobody said yes (p = 0)', () => {
    const interval = wilsonInterval(0, 250);
    expect(interval?.[0]).to.equal(0);
    expectClose(interval?.[1], 0.015133299495444575);
  });

  it('gives an upper bound of exactly 1 when everybody said yes (p = 1)', () => {
    const interval = wilsonInterval(250, 250);
    expectClose(interval?.[0], 0.9848667005045555);
    expect(interval?.[1]).to.equal(1);
  });

  it('returns null for an empty base (n = 0) instead of NaN bounds', () => {
    expect(wilsonInterval(0, 0)).to.equal(null);
  });

  it('rejects more successes than respondents, and negative counts', () => {
    expect(() => wilsonInterval(3, 2)).to.throw(RangeError, /cannot exceed/);
    expect(() => wilsonInterval(-1, 2)).to.throw(RangeError);
    expect(() => wilsonInterval(Number.NaN, 2)).to.throw(RangeError);
  });

  it('is narrower at 90% (smaller z) than at the 95% default', () => {
    const at95 = wilsonInterval(50, 100);
    const at90 = wilsonInterval(50, 100, 1.6448536269514722);
    expect(at90?.[0]).to.be.greaterThan(at95?.[0] ?? 1);
    expect(at90?.[1]).to.be.lessThan(at95?.[1] ?? 0);
  });
});

describe('analysis/stats: Kish effective sample size and design effect', () => {
  /*
   * Reference (numpy 2.4):
   *   import numpy as np
   *   w = np.array([0.5,1.5,1.0,2.0,0.8,1.2,0.7,1.3,0.9,1.1])
   *   print(repr(w.sum()**2/(w**2).sum()), repr(len(w)*(w**2).sum()/w.sum()**2))
   */
  const weights = [0.5, 1.5, 1.0, 2.0, 0.8, 1.2, 0.7, 1.3, 0.9, 1.1];

  it('computes n_eff = (Σw)²/Σw² and deff = n·Σw²/(Σw)²', () => {
    expectClose(kishEffectiveSampleSize(weights), 8.780841799709723);
    expectClose(kishDesignEffect(weights), 1.1388429752066116);
  });

  it('gives n_eff = n and deff = 1 for equal weights', () => {
    expectClose(kishEffectiveSampleSize([2, 2, 2, 2]), 4);
    expectClose(kishDesignEffect([2, 2, 2, 2]), 1);
  });

  it('has no design effect for no weights or all-zero weights', () => {
    expect(kishEffectiveSampleSize([])).to.equal(0);
    expect(kishDesignEffect([])).to.equal(null);
    expect(kishDesignEffect([0, 0])).to.equal(null);
    expect(() => kishEffectiveSampleSize([1, -1])).to.throw(RangeError);
  });
});
