import { expect } from 'chai';
import { createSavWriter } from '../../../../server/exports/sav/sav-writer';
import { spssDate, spssSeconds, type SavDictionary } from '../../../../server/exports/sav/sav-dictionary';
import { utf8Prefix } from '../../../../server/exports/sav/sav-bytes';

/** Reads the records of a file the way the format describes them, to check the writer's layout byte by byte. */
class Reader {
  offset = 0;
  constructor(private readonly bytes: Buffer) {}
  int32(): number {
    const v = this.bytes.readInt32LE(this.offset);
    this.offset += 4;
    return v;
  }
  float64(): number {
    const v = this.bytes.readDoubleLE(this.offset);
    this.offset += 8;
    return v;
  }
  raw(n: number): Buffer {
    const v = this.bytes.subarray(this.offset, this.offset + n);
    this.offset += n;
    return v;
  }
  text(n: number): string {
    return this.raw(n).toString('utf8');
  }
}

const TINY: SavDictionary = {
  fileLabel: 'captic_2011 2011-03',
  createdAt: new Date('2011-03-31T18:05:09Z'),
  weight: 'weight',
  multipleResponseSets: [],
  variables: [
    { name: 'satisfaction', label: 'Êtes-vous satisfait ?', width: 0, format: { type: 5, width: 2, decimals: 0 }, measure: 'ordinal', valueLabels: [[5, 'Très satisfait']], missing: [99] },
    { name: 'comment', label: '', width: 10, measure: 'nominal' },
    { name: 'weight', label: '', width: 0, format: { type: 5, width: 12, decimals: 4 }, measure: 'scale' },
  ],
};

