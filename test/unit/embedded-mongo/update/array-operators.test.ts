// $push (with $each, $slice, $sort, $position), $addToSet, $pop, $pull and $pullAll, as the
// MongoDB 7.0 manual describes them.
import assert from 'node:assert/strict';
import { BSONRegExp, Double } from 'bson';
import { parseCollation } from '../../../../server/embedded-mongo/bson/index';
import { assertCommandError } from '../error-code';
import { applyUpdate, updated } from './helpers';

describe('update engine: array operators', () => {
  describe('$push', () => {
    it('appends one value, an array being pushed as one element', () => {
      assert.deepEqual(updated({ _id: 1, a: [1] }, { $push: { a: [2, 3] } }), { _id: 1, a: [1, [2, 3]] });
    });

    it('creates the array when the field is missing', () => {
      assert.deepEqual(updated({ _id: 1 }, { $push: { a: 1 } }), { _id: 1, a: [1] });
    });

    it('appends every value of $each', () => {
      assert.deepEqual(updated({ _id: 1, a: [1] }, { $push: { a: { $each: [2, 3] } } }), { _id: 1, a: [1, 2, 3] });
    });

    it('inserts at $position, counting from the end when negative', () => {
      assert.deepEqual(updated({ _id: 1, a: [1, 2, 3] }, { $push: { a: { $each: ['x'], $position: 1 } } }).a, [1, 'x', 2, 3]);
      assert.deepEqual(updated({ _id: 1, a: [1, 2, 3] }, { $push: { a: { $each: ['x'], $position: -1 } } }).a, [1, 2, 'x', 3]);
      assert.deepEqual(updated({ _id: 1, a: [1] }, { $push: { a: { $each: ['x'], $position: 9 } } }).a, [1, 'x']);
    });

    it('sorts after inserting, whole elements or by embedded fields', () => {
      assert.deepEqual(updated({ _id: 1, a: [3, 1] }, { $push: { a: { $each: [2], $sort: -1 } } }).a, [3, 2, 1]);
      const doc = updated({ _id: 1, a: [{ s: 3 }, { s: 1 }] }, { $push: { a: { $each: [{ s: 2 }], $sort: { s: 1 } } } });
      assert.deepEqual(doc.a, [{ s: 1 }, { s: 2 }, { s: 3 }]);
    });

    it('keeps the first (positive $slice) or last (negative) elements after sorting', () => {
      assert.deepEqual(updated({ _id: 1, a: [5, 1] }, { $push: { a: { $each: [3], $sort: 1, $slice: 2 } } }).a, [1, 3]);
      assert.deepEqual(updated({ _id: 1, a: [1, 2, 3] }, { $push: { a: { $each: [4], $slice: -2 } } }).a, [3, 4]);
      assert.deepEqual(updated({ _id: 1, a: [1, 2] }, { $push: { a: { $each: [], $slice: 0 } } }).a, []);
    });

    it('refuses a non-array field with 2 BadValue and mongod\'s message', () => {
      assertCommandError(
        () => updated({ _id: 1, x: 'a' }, { $push: { x: 1 } }),
        2,
        "The field 'x' must be an array but is of type string in document {_id: 1}",
      );
    });

    it('names the whole path of a nested non-array field', () => {
      assertCommandError(() => updated({ _id: 'k', o: { x: 5 } }, { $push: { 'o.x': 1 } }), 2, 'The field \'o.x\' must be an array but is of type int in document {_id: "k"}');
    });

    it('counts a $sort as a change even when the order stays, but not an empty $each alone', () => {
      assert.equal(applyUpdate({ _id: 1, a: [1, 2] }, { $push: { a: { $each: [], $sort: 1 } } }).modified, true);
      assert.equal(applyUpdate({ _id: 1, a: [1, 2] }, { $push: { a: { $each: [] } } }).modified, false);
    });

    it('refuses unknown clauses and a non-array $each', () => {
      assertCommandError(() => updated({ _id: 1 }, { $push: { a: { $each: [1], $bad: 1 } } }), 2, 'Unrecognized clause in $push: $bad');
      assertCommandError(() => updated({ _id: 1 }, { $push: { a: { $each: 1 } } }), 2, 'The argument to $each in $push must be an array but it was of type: int');
    });

    it('refuses a $sort direction other than 1 or -1', () => {
      assertCommandError(() => updated({ _id: 1 }, { $push: { a: { $each: [], $sort: 2 } } }), 2, 'The $sort element value must be either 1 or -1');
      assertCommandError(() => updated({ _id: 1 }, { $push: { a: { $each: [], $sort: {} } } }), 2, 'The $sort pattern is empty when it should be a set of fields.');
    });
  });

  describe('$addToSet', () => {
    it('adds only values not already present, comparing numbers across types', () => {
      const result = applyUpdate({ _id: 1, a: [1, 2] }, { $addToSet: { a: new Double(2) } });
      assert.equal(result.modified, false);
      assert.deepEqual(updated({ _id: 1, a: [1, 2] }, { $addToSet: { a: 3 } }).a, [1, 2, 3]);
    });

    it('adds each new value of $each once', () => {
      assert.deepEqual(updated({ _id: 1, a: [1] }, { $addToSet: { a: { $each: [1, 2, 2, 3] } } }).a, [1, 2, 3]);
    });

    it('compares strings with the statement collation', () => {
      const collator = parseCollation({ locale: 'en', strength: 2 });
      assert.equal(applyUpdate({ _id: 1, a: ['abc'] }, { $addToSet: { a: 'ABC' } }, { collator }).modified, false);
    });

    it('refuses a non-array field', () => {
      assertCommandError(() => updated({ _id: 1, a: 1 }, { $addToSet: { a: 1 } }), 2, "Cannot apply $addToSet to non-array field. Field named 'a' has non-array type int");
    });
  });

  describe('$pop', () => {
    it('removes the last element for 1 and the first for -1', () => {
      assert.deepEqual(updated({ _id: 1, a: [1, 2, 3], b: [1, 2, 3] }, { $pop: { a: 1, b: -1 } }), { _id: 1, a: [1, 2], b: [2, 3] });
    });

    it('is a no-op on an empty array and on a missing field', () => {
      assert.equal(applyUpdate({ _id: 1, a: [] }, { $pop: { a: 1, b: 1 } }).modified, false);
    });

    it('refuses a non-array field with 14 TypeMismatch', () => {
      assertCommandError(() => updated({ _id: 1, a: 'x' }, { $pop: { a: 1 } }), 14, "Path 'a' contains an element of non-array type 'string'");
    });

    it('refuses an argument other than 1 or -1 with 9 FailedToParse', () => {
      assertCommandError(() => updated({ _id: 1, a: [1] }, { $pop: { a: 2 } }), 9, '$pop expects 1 or -1, found: 2');
    });

    it('refuses to traverse a scalar with 28 PathNotViable', () => {
      assertCommandError(() => updated({ _id: 1, a: 1 }, { $pop: { 'a.b': 1 } }), 28, 'Cannot use the part (b) of (a.b) to traverse the element ({a: 1})');
    });
  });

  describe('$pull and $pullAll', () => {
    it('removes every element equal to a value', () => {
      assert.deepEqual(updated({ _id: 1, a: [1, 2, 1, 3] }, { $pull: { a: 1 } }).a, [2, 3]);
    });

    it('removes elements matching a condition', () => {
      assert.deepEqual(updated({ _id: 1, a: [1, 6, 7, 2] }, { $pull: { a: { $gte: 6 } } }).a, [1, 2]);
    });

    it('removes documents matching a query on their fields', () => {
      const doc = updated({ _id: 1, a: [{ x: 1, y: 1 }, { x: 2 }, 5] }, { $pull: { a: { x: 1 } } });
      assert.deepEqual(doc.a, [{ x: 2 }, 5]);
    });

    it('reads a condition starting with $or as a query on document elements', () => {
      const doc = updated({ _id: 1, a: [{ x: 1 }, { y: 2 }, { x: 3 }] }, { $pull: { a: { $or: [{ x: 1 }, { y: 2 }] } } });
      assert.deepEqual(doc.a, [{ x: 3 }]);
    });

    it('removes strings matching a regex', () => {
      assert.deepEqual(updated({ _id: 1, a: ['apple', 'banana', 'avocado'] }, { $pull: { a: new BSONRegExp('^a') } }).a, ['banana']);
    });

    it('is a no-op when nothing matches or the field is missing', () => {
      assert.equal(applyUpdate({ _id: 1, a: [1] }, { $pull: { a: 9, b: 1 } }).modified, false);
    });

    it('refuses a non-array field', () => {
      assertCommandError(() => updated({ _id: 1, a: 1 }, { $pull: { a: 1 } }), 2, 'Cannot apply $pull to a non-array value');
    });

    it('$pullAll removes every listed value', () => {
      assert.deepEqual(updated({ _id: 1, a: [0, 2, 5, 5, 1, 0] }, { $pullAll: { a: [0, 5] } }).a, [2, 1]);
    });

    it('$pullAll refuses a non-array argument', () => {
      assertCommandError(() => updated({ _id: 1, a: [1] }, { $pullAll: { a: 1 } }), 2, '$pullAll requires an array argument but was given a int');
    });
  });
});
