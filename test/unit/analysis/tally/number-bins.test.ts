import { expect } from 'chai';
import { binIndex, binsOf, dataBins, definitionBins } from '../../../../server/analysis/tally/number-bins';

describe('analysis/tally: the bins of a number question', () => {
  it('gives whole numbers over at most 20 values one bin each, from the definition alone', () => {
    const days = definitionBins({ min: 0, max: 7, integer: true });
    expect(binsOf(days!)).to.deep.equal([0, 1, 2, 3, 4, 5, 6, 7].map((v) => ({ from: v, to: v })));
    expect([0, 3, 7].map((v) => binIndex(days!, v))).to.deep.equal([0, 3, 7]);
    expect(binIndex(days!, 8)).to.equal(undefined);
    expect(binsOf(definitionBins({ min: 1, max: 20, integer: true })!)).to.have.lengthOf(20);
  });

  it('cuts any other defined range in 10 equal bins, each [from, to), the last closed', () => {
    const age = definitionBins({ min: 18, max: 68, integer: true });
    expect(binsOf(age!).slice(0, 2)).to.deep.equal([{ from: 18, to: 23 }, { from: 23, to: 28 }]);
    expect(binsOf(age!).at(-1)).to.deep.equal({ from: 63, to: 68 });
    expect([18, 22, 23, 67, 68].map((v) => binIndex(age!, v))).to.deep.equal([0, 0, 1, 9, 9]);
    // Bounds that binary floating point cannot hold still fall in the bin whose `from` they are.
    const share = definitionBins({ min: 0, max: 1, integer: false });
    expect(binsOf(share!).map((b) => b.from)).to.deep.equal([0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9]);
    expect([0.1, 0.3, 0.6, 0.7, 0.99, 1].map((v) => binIndex(share!, v))).to.deep.equal([1, 3, 6, 7, 9, 9]);
  });

  it('has no bins without both min and max, and one bin when they are equal', () => {
    expect(definitionBins({ min: 0, integer: true })).to.equal(undefined);
    expect(definitionBins({ max: 10, integer: false })).to.equal(undefined);
    expect(binsOf(definitionBins({ min: 2.5, max: 2.5, integer: false })!)).to.deep.equal([{ from: 2.5, to: 2.5 }]);
  });

  it('bins values seen, without a defined range: one per whole value, else Sturges bins of a round width', () => {
    expect(binsOf(dataBins([3, 5, 5, 9])!).map((b) => b.from)).to.deep.equal([3, 4, 5, 6, 7, 8, 9]);
    // 100 values from 0 to 990: Sturges gives 8 bins, 123.75 wide, rounded up to 200.
    const values = Array.from({ length: 100 }, (_, i) => i * 10);
    const layout = dataBins(values)!;
    expect(binsOf(layout)).to.deep.equal([0, 200, 400, 600, 800].map((from) => ({ from, to: from + 200 })));
    expect(values.every((v) => binIndex(layout, v) !== undefined)).to.equal(true);
    // Five values over 0.85: 4 bins 0.2125 wide, rounded up to 0.5.
    expect(binsOf(dataBins([0.12, 0.5, 0.97, 0.33, 0.41])!)).to.deep.equal([{ from: 0, to: 0.5 }, { from: 0.5, to: 1 }]);
    expect(dataBins([])).to.equal(undefined);
  });
});
