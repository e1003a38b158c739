import assert from 'node:assert/strict';
import { BSON, Binary, Decimal128, Double, MaxKey, MinKey, Timestamp } from 'bson';
import { compileExpression } from '../../../../server/embedded-mongo/aggregate/expressions/index';
import { parseCollation } from '../../../../server/embedded-mongo/bson/index';
import { assertFails, evaluate, typed } from './helpers';

describe('embedded-mongo expressions: boolean and comparison', () => {
  it('$and, $or and $not use truthiness: false, null, missing and zero are false', () => {
    // https://www.mongodb.com/docs/v7.0/reference/operator/aggregation/and/
    assert.equal(evaluate({ $and: [1, 'green'] }), true);
    assert.equal(evaluate({ $and: [] }), true);
    assert.equal(evaluate({ $and: [null, true] }), false);
    assert.equal(evaluate({ $and: [0, true] }), false);
    assert.equal(evaluate({ $or: [new Double(0), '$missing', ''] }), true);
    assert.equal(evaluate({ $not: [[]] }), false);
    assert.equal(evaluate({ $not: [Decimal128.fromString('0')] }), true);
  });

  it('compares across numeric types exactly and across types in BSON order', () => {
    // https://www.mongodb.com/docs/v7.0/reference/operator/aggregation/cmp/
    assert.equal(evaluate({ $eq: [1, new Double(1)] }), true);
    assert.equal(evaluate({ $eq: [1n, Decimal128.fromString('1.0')] }), true);
    assert.equal(evaluate({ $cmp: ['$qty', 250] }, { qty: 300 }), 1);
    assert.equal(evaluate({ $lt: [5, 'a'] }), true);
    assert.equal(evaluate({ $gt: [new MaxKey(), { a: 1 }] }), true);
    assert.equal(evaluate({ $lt: [new MinKey(), null] }), true);
  });

  it('treats missing as less than null: $eq of a missing field and null is false', () => {
    assert.equal(evaluate({ $eq: ['$missing', null] }), false);
    assert.equal(evaluate({ $lt: ['$missing', null] }), true);
    assert.equal(evaluate({ $eq: ['$missing', '$other'] }), true);
  });

  it('compares strings with the collation', () => {
    const collator = parseCollation({ locale: 'en', strength: 1 });
    assert.equal(evaluate({ $eq: ['abc', 'ABC'] }), false);
    assert.equal(evaluate({ $eq: ['abc', 'ABC'] }, {}, {}, { collator }), true);
  });
});

describe('embedded-mongo expressions: conditionals', () => {
  it('$cond takes the object or the array form', () => {
    // https://www.mongodb.com/docs/v7.0/reference/operator/aggregation/cond/
    assert.equal(evaluate({ $cond: { if: { $gte: ['$qty', 250] }, then: 30, else: 20 } }, { qty: 300 }), 30);
    assert.equal(evaluate({ $cond: [{ $gte: ['$qty', 250] }, 30, 20] }, { qty: 100 }), 20);
    assertFails(() => compileExpression({ $cond: { if: true, then: 1 } }), 17082, "Missing 'else' parameter to $cond");
    assertFails(() => compileExpression({ $cond: [true, 1] }), 16020, 'Expression $cond takes exactly 3 arguments. 2 were passed in.');
  });

  it('$ifNull returns the first non-null argument, or the last one', () => {
    // https://www.mongodb.com/docs/v7.0/reference/operator/aggregation/ifNull/
    assert.equal(evaluate({ $ifNull: ['$description', 'Unspecified'] }, { description: null }), 'Unspecified');
    assert.equal(evaluate({ $ifNull: ['$a', '$b', 'last'] }, { b: 2 }), 2);
    assert.equal(evaluate({ $ifNull: ['$a', '$b'] }), undefined);
    assertFails(() => compileExpression({ $ifNull: ['$a'] }), 1257300);
  });

  it('$switch takes the first true branch, else the default, else fails', () => {
    // https://www.mongodb.com/docs/v7.0/reference/operator/aggregation/switch/
    const grade = {
      $switch: {
        branches: [
          { case: { $gte: ['$score', 90] }, then: 'A' },
          { case: { $gte: ['$score', 80] }, then: 'B' },
        ],
        default: 'F',
      },
    };
    assert.equal(evaluate(grade, { score: 95 }), 'A');
    assert.equal(evaluate(grade, { score: 85 }), 'B');
    assert.equal(evaluate(grade, { score: 10 }), 'F');
    assertFails(() => evaluate({ $switch: { branches: [{ case: false, then: 1 }] } }), 40066);
    assertFails(() => compileExpression({ $switch: { branches: [] } }), 40068);
  });
});