describe('The .sav writer', () => {
  it('lays out the header, variable, value label and extension records as the format describes, lengths in bytes', () => {
    const writer = createSavWriter(TINY);
    const r = new Reader(writer.dictionaryBytes(2));
    expect(r.text(4)).to.equal('$FL2');
    expect(r.text(60).trimEnd()).to.equal('@(#) SPSS DATA FILE Barometer');
    expect([r.int32(), r.int32(), r.int32(), r.int32(), r.int32()]).to.deep.equal([2, 4, 0, 4, 2]); // layout, 1 + 2 + 1 units, uncompressed, weight at unit 4, 2 cases
    expect(r.float64()).to.equal(100);
    expect([r.text(9), r.text(8), r.text(64).trimEnd()]).to.deep.equal(['31 Mar 11', '18:05:09', 'captic_2011 2011-03']);
    r.raw(3);

    // satisfaction: numeric, labelled, one missing value; the label's length counts bytes (Ê and é take two).
    expect([r.int32(), r.int32(), r.int32(), r.int32()]).to.deep.equal([2, 0, 1, 1]);
    expect([r.int32(), r.int32()]).to.deep.equal([0x050200, 0x050200]);
    expect(r.text(8)).to.equal('SATISFAC');
    const labelLength = r.int32();
    expect(labelLength).to.equal(Buffer.byteLength('Êtes-vous satisfait ?')).and.equal(22); // 21 characters, Ê takes two bytes
    expect(r.text(24).slice(0, 21)).to.equal('Êtes-vous satisfait ?');
    expect(r.float64()).to.equal(99);
    // comment: a 10-byte string takes two units, the second a continuation record.
    expect([r.int32(), r.int32(), r.int32(), r.int32(), r.int32(), r.int32(), r.text(8)]).to.deep.equal([2, 10, 0, 0, 0x010a00, 0x010a00, 'COMMENT ']);
    expect([r.int32(), r.int32(), r.int32(), r.int32(), r.int32(), r.int32(), r.text(8)]).to.deep.equal([2, -1, 0, 0, 0, 0, '        ']);
    expect([r.int32(), r.int32(), r.int32(), r.int32(), r.int32(), r.int32(), r.text(8)]).to.deep.equal([2, 0, 0, 0, 0x050c04, 0x050c04, 'WEIGHT  ']);

    // Value labels: the value, a length byte counting bytes, the label padded to 8 with its length byte.
    expect([r.int32(), r.int32(), r.float64()]).to.deep.equal([3, 1, 5]);
    const valueLabelLength = r.raw(1)[0]!;
    expect(valueLabelLength).to.equal(15); // "Très satisfait": 14 characters, 15 bytes
    expect(r.text(15)).to.equal('Très satisfait');
    expect([r.int32(), r.int32(), r.int32()]).to.deep.equal([4, 1, 1]);

    expect([r.int32(), r.int32(), r.int32(), r.int32()]).to.deep.equal([7, 3, 4, 8]);
    const integers = Array.from({ length: 8 }, () => r.int32());
    expect(integers.slice(4)).to.deep.equal([1, 1, 2, 65001]); // IEEE floats, compression code, little-endian, UTF-8
    expect([r.int32(), r.int32(), r.int32(), r.int32()]).to.deep.equal([7, 4, 8, 3]);
    expect([r.float64(), r.float64()]).to.deep.equal([-Number.MAX_VALUE, Number.MAX_VALUE]);
    r.float64();
    // Display: ordinal, nominal, scale.
    expect([r.int32(), r.int32(), r.int32(), r.int32()]).to.deep.equal([7, 11, 4, 9]);
    const display = Array.from({ length: 9 }, () => r.int32());
    expect([display[0], display[3], display[6]]).to.deep.equal([2, 1, 3]);
    expect([r.int32(), r.int32(), r.int32()]).to.deep.equal([7, 13, 1]);
    expect(r.text(r.int32())).to.equal('SATISFAC=satisfaction\tCOMMENT=comment\tWEIGHT=weight');
    expect([r.int32(), r.int32(), r.int32(), r.int32(), r.text(5)]).to.deep.equal([7, 20, 1, 5, 'UTF-8']);
    expect([r.int32(), r.int32()]).to.deep.equal([999, 0]);
    expect(r.offset).to.equal(writer.dictionaryBytes(2).length);
  });

  it('writes a case as 8-byte units: numbers as doubles, system-missing as the most negative double, texts padded with blanks', () => {
    const writer = createSavWriter(TINY);
    const bytes = writer.caseBytes([4, 'Élan', null]);
    expect(bytes.length).to.equal(32);
    expect(bytes.readDoubleLE(0)).to.equal(4);
    expect(bytes.subarray(8, 24).toString('utf8')).to.equal('Élan' + ' '.repeat(11));
    expect(bytes.readDoubleLE(24)).to.equal(-Number.MAX_VALUE);
    // A text wider than its variable is cut on a character boundary, never inside a character.
    expect(writer.caseBytes([null, 'ééééé é', 1]).subarray(8, 24).toString('utf8')).to.equal('ééééé' + ' '.repeat(6));
  });

  it('cuts a very long string in segments of 255 bytes, each a variable of its own, and names them in record 7.14', () => {
    const writer = createSavWriter({ ...TINY, weight: undefined, variables: [{ name: 'comments', label: '', width: 600, measure: 'nominal' }] });
    const header = writer.dictionaryBytes(1);
    expect(header.readInt32LE(68)).to.equal(32 + 32 + 12); // two segments of 255 (32 units each) and one of 96 bytes
    expect(header.toString('latin1')).to.include('COMMENTS=00600\0\t');
    const text = 'x'.repeat(300) + 'é'.repeat(100);
    const data = writer.caseBytes([text]);
    expect(data.length).to.equal(76 * 8);
    const joined = Buffer.concat([data.subarray(0, 255), data.subarray(256, 511), data.subarray(512, 512 + 90)]);
    expect(joined.toString('utf8').trimEnd()).to.equal(text);
  });

  it('refuses a weight that is not a numeric variable of the file', () => {
    expect(() => createSavWriter({ ...TINY, weight: 'comment' })).to.throw('the weight variable comment is not a numeric variable of the file');
  });

  it('counts time from 14 October 1582, as SPSS does', () => {
    expect(spssSeconds(new Date('1582-10-14T00:00:00Z'))).to.equal(0);
    expect(spssDate('2011-03-14')).to.equal(spssSeconds(new Date('2011-03-14T00:00:00Z')));
    expect(spssDate('14/03/2011')).to.equal(null);
    expect(utf8Prefix('aé', 2).toString('utf8')).to.equal('a');
  });
});
