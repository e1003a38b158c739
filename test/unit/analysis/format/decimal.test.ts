import { expect } from 'chai';
import { formatDecimal, formatPoints, formatSignedDecimal } from '../../../../server/analysis/format/index';

describe('analysis/format: formatDecimal', () => {
  it('rounds half away from zero on the decimal value, where toFixed rounds the binary one down', () => {
    // 2.675 is stored as 2.67499999999999982236431605997495353221893310546875.
    expect((2.675).toFixed(2)).to.equal('2.67');
    expect(formatDecimal(2.675, 2, 'en')).to.equal('2.68');
    expect(formatDecimal(1.005, 2, 'en')).to.equal('1.01');
    expect(formatDecimal(-2.5, 0, 'en')).to.equal('-3');
  });

  it('writes the decimal comma in French and keeps the digits asked for', () => {
    expect(formatDecimal(3.257142857142857, 2, 'fr')).to.equal('3,26');
    expect(formatDecimal(3, 1, 'fr')).to.equal('3,0');
    expect(formatDecimal(211.6, 0, 'en')).to.equal('212');
    expect(formatDecimal(0.001, 3, 'fr')).to.equal('0,001');
  });

  it('signs a difference by what it prints: a difference that rounds to zero is ±, never −0', () => {
    expect(formatPoints(0.05, 'en')).to.equal('+5.0');
    expect(formatPoints(-0.025, 'fr')).to.equal('−2,5');
    expect(formatPoints(-0.0004, 'en')).to.equal('±0.0');
    expect(formatPoints(0.0004, 'en')).to.equal('±0.0');
    expect(formatSignedDecimal(0.123, 2, 'en')).to.equal('+0.12');
    expect(formatSignedDecimal(-0.5, 2, 'fr')).to.equal('−0,50');
    expect(formatSignedDecimal(-0.004, 2, 'en')).to.equal('±0.00');
  });
});
