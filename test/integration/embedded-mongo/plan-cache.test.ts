// The plan cache through the driver: a query shape with a real choice of indexes is planned once
// and its index reused (as mongod's classic plan cache does, https://www.mongodb.com/docs/v7.0/core/query-plans/),
// every query still returns exactly the documents its own values match, catalog changes and
// planCacheClear empty the cache, explain ignores it, and a unique key pinned by the filter is
// answered from its index without costing. $planCacheStats shows what is cached.
import assert from 'node:assert/strict';
import { MongoServerError, type Collection, type Db, type Document } from 'mongodb';
import { useDriverDatabase } from './fixtures/connection';

/** Numbers for the orders, strings for the documents a test adds. */
interface Order { _id: number | string; status?: string; customer?: string; token?: string; total?: number }

async function cacheEntries(collection: Collection<Order>): Promise<Document[]> {
  return collection.aggregate([{ $planCacheStats: {} }]).toArray();
}

/** The documents a filter matches, read by a collection scan (no index, no cache). */
async function scanned(collection: Collection<Order>, filter: Document): Promise<unknown[]> {
  const docs = await collection.find(filter).hint({ $natural: 1 }).toArray();
  return docs.map((doc) => doc._id).sort();
}

async function found(collection: Collection<Order>, filter: Document): Promise<unknown[]> {
  const docs = await collection.find(filter).toArray();
  return docs.map((doc) => doc._id).sort();
}

