// Positional `$`, `$[]`, `$[<identifier>]` with arrayFilters, conflicts between paths and the
// validation of update documents, as mongod 7.0 reports them.
import assert from 'node:assert/strict';
import { compileUpdate } from '../../../../server/embedded-mongo/update/index';
import { assertCommandError } from '../error-code';
import { updated } from './helpers';

describe('update engine: paths and update documents', () => {
  describe('positional $', () => {
    it('updates the first array element the query matched', () => {
      const doc = updated({ _id: 1, grades: [80, 85, 90] }, { $set: { 'grades.$': 82 } }, { query: { grades: 85 } });
      assert.deepEqual(doc.grades, [80, 82, 90]);
    });

    it('updates a field of the matched embedded document', () => {
      const doc = updated({ _id: 1, items: [{ n: 'a', q: 1 }, { n: 'b', q: 1 }] }, { $inc: { 'items.$.q': 5 } }, { query: { 'items.n': 'b' } });
      assert.deepEqual(doc.items, [{ n: 'a', q: 1 }, { n: 'b', q: 6 }]);
    });

    it('refuses when the query matched no array element', () => {
      assertCommandError(
        () => updated({ _id: 1, a: [1] }, { $set: { 'a.$': 2 } }, { query: { _id: 1 } }),
        2,
        'The positional operator did not find the match needed from the query.',
      );
    });

    it('refuses $ first in a path and twice in a path', () => {
      assertCommandError(() => compileUpdate({ $set: { '$.a': 1 } }), 2, "Cannot have positional (i.e. '$') element in the first position in path '$.a'");
      assertCommandError(() => compileUpdate({ $set: { 'a.$.b.$': 1 } }), 2, "Too many positional (i.e. '$') elements found in path 'a.$.b.$'");
    });
  });

  describe('all positional $[]', () => {
    it('updates every element', () => {
      assert.deepEqual(updated({ _id: 1, a: [1, 2, 3] }, { $inc: { 'a.$[]': 10 } }).a, [11, 12, 13]);
    });

    it('updates nested arrays with two $[]', () => {
      assert.deepEqual(updated({ _id: 1, a: [[1], [2, 3]] }, { $set: { 'a.$[].$[]': 0 } }).a, [[0], [0, 0]]);
    });

    it('refuses a missing or non-array field', () => {
      assertCommandError(() => updated({ _id: 1 }, { $set: { 'a.$[]': 1 } }), 2, "The path 'a' must exist in the document in order to apply array updates.");
      assertCommandError(() => updated({ _id: 1, a: 5 }, { $set: { 'a.$[]': 1 } }), 2, 'Cannot apply array updates to non-array element a: 5');
    });
  });

  describe('filtered positional $[<identifier>]', () => {
    it('updates the elements the array filter selects', () => {
      const doc = updated({ _id: 1, grades: [95, 92, 90, 100] }, { $set: { 'grades.$[g]': 100 } }, { arrayFilters: [{ g: { $gte: 92 } }] });
      assert.deepEqual(doc.grades, [100, 100, 90, 100]);
    });

    it('filters on fields of embedded documents', () => {
      const doc = updated(
        { _id: 1, grades: [{ grade: 80, mean: 75 }, { grade: 85, mean: 90 }] },
        { $set: { 'grades.$[e].mean': 100 } },
        { arrayFilters: [{ 'e.grade': { $gte: 85 } }] },
      );
      assert.deepEqual(doc.grades, [{ grade: 80, mean: 75 }, { grade: 85, mean: 100 }]);
    });

    it('refuses an identifier without a filter', () => {
      assertCommandError(() => compileUpdate({ $set: { 'a.$[i]': 0 } }), 2, "No array filter found for identifier 'i' in path 'a.$[i]'");
    });

    it('refuses a filter the update does not use, naming the update', () => {
      assertCommandError(
        () => compileUpdate({ $set: { 'a.$[i]': 5 } }, { arrayFilters: [{ i: 0 }, { j: 0 }] }),
        9,
        "The array filter for identifier 'j' was not used in the update { $set: { a.$[i]: 5 } }",
      );
    });

    it('refuses malformed filters as mongod does', () => {
      assertCommandError(() => compileUpdate({ $set: { 'a.$[i]': 1 } }, { arrayFilters: [{}] }), 9, 'Cannot use an expression without a top-level field name in arrayFilters');
      assertCommandError(
        () => compileUpdate({ $set: { 'a.$[i]': 1 } }, { arrayFilters: [{ i: 1, j: 2 }] }),
        9,
        "Error parsing array filter :: caused by :: Expected a single top-level field name, found 'i' and 'j'",
      );
      assertCommandError(() => compileUpdate({ $set: { 'a.$[i]': 1 } }, { arrayFilters: [{ i: 1 }, { i: 2 }] }), 9, 'Found multiple array filters with the same top-level field name i');
      assertCommandError(() => compileUpdate({ $set: { 'a.$[I]': 1 } }, { arrayFilters: [{ I: 1 }] }), 2, /must be an alphanumeric string beginning with a lowercase letter, found 'I'/);
    });

    it('refuses two identifiers selecting the same element for two leaves', () => {
      assertCommandError(
        () => updated({ _id: 1, a: [1] }, { $set: { 'a.$[i]': 2, 'a.$[j]': 3 } }, { arrayFilters: [{ i: 1 }, { j: 1 }] }),
        40,
        "Update created a conflict at 'a.0'",
      );
    });
  });

  describe('conflicts and malformed updates', () => {
    it('refuses two operators on one path with 40 ConflictingUpdateOperators', () => {
      assertCommandError(() => compileUpdate({ $set: { a: 1 }, $inc: { a: 1 } }), 40, "Updating the path 'a' would create a conflict at 'a'");
    });

    it('refuses a path and its prefix', () => {
      assertCommandError(() => compileUpdate({ $set: { a: 1, 'a.b': 2 } }), 40, "Updating the path 'a.b' would create a conflict at 'a'");
    });

    it('refuses unknown operators with 9 FailedToParse', () => {
      assertCommandError(() => compileUpdate({ $foo: { a: 1 } }), 9, 'Unknown modifier: $foo. Expected a valid update modifier or pipeline-style update specified as an array');
      assertCommandError(() => compileUpdate({ $set: { a: 1 }, b: 1 }), 9, /Unknown modifier: b/);
    });

    it('refuses an operator whose argument is not a document', () => {
      assertCommandError(() => compileUpdate({ $inc: 'string' }), 9, 'Modifiers operate on fields but we found type string instead. For example: {$mod: {<field>: ...}} not {$inc: "string"}');
    });

    it('accepts an empty operator document as a no-op (5.0+)', () => {
      assert.equal(compileUpdate({ $set: {} }).apply({ _id: 1 }, { inserting: false }).modified, false);
    });

    it('refuses empty field names with 56 EmptyFieldName', () => {
      assertCommandError(() => compileUpdate({ $set: { '': 1 } }), 56, 'An empty update path is not valid.');
      assertCommandError(() => compileUpdate({ $set: { 'a..b': 1 } }), 56, "The update path 'a..b' contains an empty field name, which is not allowed.");
    });

    it('refuses a result larger than 16 MB with 17419', () => {
      const big = 'x'.repeat(9 * 1024 * 1024);
      assertCommandError(() => updated({ _id: 1, a: big }, { $set: { b: big } }), 17419, 'Resulting document after update is larger than 16777216');
    });
  });
});
