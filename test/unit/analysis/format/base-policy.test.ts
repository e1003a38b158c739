import { expect } from 'chai';
import { DEFAULT_BASE_POLICY, flagBase } from '../../../../server/analysis/format/base-policy';
import { displayShare } from '../../../../server/analysis/format/share-display';

describe('analysis/format: base policy', () => {
  it('flags bases under 50 as low and suppresses bases under 10 by default', () => {
    expect(DEFAULT_BASE_POLICY).to.deep.equal({ lowBaseBelow: 50, suppressBelow: 10 });
    expect(flagBase(250)).to.deep.equal([]);
    expect(flagBase(50)).to.deep.equal([]);
    expect(flagBase(49)).to.deep.equal(['low_base']);
    expect(flagBase(10)).to.deep.equal(['low_base']);
    expect(flagBase(9)).to.deep.equal(['suppressed']);
    expect(flagBase(0)).to.deep.equal(['suppressed']);
  });

  it('follows a configured policy', () => {
    expect(flagBase(80, { lowBaseBelow: 100 })).to.deep.equal(['low_base']);
    expect(flagBase(25, { lowBaseBelow: 30, suppressBelow: 30 })).to.deep.equal(['suppressed']);
    expect(flagBase(5, { suppressBelow: 0 })).to.deep.equal(['low_base']);
  });

  it('rejects an inconsistent policy or a negative base', () => {
    expect(() => flagBase(20, { lowBaseBelow: 5, suppressBelow: 10 })).to.throw(RangeError, /suppressBelow/);
    expect(() => flagBase(-1)).to.throw(RangeError);
  });
});

describe('analysis/format: displayShare', () => {
  it('shows the figure with its base and no flag on a large base', () => {
    expect(displayShare(235 / 250, 250, { locale: 'en' })).to.deep.equal({ text: '94%', flags: [], base: 250 });
  });

  it('shows a low-base figure with its flag', () => {
    expect(displayShare(0.45, 20, { locale: 'en' })).to.deep.equal({ text: '45%', flags: ['low_base'], base: 20 });
  });

  it('withholds the figure on a base under 10', () => {
    expect(displayShare(0.5, 8)).to.deep.equal({ text: null, flags: ['suppressed'], base: 8 });
  });

  it('has no text when there is no share to show', () => {
    expect(displayShare(null, 0)).to.deep.equal({ text: null, flags: ['suppressed'], base: 0 });
    expect(displayShare(null, 120)).to.deep.equal({ text: null, flags: [], base: 120 });
  });
});
