import { expect } from 'chai';
import { columnLetter, compareColumnProportions } from '../../../../server/analysis/stats/column-comparison';

describe('analysis/stats: column-proportion comparison markers', () => {
  /*
   * Pairwise pooled z-test p-values (numpy 2.4, scipy 1.17):
   *   import numpy as np, itertools; from scipy.stats import norm
   *   counts = np.array([[40,25,10],[30,30,30],[10,25,40]]); bases = counts.sum(0)
   *   for row in range(3):
   *     for a, b in itertools.combinations(range(3), 2):
   *       p1, p2, n1, n2 = counts[row,a]/bases[a], counts[row,b]/bases[b], bases[a], bases[b]
   *       p = (n1*p1 + n2*p2)/(n1 + n2); z = (p1 - p2)/np.sqrt(p*(1-p)*(1/n1 + 1/n2))
   *       print(row, 'ABC'[a], 'ABC'[b], repr(2*norm.sf(abs(z))))
   * gives row 0: A–B 0.01576, A–C 3.1e-7, B–C 0.00412; row 1: all 1.0; row 2 mirrors row 0.
   */
  const counts = [
    [40, 25, 10],
    [30, 30, 30],
    [10, 25, 40],
  ];

  it('puts the letter of each significantly lower column on the higher cell: upper case below 0.01, lower case below 0.05', () => {
    const { columnLetters, markers } = compareColumnProportions({ counts }, { adjustment: 'none' });
    expect(columnLetters).to.deep.equal(['A', 'B', 'C']);
    // A–B p = 0.0158 (lower case), A–C 3.1e-7 and B–C 0.0041 (upper case).
    expect(markers).to.deep.equal([
      [['b', 'C'], ['C'], []],
      [[], [], []],
      [[], ['A'], ['A', 'b']],
    ]);
  });

  it('adjusts by Benjamini-Hochberg over every test of the table by default', () => {
    // Nine tests (row 1's three have p = 1): B–C's 0.00412 becomes 0.00412·9/4 = 0.0093, still
    // upper case; A–B's 0.0158 becomes 0.0158·9/6 = 0.0236, lower case. Row 2 mirrors row 0.
    expect(compareColumnProportions({ counts }).markers).to.deep.equal([
      [['b', 'C'], ['C'], []],
      [[], [], []],
      [[], ['A'], ['A', 'b']],
    ]);
  });

  it('adjusts by Bonferroni over the pairs of a row: B–C drops to lower case (0.0124), A–B stays (0.047)', () => {
    expect(compareColumnProportions({ counts }, { adjustment: 'bonferroni' }).markers[0]).to.deep.equal([['b', 'C'], ['c'], []]);
  });

  it('gives no letter on or against a withheld column', () => {
    const result = compareColumnProportions({ counts, withheldColumns: [false, true, false] }, { adjustment: 'none' });
    expect(result.markers).to.deep.equal([
      [['C'], [], []],
      [[], [], []],
      [[], [], ['A']],
    ]);
  });

  it('uses the given column bases for a multi-select question, where answers exceed the base', () => {
    // 70 of 80 vs 40 of 80 chose the first option; shares are of respondents, not of answers.
    const result = compareColumnProportions({ counts: [[70, 40], [60, 60]], columnBases: [80, 80] });
    expect(result.markers[0]).to.deep.equal([['B'], []]);
    expect(result.markers[1]).to.deep.equal([[], []]);
  });

  it('tests weighted shares on the effective bases: a difference significant on 80 is not on 12', () => {
    const weighted = { counts: [[40, 25], [40, 55]], columnBases: [80, 80] };
    expect(compareColumnProportions(weighted).markers[0]).to.deep.equal([['b'], []]);
    expect(compareColumnProportions({ ...weighted, effectiveBases: [12, 12] }).markers[0]).to.deep.equal([[], []]);
  });

  it('skips a column with no respondents', () => {
    const result = compareColumnProportions({ counts: [[40, 0, 10], [40, 0, 70]] });
    expect(result.markers[0]).to.deep.equal([['C'], [], []]);
  });

  it('names columns like a spreadsheet past Z', () => {
    expect([0, 25, 26, 27, 51, 52].map(columnLetter)).to.deep.equal(['A', 'Z', 'AA', 'AB', 'AZ', 'BA']);
  });

  it('prints the two-letter names of columns past Z on the higher cells, in both cases', () => {
    // 28 columns: AB (the 28th) says yes 10 times in 100, every other column 50 (p ≈ 1e-9 against each);
    // AA says yes 35 times (against AB, p ≈ 6e-5; against the others p ≈ 0.035, which BH over the 378 tests does not keep).
    const yes = Array.from({ length: 28 }, (_, c) => (c === 27 ? 10 : c === 26 ? 35 : 50));
    const result = compareColumnProportions({ counts: [yes, yes.map((y) => 100 - y)] });
    expect(result.columnLetters.slice(25)).to.deep.equal(['Z', 'AA', 'AB']);
    expect(result.markers[0]?.[0]).to.deep.equal(['AB']);
    expect(result.markers[0]?.[26]).to.deep.equal(['AB']);
    expect(result.markers[0]?.[27]).to.deep.equal([]);
    expect(result.markers[1]?.[27]).to.deep.equal(['A', 'B', 'C', 'D', 'E', 'F', 'G', 'H', 'I', 'J', 'K', 'L', 'M', 'N', 'O', 'P', 'Q', 'R', 'S', 'T', 'U', 'V', 'W', 'X', 'Y', 'Z', 'AA']);
    const unadjusted = compareColumnProportions({ counts: [yes, yes.map((y) => 100 - y)] }, { adjustment: 'none' });
    expect(unadjusted.markers[0]?.[0]).to.deep.equal(['aa', 'AB']);
  });

  it('gives no letter when every answer is the same, and none on a column with a zero base', () => {
    expect(compareColumnProportions({ counts: [[20, 30, 0], [0, 0, 0]] }).markers).to.deep.equal([[[], [], []], [[], [], []]]);
    const result = compareColumnProportions({ counts: [[20, 30, 0], [5, 40, 0]], columnBases: [25, 70, 0] });
    expect(result.markers.map((row) => row[2])).to.deep.equal([[], []]);
  });

  it('compares weighted shares that rounding put a hair past 1 as shares of 1, instead of failing on a NaN p-value', () => {
    // Every respondent of both columns said yes; the weighted count was summed in another order than the base.
    const result = compareColumnProportions({ counts: [[0.1 + 0.2, 0.3, 0.1], [0, 0, 0.2]], columnBases: [0.3, 0.3, 0.3], effectiveBases: [70, 30, 50] });
    expect(result.markers[0]).to.deep.equal([['C'], ['C'], []]);
  });

  it('rejects bases that do not match the columns', () => {
    expect(() => compareColumnProportions({ counts, columnBases: [1, 2] })).to.throw(RangeError);
  });
});
