import assert from 'node:assert/strict';
import { Decimal128 } from 'bson';
import { compileExpression } from '../../../../server/embedded-mongo/aggregate/expressions/index';
import { parseCollation } from '../../../../server/embedded-mongo/bson/index';
import { assertFails, evaluate } from './helpers';

describe('embedded-mongo expressions: array operators', () => {
  const favorites = ['chocolate', 'cake', 'butter', 'apples'];

  it('$arrayElemAt indexes from the start or the end, missing when out of bounds', () => {
    // https://www.mongodb.com/docs/v7.0/reference/operator/aggregation/arrayElemAt/
    assert.equal(evaluate({ $arrayElemAt: ['$favorites', 0] }, { favorites }), 'chocolate');
    assert.equal(evaluate({ $arrayElemAt: ['$favorites', -1] }, { favorites }), 'apples');
    assert.equal(evaluate({ $arrayElemAt: ['$favorites', 10] }, { favorites }), undefined);
    assert.equal(evaluate({ $arrayElemAt: ['$missing', 0] }), null);
    assertFails(() => evaluate({ $arrayElemAt: ['abc', 0] }), 28689, "$arrayElemAt's first argument must be an array, but is string");
    assertFails(() => evaluate({ $arrayElemAt: [favorites, 1.5] }), 28691);
  });

  it('$first and $last read the ends of an array, missing for an empty one', () => {
    // https://www.mongodb.com/docs/v7.0/reference/operator/aggregation/first-array-element/
    assert.equal(evaluate({ $first: [[1, 2, 3]] }), 1);
    assert.equal(evaluate({ $last: '$a' }, { a: [1, 2, 3] }), 3);
    assert.equal(evaluate({ $first: [[]] }), undefined);
    assert.equal(evaluate({ $last: '$missing' }), null);
    assertFails(() => evaluate({ $first: 'abc' }), 28689, "$first's argument must be an array, but is string");
  });

  it('$concatArrays joins arrays and gives null if any is null', () => {
    // https://www.mongodb.com/docs/v7.0/reference/operator/aggregation/concatArrays/
    assert.deepEqual(evaluate({ $concatArrays: ['$instock', '$ordered'] }, { instock: ['chocolate'], ordered: ['butter', 'apples'] }), ['chocolate', 'butter', 'apples']);
    assert.equal(evaluate({ $concatArrays: [[1], '$missing'] }), null);
    assertFails(() => evaluate({ $concatArrays: [[1], 2] }), 28664, '$concatArrays only supports arrays, not int');
  });

  it('$filter keeps matching elements, up to a limit', () => {
    // https://www.mongodb.com/docs/v7.0/reference/operator/aggregation/filter/
    const items = [
      { item_id: 43, quantity: 2, price: 10, name: 'pen' },
      { item_id: 2, quantity: 1, price: 240, name: 'briefcase' },
      { item_id: 23, quantity: 3, price: 110, name: 'notebook' },
    ];
    const expensive = { input: '$items', as: 'item', cond: { $gte: ['$$item.price', 100] } };
    assert.deepEqual(evaluate({ $filter: expensive }, { items }), [items[1], items[2]]);
    assert.deepEqual(evaluate({ $filter: { ...expensive, limit: 1 } }, { items }), [items[1]]);
    assert.deepEqual(evaluate({ $filter: { input: [1, 2, 3], cond: { $gt: ['$$this', 1] } } }), [2, 3]);
    assert.equal(evaluate({ $filter: { input: '$missing', cond: true } }), null);
    assertFails(() => evaluate({ $filter: { input: [1], cond: true, limit: 0 } }), 327392);
    assertFails(() => compileExpression({ $filter: { input: [1] } }), 28650, "Missing 'cond' parameter to $filter");
  });

  it('$map applies an expression to each element, missing results becoming null', () => {
    // https://www.mongodb.com/docs/v7.0/reference/operator/aggregation/map/: quizzes [5, 6, 7] + 2
    assert.deepEqual(evaluate({ $map: { input: '$quizzes', as: 'grade', in: { $add: ['$$grade', 2] } } }, { quizzes: [5, 6, 7] }), [7, 8, 9]);
    assert.deepEqual(evaluate({ $map: { input: [{ a: 1 }, {}], in: '$$this.a' } }), [1, null]);
    assertFails(() => evaluate({ $map: { input: 5, in: 1 } }), 16883, 'input to $map must be an array not int');
  });

  it('nested $map and $filter rebind $$this and put the outer binding back afterwards', () => {
    const nested = {
      $map: {
        input: [[1, 2], [3]],
        in: { $concatArrays: [{ $map: { input: '$$this', in: { $multiply: ['$$this', 10] } } }, [{ $size: '$$this' }]] },
      },
    };
    assert.deepEqual(evaluate(nested), [[10, 20, 2], [30, 1]]);
    const vars = { this: 'outer' };
    assert.deepEqual(compileExpression({ $map: { input: [1], in: '$$this' } }, { variableNames: ['this'] })({}, vars), [1]);
    assert.equal(vars.this, 'outer');
  });

  it('$reduce folds an array with $$value and $$this', () => {
    // https://www.mongodb.com/docs/v7.0/reference/operator/aggregation/reduce/
    assert.equal(evaluate({ $reduce: { input: ['a', 'b', 'c'], initialValue: '', in: { $concat: ['$$value', '$$this'] } } }), 'abc');
    const both = {
      $reduce: {
        input: [1, 2, 3, 4],
        initialValue: { sum: 5, product: 2 },
        in: { sum: { $add: ['$$value.sum', '$$this'] }, product: { $multiply: ['$$value.product', '$$this'] } },
      },
    };
    assert.deepEqual(evaluate(both), { sum: 15, product: 48 });
    assert.equal(evaluate({ $reduce: { input: null, initialValue: 0, in: 1 } }), null);
  });

  it('$in tests membership by BSON equality, with the collation', () => {
    // https://www.mongodb.com/docs/v7.0/reference/operator/aggregation/in/
    assert.equal(evaluate({ $in: ['bananas', '$in_stock'] }, { in_stock: ['apples', 'bananas'] }), true);
    assert.equal(evaluate({ $in: [1, [1.0, 2]] }), true);
    assert.equal(evaluate({ $in: ['A', ['a']] }), false);
    const collator = parseCollation({ locale: 'en', strength: 2 });
    assert.equal(evaluate({ $in: ['A', ['a']] }, {}, {}, { collator }), true);
    assertFails(() => evaluate({ $in: [1, '$missing'] }), 40081, '$in requires an array as a second argument, found: missing');
  });

  it('$indexOfArray finds the first index within optional bounds, -1 when absent', () => {
    // https://www.mongodb.com/docs/v7.0/reference/operator/aggregation/indexOfArray/
    assert.equal(evaluate({ $indexOfArray: [['one', 'two', 'three'], 'two'] }), 1);
    assert.equal(evaluate({ $indexOfArray: [[1, 2, 3, 2], 2, 2] }), 3);
    assert.equal(evaluate({ $indexOfArray: [['a', 'b'], 'foo'] }), -1);
    assert.equal(evaluate({ $indexOfArray: [null, 'foo'] }), null);
    assertFails(() => evaluate({ $indexOfArray: [[1], 1, -1] }), 40097);
  });

  it('$isArray, $size and $reverseArray', () => {
    assert.equal(evaluate({ $isArray: [[1, 2]] }), true);
    assert.equal(evaluate({ $isArray: 'abc' }), false);
    assert.equal(evaluate({ $size: [[1, 2, 3]] }), 3);
    assertFails(() => evaluate({ $size: '$missing' }), 17124, 'The argument to $size must be an array, but was of type: missing');
    assert.deepEqual(evaluate({ $reverseArray: [[1, 2, 3]] }), [3, 2, 1]);
    assert.equal(evaluate({ $reverseArray: null }), null);
  });

  it('$objectToArray and $arrayToObject convert between documents and k/v pairs', () => {
    // https://www.mongodb.com/docs/v7.0/reference/operator/aggregation/objectToArray/ and arrayToObject/
    assert.deepEqual(evaluate({ $objectToArray: { $literal: { item: 'foo', qty: 25 } } }), [
      { k: 'item', v: 'foo' },
      { k: 'qty', v: 25 },
    ]);
    assert.deepEqual(evaluate({ $arrayToObject: { $literal: [['item', 'abc123'], ['qty', 25]] } }), { item: 'abc123', qty: 25 });
    assert.deepEqual(evaluate({ $arrayToObject: { $literal: [{ k: 'item', v: 'abc123' }, { k: 'qty', v: 25 }] } }), { item: 'abc123', qty: 25 });
    assert.deepEqual(evaluate({ $arrayToObject: { $literal: [['a', 1], ['a', 2]] } }), { a: 2 });
    assertFails(() => evaluate({ $arrayToObject: { $literal: [['a', 1, 2]] } }), 40397);
    assertFails(() => evaluate({ $arrayToObject: { $literal: [[1, 2]] } }), 40395);
    assertFails(() => evaluate({ $arrayToObject: { $literal: [5] } }), 40398, 'Unrecognised input type format for $arrayToObject: int');
    assertFails(() => evaluate({ $arrayToObject: { $literal: [{ k: 'a', v: 1 }, ['b', 2]] } }), 40391);
  });

  it('$range steps from start towards end, excluding end', () => {
    // https://www.mongodb.com/docs/v7.0/reference/operator/aggregation/range/
    assert.deepEqual(evaluate({ $range: [0, 10, 2] }), [0, 2, 4, 6, 8]);
    assert.deepEqual(evaluate({ $range: [10, 0, -2] }), [10, 8, 6, 4, 2]);
    assert.deepEqual(evaluate({ $range: [0, 10, -1] }), []);
    assertFails(() => evaluate({ $range: [0, 10, 0] }), 34449, '$range requires a non-zero step value');
    assertFails(() => evaluate({ $range: [0.5, 10] }), 34444);
  });

  it('$slice takes from the front, the back, or a position', () => {
    // https://www.mongodb.com/docs/v7.0/reference/operator/aggregation/slice/
    assert.deepEqual(evaluate({ $slice: [[1, 2, 3], 1, 1] }), [2]);
    assert.deepEqual(evaluate({ $slice: [[1, 2, 3], -2] }), [2, 3]);
    assert.deepEqual(evaluate({ $slice: [[1, 2, 3], 15, 2] }), []);
    assert.deepEqual(evaluate({ $slice: [[1, 2, 3], -15, 2] }), [1, 2]);
    assert.equal(evaluate({ $slice: ['$missing', 1] }), null);
    assertFails(() => evaluate({ $slice: [[1], 0, 0] }), 28729, 'Third argument to $slice must be positive: 0');
  });

  it('$sortArray sorts values in BSON order or documents by fields', () => {
    // https://www.mongodb.com/docs/v7.0/reference/operator/aggregation/sortArray/
    const mixed = [20, 4, { a: 'Free' }, 6, 21, 5, 'Gratis', { a: null }, { a: { sale: true, price: 19 } }, Decimal128.fromString('10.23'), { a: 'On sale' }];
    const sorted = evaluate({ $sortArray: { input: { $literal: mixed }, sortBy: 1 } }) as unknown[];
    assert.deepEqual(sorted.map(String), ['4', '5', '6', '10.23', '20', '21', 'Gratis', '[object Object]', '[object Object]', '[object Object]', '[object Object]']);
    assert.deepEqual(sorted.slice(7), [{ a: null }, { a: 'Free' }, { a: 'On sale' }, { a: { sale: true, price: 19 } }]);
    const team = [
      { name: 'pat', age: 30 },
      { name: 'dallas', age: 36 },
      { name: 'charlie', age: 42 },
    ];
    assert.deepEqual(evaluate({ $sortArray: { input: { $literal: team }, sortBy: { age: -1 } } }), [team[2], team[1], team[0]]);
    assert.deepEqual(evaluate({ $sortArray: { input: { $literal: team }, sortBy: { name: 1 } } }), [team[2], team[1], team[0]]);
  });

  it('$zip transposes arrays, to the shortest or to the longest with defaults', () => {
    // https://www.mongodb.com/docs/v7.0/reference/operator/aggregation/zip/
    assert.deepEqual(evaluate({ $zip: { inputs: [[1, 2, 3], ['a', 'b']] } }), [[1, 'a'], [2, 'b']]);
    assert.deepEqual(evaluate({ $zip: { inputs: [[1, 2, 3], ['a', 'b']], useLongestLength: true } }), [[1, 'a'], [2, 'b'], [3, null]]);
    assert.deepEqual(evaluate({ $zip: { inputs: [[1, 2, 3], ['a']], useLongestLength: true, defaults: [0, 'z'] } }), [[1, 'a'], [2, 'z'], [3, 'z']]);
    assertFails(() => compileExpression({ $zip: { inputs: [[1]], defaults: [0] } }), 34466, 'cannot specify defaults unless useLongestLength is true');
  });

  it('$firstN, $lastN, $maxN and $minN pick n elements; maxN and minN skip nulls', () => {
    // https://www.mongodb.com/docs/v7.0/reference/operator/aggregation/maxN-array-element/
    assert.deepEqual(evaluate({ $firstN: { n: 2, input: [1, 2, 3] } }), [1, 2]);
    assert.deepEqual(evaluate({ $lastN: { n: 2, input: [1, 2, 3] } }), [2, 3]);
    assert.deepEqual(evaluate({ $maxN: { n: 2, input: [3, null, 1, 5] } }), [5, 3]);
    assert.deepEqual(evaluate({ $minN: { n: 2, input: [3, null, 1, 5] } }), [1, 3]);
    assertFails(() => evaluate({ $firstN: { n: 0, input: [1] } }), 5787908);
  });
});
