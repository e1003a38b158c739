// Cursors as reference/command/find, getMore, killCursors and the manual's "Iterate a Cursor" /
// "Cursor Batches" pages describe them: first batch 101 by default, batchSize, exhaustion (id 0).
import assert from 'node:assert/strict';
import { Long } from 'mongodb';
import { assertServerError, useConformanceDatabase } from './harness';

describe('conformance: cursors', () => {
  const conf = useConformanceDatabase('cursors');

  beforeEach(async () => {
    await conf.coll().insertMany(Array.from({ length: 250 }, (_, i) => ({ _id: i as never, i })));
  });

  it('the first batch holds 101 documents by default and the cursor stays open', async () => {
    const reply = await conf.db.command({ find: 'c', filter: {} });
    assert.equal(reply.cursor.firstBatch.length, 101);
    assert.ok(!Long.fromValue(reply.cursor.id).isZero());
    assert.equal(reply.cursor.ns, `${conf.db.databaseName}.c`);
  });

  it('getMore returns the rest in batches of batchSize, then id 0', async () => {
    const first = await conf.db.command({ find: 'c', filter: {}, sort: { i: 1 }, batchSize: 100 });
    const id = first.cursor.id as Long;
    const second = await conf.db.command({ getMore: id, collection: 'c', batchSize: 100 });
    assert.equal(second.cursor.nextBatch.length, 100);
    assert.equal(second.cursor.nextBatch[0].i, 100);
    const third = await conf.db.command({ getMore: id, collection: 'c', batchSize: 100 });
    assert.equal(third.cursor.nextBatch.length, 50);
    assert.ok(Long.fromValue(third.cursor.id).isZero());
  });

  it('an exhausted cursor is gone: getMore answers 43 CursorNotFound', async () => {
    const first = await conf.db.command({ find: 'c', filter: {}, batchSize: 200 });
    const id = first.cursor.id as Long;
    await conf.db.command({ getMore: id, collection: 'c' });
    await assertServerError(conf.db.command({ getMore: id, collection: 'c' }), 43, 'CursorNotFound');
  });

  it('a result that fits in the first batch closes the cursor at once', async () => {
    const reply = await conf.db.command({ find: 'c', filter: { i: { $lt: 5 } } });
    assert.equal(reply.cursor.firstBatch.length, 5);
    assert.ok(Long.fromValue(reply.cursor.id).isZero());
  });

  it('singleBatch closes the cursor after the first batch', async () => {
    const reply = await conf.db.command({ find: 'c', filter: {}, batchSize: 10, singleBatch: true });
    assert.equal(reply.cursor.firstBatch.length, 10);
    assert.ok(Long.fromValue(reply.cursor.id).isZero());
  });

  it('limit with a smaller batchSize returns exactly limit documents in all', async () => {
    const docs = await conf.coll().find({}).limit(5).batchSize(2).toArray();
    assert.deepEqual(docs.map((doc) => doc.i), [0, 1, 2, 3, 4]);
  });

  it('the driver iterates every document across getMores', async () => {
    const seen: number[] = [];
    for await (const doc of conf.coll().find({}, { batchSize: 7 }).sort({ i: -1 })) seen.push(doc.i as number);
    assert.equal(seen.length, 250);
    assert.equal(seen[0], 249);
    assert.equal(seen[249], 0);
  });

  it('aggregate with batchSize 0 returns an empty first batch and an open cursor', async () => {
    const reply = await conf.db.command({ aggregate: 'c', pipeline: [{ $match: {} }], cursor: { batchSize: 0 } });
    assert.equal(reply.cursor.firstBatch.length, 0);
    const id = reply.cursor.id as Long;
    assert.ok(!Long.fromValue(id).isZero());
    const more = await conf.db.command({ getMore: id, collection: 'c', batchSize: 1000 });
    assert.equal(more.cursor.nextBatch.length, 250);
  });

  it('getMore on another collection than the cursor\'s is refused: 13 Unauthorized', async () => {
    const first = await conf.db.command({ find: 'c', filter: {}, batchSize: 2 });
    await assertServerError(conf.db.command({ getMore: first.cursor.id, collection: 'other' }), 13, 'Unauthorized');
  });

  it('closing a driver cursor early kills it on the server', async () => {
    const cursor = conf.coll().find({}, { batchSize: 2 });
    await cursor.next();
    const id = cursor.id;
    assert.ok(id && !id.isZero());
    await cursor.close();
    await assertServerError(conf.db.command({ getMore: id, collection: 'c' }), 43, 'CursorNotFound');
  });

  it('a tailable cursor on a collection that is not capped is refused: 2 BadValue', async () => {
    await assertServerError(conf.db.command({ find: 'c', filter: {}, tailable: true }), 2, 'BadValue');
  });

  it('maxTimeMS stops a command that runs too long: 50 MaxTimeMSExpired', async function () {
    this.timeout(60_000);
    await conf.coll('big').insertMany(Array.from({ length: 2000 }, (_, i) => ({ i, k: i % 97 })));
    const pipeline = [{ $lookup: { from: 'big', let: { k: '$k' }, pipeline: [{ $match: { $expr: { $eq: ['$k', '$$k'] } } }], as: 'same' } }, { $count: 'n' }];
    await assertServerError(conf.coll('big').aggregate(pipeline, { maxTimeMS: 5 }).toArray(), 50, 'MaxTimeMSExpired');
  });
});
