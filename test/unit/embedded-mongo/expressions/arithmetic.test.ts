import assert from 'node:assert/strict';
import { Decimal128, Double } from 'bson';
import { compileExpression } from '../../../../server/embedded-mongo/aggregate/expressions/index';
import { assertFails, evaluate, typed } from './helpers';

const dec = (s: string): Decimal128 => Decimal128.fromString(s);

describe('embedded-mongo expressions: arithmetic', () => {
  it('$add keeps int32 sums int32, widens an overflow to long and a double operand to double', () => {
    // https://www.mongodb.com/docs/v7.0/reference/operator/aggregation/add/: { price: 10, fee: 2 } -> 12
    assert.deepEqual(typed(evaluate({ $add: ['$price', '$fee'] }, { price: 10, fee: 2 })), ['int', 12]);
    assert.deepEqual(typed(evaluate({ $add: [2147483647, 1] })), ['long', '2147483648']);
    assert.deepEqual(typed(evaluate({ $add: [1, new Double(1)] })), ['double', 2]);
    assert.deepEqual(typed(evaluate({ $add: [1n, dec('0.5')] })), ['decimal', '1.5']);
  });

  it('$add adds milliseconds to one date and refuses two dates', () => {
    // The manual's example: { $add: [ "$date", 3*24*60*60000 ] } is three days later.
    const date = new Date('2014-03-01T08:00:00Z');
    assert.deepEqual(evaluate({ $add: ['$date', 3 * 24 * 60 * 60000] }, { date }), new Date('2014-03-04T08:00:00Z'));
    assertFails(() => evaluate({ $add: [date, date] }), 16612, 'only one date allowed in an $add expression');
  });

  it('$add gives null for a null or missing operand and 14 for a string, checking left to right', () => {
    assert.equal(evaluate({ $add: [1, '$missing'] }), null);
    assert.equal(evaluate({ $add: [1, null] }), null);
    assert.equal(evaluate({ $add: [null, 'a'] }), null);
    assertFails(() => evaluate({ $add: ['a', 1] }), 14, '$add only supports numeric or date types, not string');
    assertFails(() => evaluate({ $add: ['a', null] }), 14);
  });

  it('promotes on overflow: int to long, long to double (jstests/aggregation/expressions/arith_overflow.js)', () => {
    assert.deepEqual(typed(evaluate({ $add: [2000000000, 2000000000] })), ['long', '4000000000']);
    assert.deepEqual(typed(evaluate({ $add: [9000000000000000000n, 9000000000000000000n] })), ['double', 1.8e19]);
    assert.deepEqual(typed(evaluate({ $subtract: [2000000000, -2000000000] })), ['long', '4000000000']);
    assert.deepEqual(typed(evaluate({ $subtract: [9000000000000000000n, -9000000000000000000n] })), ['double', 1.8e19]);
    assert.deepEqual(typed(evaluate({ $multiply: [2000000000, -2000000000] })), ['long', '-4000000000000000000']);
    assert.deepEqual(typed(evaluate({ $multiply: [9000000000000000000n, -9000000000000000000n] })), ['double', -8.1e37]);
  });

  it('$subtract gives the difference of dates in milliseconds as a long, and a date minus a number', () => {
    // https://www.mongodb.com/docs/v7.0/reference/operator/aggregation/subtract/
    const date = new Date('2014-03-01T08:00:00Z');
    assert.equal(evaluate({ $subtract: [new Date('2014-03-01T08:00:01Z'), date] }), 1000n);
    assert.deepEqual(evaluate({ $subtract: [date, 5 * 60 * 1000] }), new Date('2014-03-01T07:55:00Z'));
    assert.deepEqual(typed(evaluate({ $subtract: [10, 2.5] })), ['double', 7.5]);
    assertFails(() => evaluate({ $subtract: [1, date] }), 14, "can't $subtract date from int");
    assertFails(() => evaluate({ $subtract: [date, 'a'] }), 14, "can't $subtract string from Date");
    assertFails(() => compileExpression({ $subtract: [1] }), 16020, 'Expression $subtract takes exactly 2 arguments. 1 were passed in.');
  });

  it('$multiply multiplies in the promoted type', () => {
    assert.deepEqual(typed(evaluate({ $multiply: ['$price', '$quantity'] }, { price: 10, quantity: 2 })), ['int', 20]);
    assert.deepEqual(typed(evaluate({ $multiply: [65536, 65536] })), ['long', '4294967296']);
    assertFails(() => evaluate({ $multiply: [2, 'x'] }), 14, '$multiply only supports numeric types, not string');
  });

  it('$divide always gives a double unless a decimal takes part, and refuses division by zero', () => {
    // https://www.mongodb.com/docs/v7.0/reference/operator/aggregation/divide/: { hours: 80 } / 8 -> 10
    assert.deepEqual(typed(evaluate({ $divide: ['$hours', 8] }, { hours: 80 })), ['double', 10]);
    assert.deepEqual(typed(evaluate({ $divide: [dec('1'), 4] })), ['decimal', '0.25']);
    assertFails(() => evaluate({ $divide: [1, 0] }), 2, "can't $divide by zero");
    assertFails(() => evaluate({ $divide: ['1', 2] }), 14, '$divide only supports numeric types, not string and int');
  });

  it('$mod keeps the dividend sign and the promoted type', () => {
    // https://www.mongodb.com/docs/v7.0/reference/operator/aggregation/mod/: 80 mod 7 -> 3; -5 mod 3 -> -2
    assert.equal(evaluate({ $mod: ['$hours', '$tasks'] }, { hours: 80, tasks: 7 }), 3);
    assert.equal(evaluate({ $mod: [-5, 3] }), -2);
    assert.deepEqual(typed(evaluate({ $mod: [5.5, 2] })), ['double', 1.5]);
    assertFails(() => evaluate({ $mod: [5, 0] }), 16610, "can't $mod by zero");
    assertFails(() => evaluate({ $mod: [5, dec('0')] }), 5733415, "can't $mod by zero");
    assertFails(() => evaluate({ $mod: ['a', 2] }), 16611, '$mod only supports numeric types, not string and int');
  });

  it('$mod results take the types mongod gives: double if a double takes part, else long if a long does', () => {
    assert.deepEqual(typed(evaluate({ $mod: [138.5, 3n] })), ['double', 0.5]);
    assert.deepEqual(typed(evaluate({ $mod: [8, new Double(3)] })), ['double', 2]);
    assert.deepEqual(typed(evaluate({ $mod: [8, 3n] })), ['long', '2']);
    assert.deepEqual(typed(evaluate({ $mod: [8n, new Double(3)] })), ['double', 2]);
    assert.deepEqual(typed(evaluate({ $mod: [800000000000n, 300000000000n] })), ['long', '200000000000']);
    assert.ok(Number.isNaN(evaluate({ $mod: [10, Number.NaN] }) as number));
    assert.deepEqual(typed(evaluate({ $mod: [10, Number.POSITIVE_INFINITY] })), ['double', 10]);
  });

  it('$abs keeps the input type, null for null', () => {
    assert.equal(evaluate({ $abs: -5 }), 5);
    assert.deepEqual(typed(evaluate({ $abs: -2.5 })), ['double', 2.5]);
    assert.equal(evaluate({ $abs: -(2n ** 40n) }), 2n ** 40n);
    assert.deepEqual(typed(evaluate({ $abs: -2147483648 })), ['long', '2147483648']);
    assert.equal(evaluate({ $abs: null }), null);
    assertFails(() => evaluate({ $abs: 'x' }), 28765, '$abs only supports numeric types, not string');
  });

  it('$ceil and $floor round doubles and leave integers alone', () => {
    // https://www.mongodb.com/docs/v7.0/reference/operator/aggregation/ceil/ and floor/
    assert.deepEqual([7.8, -2.8, 1].map((value) => typed(evaluate({ $ceil: value }))), [['double', 8], ['double', -2], ['int', 1]]);
    assert.deepEqual([7.8, -2.8, 5].map((value) => typed(evaluate({ $floor: value }))), [['double', 7], ['double', -3], ['int', 5]]);
    assert.deepEqual(typed(evaluate({ $floor: dec('-2.5') })), ['decimal', '-3']);
  });

  it('$round rounds half to even at a place; $trunc truncates', () => {
    // https://www.mongodb.com/docs/v7.0/reference/operator/aggregation/round/: 19.25 -> 19.2 (place 1), -45.39 -> -45.4
    assert.equal(evaluate({ $round: [19.25, 1] }), 19.2);
    assert.equal(evaluate({ $round: [-45.39, 1] }), -45.4);
    assert.deepEqual(typed(evaluate({ $round: [19.25, -1] })), ['double', 20]);
    assert.deepEqual(typed(evaluate({ $round: [2.5] })), ['double', 2]);
    assert.equal(evaluate({ $round: [1234, -2] }), 1200);
    // https://www.mongodb.com/docs/v7.0/reference/operator/aggregation/trunc/: 19.25 -> 19.2, -45.39 -> -45.3
    assert.equal(evaluate({ $trunc: [19.25, 1] }), 19.2);
    assert.equal(evaluate({ $trunc: [-45.39, 1] }), -45.3);
    assert.deepEqual(typed(evaluate({ $trunc: [dec('1.2345'), 2] })), ['decimal', '1.23']);
    assertFails(() => evaluate({ $round: [1.5, 101] }), 51083, /\[-20, 100\]/);
    assertFails(() => evaluate({ $round: [1.5, 1.5] }), 51082, 'precision argument to  $round must be a integral value');
    assertFails(() => evaluate({ $round: ['a', 1] }), 51081, '$round only supports numeric types, not string');
  });

  it('$round works on the exact value of a double and keeps the quantum of a decimal', () => {
    // 2.675 is stored as 2.67499999999999982236431605997495353221893310546875.
    assert.equal(evaluate({ $round: [2.675, 2] }), 2.67);
    assert.equal(String(evaluate({ $round: [dec('5'), 2] })), '5.00');
    assert.equal(String(evaluate({ $round: [dec('1234.5'), -2] })), '1.2E+3');
    assert.equal(evaluate({ $round: [Number.POSITIVE_INFINITY, 1] }), Number.POSITIVE_INFINITY);
    assert.equal(evaluate({ $round: [null, 'x'] }), null);
  });

  it('$exp, $ln, $log, $log10, $pow and $sqrt give doubles, decimals for decimals', () => {
    assert.deepEqual(typed(evaluate({ $exp: 0 })), ['double', 1]);
    assert.deepEqual(typed(evaluate({ $ln: 1 })), ['double', 0]);
    assert.deepEqual(typed(evaluate({ $log: [100, 10] })), ['double', 2]);
    assert.deepEqual(typed(evaluate({ $log10: 1000 })), ['double', 3]);
    assert.deepEqual(typed(evaluate({ $sqrt: 25 })), ['double', 5]);
    assert.deepEqual(typed(evaluate({ $sqrt: dec('2.25') })), ['decimal', '1.5']);
    assertFails(() => evaluate({ $sqrt: -1 }), 28714, "$sqrt's argument must be greater than or equal to 0");
    assertFails(() => evaluate({ $ln: 0 }), 28766, "$ln's argument must be a positive number, but is 0");
    assertFails(() => evaluate({ $log: [10, 1] }), 28759, "$log's base must be a positive number not equal to 1, but is 1");
  });

  it('$pow keeps integer powers integral while they fit and refuses 0 to a negative power', () => {
    // https://www.mongodb.com/docs/v7.0/reference/operator/aggregation/pow/
    assert.deepEqual(typed(evaluate({ $pow: [5, 0] })), ['int', 1]);
    assert.deepEqual(typed(evaluate({ $pow: [2, 40] })), ['long', '1099511627776']);
    assert.deepEqual(typed(evaluate({ $pow: [2, -1] })), ['double', 0.5]);
    assert.deepEqual(typed(evaluate({ $pow: [new Double(2), 2] })), ['double', 4]);
    assertFails(() => evaluate({ $pow: [0, -1] }), 28764, '$pow cannot take a base of 0 and a negative exponent');
  });
});
