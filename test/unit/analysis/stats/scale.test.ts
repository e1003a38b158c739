import { expect } from 'chai';
import { bottomBoxShare, meanRanks, netPromoterScore, topBoxShare } from '../../../../server/analysis/stats/scale';
import { expectClose } from '../expect-close';

/*
 * Reference (numpy 2.4):
 *   import numpy as np
 *   x = np.array([3,5,1,4,4,2,5,5,3,4,1,5]); w = np.array([0.8,1.2,1.5,0.6,1.0,1.1,0.9,1.4,0.7,1.3,0.5,1.0])
 *   print(repr((w*(x >= 4)).sum()/w.sum()), repr((w*(x <= 2)).sum()/w.sum()), repr(w.sum()))
 *   nps = np.array([10,9,8,7,6,0,10,3,9,7,5,10])
 *   prom = (w*(nps >= 9)).sum()/w.sum(); det = (w*(nps <= 6)).sum()/w.sum()
 *   print(repr(prom), repr(det), repr(100*(prom - det)), repr(1 - prom - det))
 *   print(repr(100*((nps >= 9).mean() - (nps <= 6).mean())))
 *   print(np.average([1,2,1,3], weights=[1.5,.5,1,1]), np.average([2,1,3,1], weights=[1.5,.5,1,1]),
 *         repr(np.average([3,2,2], weights=[1.5,1,1])), repr(np.mean([3,2,2])))
 */
const satisfaction = [3, 5, 1, 4, 4, 2, 5, 5, 3, 4, 1, 5];
const weights = [0.8, 1.2, 1.5, 0.6, 1.0, 1.1, 0.9, 1.4, 0.7, 1.3, 0.5, 1.0];
const recommend = [10, 9, 8, 7, 6, 0, 10, 3, 9, 7, 5, 10];

describe('analysis/stats: top-box and bottom-box shares', () => {
  it('counts 4 and 5 as the top-2 box of a 1..5 scale (F3 "satisfied to very satisfied")', () => {
    expect(topBoxShare(satisfaction, { points: 5 })).to.deep.equal({ proportion: 7 / 12, base: 12 });
    expect(bottomBoxShare(satisfaction, { points: 5 })).to.deep.equal({ proportion: 3 / 12, base: 12 });
  });

  it('matches numpy for weighted top-2 and bottom-2 shares', () => {
    const top = topBoxShare(satisfaction, { points: 5, weights });
    expectClose(top?.proportion, 0.6166666666666666);
    expectClose(top?.base, 12);
    expectClose(bottomBoxShare(satisfaction, { points: 5, weights })?.proportion, 0.25833333333333336);
  });

  it('leaves unanswered items out of the base and supports other box sizes and scales', () => {
    expect(topBoxShare([5, undefined, 1, 4], { points: 5, boxSize: 1 })).to.deep.equal({ proportion: 1 / 3, base: 3 });
    expect(topBoxShare([0, 6, 5, 3], { points: 7, lowest: 0, boxSize: 3 })).to.deep.equal({ proportion: 0.5, base: 4 });
  });

  it('returns null when nobody answered, and rejects an answer off the scale', () => {
    expect(topBoxShare([undefined, undefined], { points: 5 })).to.equal(null);
    expect(() => topBoxShare([6], { points: 5 })).to.throw(RangeError, /not a point of the 1..5 scale/);
    expect(() => topBoxShare([1], { points: 5, boxSize: 5 })).to.throw(RangeError);
  });
});

describe('analysis/stats: Net Promoter Score', () => {
  it('scores %promoters (9–10) minus %detractors (0–6)', () => {
    const nps = netPromoterScore(recommend);
    expectClose(nps?.promoters, 5 / 12);
    expectClose(nps?.detractors, 4 / 12);
    expectClose(nps?.passives, 3 / 12);
    expectClose(nps?.score, 8.333333333333337);
    expect(nps?.base).to.equal(12);
  });

  it('matches numpy with weights', () => {
    const nps = netPromoterScore(recommend, weights);
    expectClose(nps?.promoters, 0.3833333333333333);
    expectClose(nps?.detractors, 0.3333333333333333);
    expectClose(nps?.passives, 0.2833333333333334);
    expectClose(nps?.score, 4.999999999999999);
  });

  it('returns null with no answers and rejects answers off the 0..10 scale', () => {
    expect(netPromoterScore([undefined])).to.equal(null);
    expect(() => netPromoterScore([11])).to.throw(RangeError);
    expect(() => netPromoterScore([7.5])).to.throw(RangeError);
  });
});

describe('analysis/stats: mean rank', () => {
  const rankings = [{ a: 1, b: 2, c: 3 }, { a: 2, b: 1 }, { a: 1, c: 2, b: 3 }, { b: 1, a: 3, c: 2 }];

  it('averages each item over the respondents who ranked it', () => {
    const ranks = meanRanks(rankings);
    expect(ranks.a).to.deep.equal({ meanRank: 7 / 4, base: 4 });
    expectClose(ranks.c?.meanRank, 2.3333333333333335);
    expect(ranks.c?.base).to.equal(3);
  });

  it('matches numpy.average with weights', () => {
    const ranks = meanRanks(rankings, [1.5, 0.5, 1, 1]);
    expectClose(ranks.a?.meanRank, 1.625);
    expectClose(ranks.b?.meanRank, 1.875);
    expectClose(ranks.c?.meanRank, 2.4285714285714284);
    expectClose(ranks.c?.base, 3.5);
  });

  it('rejects a rank that is not a positive integer', () => {
    expect(() => meanRanks([{ a: 0 }])).to.throw(RangeError, /rank of a/);
  });
});
