// CRUD through the driver as the manual describes it: reference/method/db.collection.insertOne,
// insertMany (ordered/unordered), find, findOne, updateOne/Many, replaceOne, deleteOne/Many,
// findOneAndUpdate/Replace/Delete (reference/command/findAndModify), distinct, countDocuments, bulkWrite,
// and reference/command/find (projection, skip, limit), tutorial/project-fields-from-query-results.
import assert from 'node:assert/strict';
import { MongoBulkWriteError, ObjectId } from 'mongodb';
import { serverError } from '../fixtures/connection';
import { assertWriteError, contents, useConformanceDatabase } from './harness';

describe('conformance: CRUD', () => {
  const conf = useConformanceDatabase('crud');

  describe('insert', () => {
    it('insertOne assigns an ObjectId _id when none is given, first in the document', async () => {
      const { insertedId } = await conf.coll().insertOne({ a: 1 });
      assert.ok(insertedId instanceof ObjectId);
      const doc = await conf.coll().findOne({});
      assert.deepEqual(Object.keys(doc ?? {}), ['_id', 'a']);
    });

    it('an _id given later in the document is stored first', async () => {
      await conf.coll().insertOne({ a: 1, _id: 'x' as never });
      const doc = await conf.coll().findOne({});
      assert.deepEqual(Object.keys(doc ?? {}), ['_id', 'a']);
    });

    it('a duplicate _id is refused with 11000', async () => {
      await conf.coll().insertOne({ _id: 1 as never });
      const error = await assertWriteError(conf.coll().insertOne({ _id: 1 as never }), 11000);
      assert.match(error.message, /E11000 duplicate key error collection: .*\.c index: _id_ dup key: \{ _id: 1 \}/);
    });

    it('ordered insertMany stops at the first error', async () => {
      const error = await serverError(conf.coll().insertMany([{ _id: 1 }, { _id: 1 }, { _id: 2 }] as never[]));
      assert.ok(error instanceof MongoBulkWriteError);
      assert.equal(error.result.insertedCount, 1);
      assert.equal(await conf.coll().countDocuments(), 1);
    });

    it('unordered insertMany inserts everything it can', async () => {
      const error = await serverError(conf.coll().insertMany([{ _id: 1 }, { _id: 1 }, { _id: 2 }] as never[], { ordered: false }));
      assert.ok(error instanceof MongoBulkWriteError);
      assert.equal(error.result.insertedCount, 2);
      assert.equal(await conf.coll().countDocuments(), 2);
    });

    // The driver replaces a null _id with a new ObjectId unless the server is to choose ids, so
    // the server only sees `_id: null` with forceServerObjectId.
    it('null is a valid _id, once', async () => {
      await conf.coll().insertOne({ _id: null as never, a: 1 }, { forceServerObjectId: true });
      await assertWriteError(conf.coll().insertOne({ _id: null as never }, { forceServerObjectId: true }), 11000);
      assert.equal((await conf.coll().findOne({ _id: null as never }))?.a, 1);
    });

    it('an embedded document is a valid _id and is matched exactly', async () => {
      await conf.coll().insertOne({ _id: { a: 1, b: 2 } as never });
      assert.equal(await conf.coll().countDocuments({ _id: { a: 1, b: 2 } as never }), 1);
      assert.equal(await conf.coll().countDocuments({ _id: { b: 2, a: 1 } as never }), 0);
    });

    // mongod's fixDocumentForInsert (ops/insert.cpp): BadValue "can't use an array for _id" on insert;
    // the update path (storage_validation) answers 53 InvalidIdField instead.
    it('an array is not a valid _id: 2 BadValue', async () => {
      const error = await assertWriteError(conf.coll().insertOne({ _id: [1, 2] as never }), 2);
      assert.match(error.message, /can't use an array for _id/);
    });

    it('a $-prefixed field inside _id is refused: 52 DollarPrefixedFieldName', async () => {
      await assertWriteError(conf.coll().insertOne({ _id: { $a: 1 } as never }), 52);
      assert.equal(await conf.coll().countDocuments(), 0);
    });
    // A field named __proto__ is an ordinary BSON field; copies of the document must keep it as a field.
    it('stores a field named __proto__ as a field, through updates too', async () => {
      const doc: Record<string, unknown> = { _id: 1, a: 1 };
      Object.defineProperty(doc, '__proto__', { value: { x: 1 }, enumerable: true, writable: true, configurable: true });
      await conf.coll().insertOne(doc);
      await conf.coll().updateOne({ _id: 1 as never }, { $set: { a: 2 } });
      const stored = await conf.coll().findOne({ _id: 1 as never });
      assert.ok(stored);
      assert.deepEqual(Object.keys(stored), ['_id', 'a', '__proto__']);
      assert.deepEqual(Object.getOwnPropertyDescriptor(stored, '__proto__')?.value, { x: 1 });
      assert.equal(stored.a, 2);
    });
  });

  describe('find', () => {
    beforeEach(async () => {
      await conf.coll().insertMany([5, 3, 9, 1, 7].map((n) => ({ _id: n as never, n, label: `n${n}`, nested: { x: n, y: -n }, arr: [n, n + 1, n + 2] })));
    });

    it('sorts, skips and limits', async () => {
      const docs = await conf.coll().find({}, { projection: { _id: 1 } }).sort({ n: -1 }).skip(1).limit(2).toArray();
      assert.deepEqual(docs, [{ _id: 7 }, { _id: 5 }]);
    });

    it('an inclusion projection keeps _id unless excluded', async () => {
      assert.deepEqual(await conf.coll().findOne({ _id: 3 as never }, { projection: { label: 1 } }), { _id: 3, label: 'n3' });
      assert.deepEqual(await conf.coll().findOne({ _id: 3 as never }, { projection: { label: 1, _id: 0 } }), { label: 'n3' });
    });

    it('an exclusion projection removes the named fields', async () => {
      assert.deepEqual(await conf.coll().findOne({ _id: 3 as never }, { projection: { arr: 0, nested: 0, n: 0 } }), { _id: 3, label: 'n3' });
    });

    it('a dotted inclusion keeps only that embedded field', async () => {
      assert.deepEqual(await conf.coll().findOne({ _id: 3 as never }, { projection: { 'nested.x': 1, _id: 0 } }), { nested: { x: 3 } });
    });

    it('$slice in a projection returns part of an array', async () => {
      assert.deepEqual(await conf.coll().findOne({ _id: 3 as never }, { projection: { arr: { $slice: 2 }, _id: 0, n: 1 } }), { n: 3, arr: [3, 4] });
      assert.deepEqual(await conf.coll().findOne({ _id: 3 as never }, { projection: { arr: { $slice: -1 }, _id: 0, label: 1 } }), { label: 'n3', arr: [5] });
    });

    it('$elemMatch in a projection returns the first matching element only', async () => {
      assert.deepEqual(await conf.coll().findOne({ _id: 3 as never }, { projection: { arr: { $elemMatch: { $gt: 3 } }, _id: 0 } }), { arr: [4] });
    });

    it('the positional $ projection returns the element the query matched', async () => {
      assert.deepEqual(await conf.coll().findOne({ arr: 6 }, { projection: { 'arr.$': 1, _id: 0 }, sort: { _id: 1 } }), { arr: [6] });
    });

    it('an aggregation expression in a projection computes a field', async () => {
      assert.deepEqual(await conf.coll().findOne({ _id: 3 as never }, { projection: { _id: 0, twice: { $multiply: ['$n', 2] } } }), { twice: 6 });
    });

    it('a literal in a projection sets that value', async () => {
      assert.deepEqual(await conf.coll().findOne({ _id: 3 as never }, { projection: { _id: 0, tag: { $literal: 1 } } }), { tag: 1 });
    });

    it('mixing inclusion and exclusion is refused: 31254', async () => {
      const error = await serverError(conf.coll().findOne({}, { projection: { label: 1, n: 0 } }));
      assert.equal(error.code, 31254);
    });

    it('the find command refuses a negative limit (51024); the driver sends limit(-n) as a single batch', async () => {
      const error = await serverError(conf.db.command({ find: 'c', filter: {}, limit: -2 }));
      assert.equal(error.code, 51024);
      const docs = await conf.coll().find({}).sort({ n: 1 }).limit(-2).toArray();
      assert.deepEqual(docs.map((doc) => doc.n), [1, 3]);
    });

    it('find on a missing collection answers an empty cursor', async () => {
      assert.deepEqual(await conf.coll('nothing').find({}).toArray(), []);
    });

    it('a negative skip is refused: 51024', async () => {
      const error = await serverError(conf.db.command({ find: 'c', skip: -1 }));
      assert.equal(error.code, 51024);
    });
  });

  describe('update, replace and delete', () => {
    it('updateOne changes only the first match', async () => {
      await conf.coll().insertMany([{ _id: 1 as never, g: 1 }, { _id: 2 as never, g: 1 }]);
      const result = await conf.coll().updateOne({ g: 1 }, { $set: { hit: true } });
      assert.equal(result.modifiedCount, 1);
      assert.equal(await conf.coll().countDocuments({ hit: true }), 1);
    });

    it('replaceOne replaces every field but _id', async () => {
      await conf.coll().insertOne({ _id: 1 as never, a: 1, b: 2 });
      await conf.coll().replaceOne({ _id: 1 as never }, { c: 3 });
      assert.deepEqual(await conf.coll().findOne({}), { _id: 1, c: 3 });
    });

    it('a replacement with another _id is refused: 66 ImmutableField', async () => {
      await conf.coll().insertOne({ _id: 1 as never, a: 1 });
      await assertWriteError(conf.coll().replaceOne({ _id: 1 as never }, { _id: 2 as never, a: 2 }), 66);
      assert.deepEqual(await conf.coll().findOne({}), { _id: 1, a: 1 });
    });

    it('a replacement with the same _id is accepted', async () => {
      await conf.coll().insertOne({ _id: 1 as never, a: 1 });
      await conf.coll().replaceOne({ _id: 1 as never }, { _id: 1 as never, a: 2 });
      assert.deepEqual(await conf.coll().findOne({}), { _id: 1, a: 2 });
    });

    it('$set of _id to another value is refused: 66 ImmutableField', async () => {
      await conf.coll().insertOne({ _id: 1 as never, a: 1 });
      await assertWriteError(conf.coll().updateOne({ _id: 1 as never }, { $set: { _id: 2 as never } }), 66);
    });

    it('$set of _id to its current value is accepted', async () => {
      await conf.coll().insertOne({ _id: 1 as never, a: 1 });
      await conf.coll().updateOne({ _id: 1 as never }, { $set: { _id: 1 as never, a: 2 } });
      assert.deepEqual(await conf.coll().findOne({}), { _id: 1, a: 2 });
    });

    it('deleteOne removes one match, deleteMany every match', async () => {
      await conf.coll().insertMany([{ g: 1 }, { g: 1 }, { g: 1 }, { g: 2 }]);
      assert.equal((await conf.coll().deleteOne({ g: 1 })).deletedCount, 1);
      assert.equal((await conf.coll().deleteMany({ g: 1 })).deletedCount, 2);
      assert.deepEqual(await contents(conf.coll()), [{ g: 2 }]);
    });

    it('delete with let makes $$variables available to $expr', async () => {
      await conf.coll().insertMany([{ _id: 1 as never, n: 1 }, { _id: 2 as never, n: 2 }]);
      await conf.db.command({ delete: 'c', deletes: [{ q: { $expr: { $eq: ['$n', '$$gone'] } }, limit: 0 }], let: { gone: 1 } });
      assert.deepEqual(await conf.coll().find({}).toArray(), [{ _id: 2, n: 2 }]);
    });

    it('an update that would grow a document past 16 MB is refused: 17419', async () => {
      await conf.coll().insertOne({ _id: 1 as never, a: 'x'.repeat(9 * 1024 * 1024) });
      await assertWriteError(conf.coll().updateOne({ _id: 1 as never }, { $set: { b: 'y'.repeat(9 * 1024 * 1024) } }), 17419);
      const doc = await conf.coll().findOne({}, { projection: { b: 1 } });
      assert.equal(doc?.b, undefined);
    });
  });

  describe('findAndModify', () => {
    beforeEach(async () => {
      await conf.coll().insertMany([{ _id: 1 as never, n: 1, q: 'a' }, { _id: 2 as never, n: 2, q: 'a' }]);
    });

    it('returns the document before the update by default', async () => {
      const before = await conf.coll().findOneAndUpdate({ _id: 1 as never }, { $inc: { n: 10 } });
      assert.deepEqual(before, { _id: 1, n: 1, q: 'a' });
    });

    it('returns the document after the update when asked', async () => {
      const after = await conf.coll().findOneAndUpdate({ _id: 1 as never }, { $inc: { n: 10 } }, { returnDocument: 'after' });
      assert.deepEqual(after, { _id: 1, n: 11, q: 'a' });
    });

    it('picks the first document of the sort', async () => {
      const picked = await conf.coll().findOneAndUpdate({ q: 'a' }, { $set: { taken: true } }, { sort: { n: -1 }, returnDocument: 'after' });
      assert.equal(picked?._id, 2);
    });

    it('applies a projection to the returned document', async () => {
      const picked = await conf.coll().findOneAndUpdate({ _id: 2 as never }, { $set: { taken: true } }, { projection: { n: 1, _id: 0 } });
      assert.deepEqual(picked, { n: 2 });
    });

    it('upserts and returns the new document', async () => {
      const created = await conf.coll().findOneAndUpdate({ _id: 9 as never }, { $set: { n: 9 } }, { upsert: true, returnDocument: 'after' });
      assert.deepEqual(created, { _id: 9, n: 9 });
    });

    it('returns null when nothing matches and no upsert', async () => {
      assert.equal(await conf.coll().findOneAndUpdate({ _id: 99 as never }, { $set: { n: 0 } }), null);
    });

    it('findOneAndDelete removes and returns the document', async () => {
      const removed = await conf.coll().findOneAndDelete({ q: 'a' }, { sort: { n: 1 } });
      assert.equal(removed?._id, 1);
      assert.equal(await conf.coll().countDocuments(), 1);
    });

    it('findOneAndReplace returns the replacement when asked', async () => {
      const after = await conf.coll().findOneAndReplace({ _id: 1 as never }, { z: 1 }, { returnDocument: 'after' });
      assert.deepEqual(after, { _id: 1, z: 1 });
    });

    it('findAndModify with let makes $$variables available to the query and a pipeline update', async () => {
      const reply = await conf.db.command({
        findAndModify: 'c', query: { $expr: { $eq: ['$n', '$$which'] } }, update: [{ $set: { tag: '$$label' } }], new: true, let: { which: 2, label: 'chosen' },
      });
      assert.deepEqual(reply.value, { _id: 2, n: 2, q: 'a', tag: 'chosen' });
    });

    it('reports lastErrorObject with updatedExisting and upserted', async () => {
      const reply = await conf.db.command({ findAndModify: 'c', query: { _id: 5 }, update: { $set: { n: 5 } }, upsert: true, new: true });
      assert.equal(reply.lastErrorObject.updatedExisting, false);
      assert.equal(reply.lastErrorObject.upserted, 5);
      assert.equal(reply.lastErrorObject.n, 1);
    });
  });

  describe('distinct and count', () => {
    beforeEach(async () => {
      await conf.coll().insertMany([{ k: 'a', t: ['x', 'y'] }, { k: 'b', t: ['y'] }, { k: 'a', t: 'z' }, { k: null }, {}]);
    });

    it('distinct lists each value once, array elements separately', async () => {
      assert.deepEqual((await conf.coll().distinct('t')).sort(), ['x', 'y', 'z']);
    });

    it('distinct includes null but not missing values', async () => {
      const values = await conf.coll().distinct('k');
      assert.equal(values.length, 3);
      assert.ok(values.includes(null));
    });

    it('distinct with a query', async () => {
      assert.deepEqual(await conf.coll().distinct('k', { t: 'y' }), ['a', 'b'].filter((k) => k));
    });

    it('countDocuments counts matches, with skip and limit', async () => {
      assert.equal(await conf.coll().countDocuments({ k: 'a' }), 2);
      assert.equal(await conf.coll().countDocuments({}, { skip: 1, limit: 2 }), 2);
    });
  });

  describe('bulkWrite', () => {
    it('applies mixed operations in order and reports each count', async () => {
      const result = await conf.coll().bulkWrite([
        { insertOne: { document: { _id: 1 as never, n: 1 } } },
        { insertOne: { document: { _id: 2 as never, n: 2 } } },
        { updateOne: { filter: { _id: 1 as never }, update: { $inc: { n: 1 } } } },
        { updateMany: { filter: {}, update: { $set: { seen: true } } } },
        { deleteOne: { filter: { _id: 2 as never } } },
        { replaceOne: { filter: { _id: 3 as never }, replacement: { n: 3 }, upsert: true } },
      ]);
      assert.equal(result.insertedCount, 2);
      assert.equal(result.matchedCount, 3);
      assert.equal(result.deletedCount, 1);
      assert.equal(result.upsertedCount, 1);
      assert.deepEqual(await conf.coll().find({}).sort({ _id: 1 }).toArray(), [{ _id: 1, n: 2, seen: true }, { _id: 3, n: 3 }]);
    });
  });
});
