// Replacement documents and the document an upsert starts from (manual: db.collection.update
// "Upsert Behavior", "Replace a Document"), with mongod's errors.
import assert from 'node:assert/strict';
import { BSONRegExp } from 'bson';
import { compileUpdate, upsertSeed } from '../../../../server/embedded-mongo/update/index';
import { assertCommandError } from '../error-code';
import { applyUpdate, updated } from './helpers';

describe('update engine: replacements and upsert seeds', () => {
  describe('replacement', () => {
    it('replaces every field but keeps _id first', () => {
      assert.deepEqual(updated({ _id: 1, a: 1, b: 2 }, { c: 3 }), { _id: 1, c: 3 });
    });

    it('accepts the same _id, in any position, and puts it first', () => {
      const doc = updated({ _id: 1, a: 1 }, { a: 2, _id: 1 });
      assert.deepEqual(Object.keys(doc), ['_id', 'a']);
    });

    it('is a no-op when the replacement equals the document', () => {
      assert.equal(applyUpdate({ _id: 1, a: 1 }, { a: 1 }).modified, false);
    });

    it('refuses a different _id with 66 ImmutableField', () => {
      assertCommandError(() => updated({ _id: 1 }, { _id: 2 }), 66, "After applying the update, the (immutable) field '_id' was found to have been altered to _id: 2");
    });

    it('refuses a $-prefixed top-level field with 52 DollarPrefixedFieldName', () => {
      assertCommandError(() => updated({ _id: 1 }, { a: 1, $b: 1 }), 52, /The dollar \(\$\) prefixed field '\$b' in '\$b' is not allowed in the context of an update's replacement document/);
    });

    it('refuses an _id that cannot be stored (array) with 53 InvalidIdField', () => {
      assertCommandError(() => compileUpdate({ _id: [1] }).apply({ a: 1 }, { inserting: true }), 53, "The '_id' value cannot be of type array");
    });
  });

  describe('upsert seed', () => {
    it('takes the equality fields of the query, in path order', () => {
      const seed = upsertSeed({ b: 1, a: 'x', c: { $gt: 1 } }, false);
      assert.deepEqual(seed, { a: 'x', b: 1 });
      assert.deepEqual(Object.keys(seed), ['a', 'b']);
    });

    it('builds embedded documents from dotted paths and reads $eq and $and', () => {
      assert.deepEqual(upsertSeed({ 'a.b': 1, $and: [{ c: { $eq: 2 } }, { 'a.d': 3 }] }, false), { a: { b: 1, d: 3 }, c: 2 });
    });

    it('reads a one-element $in and a one-clause $or as equalities', () => {
      assert.deepEqual(upsertSeed({ _id: { $in: [5] }, $or: [{ a: 1 }], b: { $in: [1, 2] } }, false), { _id: 5, a: 1 });
    });

    it('ignores regexes, $or with several clauses and other operators', () => {
      assert.deepEqual(upsertSeed({ a: new BSONRegExp('x'), $or: [{ b: 1 }, { b: 2 }], $expr: { $eq: [1, 1] } }, false), {});
    });

    it('takes only _id for a replacement', () => {
      assert.deepEqual(upsertSeed({ _id: 7, a: 1 }, true), { _id: 7 });
    });

    it('refuses a path matched twice with 54 NotSingleValueField', () => {
      assertCommandError(() => upsertSeed({ $and: [{ a: 1 }, { a: 2 }] }, false), 54, "cannot infer query fields to set, path 'a' is matched twice");
    });

    it('applies operators to the seed, with $setOnInsert, when inserting', () => {
      const seed = upsertSeed({ _id: 'sid', owner: 'x' }, false);
      const doc = updated(seed, { $set: { _id: 'sid', session: 's' }, $setOnInsert: { created: 1 } }, { inserting: true });
      assert.deepEqual(doc, { _id: 'sid', owner: 'x', created: 1, session: 's' });
    });

    it('refuses a $setOnInsert that changes the query _id', () => {
      assertCommandError(() => updated(upsertSeed({ _id: 0 }, false), { $setOnInsert: { _id: 1 } }, { inserting: true }), 66, /would modify the immutable field '_id'/);
    });

    it('refuses the positional operator when inserting: no array matched', () => {
      assertCommandError(
        () => updated(upsertSeed({ a: 1 }, false), { $set: { 'a.$': 2 } }, { inserting: true }),
        2,
        'The positional operator did not find the match needed from the query.',
      );
    });
  });
});