describe('embedded-mongo expressions: objects and fields', () => {
  it('$mergeObjects merges left to right, skipping nulls', () => {
    // https://www.mongodb.com/docs/v7.0/reference/operator/aggregation/mergeObjects/
    assert.deepEqual(evaluate({ $mergeObjects: [{ a: 1, b: 1 }, null, { b: 2, c: 3 }] }), { a: 1, b: 2, c: 3 });
    assert.deepEqual(evaluate({ $mergeObjects: '$missing' }), {});
    assertFails(() => evaluate({ $mergeObjects: [{ a: 1 }, 5] }), 40400);
  });

  it('$getField, $setField and $unsetField address fields with dots or dollars', () => {
    // https://www.mongodb.com/docs/v7.0/reference/operator/aggregation/getField/ and setField/
    const doc = { 'price.usd': 45, $price: 10 };
    assert.equal(evaluate({ $getField: 'price.usd' }, doc), 45);
    assert.equal(evaluate({ $getField: { field: { $literal: '$price' }, input: '$$CURRENT' } }, doc), 10);
    assert.deepEqual(evaluate({ $setField: { field: 'price.usd', input: '$$ROOT', value: 50 } }, doc), { 'price.usd': 50, $price: 10 });
    assert.deepEqual(evaluate({ $unsetField: { field: { $literal: '$price' }, input: '$$ROOT' } }, doc), { 'price.usd': 45 });
    assert.deepEqual(evaluate({ $setField: { field: 'x', input: { a: 1 }, value: '$$REMOVE' } }), { a: 1 });
    assert.equal(evaluate({ $getField: { field: 'a', input: null } }), null);
    assert.equal(evaluate({ $getField: { field: 'a', input: '$missing' } }), undefined);
    assert.equal(evaluate({ $getField: { field: 'a', input: 5 } }), undefined);
    assert.equal(evaluate({ $getField: { field: '$name', input: { x: 1 } } }, { name: 'x' }), 1);
  });

  it('$setField and $unsetField want a constant string field and a document input', () => {
    // Messages as mongod 7.0 gives them (jstests/aggregation/expressions/expression_set_field.js).
    assertFails(() => compileExpression({ $setField: { field: 'a' } }), 4161103, "$setField requires 'value' to be specified");
    assertFails(() => compileExpression({ $setField: { field: 'a', value: 1 } }), 4161109, "$setField requires 'input' to be specified");
    assertFails(() => compileExpression({ $unsetField: { field: 'a', value: 'foo' } }), 4161101, '$unsetField found an unknown argument: value');
    assertFails(() => compileExpression({ $setField: { field: true, input: {}, value: 1 } }), 4161106, "$setField requires 'field' to evaluate to type String, but got bool");
    assertFails(
      () => compileExpression({ $setField: { field: { $concat: ['a', 'b'] }, input: {}, value: 1 } }),
      4161107,
      "$setField requires 'field' to evaluate to a constant, but got a non-constant argument",
    );
    assertFails(
      () => compileExpression({ $unsetField: { field: '$field_path', input: {} } }),
      4161108,
      "'$CURRENT.field_path' is a field path reference which is not allowed in this context. Did you mean {$literal: '$CURRENT.field_path'}?",
    );
    assertFails(() => evaluate({ $unsetField: { field: 'a', input: true } }), 4161105, "$setField requires 'input' to evaluate to type Object");
  });

  it('$binarySize and $bsonSize measure bytes', () => {
    // https://www.mongodb.com/docs/v7.0/reference/operator/aggregation/bsonSize/
    assert.equal(evaluate({ $binarySize: 'café' }), 5);
    assert.equal(evaluate({ $binarySize: new Binary(Buffer.from([1, 2, 3])) }), 3);
    assert.equal(evaluate({ $bsonSize: '$$ROOT' }, { a: 1 }), BSON.calculateObjectSize({ a: 1 }));
    assert.equal(evaluate({ $bsonSize: null }), null);
    assertFails(() => evaluate({ $bsonSize: 'a' }), 31393);
  });

  it('$rand gives a double in [0, 1)', () => {
    const value = evaluate({ $rand: {} }) as number;
    assert.ok(value >= 0 && value < 1);
  });
});

