import { expect } from 'chai';
import { fisherExactTwoSided } from '../../../../server/analysis/stats/fisher-exact';
import { benjaminiHochberg, bonferroni } from '../../../../server/analysis/stats/multiple-comparisons';
import { welchTTest } from '../../../../server/analysis/stats/significance';
import { twoSidedTPValue } from '../../../../server/analysis/stats/distributions';
import { expectAllClose, expectClose } from '../expect-close';
import { scipy } from '../../../support/oracles';

describe('analysis/stats: exact and small-sample tests, against scipy', () => {
  const tables = [
    [[3, 1], [1, 3]],
    [[8, 2], [1, 5]],
    [[0, 5], [6, 0]],
    [[10, 10], [10, 10]],
    [[1, 9], [11, 3]],
    [[2, 7], [8, 2]],
    [[0, 0], [4, 5]],
    [[120, 30], [80, 20]],
    [[1, 40], [9, 30]],
    // Zero margins: a row or a column nobody is in (p = 1), and every respondent in one cell.
    [[0, 5], [0, 3]],
    [[0, 0], [0, 7]],
    [[0, 0], [0, 0]],
  ];

  it("gives Fisher's exact two-sided p-value of scipy.stats.fisher_exact", () => {
    const expected = scipy<number[]>(`from scipy.stats import fisher_exact
tables = ${JSON.stringify(tables)}
print(json.dumps([fisher_exact(t, alternative='two-sided').pvalue for t in tables]))`);
    expectAllClose(tables.map(fisherExactTwoSided), expected, 1e-9);
  });

  it("refuses what Fisher's test is not for: other shapes, fractional counts", () => {
    expect(() => fisherExactTwoSided([[1, 2, 3], [4, 5, 6]])).to.throw(RangeError);
    expect(() => fisherExactTwoSided([[1.5, 2], [3, 4]])).to.throw(RangeError);
  });

  const summaries = [
    { a: { mean: 3.4, sd: 1.1, n: 120 }, b: { mean: 3.1, sd: 1.3, n: 95 } },
    { a: { mean: 7.2, sd: 2.5, n: 12 }, b: { mean: 5.0, sd: 0.9, n: 40 } },
    { a: { mean: 2.0, sd: 1.0, n: 3 }, b: { mean: 2.9, sd: 0.4, n: 2.5 } },
    { a: { mean: 41.5, sd: 12.25, n: 480.7 }, b: { mean: 40.2, sd: 11.8, n: 512.3 } },
  ];

  it("gives Welch's t, degrees of freedom and p-value of scipy.stats.ttest_ind_from_stats(equal_var=False)", () => {
    const expected = scipy<Array<[number, number, number]>>(`from scipy.stats import ttest_ind_from_stats
rows = ${JSON.stringify(summaries)}
out = []
for r in rows:
    a, b = r['a'], r['b']
    res = ttest_ind_from_stats(a['mean'], a['sd'], a['n'], b['mean'], b['sd'], b['n'], equal_var=False)
    va, vb = a['sd']**2 / a['n'], b['sd']**2 / b['n']
    # scipy does not return Welch's df from summaries: the Welch-Satterthwaite formula it uses inside.
    df = (va + vb)**2 / (va**2 / (a['n'] - 1) + vb**2 / (b['n'] - 1))
    out.append([res.statistic, df, res.pvalue])
print(json.dumps(out))`);
    summaries.forEach(({ a, b }, i) => {
      const [t, df, p] = expected[i] as [number, number, number];
      const result = welchTTest(a, b);
      expectClose(result?.t, t);
      expectClose(result?.df, df);
      expectClose(result?.pValue, p, 1e-8);
      expect(result?.significant).to.equal(p < 0.05);
    });
  });

  it("takes a mean's standard error in place of sd/√n when given one (a design-based SE)", () => {
    const plain = welchTTest({ mean: 3.4, sd: 1.1, n: 120 }, { mean: 3.1, sd: 1.3, n: 95 });
    const same = welchTTest({ mean: 3.4, sd: 99, n: 120, se: 1.1 / Math.sqrt(120) }, { mean: 3.1, sd: 99, n: 95, se: 1.3 / Math.sqrt(95) });
    expectClose(same?.t, plain?.t as number);
    expectClose(same?.df, plain?.df as number);
    expectClose(same?.pValue, plain?.pValue as number);
  });

  it('makes no Welch test on fewer than two respondents or with no variance', () => {
    expect(welchTTest({ mean: 3, sd: 1, n: 1 }, { mean: 2, sd: 1, n: 50 })).to.equal(null);
    expect(welchTTest({ mean: 3, sd: 0, n: 10 }, { mean: 3, sd: 0, n: 50 })).to.equal(null);
  });

  it("gives Student's two-sided tail of scipy.stats.t.sf, whole and fractional df", () => {
    const points = [[0.5, 1], [2.1, 3.7], [-1.96, 30], [4.2, 11.25], [0.01, 200], [8, 2.5], [1.5, 1000]];
    const expected = scipy<number[]>(`from scipy.stats import t
print(json.dumps([2 * t.sf(abs(x), df) for x, df in ${JSON.stringify(points)}]))`);
    expectAllClose(points.map(([t, df]) => twoSidedTPValue(t as number, df as number)), expected, 1e-9);
  });

  const pValues = [0.01576, 3.1e-7, 0.00412, 1, 0.2, 0.049, 0.03, 0.5, 0.0004, 0.03];

  it('adjusts p-values by Benjamini-Hochberg as scipy.stats.false_discovery_control', () => {
    const expected = scipy<number[]>(`from scipy.stats import false_discovery_control
print(json.dumps(false_discovery_control(${JSON.stringify(pValues)}, method='bh').tolist()))`);
    expectAllClose(benjaminiHochberg(pValues), expected, 1e-12);
  });

  it('gives tied p-values one adjusted value, as scipy does, whatever their order', () => {
    const tied = [0.03, 0.01, 0.2, 0.01, 0.03, 0.04, 0.2, 0, 1, 0.03];
    const expected = scipy<number[]>(`from scipy.stats import false_discovery_control
print(json.dumps(false_discovery_control(${JSON.stringify(tied)}, method='bh').tolist()))`);
    expectAllClose(benjaminiHochberg(tied), expected, 1e-12);
    expect(benjaminiHochberg([])).to.deep.equal([]);
  });

  it('adjusts p-values by Bonferroni: p times the number of tests, capped at 1', () => {
    expectAllClose(bonferroni([0.01, 0.2, 0.0001]), [0.03, 0.6, 0.0003]);
  });
});
