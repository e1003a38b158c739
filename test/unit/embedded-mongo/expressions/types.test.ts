import assert from 'node:assert/strict';
import { Binary, Decimal128, Double, MinKey, ObjectId, Timestamp } from 'bson';
import { compileExpression } from '../../../../server/embedded-mongo/aggregate/expressions/index';
import { assertFails, evaluate, typed } from './helpers';

const dec = (s: string): Decimal128 => Decimal128.fromString(s);

describe('embedded-mongo expressions: $type and $isNumber', () => {
  it('names every BSON type as $type does, and "missing" for a missing field', () => {
    // https://www.mongodb.com/docs/v7.0/reference/operator/aggregation/type/
    const values: Array<[unknown, string]> = [
      [1, 'int'],
      [new Double(1), 'double'],
      [1.5, 'double'],
      [1n, 'long'],
      [dec('1'), 'decimal'],
      ['a', 'string'],
      [true, 'bool'],
      [null, 'null'],
      [[1], 'array'],
      [{ a: 1 }, 'object'],
      [new Date(0), 'date'],
      [new ObjectId(), 'objectId'],
      [new Timestamp({ t: 1, i: 1 }), 'timestamp'],
      [new Binary(Buffer.from('a')), 'binData'],
      [new MinKey(), 'minKey'],
    ];
    for (const [value, name] of values) assert.equal(evaluate({ $type: { $literal: value } }), name);
    assert.equal(evaluate({ $type: '$missing' }), 'missing');
  });

  it('$isNumber is true for the four numeric types only', () => {
    assert.deepEqual([1, 1.5, 1n, dec('1'), '1', null].map((value) => evaluate({ $isNumber: { $literal: value } })), [true, true, true, true, false, false]);
  });
});

