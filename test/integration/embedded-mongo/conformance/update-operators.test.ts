// Update operators as the manual documents them: reference/operator/update (fields, array,
// modifiers, bitwise), reference/operator/update/positional, positional-all, positional-filtered,
// tutorial/update-documents-with-aggregation-pipeline, reference/method/db.collection.updateOne (upsert).
import assert from 'node:assert/strict';
import type { Document } from 'mongodb';
import { useConformanceDatabase } from './harness';

/** Field order matters in BSON: compare the serialized forms, not just the values. */
function assertSameDocument(actual: unknown, expected: unknown): void {
  assert.equal(JSON.stringify(actual), JSON.stringify(expected));
}

/** [what the manual says, stored document (without _id), update, stored document afterwards, filter beyond _id] */
const CASES: Array<[string, Document, Document | Document[], Document, Document?]> = [
  ['$set adds a new field at the end', { a: 1 }, { $set: { b: 2 } }, { a: 1, b: 2 }],
  ['$set replaces a value in place, keeping field order', { a: 1, b: 2 }, { $set: { a: 5 } }, { a: 5, b: 2 }],
  ['$set on a dotted path creates embedded documents', { a: 1 }, { $set: { 'x.y': 1 } }, { a: 1, x: { y: 1 } }],
  ['$set on an array index replaces that element', { arr: [1, 2, 3] }, { $set: { 'arr.1': 9 } }, { arr: [1, 9, 3] }],
  ['$set past the end of an array pads with nulls', { arr: [1] }, { $set: { 'arr.3': 4 } }, { arr: [1, null, null, 4] }],
  ['$set of a whole embedded document', { n: { a: 1, b: 2 } }, { $set: { n: { c: 3 } } }, { n: { c: 3 } }],
  ['$unset removes a field', { a: 1, b: 2 }, { $unset: { b: '' } }, { a: 1 }],
  ['$unset of a missing field changes nothing', { a: 1 }, { $unset: { z: '' } }, { a: 1 }],
  ['$unset of an array element sets it to null', { arr: [1, 2] }, { $unset: { 'arr.0': '' } }, { arr: [null, 2] }],
  ['$inc adds to a number', { n: 1 }, { $inc: { n: 2 } }, { n: 3 }],
  ['$inc with a negative amount subtracts', { n: 1 }, { $inc: { n: -5 } }, { n: -4 }],
  ['$inc of a missing field creates it', { a: 1 }, { $inc: { n: 5 } }, { a: 1, n: 5 }],
  ['$inc on a dotted path', { p: { q: 1 } }, { $inc: { 'p.q': 1 } }, { p: { q: 2 } }],
  ['$mul multiplies', { n: 3 }, { $mul: { n: 2 } }, { n: 6 }],
  ['$min lowers a greater value', { n: 5 }, { $min: { n: 3 } }, { n: 3 }],
  ['$min keeps a smaller value', { n: 2 }, { $min: { n: 3 } }, { n: 2 }],
  ['$max raises a smaller value', { n: 2 }, { $max: { n: 3 } }, { n: 3 }],
  ['$max of a missing field sets it', { a: 1 }, { $max: { n: 3 } }, { a: 1, n: 3 }],
  ['$min compares across types by BSON order (null is less than numbers)', { n: 5 }, { $min: { n: null } }, { n: null }],
  ['$rename moves a field (to the end of the document)', { a: 1, b: 2 }, { $rename: { a: 'c' } }, { b: 2, c: 1 }],
  ['$rename into an embedded document', { a: 1 }, { $rename: { a: 'x.y' } }, { x: { y: 1 } }],
  ['$rename of a missing field changes nothing', { a: 1 }, { $rename: { z: 'y' } }, { a: 1 }],
  ['$rename over an existing field replaces it', { a: 1, b: 2 }, { $rename: { a: 'b' } }, { b: 1 }],
  ['$setOnInsert does nothing when no document is inserted', { a: 1 }, { $setOnInsert: { b: 2 }, $set: { c: 3 } }, { a: 1, c: 3 }],
  ['$push appends', { arr: [1] }, { $push: { arr: 2 } }, { arr: [1, 2] }],
  ['$push onto a missing field creates the array', { a: 1 }, { $push: { arr: 2 } }, { a: 1, arr: [2] }],
  ['$push of an array appends it as one element', { arr: [1] }, { $push: { arr: [2, 3] } }, { arr: [1, [2, 3]] }],
  ['$push $each appends every value', { arr: [1] }, { $push: { arr: { $each: [2, 3] } } }, { arr: [1, 2, 3] }],
  ['$push $position 0 prepends', { arr: [3] }, { $push: { arr: { $each: [1, 2], $position: 0 } } }, { arr: [1, 2, 3] }],
  ['$push $position negative counts from the end', { arr: [1, 4] }, { $push: { arr: { $each: [2, 3], $position: -1 } } }, { arr: [1, 2, 3, 4] }],
  ['$push $slice -2 keeps the last two', { arr: [1, 2] }, { $push: { arr: { $each: [3], $slice: -2 } } }, { arr: [2, 3] }],
  ['$push $slice 0 empties the array', { arr: [1, 2] }, { $push: { arr: { $each: [3], $slice: 0 } } }, { arr: [] }],
  ['$push $sort 1 sorts the values', { arr: [3, 1] }, { $push: { arr: { $each: [2], $sort: 1 } } }, { arr: [1, 2, 3] }],
  ['$push $sort by a field of embedded documents', { arr: [{ k: 2 }, { k: 3 }] }, { $push: { arr: { $each: [{ k: 1 }], $sort: { k: -1 } } } }, { arr: [{ k: 3 }, { k: 2 }, { k: 1 }] }],
  ['$push $each with $sort then $slice', { arr: [5, 1] }, { $push: { arr: { $each: [3, 4], $sort: 1, $slice: 3 } } }, { arr: [1, 3, 4] }],
  ['$addToSet adds a missing value', { arr: [1] }, { $addToSet: { arr: 2 } }, { arr: [1, 2] }],
  ['$addToSet skips a value already there', { arr: [1, 2] }, { $addToSet: { arr: 2 } }, { arr: [1, 2] }],
  ['$addToSet $each adds only the new values', { arr: [1] }, { $addToSet: { arr: { $each: [1, 2, 2, 3] } } }, { arr: [1, 2, 3] }],
  ['$addToSet compares documents with field order', { arr: [{ a: 1, b: 2 }] }, { $addToSet: { arr: { b: 2, a: 1 } } }, { arr: [{ a: 1, b: 2 }, { b: 2, a: 1 }] }],
  ['$addToSet treats 1 and 1.0 as the same value', { arr: [1] }, { $addToSet: { arr: 1.0 } }, { arr: [1] }],
  ['$pop 1 removes the last element', { arr: [1, 2, 3] }, { $pop: { arr: 1 } }, { arr: [1, 2] }],
  ['$pop -1 removes the first element', { arr: [1, 2, 3] }, { $pop: { arr: -1 } }, { arr: [2, 3] }],
  ['$pull removes every equal value', { arr: [1, 2, 1, 3] }, { $pull: { arr: 1 } }, { arr: [2, 3] }],
  ['$pull with a condition', { arr: [1, 5, 2, 6] }, { $pull: { arr: { $gte: 5 } } }, { arr: [1, 2] }],
  ['$pull with a query on embedded documents', { arr: [{ k: 1, v: 'a' }, { k: 2, v: 'b' }] }, { $pull: { arr: { k: 1 } } }, { arr: [{ k: 2, v: 'b' }] }],
  ['$pullAll removes every listed value', { arr: [1, 2, 3, 1] }, { $pullAll: { arr: [1, 3] } }, { arr: [2] }],
  ['positional $ updates the first matched element', { arr: [1, 2, 3] }, { $set: { 'arr.$': 20 } }, { arr: [1, 20, 3] }, { arr: 2 }],
  ['positional $ in an array of documents', { arr: [{ k: 1, v: 0 }, { k: 2, v: 0 }] }, { $set: { 'arr.$.v': 9 } }, { arr: [{ k: 1, v: 0 }, { k: 2, v: 9 }] }, { 'arr.k': 2 }],
  ['positional $ with $elemMatch', { arr: [{ k: 1, v: 1 }, { k: 1, v: 2 }] }, { $inc: { 'arr.$.v': 10 } }, { arr: [{ k: 1, v: 1 }, { k: 1, v: 12 }] }, { arr: { $elemMatch: { k: 1, v: 2 } } }],
  ['$[] updates every element', { arr: [1, 2, 3] }, { $inc: { 'arr.$[]': 1 } }, { arr: [2, 3, 4] }],
  ['$[] in an array of documents', { arr: [{ v: 1 }, { v: 2 }] }, { $set: { 'arr.$[].v': 0 } }, { arr: [{ v: 0 }, { v: 0 }] }],
  ['$bit and', { n: 13 }, { $bit: { n: { and: 10 } } }, { n: 8 }],
  ['$bit or', { n: 5 }, { $bit: { n: { or: 2 } } }, { n: 7 }],
  ['$bit xor', { n: 5 }, { $bit: { n: { xor: 1 } } }, { n: 4 }],
  // reference/operator/update "Behavior": string field names in lexicographic order, numeric ones in numeric order (5.0+).
  ['new fields of one update are added in lexicographic order', { x: 0 }, { $set: { z: 1, a: 1, m: 1 } }, { x: 0, a: 1, m: 1, z: 1 }],
  ['array indexes of one update are applied in numeric order', { arr: [] }, { $set: { 'arr.10': 'ten', 'arr.2': 'two' } }, { arr: [null, null, 'two', null, null, null, null, null, null, null, 'ten'] }],
  ['several operators in one update apply together', { a: 1, b: [1] }, { $inc: { a: 1 }, $push: { b: 2 }, $set: { c: 'x' } }, { a: 2, b: [1, 2], c: 'x' }],
  ['a pipeline update computes from the document', { a: 1, b: 2 }, [{ $set: { c: { $add: ['$a', '$b'] } } }], { a: 1, b: 2, c: 3 }],
  ['a pipeline update can $unset', { a: 1, b: 2 }, [{ $unset: 'b' }], { a: 1 }],
  ['a pipeline update with $replaceWith keeps the original _id when the replacement has none', { a: 1, n: { x: 1 } }, [{ $replaceWith: '$n' }], { x: 1 }],
];

