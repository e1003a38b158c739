import { expect } from 'chai';
import { guardCell, guardFormula, restoreGuardedText } from '../../../server/exports/formula-guard';

describe('guardFormula (CSV/formula injection)', () => {
  for (const text of ['=HYPERLINK("http://evil.example","click")', '+33 6 12 34 56 78', '-2+3', '@SUM(A1:A2)', '\t=1+1', '\r=1+1', "'=1+1", "''+1"]) {
    it(`prefixes ${JSON.stringify(text)} with a single quote`, () => {
      expect(guardFormula(text)).to.equal(`'${text}`);
    });
  }

  for (const text of ['Très utile', '', "l'avis des pairs", "'quoted'", ' =not first', 'a=b', '3-2', 'dont_know']) {
    it(`leaves ${JSON.stringify(text)} alone`, () => {
      expect(guardFormula(text)).to.equal(text);
    });
  }

  it('is undone exactly by restoreGuardedText, so an export can be imported back', () => {
    for (const text of ['=1+1', "'=1+1", "''=1+1", "'hello", 'hello', '-', "'", '@', "l'avis"]) {
      expect(restoreGuardedText(guardFormula(text)), text).to.equal(text);
    }
  });

  it('leaves numbers, dates and empty cells as they are: a negative number is not a formula', () => {
    const date = new Date('2011-03-14T09:30:00Z');
    expect(guardCell(-5)).to.equal(-5);
    expect(guardCell(date)).to.equal(date);
    expect(guardCell(null)).to.equal(null);
    expect(guardCell('-5')).to.equal("'-5");
  });
});
