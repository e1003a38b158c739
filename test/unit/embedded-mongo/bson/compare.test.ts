import assert from 'node:assert/strict';
import { Binary, BSONRegExp, BSONSymbol, Code, Decimal128, Double, Int32, Long, MaxKey, MinKey, ObjectId, Timestamp } from 'bson';
import { bsonType, compareValues, hashKey, isNumeric, makeDouble, parseCollation, valuesEqual } from '../../../../server/embedded-mongo/bson/index';

describe('embedded-mongo bson: types and comparison order', () => {
  it('names each in-memory value by its BSON type, old wrapper classes included', () => {
    assert.equal(bsonType(undefined), 'missing');
    assert.equal(bsonType(1), 'int');
    assert.equal(bsonType(-0), 'double');
    assert.equal(bsonType(2 ** 31), 'double');
    assert.equal(bsonType(1.5), 'double');
    assert.equal(bsonType(new Double(2)), 'double');
    assert.equal(bsonType(new Int32(2)), 'int');
    assert.equal(bsonType(5n), 'long');
    assert.equal(bsonType(new Long(5)), 'long');
    assert.equal(bsonType(Decimal128.fromString('1')), 'decimal');
    assert.equal(bsonType(new BSONRegExp('a', 'i')), 'regex');
    assert.equal(bsonType(/a/), 'regex');
    assert.equal(bsonType(new Timestamp({ t: 1, i: 1 })), 'timestamp');
    assert.equal(bsonType(new Code('x', { a: 1 })), 'javascriptWithScope');
    assert.equal(bsonType(new BSONSymbol('s')), 'symbol');
    assert.equal(bsonType(new MinKey()), 'minKey');
    assert.equal(isNumeric(Decimal128.fromString('2')), true);
    assert.equal(isNumeric('2'), false);
  });

  it('makes an integer-valued double a Double instance so it does not read back as int32', () => {
    assert.ok(makeDouble(2) instanceof Double);
    assert.equal(makeDouble(2.5), 2.5);
    assert.equal(makeDouble(2 ** 40), 2 ** 40);
    assert.ok(Object.is(makeDouble(-0), -0));
  });

  it('orders values of different types as MongoDB does', () => {
    const ordered = [
      new MinKey(), null, Number.NaN, -Infinity, 1, 2n, Decimal128.fromString('2.5'), 'a', new BSONSymbol('b'), { a: 1 }, [1],
      new Binary(Buffer.from([1])), new ObjectId('000000000000000000000001'), false, true, new Date(0), new Timestamp({ t: 1, i: 0 }),
      new BSONRegExp('a', ''), new Code('x'), new Code('x', { a: 1 }), new MaxKey(),
    ];
    for (let i = 0; i < ordered.length - 1; i++) {
      assert.equal(compareValues(ordered[i], ordered[i + 1]), -1, `position ${i}`);
      assert.equal(compareValues(ordered[i + 1], ordered[i]), 1, `position ${i} reversed`);
    }
  });

  it('compares numbers exactly across int, long, double and decimal', () => {
    assert.equal(compareValues(1, new Double(1)), 0);
    assert.equal(compareValues(1n, Decimal128.fromString('1.000')), 0);
    assert.equal(compareValues(2n ** 60n + 1n, 2 ** 60), 1);
    assert.equal(compareValues(2 ** 60, 2n ** 60n), 0);
    assert.equal(compareValues(2.5, 2n), 1);
    assert.equal(compareValues(-2.5, -2n), -1);
    assert.equal(compareValues(Decimal128.fromString('0.1'), 0.1), -1); // the double 0.1 is slightly above 1/10
    assert.equal(compareValues(Number.NaN, Decimal128.fromString('NaN')), 0);
    assert.equal(compareValues(Number.NaN, -Infinity), -1);
    assert.equal(compareValues(new Long(5), 5), 0);
  });

  it('compares strings by UTF-8 bytes, documents by type then name then value, arrays element-wise', () => {
    assert.equal(compareValues('\uffff', '\u{10000}'), -1); // UTF-16 order would say the opposite
    assert.equal(compareValues('B', 'a'), -1);
    assert.equal(compareValues({ a: 1 }, { a: 'x' }), -1);
    assert.equal(compareValues({ a: 1 }, { b: 0 }), -1);
    assert.equal(compareValues({ a: 1 }, { a: 1, b: 1 }), -1);
    assert.equal(compareValues([1, 2], [1, 3]), -1);
    assert.equal(compareValues([2], [1, 3]), 1);
  });

  it('compares BinData by length, then subtype, then bytes', () => {
    assert.equal(compareValues(new Binary(Buffer.from([9]), 5), new Binary(Buffer.from([0, 0]), 0)), -1);
    assert.equal(compareValues(new Binary(Buffer.from([9]), 0), new Binary(Buffer.from([0]), 4)), -1);
    assert.equal(compareValues(new Binary(Buffer.from([1]), 0), new Binary(Buffer.from([2]), 0)), -1);
  });

  it('hashes values alike exactly when they are equal', () => {
    const one = [1, new Double(1), 1n, new Long(1), Decimal128.fromString('1'), Decimal128.fromString('1.00')];
    for (const value of one) assert.equal(hashKey(value), hashKey(1));
    assert.equal(hashKey(-0), hashKey(0));
    assert.equal(hashKey(Decimal128.fromString('-0.0')), hashKey(0));
    assert.notEqual(hashKey(Decimal128.fromString('0.1')), hashKey(0.1));
    assert.equal(hashKey(Decimal128.fromString('0.1000000000000000055511151231257827')), hashKey(0.1));
    assert.notEqual(hashKey(2n ** 60n + 1n), hashKey(2 ** 60));
    assert.equal(hashKey(Decimal128.fromString('1152921504606846977')), hashKey(2n ** 60n + 1n));
    assert.equal(hashKey({ a: [1, 'x'] }), hashKey({ a: [new Double(1), 'x'] }));
    assert.notEqual(hashKey({ a: 1, b: 2 }), hashKey({ b: 2, a: 1 }));
    assert.notEqual(hashKey(null), hashKey(undefined));
    assert.ok(valuesEqual({ a: 1n }, { a: 1 }));
  });

  it('hashes strings by their collation equivalence class when a collator is given', () => {
    const collator = parseCollation({ locale: 'en_US', strength: 2 })!;
    assert.equal(hashKey('Hello', collator), hashKey('hello', collator));
    assert.notEqual(hashKey('hello', collator), hashKey('héllo', collator));
    assert.ok(valuesEqual(['ABC'], ['abc'], collator));
    assert.equal(compareValues('a', 'B', collator), -1);
  });
});