describe('embedded-mongo expressions: set operators', () => {
  it('treat arrays as sets with BSON equality', () => {
    // https://www.mongodb.com/docs/v7.0/reference/operator/aggregation/setUnion/ and the other set pages
    assert.deepEqual(evaluate({ $setUnion: [['a', 'b'], ['b', 'c']] }), ['a', 'b', 'c']);
    assert.deepEqual(evaluate({ $setIntersection: [['a', 'b', 'a'], ['b', 'a']] }), ['a', 'b']);
    assert.deepEqual(evaluate({ $setDifference: [['a', 'b', 'c'], ['b']] }), ['a', 'c']);
    assert.equal(evaluate({ $setEquals: [['a', 'b', 'a'], ['b', 'a']] }), true);
    assert.equal(evaluate({ $setEquals: [[1], [new Double(1)]] }), true);
    assert.equal(evaluate({ $setIsSubset: [['a'], ['a', 'b']] }), true);
    assert.equal(evaluate({ $setUnion: [['a'], null] }), null);
    assertFails(() => evaluate({ $setIsSubset: [['a'], 'a'] }), 17042, 'both operands of $setIsSubset must be arrays. Second argument is of type: string');
  });

  it('$setUnion and $setIntersection come out in BSON order, as mongod builds them in an ordered set', () => {
    assert.deepEqual(evaluate({ $setUnion: [['c', 'a'], [2, 'b', 1]] }), [1, 2, 'a', 'b', 'c']);
    assert.deepEqual(evaluate({ $setIntersection: [['c', 'b', 'a'], ['a', 'c']] }), ['a', 'c']);
    assert.deepEqual(evaluate({ $setDifference: [['c', 'b', 'c', 'a'], ['b']] }), ['c', 'a']);
    assert.equal(evaluate({ $setUnion: [null, 'not an array'] }), null);
  });

  it('$allElementsTrue and $anyElementTrue test truthiness of elements', () => {
    // https://www.mongodb.com/docs/v7.0/reference/operator/aggregation/allElementsTrue/
    assert.equal(evaluate({ $allElementsTrue: [[true, 1, 'yes']] }), true);
    assert.equal(evaluate({ $allElementsTrue: [[true, 0]] }), false);
    assert.equal(evaluate({ $allElementsTrue: [[]] }), true);
    assert.equal(evaluate({ $anyElementTrue: [[0, null, false]] }), false);
    assertFails(() => evaluate({ $anyElementTrue: '$missing' }), 17041, "$anyElementTrue's argument must be an array, but is missing");
  });
});

describe('embedded-mongo expressions: trigonometry', () => {
  it('computes in doubles, refusing values out of the domain', () => {
    // https://www.mongodb.com/docs/v7.0/reference/operator/aggregation/sin/ and acos/
    assert.deepEqual(typed(evaluate({ $sin: 0 })), ['double', 0]);
    assert.deepEqual(typed(evaluate({ $cos: Math.PI })), ['double', -1]);
    assert.equal(evaluate({ $degreesToRadians: 180 }), Math.PI);
    assert.deepEqual(typed(evaluate({ $radiansToDegrees: Math.PI })), ['double', 180]);
    assert.equal(evaluate({ $atan2: [1, 1] }), Math.PI / 4);
    assert.equal(evaluate({ $sin: null }), null);
    assertFails(() => evaluate({ $acos: 2 }), 50989, 'cannot apply $acos to 2, value must be in [-1,1]');
    assertFails(() => evaluate({ $sin: Number.POSITIVE_INFINITY }), 50989, 'cannot apply $sin to inf, value must be in (-inf,inf)');
  });
});