describe('the plan cache through the driver', () => {
  const driver = useDriverDatabase('plan_cache');
  let db: Db;
  let orders: Collection<Order>;

  before(() => {
    ({ db } = driver);
  });

  beforeEach(async () => {
    orders = db.collection<Order>('orders');
    await orders.createIndex({ status: 1 });
    await orders.createIndex({ customer: 1 });
    await orders.createIndex({ token: 1 }, { unique: true, sparse: true });
    await orders.insertMany(Array.from({ length: 300 }, (_, i) => ({ _id: i, status: ['open', 'paid', 'shipped'][i % 3]!, customer: `c${i % 50}`, token: `t${i}`, total: i })));
  });

  it('records a shape with two candidate indexes as inactive, then activates it when planned again', async () => {
    assert.deepEqual(await found(orders, { status: 'open', customer: 'c3' }), [153, 3]);
    let [entry, ...others] = await cacheEntries(orders);
    assert.equal(others.length, 0);
    assert.equal(entry?.isActive, false);
    assert.deepEqual(entry?.createdFromQuery, { query: { status: 'open', customer: 'c3' }, sort: {}, projection: {} });
    assert.match(String(entry?.queryHash), /^[0-9A-F]{8}$/);

    await orders.find({ status: 'paid', customer: 'c7' }).toArray();
    [entry, ...others] = await cacheEntries(orders);
    assert.equal(others.length, 0);
    assert.equal(entry?.isActive, true);
    // customer_1 holds 6 keys for a customer, status_1 a third of the collection.
    assert.equal(entry?.cachedPlan.inputStage.indexName, 'customer_1');
  });

  it('answers every query of a cached shape with the documents its own values match', async () => {
    for (let i = 0; i < 3; i += 1) await orders.find({ status: 'open', customer: 'c3' }).toArray();
    assert.equal((await cacheEntries(orders))[0]?.isActive, true);
    for (const filter of [{ status: 'shipped', customer: 'c2' }, { status: 'open', customer: 'c49' }, { status: 'nothing', customer: 'c1' }, { status: 'paid', customer: 'nobody' }]) {
      assert.deepEqual(await found(orders, filter), await scanned(orders, filter), JSON.stringify(filter));
    }
    const ranged = { status: 'open', customer: { $gte: 'c40' } };
    for (let i = 0; i < 2; i += 1) await orders.find(ranged).toArray();
    assert.deepEqual(await found(orders, { status: 'paid', customer: { $gte: 'c1' } }), await scanned(orders, { status: 'paid', customer: { $gte: 'c1' } }));
  });

  it('keys a shape by whether the query may use a partial index, as mongod\'s planCacheKey does', async () => {
    await orders.createIndex({ total: 1 }, { name: 'big_totals', partialFilterExpression: { total: { $gt: 100 } } });
    await orders.createIndex({ total: -1, status: 1 });
    for (let i = 0; i < 3; i += 1) await orders.find({ total: { $gt: 200 }, status: 'open' }).toArray();
    const [cached] = await cacheEntries(orders);
    assert.equal(cached?.cachedPlan.inputStage.indexName, 'big_totals');
    // Same shape, but totals above 50 are not all in the partial index: planned on its own.
    const small = { total: { $gt: 50 }, status: 'open' };
    assert.deepEqual(await found(orders, small), await scanned(orders, small));
    assert.ok((await found(orders, small)).includes(51));
    const entries = await cacheEntries(orders);
    assert.equal(entries.length, 2);
    assert.equal(entries[0]?.queryHash, entries[1]?.queryHash);
    assert.notEqual(entries[0]?.planCacheKey, entries[1]?.planCacheKey);
  });

  it('answers a null in a shape cached for strings from the documents missing the field too', async () => {
    await orders.insertMany([{ _id: 'no-token-1', status: 'open', customer: 'c3' }, { _id: 'no-token-2', status: 'open', customer: 'c4' }]);
    await orders.createIndex({ token: 1, status: 1 }, { sparse: true });
    for (let i = 0; i < 3; i += 1) await orders.find({ token: { $in: ['t1', 't2'] }, status: 'open' }).toArray();
    const withNull = { token: { $in: [null, 't3'] }, status: 'open' };
    assert.deepEqual(await found(orders, withNull), await scanned(orders, withNull));
    assert.ok((await found(orders, withNull)).includes('no-token-1'));
  });

  it('evicts an active entry whose plan reads far more keys than it was cached at, and plans the shape afresh', async () => {
    await orders.insertMany(Array.from({ length: 2_000 }, (_, i) => ({ _id: `bulk${i}`, status: 'bulk', customer: `bulk${i}` })));
    for (let i = 0; i < 2; i += 1) await orders.find({ status: 'open', customer: { $in: ['c1', 'c2'] } }).toArray();
    const [cached] = await cacheEntries(orders);
    assert.equal(cached?.cachedPlan.inputStage.indexName, 'customer_1');
    // Now the customers are many and the status selective: the cached index reads 2,000 keys for one document.
    const filter = { status: 'open', customer: { $in: Array.from({ length: 2_000 }, (_, i) => `bulk${i}`) } };
    assert.deepEqual(await found(orders, filter), []);
    assert.deepEqual(await cacheEntries(orders), []);
  });

  it('leaves _id lookups, unique-key lookups, hinted queries, single-index queries and collection scans out of the cache', async () => {
    await orders.findOne({ _id: 5, status: 'paid' });
    await orders.findOne({ token: 't5', status: 'paid' });
    await orders.find({ status: 'paid', customer: 'c5' }).hint({ status: 1 }).toArray();
    await orders.find({ status: 'paid' }).toArray();
    await orders.find({ total: { $gt: 250 } }).toArray();
    assert.deepEqual(await cacheEntries(orders), []);
  });

  it('answers a filter that pins a unique index from that index alone, reading one key', async () => {
    const explained = await orders.find({ status: 'paid', token: 't42' }).explain('executionStats');
    const fetch = explained.queryPlanner.winningPlan as Document;
    assert.equal(fetch.stage, 'FETCH');
    assert.equal(fetch.inputStage.indexName, 'token_1');
    assert.deepEqual(explained.queryPlanner.rejectedPlans, []);
    assert.equal(explained.executionStats.totalKeysExamined, 1);
    assert.equal(explained.executionStats.nReturned, 0);
    assert.deepEqual(await orders.find({ status: 'paid', token: 't43' }).toArray(), [{ _id: 43, status: 'paid', customer: 'c43', token: 't43', total: 43 }]);
  });

  it('is neither read nor filled by explain', async () => {
    await orders.find({ status: 'open', customer: 'c3' }).explain('executionStats');
    await orders.find({ status: 'open', customer: 'c3' }).explain('queryPlanner');
    assert.deepEqual(await cacheEntries(orders), []);
  });

  it('is cleared when an index is created or dropped, and gone with a dropped or renamed collection', async () => {
    const cache = async (): Promise<number> => (await cacheEntries(db.collection<Order>(orders.collectionName))).length;
    await orders.find({ status: 'open', customer: 'c3' }).toArray();
    assert.equal(await cache(), 1);
    await orders.createIndex({ total: 1 });
    assert.equal(await cache(), 0);
    await orders.find({ status: 'open', customer: 'c3' }).toArray();
    await orders.dropIndex('total_1');
    assert.equal(await cache(), 0);

    await orders.find({ status: 'open', customer: 'c3' }).toArray();
    await orders.rename('renamed');
    assert.deepEqual(await cacheEntries(db.collection<Order>('renamed')), []);
    await db.collection<Order>('renamed').find({ status: 'open', customer: 'c3' }).toArray();
    await db.collection('renamed').drop();
    await db.collection<Order>('renamed').insertOne({ _id: 1, status: 'open', customer: 'c3' });
    assert.deepEqual(await cacheEntries(db.collection<Order>('renamed')), []);
  });

  it('planCacheClear removes one shape whatever its values, or every shape', async () => {
    await orders.find({ status: 'open', customer: 'c3' }).toArray();
    await orders.find({ status: 'open', customer: 'c3' }).sort({ total: -1 }).toArray();
    assert.equal((await cacheEntries(orders)).length, 2);
    // A shape that was never cached clears nothing.
    await db.command({ planCacheClear: 'orders', query: { unknown: 1 } });
    assert.equal((await cacheEntries(orders)).length, 2);
    await db.command({ planCacheClear: 'orders', query: { customer: 'other', status: 'values' } });
    const [left, ...rest] = await cacheEntries(orders);
    assert.equal(rest.length, 0);
    assert.deepEqual(left?.createdFromQuery.sort, { total: -1 });
    await db.command({ planCacheClear: 'orders' });
    assert.deepEqual(await cacheEntries(orders), []);
    // A collection that does not exist has nothing to clear.
    assert.equal((await db.command({ planCacheClear: 'missing' })).ok, 1);
  });

  it('planCacheClear refuses a sort without a query, and a query that is not an object', async () => {
    await assert.rejects(db.command({ planCacheClear: 'orders', sort: { total: 1 } }), (error: MongoServerError) => error.code === 2 && /provided without query/.test(error.message));
    await assert.rejects(db.command({ planCacheClear: 'orders', query: 5 }), (error: MongoServerError) => error.code === 2 && /query must be an object/.test(error.message));
    await assert.rejects(db.command({ planCacheClear: 'orders', query: {}, hint: 'status_1' }), (error: MongoServerError) => error.code === 40415);
  });
});
