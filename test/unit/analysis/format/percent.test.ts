import { expect } from 'chai';
import { formatPercent } from '../../../../server/analysis/format/percent';
import { floorToStep, roundHalfAwayFromZero, roundToStep } from '../../../../server/analysis/format/decimal-rounding';

const NARROW_NBSP = '\u202F';

describe('analysis/format: formatPercent', () => {
  describe('rounding half away from zero despite binary floating point', () => {
    it('prints F17 (179 of 200 = 0.895) as 89.5 with one decimal and 90 with none', () => {
      expect(formatPercent(179 / 200, { locale: 'en', decimals: 1 })).to.equal('89.5%');
      expect(formatPercent(0.895, { locale: 'en' })).to.equal('90%');
    });

    it('rounds 0.285 (28.499999999999996 %) up to 29', () => {
      expect(0.285 * 100).to.be.below(28.5);
      expect(formatPercent(0.285, { locale: 'en' })).to.equal('29%');
      expect(formatPercent(57 / 200, { locale: 'en' })).to.equal('29%');
    });

    it('rounds 0.575 (0.575 × 100 = 57.49999999999999) up to 58, and 0.0865 (8.649999999999999 %) to 8.7', () => {
      expect(0.575 * 100).to.be.below(57.5); // the trap: Math.round and toFixed give 57
      expect(formatPercent(0.575, { locale: 'en' })).to.equal('58%');
      expect(0.0865 * 100).to.be.below(8.65);
      expect(formatPercent(0.0865, { locale: 'en', decimals: 1 })).to.equal('8.7%');
      expect(formatPercent(0.0295, { locale: 'fr', decimals: 1 })).to.equal('3,0\u202F%');
    });

    it('rounds other .5 cases up and just-below-.5 cases down', () => {
      expect(formatPercent(0.125, { locale: 'en' })).to.equal('13%');
      expect(formatPercent(0.005, { locale: 'en' })).to.equal('1%');
      expect(formatPercent(0.12345, { locale: 'en', decimals: 2 })).to.equal('12.35%');
      expect(formatPercent(0.124999, { locale: 'en' })).to.equal('12%');
      expect(formatPercent(0.8945, { locale: 'en', decimals: 1 })).to.equal('89.5%');
      expect(formatPercent(0.89449, { locale: 'en', decimals: 1 })).to.equal('89.4%');
    });

    it('prints the CAP-TIC figures as the article does (235/250 → 94, 0.71 → 71)', () => {
      expect(formatPercent(235 / 250, { locale: 'en' })).to.equal('94%');
      expect(formatPercent(0.71, { locale: 'en' })).to.equal('71%');
      expect(formatPercent(0.07, { locale: 'en', decimals: 1 })).to.equal('7.0%');
    });
  });

  describe('zero, "<1" and 100', () => {
    it('prints "0" only for exactly 0', () => {
      expect(formatPercent(0, { locale: 'en' })).to.equal('0%');
      expect(formatPercent(0, { locale: 'en', decimals: 1 })).to.equal('0.0%');
    });

    it('prints "<1" for a share above 0 that would round to 0 (below 0.5 %)', () => {
      expect(formatPercent(0.0049, { locale: 'en' })).to.equal('<1%');
      expect(formatPercent(1e-9, { locale: 'en' })).to.equal('<1%');
      expect(formatPercent(0.0049, { locale: 'fr' })).to.equal(`<1${NARROW_NBSP}%`);
    });

    it('moves the threshold to 0.05 % with one decimal', () => {
      expect(formatPercent(0.00049, { locale: 'en', decimals: 1 })).to.equal('<0.1%');
      expect(formatPercent(0.0005, { locale: 'en', decimals: 1 })).to.equal('0.1%');
      expect(formatPercent(0.00049, { locale: 'fr', decimals: 1 })).to.equal(`<0,1${NARROW_NBSP}%`);
    });

    it('prints 100 for 1, and tolerates floating residue just above 1', () => {
      expect(formatPercent(1, { locale: 'en' })).to.equal('100%');
      expect(formatPercent(1 + 1e-15, { locale: 'en', decimals: 1 })).to.equal('100.0%');
    });
  });

  describe('locales', () => {
    it('writes French with a decimal comma and a narrow no-break space before %', () => {
      expect(formatPercent(0.895, { locale: 'fr', decimals: 1 })).to.equal(`89,5${NARROW_NBSP}%`);
      expect(formatPercent(0.895)).to.equal(`90${NARROW_NBSP}%`); // French is the default
    });

    it('writes English with a decimal point and no space', () => {
      expect(formatPercent(0.895, { locale: 'en', decimals: 1 })).to.equal('89.5%');
    });

    it('can leave out the percent sign', () => {
      expect(formatPercent(0.895, { locale: 'fr', decimals: 1, symbol: false })).to.equal('89,5');
    });
  });

  describe('rounding down to a step', () => {
    it('floors 53.2 % to "50" with step 10 (F4: "over 50%")', () => {
      expect(formatPercent(0.532, { locale: 'en', round: 'down', step: 10 })).to.equal('50%');
      expect(formatPercent(0.599, { locale: 'en', round: 'down', step: 10 })).to.equal('50%');
      expect(formatPercent(0.6, { locale: 'en', round: 'down', step: 10 })).to.equal('60%');
    });

    it('floors to whole percents by default and is not fooled by 0.29 × 100 = 28.999999999999996', () => {
      expect(formatPercent(0.899, { locale: 'en', round: 'down' })).to.equal('89%');
      expect(formatPercent(0.29, { locale: 'en', round: 'down' })).to.equal('29%');
      expect(formatPercent(0.007, { locale: 'en', round: 'down', decimals: 1 })).to.equal('0.7%');
    });

    it('prints "<10" for a non-zero share under the first step', () => {
      expect(formatPercent(0.05, { locale: 'en', round: 'down', step: 10 })).to.equal('<10%');
    });

    it('rounds to the nearest step when asked', () => {
      expect(formatPercent(0.525, { locale: 'en', step: 5 })).to.equal('55%');
      expect(formatPercent(0.5249, { locale: 'en', step: 5 })).to.equal('50%');
    });
  });

  it('rejects values that are not shares and bad options', () => {
    expect(() => formatPercent(1.2)).to.throw(RangeError, /proportion in \[0, 1\]/);
    expect(() => formatPercent(-0.1)).to.throw(RangeError);
    expect(() => formatPercent(Number.NaN)).to.throw(RangeError);
    expect(() => formatPercent(0.5, { decimals: 1.5 })).to.throw(RangeError);
    expect(() => formatPercent(0.5, { step: 0 })).to.throw(RangeError);
  });
});

describe('analysis/format: decimal rounding helpers', () => {
  it('rounds half away from zero on both sides of 0 (for signed figures such as NPS points)', () => {
    expect(roundHalfAwayFromZero(2.5, 0)).to.equal(3);
    expect(roundHalfAwayFromZero(-2.5, 0)).to.equal(-3);
    expect(roundHalfAwayFromZero(1.005, 2)).to.equal(1.01);
    expect(roundHalfAwayFromZero(-0.285 * 100, 0)).to.equal(-29);
  });

  it('floors and rounds to steps without floating residue', () => {
    expect(floorToStep(0.7, 0.1)).to.equal(0.7);
    expect(floorToStep(53.2, 10)).to.equal(50);
    expect(roundToStep(89.45, 0.1)).to.equal(89.5);
  });
});