describe('embedded-mongo expressions: accumulators as expressions', () => {
  it('$sum, $avg, $max and $min run over one array argument or over several arguments', () => {
    // https://www.mongodb.com/docs/v7.0/reference/operator/aggregation/sum/#use-in--project-stage
    const doc = { quizzes: [10, 6, 7], labs: [5, 8], final: 80, midterm: 75 };
    assert.equal(evaluate({ $sum: '$quizzes' }, doc), 23);
    assert.deepEqual(typed(evaluate({ $avg: '$labs' }, doc)), ['double', 6.5]);
    assert.equal(evaluate({ $max: ['$final', '$midterm'] }, doc), 80);
    assert.equal(evaluate({ $min: '$quizzes' }, doc), 6);
    assert.equal(evaluate({ $sum: [1, 'a', null] }), 1);
    assert.equal(evaluate({ $avg: [] }), null);
    assert.equal(evaluate({ $max: [null, '$missing'] }), null);
    assert.deepEqual(typed(evaluate({ $sum: [2147483647, 1] })), ['long', '2147483648']);
    // mongod keeps a compensated double total, so this is 0.6 and not 0.6000000000000001.
    assert.equal(evaluate({ $sum: [0.1, 0.2, 0.3] }), 0.6);
    assert.deepEqual(typed(evaluate({ $sum: [1n, 2] })), ['long', '3']);
    assert.deepEqual(typed(evaluate({ $sum: [9223372036854775807n, 1] })), ['double', 9223372036854775808]);
  });

  it('$stdDevPop and $stdDevSamp compute standard deviations', () => {
    // https://www.mongodb.com/docs/v7.0/reference/operator/aggregation/stdDevPop/
    assert.deepEqual(typed(evaluate({ $stdDevPop: [[2, 4, 4, 4, 5, 5, 7, 9]] })), ['double', 2]);
    assert.equal(evaluate({ $stdDevSamp: [[1]] }), null);
    assert.equal(evaluate({ $stdDevSamp: [[1, 3]] }), Math.SQRT2);
  });

  it('$median and $percentile pick values from the data', () => {
    // https://www.mongodb.com/docs/v7.0/reference/operator/aggregation/percentile/ : test scores [62, 81, 80] -> [80, 81] at p 0.5, 0.95
    const scores = ['$test01', '$test02', '$test03'];
    const doc = { test01: 62, test02: 81, test03: 80 };
    const percentiles = evaluate({ $percentile: { input: scores, p: [0.5, 0.95], method: 'approximate' } }, doc) as unknown[];
    assert.deepEqual(percentiles.map(typed), [['double', 80], ['double', 81]]);
    assert.deepEqual(typed(evaluate({ $median: { input: scores, method: 'approximate' } }, doc)), ['double', 80]);
    assert.equal(evaluate({ $median: { input: [], method: 'approximate' } }), null);
  });

  it('$median and $percentile validate their spec in the order mongod does', () => {
    assertFails(() => compileExpression({ $median: 5 }), 7436201, 'specification must be an object; found $median: 5');
    assertFails(() => compileExpression({ $median: { zz: 1, method: 'approximate' } }), 40415, "BSON field '$median.zz' is an unknown field.");
    assertFails(() => compileExpression({ $median: { method: 'approximate' } }), 40414, "BSON field '$median.input' is missing but a required field");
    assertFails(() => compileExpression({ $median: { input: [1], method: 'exact' } }), 2, "Currently only 'approximate' can be used as percentile 'method'.");
    assertFails(() => compileExpression({ $percentile: { input: [1], method: 'exact', p: 'x' } }), 7750301);
    assertFails(() => compileExpression({ $percentile: { input: [1], p: [], method: 'approximate' } }), 7750301);
    assertFails(() => compileExpression({ $percentile: { input: [1], p: ['a'], method: 'approximate' } }), 7750302);
    assertFails(
      () => compileExpression({ $percentile: { input: [1], p: [1.5], method: 'approximate' } }),
      7750303,
      "The $percentile 'p' field must be an array of numbers from [0.0, 1.0], but found: 1.5",
    );
  });
});

describe('embedded-mongo expressions: bitwise and timestamp operators', () => {
  it('$bitAnd, $bitOr and $bitXor combine ints into an int and anything with a long into a long', () => {
    // https://www.mongodb.com/docs/v7.0/reference/operator/aggregation/bitAnd/ (and bitOr, bitXor): a, b = 0/127, 2/3, 3/5
    const pairs: Array<[number, number]> = [[0, 127], [2, 3], [3, 5]];
    assert.deepEqual(pairs.map(([a, b]) => evaluate({ $bitAnd: [a, b] })), [0, 2, 1]);
    assert.deepEqual(pairs.map(([a, b]) => evaluate({ $bitOr: [a, b] })), [127, 3, 7]);
    assert.deepEqual(pairs.map(([a, b]) => evaluate({ $bitXor: [a, b] })), [127, 1, 6]);
    assert.deepEqual(typed(evaluate({ $bitAnd: [3n, 5] })), ['long', '1']);
    assert.equal(evaluate({ $bitOr: [1, null] }), null);
    assertFails(() => evaluate({ $bitAnd: [1, 1.5] }), 14, '$bitAnd only supports int and long operands.');
  });

  it('$bitNot inverts an int or a long', () => {
    // https://www.mongodb.com/docs/v7.0/reference/operator/aggregation/bitNot/
    assert.deepEqual([0, 2, -3].map((n) => evaluate({ $bitNot: n })), [-1, -3, 2]);
    assert.deepEqual(typed(evaluate({ $bitNot: 3n })), ['long', '-4']);
    assertFails(() => evaluate({ $bitNot: 1.5 }), 14, '$bitNot only supports int and long, not: double.');
  });

  it('$tsSecond and $tsIncrement read a timestamp as longs', () => {
    // https://www.mongodb.com/docs/v7.0/reference/operator/aggregation/tsSecond/
    const ts = new Timestamp({ t: 1622731060, i: 10 });
    assert.equal(evaluate({ $tsSecond: { $literal: ts } }), 1622731060n);
    assert.equal(evaluate({ $tsIncrement: { $literal: ts } }), 10n);
    assert.equal(evaluate({ $tsSecond: null }), null);
    assertFails(() => evaluate({ $tsSecond: 5 }), 5687301);
  });
});
