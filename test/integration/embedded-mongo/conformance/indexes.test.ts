// Indexes as the manual documents them: core/index-unique (missing fields count as null),
// core/index-sparse, core/index-partial, core/index-ttl, core/index-compound, core/index-multikey,
// reference/command/createIndexes, listIndexes, dropIndexes, reference/method/cursor.hint.
// Results must not depend on whether an index exists: every query here is also a correctness check.
import assert from 'node:assert/strict';
import type { Document } from 'mongodb';
import { assertServerError, assertWriteError, useConformanceDatabase } from './harness';

describe('conformance: indexes', () => {
  const conf = useConformanceDatabase('indexes');

  describe('catalog', () => {
    it('names indexes after their keys and lists them with their options', async () => {
      assert.equal(await conf.coll().createIndex({ a: 1 }), 'a_1');
      assert.equal(await conf.coll().createIndex({ a: 1, b: -1 }, { unique: true }), 'a_1_b_-1');
      const indexes = await conf.coll().listIndexes().toArray();
      assert.deepEqual(indexes.map((index) => index.name), ['_id_', 'a_1', 'a_1_b_-1']);
      assert.deepEqual(indexes[2]?.key, { a: 1, b: -1 });
      assert.equal(indexes[2]?.unique, true);
      assert.equal(indexes[0]?.v, 2);
    });

    it('creating the same index twice is a no-op', async () => {
      await conf.coll().createIndex({ a: 1 });
      const reply = await conf.db.command({ createIndexes: 'c', indexes: [{ key: { a: 1 }, name: 'a_1' }] });
      assert.equal(reply.numIndexesBefore, reply.numIndexesAfter);
    });

    it('drops an index by name, by key pattern, and all but _id with "*"', async () => {
      await conf.coll().createIndexes([{ key: { a: 1 } }, { key: { b: 1 } }, { key: { c: 1 } }]);
      await conf.coll().dropIndex('a_1');
      await conf.db.command({ dropIndexes: 'c', index: { b: 1 } });
      assert.deepEqual((await conf.coll().listIndexes().toArray()).map((index) => index.name), ['_id_', 'c_1']);
      await conf.coll().dropIndexes();
      assert.deepEqual((await conf.coll().listIndexes().toArray()).map((index) => index.name), ['_id_']);
    });

    it('createIndexes on a missing collection creates it', async () => {
      const reply = await conf.db.command({ createIndexes: 'fresh', indexes: [{ key: { a: 1 }, name: 'a_1' }] });
      assert.equal(reply.createdCollectionAutomatically, true);
      assert.equal((await conf.db.listCollections({ name: 'fresh' }).toArray()).length, 1);
    });
  });

  describe('unique indexes', () => {
    it('refuse a duplicate on insert with keyPattern and keyValue', async () => {
      await conf.coll().createIndex({ email: 1 }, { unique: true });
      await conf.coll().insertOne({ email: 'a@b.c' });
      const error = await assertWriteError(conf.coll().insertOne({ email: 'a@b.c' }), 11000);
      assert.deepEqual(error.keyPattern, { email: 1 });
      assert.deepEqual(error.keyValue, { email: 'a@b.c' });
      assert.match(error.message, /index: email_1 dup key: \{ email: "a@b\.c" \}/);
    });

    it('refuse a duplicate made by an update, leaving the document unchanged', async () => {
      await conf.coll().createIndex({ k: 1 }, { unique: true });
      await conf.coll().insertMany([{ _id: 1 as never, k: 1 }, { _id: 2 as never, k: 2 }]);
      await assertWriteError(conf.coll().updateOne({ _id: 2 as never }, { $set: { k: 1 } }), 11000);
      assert.equal((await conf.coll().findOne({ _id: 2 as never }))?.k, 2);
    });

    it('treat 1, 1.0 and Long(1) as the same key', async () => {
      const { Long, Double } = await import('mongodb');
      await conf.coll().createIndex({ k: 1 }, { unique: true });
      await conf.coll().insertOne({ k: 1 });
      await assertWriteError(conf.coll().insertOne({ k: new Double(1) }), 11000);
      await assertWriteError(conf.coll().insertOne({ k: Long.fromNumber(1) }), 11000);
    });

    it('count a missing field as null: only one document may lack it', async () => {
      await conf.coll().createIndex({ k: 1 }, { unique: true });
      await conf.coll().insertOne({ other: 1 });
      await assertWriteError(conf.coll().insertOne({ other: 2 }), 11000);
      await assertWriteError(conf.coll().insertOne({ k: null }), 11000);
    });

    it('compound: the combination must be unique, not each field', async () => {
      await conf.coll().createIndex({ a: 1, b: 1 }, { unique: true });
      await conf.coll().insertMany([{ a: 1, b: 1 }, { a: 1, b: 2 }, { a: 2, b: 1 }]);
      await assertWriteError(conf.coll().insertOne({ a: 1, b: 2 }), 11000);
    });

    it('multikey: documents may not share an array element, one document may repeat it', async () => {
      await conf.coll().createIndex({ tags: 1 }, { unique: true });
      await conf.coll().insertOne({ tags: ['x', 'x', 'y'] });
      await assertWriteError(conf.coll().insertOne({ tags: ['z', 'y'] }), 11000);
    });

    it('sparse: any number of documents may lack the field', async () => {
      await conf.coll().createIndex({ k: 1 }, { unique: true, sparse: true });
      await conf.coll().insertMany([{ a: 1 }, { a: 2 }, { k: 1 }]);
      await assertWriteError(conf.coll().insertOne({ k: 1 }), 11000);
    });

    it('partial: only documents that match the filter must be unique', async () => {
      await conf.coll().createIndex({ k: 1 }, { unique: true, partialFilterExpression: { live: true } });
      await conf.coll().insertMany([{ k: 1, live: false }, { k: 1, live: false }, { k: 1, live: true }]);
      await assertWriteError(conf.coll().insertOne({ k: 1, live: true }), 11000);
    });

    it('an upsert that would duplicate a key is refused and inserts nothing', async () => {
      await conf.coll().createIndex({ k: 1 }, { unique: true });
      await conf.coll().insertOne({ k: 1, q: 'a' });
      await assertWriteError(conf.coll().updateOne({ q: 'b' }, { $set: { k: 1 } }, { upsert: true }), 11000);
      assert.equal(await conf.coll().countDocuments(), 1);
    });
  });

  describe('queries give the same answers with indexes', () => {
    const DOCS: Document[] = [
      { _id: 1, n: 1, s: 'a', t: [1, 5] }, { _id: 2, n: 2.5, s: 'b' }, { _id: 3, n: '2', t: 3 }, { _id: 4, n: null, s: 'c' },
      { _id: 5 }, { _id: 6, n: 3, s: 'a', live: true }, { _id: 7, n: [2, 9] },
    ];
    const QUERIES: Array<[string, Document, Document, number[]]> = [
      ['a range keeps to numbers', { n: { $gte: 2 } }, { _id: 1 }, [2, 6, 7]],
      ['a range sorted by the indexed field', { n: { $gt: 0 } }, { n: 1, _id: 1 }, [1, 7, 2, 6]],
      ['equality to null finds null and missing', { n: null }, { _id: 1 }, [4, 5]],
      ['$in over several types', { n: { $in: [1, '2', 9] } }, { _id: 1 }, [1, 3, 7]],
      ['a sort over every document puts missing and null first', {}, { n: 1, _id: 1 }, [4, 5, 1, 7, 2, 6, 3]],
      ['a descending sort uses the largest array element', { n: { $type: 'number' } }, { n: -1, _id: 1 }, [7, 6, 2, 1]],
      ['a multikey range', { t: { $gt: 2, $lt: 4 } }, { _id: 1 }, [1, 3]],
    ];
    for (const [title, filter, sort, expected] of QUERIES) {
      it(`${title} (indexed on n and t)`, async () => {
        await conf.coll().insertMany(DOCS.map((doc) => ({ ...doc })));
        await conf.coll().createIndexes([{ key: { n: 1 } }, { key: { t: 1 } }]);
        const ids = (await conf.coll().find(filter).sort(sort).toArray()).map((doc) => doc._id as unknown as number);
        assert.deepEqual(ids, expected);
      });
    }

    it('a sparse index never hides documents that lack the field from a sort', async () => {
      await conf.coll().insertMany(DOCS.map((doc) => ({ ...doc })));
      await conf.coll().createIndex({ s: 1 }, { sparse: true });
      const ids = (await conf.coll().find({}).sort({ s: 1, _id: 1 }).toArray()).map((doc) => doc._id);
      assert.deepEqual(ids, [3, 5, 7, 1, 6, 2, 4]);
    });

    it('a partial index never hides documents outside its filter', async () => {
      await conf.coll().insertMany(DOCS.map((doc) => ({ ...doc })));
      await conf.coll().createIndex({ s: 1 }, { partialFilterExpression: { live: true } });
      const ids = (await conf.coll().find({ s: 'a' }).sort({ _id: 1 }).toArray()).map((doc) => doc._id);
      assert.deepEqual(ids, [1, 6]);
    });

    it('a sorted limit on an indexed date field returns the earliest first', async () => {
      await conf.coll().createIndex({ due: 1 });
      await conf.coll().insertMany([3, 1, 2].map((day) => ({ day, due: new Date(Date.UTC(2024, 0, day)) })));
      const next = await conf.coll().findOneAndUpdate({ due: { $lte: new Date(Date.UTC(2024, 0, 2)) } }, { $set: { claimed: true } }, { sort: { due: 1 }, returnDocument: 'after' });
      assert.equal(next?.day, 1);
    });

    it('a hint naming no index is refused: 2 BadValue', async () => {
      await conf.coll().insertOne({ a: 1 });
      await assertServerError(conf.coll().find({}).hint('nosuch_1').toArray(), 2, 'BadValue');
    });

    it('a hint naming an index gives the same documents', async () => {
      await conf.coll().insertMany(DOCS.map((doc) => ({ ...doc })));
      await conf.coll().createIndex({ n: 1 });
      const ids = (await conf.coll().find({ n: { $gte: 2 } }).hint({ n: 1 }).sort({ _id: 1 }).toArray()).map((doc) => doc._id);
      assert.deepEqual(ids, [2, 6, 7]);
    });
  });

  describe('the planner uses indexes (explain, queryPlanner: core/query-plans, core/index-partial, core/index-sparse)', () => {
    /** Every stage of a plan tree, with the index it scans. */
    function stages(plan: Document | undefined): Array<{ stage: string; indexName?: string }> {
      if (!plan) return [];
      const children = [plan.inputStage as Document | undefined, ...((plan.inputStages as Document[] | undefined) ?? [])];
      return [{ stage: String(plan.stage), ...(plan.indexName ? { indexName: String(plan.indexName) } : {}) }, ...children.flatMap((child) => stages(child))];
    }

    async function plan(find: Document): Promise<Array<{ stage: string; indexName?: string }>> {
      const reply = await conf.db.command({ explain: { find: 'c', ...find }, verbosity: 'queryPlanner' });
      return stages(reply.queryPlanner.winningPlan as Document);
    }

    beforeEach(async () => {
      await conf.coll().insertMany(Array.from({ length: 50 }, (_, i) => ({ a: i, s: i % 5 === 0 ? `s${i}` : undefined, k: i % 10, live: i % 2 === 0, due: new Date(Date.UTC(2024, 0, 1 + i)) })));
    });

    it('a range on an indexed field is an index scan', async () => {
      await conf.coll().createIndex({ a: 1 });
      assert.ok((await plan({ filter: { a: { $gt: 40 } } })).some((stage) => stage.stage === 'IXSCAN' && stage.indexName === 'a_1'));
    });

    it('a sort with a limit on an indexed field needs no SORT stage', async () => {
      await conf.coll().createIndex({ due: 1 });
      const stagesOfPlan = await plan({ filter: { due: { $lte: new Date(Date.UTC(2024, 0, 20)) } }, sort: { due: 1 }, limit: 1 });
      assert.ok(stagesOfPlan.some((stage) => stage.stage === 'IXSCAN'), JSON.stringify(stagesOfPlan));
      assert.ok(!stagesOfPlan.some((stage) => stage.stage === 'SORT'), JSON.stringify(stagesOfPlan));
    });

    it('a sparse index serves an equality on a value that is not null', async () => {
      await conf.coll().createIndex({ s: 1 }, { sparse: true });
      assert.ok((await plan({ filter: { s: 's10' } })).some((stage) => stage.stage === 'IXSCAN' && stage.indexName === 's_1'));
    });

    it('a partial index serves a query that implies its filter, and only such a query', async () => {
      await conf.coll().createIndex({ k: 1 }, { partialFilterExpression: { live: true } });
      assert.ok((await plan({ filter: { k: 4, live: true } })).some((stage) => stage.stage === 'IXSCAN' && stage.indexName === 'k_1'));
      assert.ok(!(await plan({ filter: { k: 4 } })).some((stage) => stage.stage === 'IXSCAN'));
    });

    it('a compound index serves an equality on both of its fields', async () => {
      await conf.coll().createIndex({ k: 1, s: 1 });
      assert.ok((await plan({ filter: { k: 0, s: 's10' } })).some((stage) => stage.stage === 'IXSCAN' && stage.indexName === 'k_1_s_1'));
    });
  });

  describe('TTL indexes', () => {
    it('remove documents whose date is past, and leave non-date values alone', async function () {
      // mongod's TTL monitor runs every 60 seconds: allow for one full pass on a real server.
      this.timeout(150_000);
      await conf.coll().createIndex({ at: 1 }, { expireAfterSeconds: 0 });
      await conf.coll().insertMany([
        { _id: 'old' as never, at: new Date(Date.now() - 60_000) },
        { _id: 'text' as never, at: 'not a date' },
        { _id: 'future' as never, at: new Date(Date.now() + 3_600_000) },
      ]);
      const deadline = Date.now() + 140_000;
      while ((await conf.coll().countDocuments({ _id: 'old' as never })) > 0) {
        assert.ok(Date.now() < deadline, 'the expired document was never removed');
        // Polls the condition; the interval only keeps the poll from hogging the machine.
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      assert.deepEqual((await conf.coll().find({}).sort({ _id: 1 }).toArray()).map((doc) => doc._id), ['future', 'text']);
    });

    it('collMod changes expireAfterSeconds and reports old and new', async () => {
      await conf.coll().createIndex({ at: 1 }, { expireAfterSeconds: 100 });
      const reply = await conf.db.command({ collMod: 'c', index: { keyPattern: { at: 1 }, expireAfterSeconds: 200 } });
      assert.equal(reply.expireAfterSeconds_old, 100);
      assert.equal(reply.expireAfterSeconds_new, 200);
      const index = (await conf.coll().listIndexes().toArray()).find((candidate) => candidate.name === 'at_1');
      assert.equal(index?.expireAfterSeconds, 200);
    });
  });
});
