// Aggregation stages as the manual documents them: reference/operator/aggregation-pipeline and each
// stage's page ($match, $project, $addFields, $unset, $sort, $skip, $limit, $count, $group, $unwind,
// $lookup, $bucket, $bucketAuto, $facet, $sortByCount, $replaceRoot, $sample, $unionWith, $out, $merge,
// $documents), and reference/command/aggregate (let).
import assert from 'node:assert/strict';
import type { Document } from 'mongodb';
import { contents, useConformanceDatabase } from './harness';

/** Field order matters: compare serialized forms. */
function assertSameDocuments(actual: unknown, expected: unknown): void {
  assert.equal(JSON.stringify(actual), JSON.stringify(expected));
}

describe('conformance: aggregation stages', () => {
  const conf = useConformanceDatabase('aggregation');

  async function run(pipeline: Document[], name = 'c'): Promise<Document[]> {
    return conf.coll(name).aggregate(pipeline).toArray();
  }

  describe('$match, $project, $addFields, $unset', () => {
    beforeEach(async () => {
      await conf.coll().insertMany([
        { _id: 1 as never, a: 1, b: 2, n: { x: 1, y: 2 } },
        { _id: 2 as never, a: 2, b: 3, n: { x: 3, y: 4 } },
      ]);
    });

    it('$match filters with query operators', async () => {
      assert.deepEqual((await run([{ $match: { a: { $gt: 1 } } }])).map((doc) => doc._id), [2]);
    });

    it('$match with $expr', async () => {
      assert.deepEqual((await run([{ $match: { $expr: { $eq: ['$b', { $add: ['$a', 1] }] } } }])).length, 2);
    });

    it('computed $project fields keep the order they were given in', async () => {
      assertSameDocuments(await run([{ $match: { _id: 1 } }, { $project: { _id: 0, zeta: '$a', alpha: '$b', mid: { $add: ['$a', '$b'] } } }]), [{ zeta: 1, alpha: 2, mid: 3 }]);
    });

    it('included fields keep the document order, _id first', async () => {
      assertSameDocuments(await run([{ $match: { _id: 1 } }, { $project: { b: 1, a: 1 } }]), [{ _id: 1, a: 1, b: 2 }]);
    });

    it('$project exclusion of an embedded field', async () => {
      assertSameDocuments(await run([{ $match: { _id: 1 } }, { $project: { 'n.y': 0, _id: 0 } }]), [{ a: 1, b: 2, n: { x: 1 } }]);
    });

    it('$project with an embedded document spec', async () => {
      assertSameDocuments(await run([{ $match: { _id: 1 } }, { $project: { _id: 0, n: { x: 1 } } }]), [{ n: { x: 1 } }]);
    });

    it('$project of a missing field leaves it out', async () => {
      assertSameDocuments(await run([{ $match: { _id: 1 } }, { $project: { _id: 0, missing: 1, a: 1 } }]), [{ a: 1 }]);
    });

    it('$addFields appends new fields and replaces existing ones in place', async () => {
      assertSameDocuments(await run([{ $match: { _id: 1 } }, { $addFields: { c: 5, a: 'new' } }, { $project: { n: 0 } }]), [{ _id: 1, a: 'new', b: 2, c: 5 }]);
    });

    it('$set is an alias of $addFields', async () => {
      assertSameDocuments(await run([{ $match: { _id: 1 } }, { $set: { 'n.z': 3 } }, { $project: { _id: 0, n: 1 } }]), [{ n: { x: 1, y: 2, z: 3 } }]);
    });

    it('$unset removes fields', async () => {
      assertSameDocuments(await run([{ $match: { _id: 1 } }, { $unset: ['b', 'n.x'] }]), [{ _id: 1, a: 1, n: { y: 2 } }]);
    });

    it('$$REMOVE in $project leaves a field out conditionally', async () => {
      const docs = await run([{ $project: { _id: 1, big: { $cond: [{ $gt: ['$a', 1] }, '$a', '$$REMOVE'] } } }]);
      assertSameDocuments(docs, [{ _id: 1 }, { _id: 2, big: 2 }]);
    });
  });

  describe('$sort, $skip, $limit, $count, $sample', () => {
    beforeEach(async () => {
      await conf.coll().insertMany([3, 1, 2, 5, 4].map((n) => ({ _id: n as never, n })));
    });

    it('$sort then $skip then $limit', async () => {
      assert.deepEqual((await run([{ $sort: { n: -1 } }, { $skip: 1 }, { $limit: 2 }])).map((doc) => doc.n), [4, 3]);
    });

    it('$count names its output field', async () => {
      assert.deepEqual(await run([{ $match: { n: { $gt: 2 } } }, { $count: 'total' }]), [{ total: 3 }]);
    });

    it('$count on empty input returns no document at all', async () => {
      assert.deepEqual(await run([{ $match: { n: 99 } }, { $count: 'total' }]), []);
    });

    it('$sample returns that many distinct documents', async () => {
      const docs = await run([{ $sample: { size: 3 } }]);
      assert.equal(docs.length, 3);
      assert.equal(new Set(docs.map((doc) => doc._id)).size, 3);
    });

    it('$sortByCount groups and orders by count', async () => {
      await conf.coll('k').insertMany([{ k: 'a' }, { k: 'b' }, { k: 'b' }]);
      assert.deepEqual(await run([{ $sortByCount: '$k' }], 'k'), [{ _id: 'b', count: 2 }, { _id: 'a', count: 1 }]);
    });
  });

  describe('$group', () => {
    beforeEach(async () => {
      await conf.coll().insertMany([
        { g: 'a', h: 1, v: 1 }, { g: 'a', h: 2, v: 2 }, { g: 'b', h: 1, v: 3 }, { v: 4 },
      ]);
    });

    it('groups by a field; a missing field groups under null', async () => {
      const docs = await run([{ $group: { _id: '$g', total: { $sum: '$v' } } }, { $sort: { _id: 1 } }]);
      assert.deepEqual(docs, [{ _id: null, total: 4 }, { _id: 'a', total: 3 }, { _id: 'b', total: 3 }]);
    });

    it('groups by a compound key', async () => {
      const docs = await run([{ $match: { g: { $exists: true } } }, { $group: { _id: { g: '$g', h: '$h' }, n: { $sum: 1 } } }, { $sort: { '_id.g': 1, '_id.h': 1 } }]);
      assert.deepEqual(docs.map((doc) => doc._id), [{ g: 'a', h: 1 }, { g: 'a', h: 2 }, { g: 'b', h: 1 }]);
    });

    it('groups everything under _id null', async () => {
      assert.deepEqual(await run([{ $group: { _id: null, n: { $sum: 1 } } }]), [{ _id: null, n: 4 }]);
    });

    it('$group on empty input returns nothing', async () => {
      assert.deepEqual(await run([{ $match: { none: true } }, { $group: { _id: null, n: { $sum: 1 } } }]), []);
    });
  });

  describe('$unwind', () => {
    beforeEach(async () => {
      await conf.coll().insertMany([
        { _id: 1 as never, tags: ['a', 'b'] }, { _id: 2 as never, tags: [] }, { _id: 3 as never, tags: null }, { _id: 4 as never }, { _id: 5 as never, tags: 'solo' },
      ]);
    });

    it('emits one document per element; empty, null and missing arrays are dropped; a scalar is one element', async () => {
      const docs = await run([{ $unwind: '$tags' }]);
      assert.deepEqual(docs, [{ _id: 1, tags: 'a' }, { _id: 1, tags: 'b' }, { _id: 5, tags: 'solo' }]);
    });

    it('preserveNullAndEmptyArrays keeps those documents, with the field as it was (missing for empty)', async () => {
      const docs = await run([{ $unwind: { path: '$tags', preserveNullAndEmptyArrays: true } }]);
      assert.deepEqual(docs, [
        { _id: 1, tags: 'a' }, { _id: 1, tags: 'b' }, { _id: 2 }, { _id: 3, tags: null }, { _id: 4 }, { _id: 5, tags: 'solo' },
      ]);
    });

    it('includeArrayIndex adds the index, null for a non-array', async () => {
      const docs = await run([{ $unwind: { path: '$tags', includeArrayIndex: 'i', preserveNullAndEmptyArrays: true } }]);
      assert.deepEqual(docs.map((doc) => [doc._id, doc.i]), [[1, 0], [1, 1], [2, null], [3, null], [4, null], [5, null]]);
    });

    it('never alters the stored documents (issue 8: tags: [] removed and i: null added)', async () => {
      const before = await contents(conf.coll());
      await run([{ $unwind: { path: '$tags', includeArrayIndex: 'i', preserveNullAndEmptyArrays: true } }]);
      await conf.coll().updateOne({ _id: 1 as never }, { $set: { touched: true } });
      await conf.coll().updateOne({ _id: 1 as never }, { $unset: { touched: '' } });
      assert.deepEqual(await contents(conf.coll()), before);
    });
  });

  describe('$lookup', () => {
    beforeEach(async () => {
      await conf.coll('orders').insertMany([
        { _id: 1 as never, item: 'a', qty: 2 }, { _id: 2 as never, item: 'b', qty: 1 }, { _id: 3 as never, item: 'a', qty: 5 },
      ]);
      await conf.coll('items').insertMany([
        { _id: 'a' as never, price: 10 }, { _id: 'b' as never, price: 20 }, { _id: 'c' as never, price: 30 },
      ]);
    });

    it('joins on equality of localField and foreignField', async () => {
      const docs = await run([{ $lookup: { from: 'orders', localField: '_id', foreignField: 'item', as: 'orders' } }, { $project: { n: { $size: '$orders' } } }], 'items');
      assert.deepEqual(docs, [{ _id: 'a', n: 2 }, { _id: 'b', n: 1 }, { _id: 'c', n: 0 }]);
    });

    it('an array localField matches any of its elements and adds no nulls', async () => {
      await conf.coll('carts').insertOne({ _id: 1 as never, items: ['a', 'c', 'zzz'] });
      const [cart] = await run([{ $lookup: { from: 'items', localField: 'items', foreignField: '_id', as: 'found' } }], 'carts');
      assert.deepEqual(cart?.found, [{ _id: 'a', price: 10 }, { _id: 'c', price: 30 }]);
    });

    it('a missing localField matches foreign documents where the field is null or missing', async () => {
      await conf.coll('loose').insertOne({ _id: 1 as never });
      const [doc] = await run([{ $lookup: { from: 'orders', localField: 'nothing', foreignField: 'nothing', as: 'all' } }], 'loose');
      assert.equal(doc?.all.length, 3);
    });

    it('a missing foreign collection gives empty arrays', async () => {
      const [doc] = await run([{ $match: { _id: 'a' } }, { $lookup: { from: 'nosuch', localField: '_id', foreignField: 'x', as: 'none' } }], 'items');
      assert.deepEqual(doc?.none, []);
    });

    it('a pipeline with let filters the foreign documents', async () => {
      const docs = await run([
        { $match: { _id: 'a' } },
        { $lookup: { from: 'orders', let: { id: '$_id' }, pipeline: [{ $match: { $expr: { $and: [{ $eq: ['$item', '$$id'] }, { $gt: ['$qty', 3] }] } } }, { $project: { _id: 1 } }], as: 'big' } },
      ], 'items');
      assert.deepEqual(docs[0]?.big, [{ _id: 3 }]);
    });

    it('localField plus pipeline joins first, then runs the pipeline on the joined documents', async () => {
      const docs = await run([
        { $lookup: { from: 'orders', localField: '_id', foreignField: 'item', pipeline: [{ $project: { _id: 0, qty: 1 } }], as: 'qtys' } },
      ], 'items');
      assert.deepEqual(docs.map((doc) => [doc._id, doc.qty ?? doc.qtys]), [['a', [{ qty: 2 }, { qty: 5 }]], ['b', [{ qty: 1 }]], ['c', []]]);
    });
  });

  describe('$bucket and $bucketAuto', () => {
    beforeEach(async () => {
      await conf.coll().insertMany([0, 5, 10, 15, 20, 99].map((price) => ({ price })));
    });

    it('a value equal to a boundary goes to the bucket that starts there (upper bucket)', async () => {
      const docs = await run([{ $bucket: { groupBy: '$price', boundaries: [0, 10, 20], default: 'other' } }]);
      assert.deepEqual(docs, [{ _id: 0, count: 2 }, { _id: 10, count: 2 }, { _id: 'other', count: 2 }]);
    });

    it('output accumulators replace the default count', async () => {
      const docs = await run([{ $bucket: { groupBy: '$price', boundaries: [0, 50], default: 'big', output: { total: { $sum: '$price' } } } }]);
      assert.deepEqual(docs, [{ _id: 0, total: 50 }, { _id: 'big', total: 99 }]);
    });

    it('a value outside the boundaries without a default is an error', async () => {
      await assert.rejects(run([{ $bucket: { groupBy: '$price', boundaries: [0, 10] } }]));
    });

    it('$bucketAuto spreads documents over the requested number of buckets', async () => {
      const docs = await run([{ $bucketAuto: { groupBy: '$price', buckets: 3 } }]);
      assert.equal(docs.length, 3);
      assert.deepEqual(docs.map((doc) => doc.count), [2, 2, 2]);
      assert.deepEqual(docs[0]?._id, { min: 0, max: 10 });
    });
  });

  describe('other stages', () => {
    beforeEach(async () => {
      await conf.coll().insertMany([{ _id: 1 as never, g: 'a', n: { v: 1 } }, { _id: 2 as never, g: 'b', n: { v: 2 } }]);
    });

    it('$facet runs sub-pipelines on the same input', async () => {
      const [doc] = await run([{ $facet: { count: [{ $count: 'n' }], ids: [{ $project: { _id: 1 } }] } }]);
      assert.deepEqual(doc, { count: [{ n: 2 }], ids: [{ _id: 1 }, { _id: 2 }] });
    });

    it('$replaceRoot promotes an embedded document', async () => {
      assert.deepEqual(await run([{ $replaceRoot: { newRoot: '$n' } }]), [{ v: 1 }, { v: 2 }]);
    });

    it('$replaceWith is an alias of $replaceRoot', async () => {
      assert.deepEqual(await run([{ $replaceWith: { id: '$_id' } }]), [{ id: 1 }, { id: 2 }]);
    });

    it('$unionWith appends another collection', async () => {
      await conf.coll('more').insertOne({ _id: 3 as never, g: 'c' });
      assert.deepEqual((await run([{ $project: { g: 1 } }, { $unionWith: { coll: 'more' } }])).map((doc) => doc.g), ['a', 'b', 'c']);
    });

    it('$out replaces a collection with the results', async () => {
      await conf.coll('target').insertOne({ old: true });
      await run([{ $match: { g: 'a' } }, { $out: 'target' }]);
      assert.deepEqual(await conf.coll('target').find({}).toArray(), [{ _id: 1, g: 'a', n: { v: 1 } }]);
    });

    it('$merge inserts new documents and merges matched ones', async () => {
      await conf.coll('target').insertOne({ _id: 1 as never, keep: true });
      await run([{ $project: { g: 1 } }, { $merge: { into: 'target' } }]);
      assert.deepEqual(await conf.coll('target').find({}).sort({ _id: 1 }).toArray(), [{ _id: 1, keep: true, g: 'a' }, { _id: 2, g: 'b' }]);
    });

    it('$documents feeds literal documents to a database-level pipeline', async () => {
      const docs = await conf.db.aggregate([{ $documents: [{ x: 1 }, { x: 2 }] }, { $match: { x: 2 } }]).toArray();
      assert.deepEqual(docs, [{ x: 2 }]);
    });

    it('aggregate with let makes $$variables available to the pipeline', async () => {
      const docs = await conf.coll().aggregate([{ $match: { $expr: { $eq: ['$g', '$$wanted'] } } }, { $project: { _id: 1 } }], { let: { wanted: 'b' } }).toArray();
      assert.deepEqual(docs, [{ _id: 2 }]);
    });
  });
});
