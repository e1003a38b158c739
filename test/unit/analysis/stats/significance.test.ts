import { expect } from 'chai';
import { twoProportionZTest, weightedTwoProportionZTest } from '../../../../server/analysis/stats/significance';
import { expectClose } from '../expect-close';

describe('analysis/stats: pooled two-proportion z-test', () => {
  /*
   * Reference (numpy 2.4, scipy 1.17), from the formula:
   *   import numpy as np; from scipy.stats import norm
   *   def zt(p1, n1, p2, n2):
   *       p = (n1*p1 + n2*p2)/(n1 + n2); se = np.sqrt(p*(1-p)*(1/n1 + 1/n2)); z = (p1 - p2)/se
   *       return repr(z), repr(2*norm.sf(abs(z)))
   *   print(zt(179/200, 200, 150/190, 190)); print(zt(88/250, 250, 100/240, 240))
   *   print(zt(5/1000, 1000, 60/1000, 1000)); print(zt(0.62, 180.5, 0.55, 160.25))
   */
  it('detects a significant wave-over-wave rise (89.5% of 200 vs 150 of 190)', () => {
    const result = twoProportionZTest({ successes: 179, n: 200 }, { successes: 150, n: 190 });
    expectClose(result?.z, 2.8676227116031745);
    expectClose(result?.pValue, 0.004135683897352496);
    expectClose(result?.difference, 179 / 200 - 150 / 190);
    expect(result?.significant).to.equal(true);
  });

  it('reports a non-significant segment difference (88/250 vs 100/240) with a negative z', () => {
    const result = twoProportionZTest({ successes: 88, n: 250 }, { successes: 100, n: 240 });
    expectClose(result?.z, -1.4715388904544655);
    expectClose(result?.pValue, 0.14114543808913219);
    expect(result?.significant).to.equal(false);
  });

  it('keeps precision for a very small p-value', () => {
    const result = twoProportionZTest({ successes: 5, n: 1000 }, { successes: 60, n: 1000 });
    expectClose(result?.z, -6.935543888694065);
    expectClose(result?.pValue, 4.046612384924358e-12);
  });

  it('uses the given alpha: p = 0.141 is significant at alpha 0.2 but not at 0.05', () => {
    const a = { successes: 88, n: 250 };
    const b = { successes: 100, n: 240 };
    expect(twoProportionZTest(a, b, { alpha: 0.2 })?.significant).to.equal(true);
    expect(twoProportionZTest(a, b)?.significant).to.equal(false);
  });

  it('tests weighted proportions on their effective sample sizes', () => {
    const result = weightedTwoProportionZTest({ proportion: 0.62, nEff: 180.5 }, { proportion: 0.55, nEff: 160.25 });
    expectClose(result?.z, 1.3098939108317784);
    expectClose(result?.pValue, 0.19023172736275784);
    expect(result?.significant).to.equal(false);
  });

  it('finds no difference, not NaN, when both groups are all-no or all-yes', () => {
    expect(twoProportionZTest({ successes: 0, n: 40 }, { successes: 0, n: 60 })).to.deep.equal({
      difference: 0,
      z: 0,
      pValue: 1,
      significant: false,
    });
    expect(twoProportionZTest({ successes: 40, n: 40 }, { successes: 60, n: 60 })?.pValue).to.equal(1);
  });

  it('takes a weighted share that rounding put a hair past 1 or 0 as 1 or 0, not as an impossible input', () => {
    // Weighted sums added in different orders (a live counter after an edit) can give 1.0000000000000002.
    const allYes = (0.1 + 0.2) / 0.3;
    expect(weightedTwoProportionZTest({ proportion: allYes, nEff: 7 }, { proportion: 1, nEff: 3 })?.pValue).to.equal(1);
    expect(weightedTwoProportionZTest({ proportion: -1e-17, nEff: 7 }, { proportion: 0, nEff: 3 })?.pValue).to.equal(1);
  });

  it('returns null when a group is empty', () => {
    expect(twoProportionZTest({ successes: 0, n: 0 }, { successes: 3, n: 10 })).to.equal(null);
  });

  it('rejects impossible inputs', () => {
    expect(() => twoProportionZTest({ successes: 11, n: 10 }, { successes: 3, n: 10 })).to.throw(RangeError);
    expect(() => twoProportionZTest({ successes: 1, n: 10 }, { successes: 3, n: 10 }, { alpha: 0 })).to.throw(RangeError);
    expect(() => weightedTwoProportionZTest({ proportion: 1.2, nEff: 10 }, { proportion: 0.3, nEff: 10 })).to.throw(RangeError);
  });
});
