import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Long, MongoClient, ObjectId, type Collection, type Db } from 'mongodb';
import { startEmbeddedMongo } from '../../../server/embedded-mongo/index';
import { serverError as rejection, useDriverDatabase } from './fixtures/connection';

describe('embedded store through the official driver', () => {
  const driver = useDriverDatabase('driver');
  let client: MongoClient;
  let db: Db;

  before(() => {
    ({ client, db } = driver);
  });

  it('inserts, finds, updates and deletes documents, keeping BSON types', async () => {
    const items = db.collection('items');
    const when = new Date('2024-03-01T10:00:00Z');
    const big = Long.fromString('9007199254740993');
    const { insertedId } = await items.insertOne({ name: 'a', count: 1, when, big, ratio: 0.5 });
    assert.ok(insertedId instanceof ObjectId);
    const found = await items.findOne({ _id: insertedId });
    assert.ok(found);
    assert.ok(found.when instanceof Date);
    assert.equal(found.when.getTime(), when.getTime());
    assert.ok(found.big instanceof Long && found.big.equals(big));
    assert.equal(found.ratio, 0.5);

    await items.updateOne({ _id: insertedId }, { $inc: { count: 2 }, $set: { name: 'b' } });
    const updated = await items.findOne({ _id: insertedId });
    assert.equal(updated?.count, 3);
    assert.equal(updated?.name, 'b');

    const replaced = await items.replaceOne({ _id: insertedId }, { name: 'c' });
    assert.equal(replaced.modifiedCount, 1);
    assert.deepEqual(await items.findOne({ _id: insertedId }, { projection: { _id: 0 } }), { name: 'c' });

    const deleted = await items.deleteOne({ _id: insertedId });
    assert.equal(deleted.deletedCount, 1);
    assert.equal(await items.findOne({ _id: insertedId }), null);
  });

  it('refuses to change _id or apply an unknown update operator, leaving the document as it was', async () => {
    const items = db.collection('items');
    const { insertedId } = await items.insertOne({ a: 1 });
    assert.equal((await rejection(items.updateOne({ _id: insertedId }, { $set: { _id: new ObjectId(), a: 2 } }))).code, 66);
    assert.equal((await rejection(items.updateOne({ _id: insertedId }, { $frobnicate: { a: 2 } } as never))).code, 9);
    assert.deepEqual(await items.findOne({}, { projection: { _id: 0 } }), { a: 1 });
  });

  it('sorts, skips, limits and projects', async () => {
    const items = db.collection('items');
    await items.insertMany([5, 3, 9, 1, 7].map((n) => ({ n, label: `n${n}`, hidden: true })));
    const docs = await items.find({ n: { $gte: 3 } }, { projection: { _id: 0, hidden: 0 } }).sort({ n: -1 }).skip(1).limit(2).toArray();
    assert.deepEqual(docs, [{ n: 7, label: 'n7' }, { n: 5, label: 'n5' }]);
  });

  it('pages through more than 101 documents with getMore', async () => {
    const items = db.collection('items');
    await items.insertMany(Array.from({ length: 350 }, (_, i) => ({ i })));
    const seen: number[] = [];
    for await (const doc of items.find({}).sort({ i: 1 }).batchSize(100)) seen.push(doc.i as number);
    assert.equal(seen.length, 350);
    assert.deepEqual(seen.slice(0, 3), [0, 1, 2]);
    assert.equal(seen[349], 349);
  });

  it('kills a cursor closed early, so getMore on it fails', async () => {
    const items = db.collection('items');
    await items.insertMany(Array.from({ length: 150 }, (_, i) => ({ i })));
    const reply = await db.command({ find: 'items', filter: {}, batchSize: 10 }, { promoteLongs: false });
    const cursorId = (reply.cursor as { id: Long }).id;
    assert.ok(cursorId instanceof Long && !cursorId.isZero());
    const killed = await db.command({ killCursors: 'items', cursors: [cursorId] });
    assert.equal((killed.cursorsKilled as Long[]).length, 1);
    const error = await rejection(db.command({ getMore: cursorId, collection: 'items' }));
    assert.equal(error.code, 43);

    const cursor = items.find({}).batchSize(10);
    assert.ok(await cursor.next());
    await cursor.close();
  });

  it('upserts, applying $setOnInsert only when inserting', async () => {
    const counters = db.collection('counters');
    const first = await counters.updateOne({ key: 'k' }, { $inc: { n: 1 }, $setOnInsert: { createdBy: 'first' } }, { upsert: true });
    assert.equal(first.upsertedCount, 1);
    const second = await counters.updateOne({ key: 'k' }, { $inc: { n: 1 }, $setOnInsert: { createdBy: 'second' } }, { upsert: true });
    assert.equal(second.upsertedCount, 0);
    assert.equal(second.modifiedCount, 1);
    assert.deepEqual(await counters.findOne({ key: 'k' }, { projection: { _id: 0 } }), { key: 'k', n: 2, createdBy: 'first' });
  });

  it('updates only the array elements selected by arrayFilters', async () => {
    const items = db.collection('items');
    await items.insertOne({ _id: new ObjectId(), grades: [{ g: 50, ok: false }, { g: 90, ok: false }, { g: 95, ok: false }] });
    await items.updateMany({}, { $set: { 'grades.$[high].ok': true } }, { arrayFilters: [{ 'high.g': { $gte: 90 } }] });
    const doc = await items.findOne({});
    assert.deepEqual((doc?.grades as { ok: boolean }[]).map((grade) => grade.ok), [false, true, true]);
  });

  it('updates many and returns documents from findOneAndUpdate/findOneAndDelete', async () => {
    const items = db.collection('items');
    await items.insertMany([{ k: 1, v: 1 }, { k: 1, v: 2 }, { k: 2, v: 3 }]);
    const many = await items.updateMany({ k: 1 }, { $set: { seen: true } });
    assert.equal(many.matchedCount, 2);
    assert.equal(many.modifiedCount, 2);
    const after = await items.findOneAndUpdate({ k: 2 }, { $inc: { v: 10 } }, { returnDocument: 'after' });
    assert.equal(after?.v, 13);
    const before = await items.findOneAndUpdate({ k: 2 }, { $inc: { v: 1 } }, { returnDocument: 'before' });
    assert.equal(before?.v, 13);
    const removed = await items.findOneAndDelete({ k: 1 }, { sort: { v: -1 } });
    assert.equal(removed?.v, 2);
    assert.equal(await items.countDocuments(), 2);
  });

  describe('unique indexes', () => {
    let people: Collection;

    beforeEach(async () => {
      people = db.collection('people');
      await people.createIndex({ org: 1, email: 1 }, { unique: true });
      await people.insertOne({ org: 'o', email: 'a@x' });
    });

    it('rejects an ordered insert at the first duplicate with keyPattern and keyValue', async () => {
      const error = await rejection(people.insertMany([{ org: 'o', email: 'b@x' }, { org: 'o', email: 'a@x' }, { org: 'o', email: 'c@x' }]));
      assert.equal(error.code, 11000);
      const writeErrors = (error as unknown as { writeErrors: { index: number; code: number }[] }).writeErrors;
      assert.deepEqual(writeErrors.map((e) => [e.index, e.code]), [[1, 11000]]);
      assert.deepEqual((await people.find({}).sort({ email: 1 }).toArray()).map((d) => d.email), ['a@x', 'b@x']);

      // The driver keeps only code/index/errmsg of bulk write errors; the raw reply has the rest.
      const reply = await db.command({ insert: 'people', documents: [{ org: 'o', email: 'a@x' }, { org: 'o', email: 'd@x' }] });
      assert.equal(reply.n, 0);
      const [raw] = reply.writeErrors as { index: number; code: number; errmsg: string; keyPattern: unknown; keyValue: unknown }[];
      assert.equal(raw!.index, 0);
      assert.equal(raw!.code, 11000);
      assert.match(raw!.errmsg, /E11000 duplicate key error collection: \S+\.people index: org_1_email_1 dup key: \{ org: "o", email: "a@x" \}/);
      assert.deepEqual(raw!.keyPattern, { org: 1, email: 1 });
      assert.deepEqual(raw!.keyValue, { org: 'o', email: 'a@x' });
    });

    it('continues an unordered insertMany past duplicates and reports each one', async () => {
      const error = await rejection(
        people.insertMany([{ org: 'o', email: 'a@x' }, { org: 'o', email: 'b@x' }, { org: 'o', email: 'b@x' }, { org: 'p', email: 'a@x' }], { ordered: false }),
      );
      const writeErrors = (error as unknown as { writeErrors: { index: number; code: number }[] }).writeErrors;
      assert.deepEqual(writeErrors.map((e) => [e.index, e.code]), [[0, 11000], [2, 11000]]);
      assert.equal(await people.countDocuments(), 3);

      const reply = await db.command({ insert: 'people', ordered: false, documents: [{ org: 'o', email: 'a@x' }, { org: 'z', email: 'z@x' }] });
      assert.equal(reply.n, 1);
      assert.deepEqual((reply.writeErrors as { keyValue: unknown }[]).map((e) => e.keyValue), [{ org: 'o', email: 'a@x' }]);
    });

    it('rejects an update or upsert that would duplicate a key and leaves the document untouched', async () => {
      const { insertedId } = await people.insertOne({ org: 'o', email: 'b@x', note: 'keep' });
      const error = await rejection(people.updateOne({ _id: insertedId }, { $set: { email: 'a@x', note: 'changed' } }));
      assert.equal(error.code, 11000);
      assert.deepEqual(error.keyValue, { org: 'o', email: 'a@x' });
      assert.equal((await people.findOne({ _id: insertedId }))?.note, 'keep');

      const upsertError = await rejection(people.updateOne({ email: 'z@x' }, { $set: { org: 'o', email: 'a@x' } }, { upsert: true }));
      assert.equal(upsertError.code, 11000);
      const modifyError = await rejection(people.findOneAndUpdate({ _id: insertedId }, { $set: { email: 'a@x' } }));
      assert.equal(modifyError.code, 11000);
      assert.deepEqual(modifyError.keyPattern, { org: 1, email: 1 });
      assert.equal(await people.countDocuments(), 2);
    });

    it('refuses to build a unique index over existing duplicates', async () => {
      await people.insertOne({ org: 'q', email: 'a@x' });
      const error = await rejection(people.createIndex({ email: 1 }, { unique: true }));
      assert.equal(error.code, 11000);
      const names = (await people.listIndexes().toArray()).map((index) => index.name);
      assert.deepEqual(names.sort(), ['_id_', 'org_1_email_1']);
    });

    it('rejects a duplicate _id', async () => {
      const error = await rejection(people.insertOne({ _id: (await people.findOne({}))!._id, org: 'x', email: 'x' }));
      assert.equal(error.code, 11000);
      assert.deepEqual(error.keyPattern, { _id: 1 });
    });
  });

  it('counts documents, estimates the count and lists distinct values', async () => {
    const items = db.collection('items');
    await items.insertMany([{ c: 'x', tags: ['a', 'b'] }, { c: 'y', tags: ['b'] }, { c: 'x', tags: [] }]);
    assert.equal(await items.countDocuments({ c: 'x' }), 2);
    assert.equal(await items.countDocuments({}, { skip: 1, limit: 1 }), 1);
    assert.equal(await items.estimatedDocumentCount(), 3);
    assert.deepEqual((await items.distinct('c')).sort(), ['x', 'y']);
    assert.deepEqual((await items.distinct('tags', { c: 'x' })).sort(), ['a', 'b']);
  });

  it('aggregates with $group, $unwind, $facet and $lookup across collections', async () => {
    const orders = db.collection('orders');
    const customers = db.collection('customers');
    const [alice, bob] = [new ObjectId(), new ObjectId()];
    await customers.insertMany([{ _id: alice, name: 'Alice' }, { _id: bob, name: 'Bob' }]);
    await orders.insertMany([
      { customer: alice, items: ['pen', 'ink'], total: 10 },
      { customer: alice, items: ['pad'], total: 5 },
      { customer: bob, items: ['pen'], total: 7 },
    ]);
    const totals = await orders
      .aggregate([
        { $group: { _id: '$customer', spent: { $sum: '$total' }, orders: { $sum: 1 } } },
        { $lookup: { from: 'customers', localField: '_id', foreignField: '_id', as: 'customer' } },
        { $unwind: '$customer' },
        { $project: { _id: 0, name: '$customer.name', spent: 1, orders: 1 } },
        { $sort: { name: 1 } },
      ])
      .toArray();
    assert.deepEqual(totals, [{ spent: 15, orders: 2, name: 'Alice' }, { spent: 7, orders: 1, name: 'Bob' }]);

    const [facets] = await orders
      .aggregate([
        { $facet: { byItem: [{ $unwind: '$items' }, { $group: { _id: '$items', n: { $sum: 1 } } }, { $sort: { _id: 1 } }], count: [{ $count: 'n' }] } },
      ])
      .toArray();
    assert.deepEqual(facets, { byItem: [{ _id: 'ink', n: 1 }, { _id: 'pad', n: 1 }, { _id: 'pen', n: 2 }], count: [{ n: 3 }] });
  });

  it('leaves stored documents unchanged by projections and aggregation stages', async () => {
    const items = db.collection('items');
    await items.insertOne({ k: 1, sub: { a: 1, b: 2 }, arr: [{ a: 1 }] });
    const projected = await items.findOne({ k: 1 }, { projection: { _id: 0, 'sub.a': 0 } });
    assert.deepEqual(projected, { k: 1, sub: { b: 2 }, arr: [{ a: 1 }] });
    await items.aggregate([{ $set: { 'sub.c': 3, 'arr.0.a': 9 } }, { $unset: 'sub.b' }]).toArray();
    await items.findOneAndUpdate({ k: 1 }, { $set: { touched: true } }, { projection: { 'sub.b': 0 } });
    assert.deepEqual(await items.findOne({ k: 1 }, { projection: { _id: 0 } }), { k: 1, sub: { a: 1, b: 2 }, arr: [{ a: 1 }], touched: true });
  });

  it('answers listIndexes on a missing collection with NamespaceNotFound (26)', async () => {
    const error = await rejection(db.collection('does_not_exist').listIndexes().toArray());
    assert.equal(error.code, 26);
  });

  it('creates, lists and drops collections and indexes', async () => {
    await db.createCollection('made');
    assert.ok((await db.listCollections({}, { nameOnly: true }).toArray()).some((info) => info.name === 'made'));
    const made = db.collection('made');
    await made.createIndex({ a: 1 }, { name: 'by_a' });
    assert.deepEqual((await made.listIndexes().toArray()).map((index) => index.name).sort(), ['_id_', 'by_a']);
    await made.dropIndex('by_a');
    assert.deepEqual((await made.listIndexes().toArray()).map((index) => index.name), ['_id_']);
    assert.equal(await made.drop(), true);
    assert.ok(!(await db.listCollections({}, { nameOnly: true }).toArray()).some((info) => info.name === 'made'));
  });

  it('finds by equality on an indexed field and by $in, including arrays (multikey)', async () => {
    const items = db.collection('items');
    await items.createIndex({ tag: 1, n: 1 });
    await items.insertMany([{ tag: 'a', n: 1 }, { tag: ['a', 'b'], n: 2 }, { tag: 'c', n: 3 }, { tag: 'a', n: 4 }]);
    assert.deepEqual((await items.find({ tag: 'a' }).sort({ n: 1 }).toArray()).map((d) => d.n), [1, 2, 4]);
    assert.deepEqual((await items.find({ tag: 'a', n: { $in: [2, 4] } }).sort({ n: 1 }).toArray()).map((d) => d.n), [2, 4]);
    assert.deepEqual((await items.find({ tag: { $in: ['b', 'c'] } }).sort({ n: 1 }).toArray()).map((d) => d.n), [2, 3]);
    assert.equal(await items.countDocuments({ tag: 'a', n: 4 }), 1);
    assert.equal((await items.deleteMany({ tag: 'a' })).deletedCount, 3);
  });

  it('rejects a transaction as a standalone server does (IllegalOperation, 20)', async () => {
    const items = db.collection('items');
    await items.insertOne({ a: 1 });
    const session = client.startSession();
    try {
      session.startTransaction();
      const error = await rejection(items.findOne({}, { session }));
      assert.equal(error.code, 20);
      assert.match(error.message, /Transaction numbers are only allowed on a replica set member or mongos/);
      await session.abortTransaction().catch(() => undefined);

      // On a write the driver rewraps code 20 as its "does not support retryable writes" error.
      const wrapped = await rejection(session.withTransaction(async () => items.insertOne({ a: 2 }, { session })));
      const original = (wrapped.errorResponse as { originalError?: { code?: number } }).originalError;
      assert.equal(wrapped.code ?? original?.code, 20);
    } finally {
      await session.endSession();
    }
    assert.equal(await items.countDocuments({ a: 2 }), 0);
  });

  it('answers an unknown command with CommandNotFound (59)', async () => {
    const error = await rejection(db.command({ frobnicate: 1 }));
    assert.equal(error.code, 59);
    assert.match(error.message, /no such command: 'frobnicate'/);
  });

  describe('catalog changes survive a restart (journal)', () => {
    let dataDir: string;
    const quiet = { info: () => {}, warn: () => {}, error: () => {} };

    beforeEach(async () => {
      dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'embedded-mongo-catalog-'));
    });

    afterEach(async () => {
      await fs.rm(dataDir, { recursive: true, force: true });
    });

    async function withStore(work: (db: Db) => Promise<void>): Promise<void> {
      const store = await startEmbeddedMongo({ dataDir, logger: quiet });
      const storeClient = await MongoClient.connect(`${store.uri}/app`);
      try {
        await work(storeClient.db('app'));
      } finally {
        await storeClient.close();
        await store.close();
      }
    }

    it('a renamed collection is found under its new name, with its indexes, after a restart', async () => {
      await withStore(async (appDb) => {
        await appDb.collection('old').insertMany([{ k: 1 }, { k: 2 }]);
        await appDb.collection('old').createIndex({ k: 1 }, { unique: true });
        await appDb.collection('old').rename('new');
      });
      await withStore(async (appDb) => {
        assert.deepEqual((await appDb.listCollections({}, { nameOnly: true }).toArray()).map((info) => info.name), ['new']);
        assert.equal(await appDb.collection('new').countDocuments(), 2);
        const error = await rejection(appDb.collection('new').insertOne({ k: 1 }));
        assert.equal(error.code, 11000);
      });
    });

    it('a view and a validator are still in force after a restart', async () => {
      await withStore(async (appDb) => {
        await appDb.collection('base').insertMany([{ n: 1 }, { n: 2 }]);
        await appDb.createCollection('big', { viewOn: 'base', pipeline: [{ $match: { n: { $gt: 1 } } }] });
        await appDb.createCollection('checked', { validator: { n: { $type: 'int' } } });
      });
      await withStore(async (appDb) => {
        assert.deepEqual(await appDb.collection('big').find({}, { projection: { _id: 0 } }).toArray(), [{ n: 2 }]);
        const error = await rejection(appDb.collection('checked').insertOne({ n: 'text' }));
        assert.equal(error.code, 121);
      });
    });
  });
});
