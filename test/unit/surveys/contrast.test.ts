import { expect } from 'chai';
import { AA_CONTRAST, contrastRatio, darkestNeeded, formatRatio, hoverShade, relativeLuminance } from '../../../server/surveys/contrast';

// Reference values: WCAG 2.1's definitions (black on white is 21:1, a colour on itself 1:1) and
// the figures WebAIM's contrast checker and W3C technique G18 publish for the grey that just passes
// (#767676, 4.54:1) and the one that just fails (#777777, 4.48:1) on white; pure blue 8.59:1 and
// pure red 3.99:1 (shown as 4:1 when rounded) on white.
describe('WCAG contrast', () => {
  it('gives the published ratios', () => {
    expect(contrastRatio('#000000', '#ffffff')).to.equal(21);
    expect(contrastRatio('#ffffff', '#ffffff')).to.equal(1);
    expect(contrastRatio('#767676', '#ffffff')).to.be.closeTo(4.54, 0.005);
    expect(contrastRatio('#777777', '#ffffff')).to.be.closeTo(4.48, 0.005);
    expect(contrastRatio('#0000ff', '#ffffff')).to.be.closeTo(8.59, 0.005);
    expect(contrastRatio('#ff0000', '#ffffff')).to.be.closeTo(3.998, 0.001);
  });

  it('is symmetric: white text on the accent is the accent on white', () => {
    expect(contrastRatio('#ffffff', '#0b5cad')).to.equal(contrastRatio('#0b5cad', '#ffffff'));
  });

  it('computes relative luminance from the sRGB channels', () => {
    expect(relativeLuminance('#000000')).to.equal(0);
    expect(relativeLuminance('#ffffff')).to.equal(1);
    expect(relativeLuminance('#ff0000')).to.be.closeTo(0.2126, 1e-9);
  });

  it('prints a ratio rounded down, so a failing one never reads 4.5', () => {
    expect(formatRatio(4.4999)).to.equal('4.49:1');
    expect(formatRatio(21)).to.equal('21:1');
  });

  it('suggests a darker shade that passes, and a hover shade that passes when the accent does', () => {
    for (const colour of ['#ff9900', '#66ccff', '#ffff00', '#ff0000']) {
      const suggested = darkestNeeded(colour);
      expect(contrastRatio(suggested, '#ffffff'), `${colour} → ${suggested}`).to.be.at.least(AA_CONTRAST);
    }
    for (const accent of ['#767676', '#0b5cad', '#17614f']) {
      const hover = hoverShade(accent);
      expect(contrastRatio(hover, '#ffffff')).to.be.greaterThan(contrastRatio(accent, '#ffffff'));
    }
  });
});
