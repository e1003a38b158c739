import { expect } from 'chai';
import { chiSquareIndependence } from '../../../../server/analysis/stats/chi-square';
import { expectAllClose, expectClose } from '../expect-close';
import { scipy } from '../../../support/oracles';

describe('analysis/stats: chi-square test of independence', () => {
  /*
   * Reference (scipy 1.17), without Yates' correction:
   *   import numpy as np; from scipy.stats import chi2_contingency
   *   for t in [[[10,20,30],[25,15,5]], [[120,30],[80,20]], [[3,0,9,12],[14,6,2,5],[7,8,8,1]], [[500,100],[100,500]]]:
   *       r = chi2_contingency(np.array(t), correction=False)
   *       print(repr(r.statistic), r.dof, repr(r.pvalue), r.expected_freq.tolist())
   *   # an all-zero column is dropped:
   *   r = chi2_contingency(np.array([[10,30],[25,5]]), correction=False); print(repr(r.statistic), r.dof, repr(r.pvalue))
   */
  it('matches scipy on a 2×3 table', () => {
    const result = chiSquareIndependence([
      [10, 20, 30],
      [25, 15, 5],
    ]);
    expectClose(result?.statistic, 23.333333333333336);
    expect(result?.df).to.equal(2);
    expectClose(result?.pValue, 8.57493910267228e-6);
    expect(result?.expected).to.deep.equal([
      [20, 20, 20],
      [15, 15, 15],
    ]);
  });

  it('matches scipy on a 3×4 table and counts the cells with expected below 5', () => {
    const result = chiSquareIndependence([
      [3, 0, 9, 12],
      [14, 6, 2, 5],
      [7, 8, 8, 1],
    ]);
    expectClose(result?.statistic, 30.130955281722823);
    expect(result?.df).to.equal(6);
    expectClose(result?.pValue, 3.71178568889217e-5);
    expectAllClose(result?.expected.flat(), [7.68, 4.48, 6.08, 5.76, 8.64, 5.04, 6.84, 6.48, 7.68, 4.48, 6.08, 5.76]);
    expect(result?.cellsWithExpectedBelow5).to.equal(2);
  });

  it('does not apply Yates correction to a 2×2 table (statistic 0 for exact independence)', () => {
    const result = chiSquareIndependence([
      [120, 30],
      [80, 20],
    ]);
    expect(result?.statistic).to.equal(0);
    expect(result?.df).to.equal(1);
    expect(result?.pValue).to.equal(1);
  });

  it('keeps precision for a tiny p-value', () => {
    const result = chiSquareIndependence([
      [500, 100],
      [100, 500],
    ]);
    expectClose(result?.statistic, 533.3333333333334);
    expectClose(result?.pValue, 5.318244953897286e-118, 1e-8);
  });

  it('leaves an all-zero column out of the statistic and the degrees of freedom', () => {
    const result = chiSquareIndependence([
      [10, 0, 30],
      [25, 0, 5],
    ]);
    expectClose(result?.statistic, 23.333333333333336);
    expect(result?.df).to.equal(1);
    expectClose(result?.pValue, 1.3621872098901454e-6);
    expect(result?.expected.map((row) => row[1])).to.deep.equal([0, 0]);
  });

  it('returns null when fewer than two rows or columns have answers', () => {
    expect(chiSquareIndependence([[5, 6, 7]])).to.equal(null);
    expect(
      chiSquareIndependence([
        [5, 0],
        [6, 0],
      ]),
    ).to.equal(null);
  });

  it("judges sparseness by Cochran's rule on scipy's expected counts: over 20% below 5, or any below 1", () => {
    const tables = [
      [[3, 0, 9, 12], [14, 6, 2, 5], [7, 8, 8, 1]],
      [[6, 2, 1], [4, 9, 3], [8, 2, 5]],
      [[30, 40], [6, 1]],
      [[30, 40, 1], [20, 30, 0]],
    ];
    const expected = scipy<Array<{ below5: number; below1: number; cells: number; statistic: number; p: number }>>(`from scipy.stats import chi2_contingency
out = []
for t in ${JSON.stringify(tables)}:
    r = chi2_contingency(t, correction=False)
    e = r.expected_freq
    out.append({'below5': int((e < 5).sum()), 'below1': int((e < 1).sum()), 'cells': int(e.size), 'statistic': r.statistic, 'p': r.pvalue})
print(json.dumps(out))`);
    const results = tables.map((t) => chiSquareIndependence(t));
    results.forEach((result, i) => {
      const reference = expected[i] as (typeof expected)[number];
      expect(result?.cellsWithExpectedBelow5).to.equal(reference.below5);
      expect(result?.cellsWithExpectedBelow1).to.equal(reference.below1);
      expect(result?.cells).to.equal(reference.cells);
      expectClose(result?.statistic, reference.statistic);
      expectClose(result?.pValue, reference.p, 1e-8);
    });
    // 2 of 12 (17%) below 5: fine. 7 of 9 below 5: sparse. 2 of 4: sparse. One below 1: sparse.
    expect(results.map((r) => r?.sparse)).to.deep.equal([false, true, true, true]);
  });

  it('rejects ragged tables and negative counts', () => {
    expect(() => chiSquareIndependence([[1, 2], [3]])).to.throw(RangeError, /same number of columns/);
    expect(() => chiSquareIndependence([[1, -2], [3, 4]])).to.throw(RangeError, /non-negative/);
    expect(() => chiSquareIndependence([[1, 2], [3, Number.NaN]])).to.throw(RangeError, /finite/);
  });

  it('gives no test, rather than an error, for a table with no rows or no columns', () => {
    // A wave with no responses, or a crosstab whose every column is withheld, has such a table.
    expect(chiSquareIndependence([])).to.equal(null);
    expect(chiSquareIndependence([[], [], []])).to.equal(null);
    expect(() => chiSquareIndependence([[], [1]])).to.throw(RangeError, /same number of columns/);
  });
});