describe('embedded-mongo expressions: $convert and its shorthands', () => {
  it('converts between numeric types, truncating fractions towards zero', () => {
    // https://www.mongodb.com/docs/v7.0/reference/operator/aggregation/convert/
    assert.deepEqual(typed(evaluate({ $toInt: 5.9 })), ['int', 5]);
    assert.deepEqual(typed(evaluate({ $toInt: -5.9 })), ['int', -5]);
    assert.deepEqual(typed(evaluate({ $toLong: 5 })), ['long', '5']);
    assert.deepEqual(typed(evaluate({ $toDouble: 5 })), ['double', 5]);
    assert.deepEqual(typed(evaluate({ $toDecimal: 2.5 })), ['decimal', '2.5']);
    assert.deepEqual(typed(evaluate({ $toInt: dec('7.9') })), ['int', 7]);
    assert.deepEqual(typed(evaluate({ $toDouble: true })), ['double', 1]);
  });

  it('parses strings into numbers, dates and ObjectIds', () => {
    // https://www.mongodb.com/docs/v7.0/reference/operator/aggregation/toInt/ and toDate/, toObjectId/
    assert.equal(evaluate({ $toInt: '-2' }), -2);
    assert.equal(evaluate({ $toLong: '9223372036854775807' }), 9223372036854775807n);
    assert.equal(evaluate({ $toDouble: '5.5' }), 5.5);
    assert.deepEqual(typed(evaluate({ $toDecimal: '10.75' })), ['decimal', '10.75']);
    assert.deepEqual(evaluate({ $toDate: '2018-03-03' }), new Date('2018-03-03T00:00:00Z'));
    assert.deepEqual(evaluate({ $toObjectId: '5ab9cbfa31c2ab715d42129e' }), new ObjectId('5ab9cbfa31c2ab715d42129e'));
  });

  it('renders values as strings', () => {
    // https://www.mongodb.com/docs/v7.0/reference/operator/aggregation/toString/
    assert.equal(evaluate({ $toString: 2.5 }), '2.5');
    assert.equal(evaluate({ $toString: new Double(2) }), '2');
    assert.equal(evaluate({ $toString: 2n ** 40n }), '1099511627776');
    assert.equal(evaluate({ $toString: true }), 'true');
    assert.equal(evaluate({ $toString: new ObjectId('5ab9cbfa31c2ab715d42129e') }), '5ab9cbfa31c2ab715d42129e');
    assert.equal(evaluate({ $toString: new Date('2018-03-27T16:58:51.538Z') }), '2018-03-27T16:58:51.538Z');
    // Doubles print as mongod's formatter does: shortest digits, exponent outside [1e-4, 1e16).
    assert.deepEqual(
      [1e15, 1e16, 0.0001, 0.00001, Number.POSITIVE_INFINITY, Number.NaN, -0].map((n) => evaluate({ $toString: n })),
      ['1000000000000000', '1e+16', '0.0001', '1e-05', 'Infinity', 'NaN', '-0'],
    );
  });

  it('converts dates and numbers both ways', () => {
    assert.deepEqual(evaluate({ $toDate: 1522039108044n }), new Date(1522039108044));
    assert.deepEqual(evaluate({ $toDate: new Timestamp({ t: 1522039108, i: 1 }) }), new Date(1522039108000));
    assert.equal(evaluate({ $toLong: new Date(1522039108044) }), 1522039108044n);
    assert.deepEqual(typed(evaluate({ $toDouble: new Date(1522039108044) })), ['double', 1522039108044]);
  });

  it('converts to bool: zero is false, strings (even empty) are true', () => {
    // https://www.mongodb.com/docs/v7.0/reference/operator/aggregation/toBool/
    assert.deepEqual([0, 1.5, 0n, dec('0'), '', 'false', new Date(0)].map((value) => evaluate({ $toBool: { $literal: value } })), [false, true, false, false, true, true, true]);
  });

  it('converts every other type to true, as jstests/aggregation/expressions/convert.js expects', () => {
    const values = [new MinKey(), { foo: 1 }, [1, 2], new Binary(Buffer.from('a')), new Timestamp({ t: 1, i: 1 })];
    assert.deepEqual(values.map((value) => evaluate({ $toBool: { $literal: value } })), [true, true, true, true, true]);
  });

  it('answers onError for a target type it cannot convert to, and onNull even when `to` is null', () => {
    for (const to of ['minKey', 'missing', 'object', 'array', 'timestamp']) {
      assert.equal(evaluate({ $convert: { input: 1.9, to, onError: 'ERROR' } }), 'ERROR');
      assertFails(() => evaluate({ $convert: { input: 1.9, to } }), 241, `Unsupported conversion from double to ${to} in $convert with no onError value`);
    }
    assert.equal(evaluate({ $convert: { input: '$missing', to: null, onNull: 'NULL' } }), 'NULL');
    assert.equal(evaluate({ $convert: { input: 1.9, to: 'objectId', onError: '$$REMOVE' } }), undefined);
  });

  it('answers null for a null input, or onNull', () => {
    assert.equal(evaluate({ $toInt: null }), null);
    assert.equal(evaluate({ $convert: { input: '$missing', to: 'int', onNull: 0 } }), 0);
    assert.equal(evaluate({ $convert: { input: 1, to: null } }), null);
  });

  it('answers onError for a failed conversion, else fails with ConversionFailure (241)', () => {
    assert.equal(evaluate({ $convert: { input: 'abc', to: 'int', onError: 'bad' } }), 'bad');
    assertFails(() => evaluate({ $toInt: 'abc' }), 241, /^Failed to parse number 'abc' in \$convert with no onError value/);
    assertFails(() => evaluate({ $toInt: 2 ** 31 }), 241, 'Conversion would overflow target type in $convert with no onError value');
    assertFails(() => evaluate({ $toObjectId: 'abc' }), 241, /Invalid string length for parsing to OID, expected 24 but found 3/);
    assertFails(() => evaluate({ $toDate: true }), 241, 'Unsupported conversion from bool to date in $convert with no onError value');
    assertFails(() => evaluate({ $toInt: Number.NaN }), 241, /NaN/);
    assertFails(() => evaluate({ $toInt: '0x1F' }), 241, 'Illegal hexadecimal input in $convert with no onError value: 0x1F');
  });

  it('accepts `to` as a type name or a numeric type code, and refuses unknown ones', () => {
    assert.deepEqual(typed(evaluate({ $convert: { input: '5', to: 16 } })), ['int', 5]);
    assert.deepEqual(typed(evaluate({ $convert: { input: 5, to: 'decimal' } })), ['decimal', '5']);
    assertFails(() => evaluate({ $convert: { input: 5, to: 'integer' } }), 2, 'Unknown type name: integer');
    // `to` is parsed before the input is looked at, so a bad name fails even for a null input.
    assertFails(() => evaluate({ $convert: { input: null, to: 'integer', onNull: 0 } }), 2);
    assertFails(() => compileExpression({ $convert: { input: 5 } }), 9, "Missing 'to' parameter to $convert");
  });
});
