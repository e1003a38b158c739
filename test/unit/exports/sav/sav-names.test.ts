import { expect } from 'chai';
import { NameRegistry, ShortNames, validName } from '../../../../server/exports/sav/sav-names';

describe('SPSS variable names', () => {
  it('keeps a valid snake_case id, and makes the rest valid: a letter first, no dash, no final period, no reserved word', () => {
    expect(validName('satisfaction_personal.facebook')).to.equal('satisfaction_personal.facebook');
    expect(validName('networks--other')).to.equal('networks__other');
    expect(validName('2011_wave')).to.equal('v2011_wave');
    expect(validName('total.')).to.equal('total_');
    expect(validName('with')).to.equal('with_');
    expect(Buffer.byteLength(validName('x'.repeat(80)))).to.equal(64);
  });

  it('hands out each name once, whatever its case, within 64 bytes', () => {
    const names = new NameRegistry();
    expect([names.claim('usage'), names.claim('USAGE'), names.claim('usage')]).to.deep.equal(['usage', 'USAGE_2', 'usage_3']);
    const long = 'q'.repeat(64);
    expect(names.claim(long)).to.equal(long);
    expect(names.claim(long)).to.equal(`${'q'.repeat(62)}_2`);
  });

  it('gives every variable a distinct upper-case short name of at most 8 bytes that does not end with a period', () => {
    const short = new ShortNames();
    expect([short.claim('satisfaction_personal.facebook'), short.claim('satisfaction_personal.linkedin'), short.claim('abcdefg.hij'), short.claim('id')]).to.deep.equal([
      'SATISFAC',
      'SATISF_2',
      'ABCDEFG_',
      'ID',
    ]);
  });
});