describe('conformance: update operators', () => {
  const conf = useConformanceDatabase('update');

  for (const [title, stored, update, expected, filter] of CASES) {
    it(`${title}: ${JSON.stringify(update)}`, async () => {
      await conf.coll().insertOne({ _id: 1 as never, ...stored });
      const result = await conf.coll().updateOne({ _id: 1 as never, ...filter }, update);
      assert.equal(result.matchedCount, 1);
      assertSameDocument(await conf.coll().findOne({ _id: 1 as never }, { projection: { _id: 0 } }), expected);
    });
  }

  it('$[identifier] with arrayFilters updates only the matching elements', async () => {
    await conf.coll().insertOne({ _id: 1 as never, grades: [95, 102, 90, 150] });
    await conf.coll().updateOne({ _id: 1 as never }, { $set: { 'grades.$[g]': 100 } }, { arrayFilters: [{ g: { $gte: 100 } }] });
    assert.deepEqual((await conf.coll().findOne({}))?.grades, [95, 100, 90, 100]);
  });

  it('$[identifier] with arrayFilters on fields of embedded documents', async () => {
    await conf.coll().insertOne({ _id: 1 as never, items: [{ k: 'a', n: 1 }, { k: 'b', n: 1 }] });
    await conf.coll().updateOne({ _id: 1 as never }, { $inc: { 'items.$[it].n': 5 } }, { arrayFilters: [{ 'it.k': 'b' }] });
    assert.deepEqual((await conf.coll().findOne({}))?.items, [{ k: 'a', n: 1 }, { k: 'b', n: 6 }]);
  });

  it('$currentDate sets a Date, or a Timestamp when asked', async () => {
    await conf.coll().insertOne({ _id: 1 as never });
    const before = Date.now();
    await conf.coll().updateOne({ _id: 1 as never }, { $currentDate: { d: true, t: { $type: 'timestamp' } } as never });
    const doc = await conf.coll().findOne({});
    assert.ok(doc?.d instanceof Date);
    assert.ok(doc.d.getTime() >= before - 1000);
    assert.equal((doc.t as { _bsontype?: string })._bsontype, 'Timestamp');
  });

  it('an update that changes nothing reports modifiedCount 0', async () => {
    await conf.coll().insertOne({ _id: 1 as never, a: 1 });
    const result = await conf.coll().updateOne({ _id: 1 as never }, { $set: { a: 1 } });
    assert.equal(result.matchedCount, 1);
    assert.equal(result.modifiedCount, 0);
  });

  it('updateMany updates every match and reports the counts', async () => {
    await conf.coll().insertMany([{ g: 1 }, { g: 1 }, { g: 2 }]);
    const result = await conf.coll().updateMany({ g: 1 }, { $set: { seen: true } });
    assert.equal(result.matchedCount, 2);
    assert.equal(result.modifiedCount, 2);
    assert.equal(await conf.coll().countDocuments({ seen: true }), 2);
  });

  describe('upsert', () => {
    it('inserts the equality fields of the query plus the update', async () => {
      const result = await conf.coll().updateOne({ a: 1, b: { $gt: 5 } }, { $set: { c: 2 } }, { upsert: true });
      assert.equal(result.upsertedCount, 1);
      const doc = await conf.coll().findOne({}, { projection: { _id: 0 } });
      assertSameDocument(doc, { a: 1, c: 2 });
    });

    it('takes _id from the query', async () => {
      const result = await conf.coll().updateOne({ _id: 'chosen' as never }, { $set: { a: 1 } }, { upsert: true });
      assert.equal(result.upsertedId, 'chosen');
      assert.equal(await conf.coll().countDocuments({ _id: 'chosen' as never }), 1);
    });

    it('applies $setOnInsert only when it inserts', async () => {
      await conf.coll().updateOne({ k: 1 }, { $set: { n: 1 }, $setOnInsert: { created: 'first' } }, { upsert: true });
      await conf.coll().updateOne({ k: 1 }, { $set: { n: 2 }, $setOnInsert: { created: 'second' } }, { upsert: true });
      // New fields are added in lexicographic order (update operators, "Behavior", since 5.0).
      assertSameDocument(await conf.coll().findOne({}, { projection: { _id: 0 } }), { k: 1, created: 'first', n: 2 });
    });

    it('accepts $set of _id to the value from the query (what connect-mongo sends)', async () => {
      await conf.coll().updateOne({ _id: 'sid' as never }, { $set: { _id: 'sid' as never, session: 'one' } }, { upsert: true });
      await conf.coll().updateOne({ _id: 'sid' as never }, { $set: { _id: 'sid' as never, session: 'two' } }, { upsert: true });
      assert.deepEqual(await conf.coll().find({}).toArray(), [{ _id: 'sid', session: 'two' }]);
    });

    it('a replacement upsert takes _id from the query', async () => {
      await conf.coll().replaceOne({ _id: 7 as never }, { a: 1 }, { upsert: true });
      assert.deepEqual(await conf.coll().find({}).toArray(), [{ _id: 7, a: 1 }]);
    });

    it('an upsert with a pipeline update inserts the computed fields', async () => {
      await conf.coll().updateOne({ k: 1 }, [{ $set: { doubled: { $multiply: ['$k', 2] } } }], { upsert: true });
      assertSameDocument(await conf.coll().findOne({}, { projection: { _id: 0 } }), { k: 1, doubled: 2 });
    });
  });

  it('update with let makes $$variables available in the filter and a pipeline update', async () => {
    await conf.coll().insertMany([{ _id: 1 as never, n: 1 }, { _id: 2 as never, n: 2 }]);
    await conf.db.command({
      update: 'c',
      updates: [{ q: { $expr: { $eq: ['$n', '$$target'] } }, u: [{ $set: { tag: '$$label' } }] }],
      let: { target: 2, label: 'picked' },
    });
    assert.deepEqual(await conf.coll().find({}).sort({ _id: 1 }).toArray(), [{ _id: 1, n: 1 }, { _id: 2, n: 2, tag: 'picked' }]);
  });
});
