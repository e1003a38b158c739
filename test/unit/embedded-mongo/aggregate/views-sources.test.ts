import assert from 'node:assert/strict';
import { aggregateView, drain } from '../../../../server/embedded-mongo/aggregate/index';
import { errorOf } from '../error-code';
import { aggregate, aggregateCollection, catalogWith, contextFor } from './helpers';

describe('views and source stages', () => {
  describe('views', () => {
    const withViews = (): ReturnType<typeof catalogWith> => {
      const catalog = catalogWith({ people: [{ _id: 1, age: 20 }, { _id: 2, age: 40 }, { _id: 3, age: 60 }] });
      catalog.ensureCollection('test', 'adults', { viewOn: 'people', pipeline: [{ $match: { age: { $gte: 30 } } }] });
      catalog.ensureCollection('test', 'seniors', { viewOn: 'adults', pipeline: [{ $match: { age: { $gte: 50 } } }] });
      return catalog;
    };

    it('aggregateView runs the view pipeline, then the query pipeline', () => {
      const context = contextFor({ catalog: withViews() });
      assert.deepEqual(drain(aggregateView(context, 'adults')).map((doc) => doc._id), [2, 3]);
      assert.deepEqual(drain(aggregateView(context, 'adults', [{ $count: 'n' }])), [{ n: 2 }]);
    });

    it('resolves views on views, and a view in $lookup and $unionWith', () => {
      const catalog = withViews();
      assert.deepEqual(aggregateCollection(catalog, 'seniors', []).map((doc) => doc._id), [3]);
      const joined = aggregate([{ _id: 'x' }], [{ $lookup: { from: 'seniors', pipeline: [], as: 'found' } }], { catalog });
      assert.deepEqual(joined[0]!.found, [{ _id: 3, age: 60 }]);
      const union = aggregateCollection(catalog, 'people', [{ $match: { age: 20 } }, { $unionWith: 'seniors' }]);
      assert.deepEqual(union.map((doc) => doc._id), [1, 3]);
    });

    it('refuses $out into a view', () => {
      assert.equal(errorOf(() => aggregateCollection(withViews(), 'people', [{ $out: 'adults' }])).code, 166);
    });
  });

  describe('$documents', () => {
    it('feeds literal documents into a sub-pipeline of $unionWith', () => {
      const catalog = catalogWith({ a: [{ _id: 1 }] });
      const out = aggregateCollection(catalog, 'a', [{ $unionWith: { pipeline: [{ $documents: [{ _id: 'lit' }] }] } }]);
      assert.deepEqual(out, [{ _id: 1 }, { _id: 'lit' }]);
    });

    it('refuses a value that is not an array of documents', () => {
      assert.equal(errorOf(() => aggregate([], [{ $documents: 5 }])).code, 5858203);
    });
  });

  describe('$collStats, $indexStats and $planCacheStats', () => {
    it('$collStats counts the documents of the collection', () => {
      const catalog = catalogWith({ c: [{ _id: 1 }, { _id: 2 }] });
      const [stats] = aggregateCollection(catalog, 'c', [{ $collStats: { count: {}, storageStats: {} } }]);
      assert.equal(stats!.ns, 'test.c');
      assert.equal(stats!.count, 2);
      assert.equal((stats!.storageStats as { count: number }).count, 2);
    });

    it('$collStats on a missing collection answers 26 NamespaceNotFound for counts', () => {
      assert.equal(errorOf(() => aggregateCollection(catalogWith({}), 'nothing', [{ $collStats: { count: {} } }])).code, 26);
    });

    it('$indexStats lists every index with zero accesses', () => {
      const catalog = catalogWith({ c: [{ _id: 1, v: 1 }] });
      catalog.createIndex(catalog.getCollection('test', 'c')!, { v: 2, key: { v: 1 }, name: 'v_1' });
      const stats = aggregateCollection(catalog, 'c', [{ $indexStats: {} }]);
      assert.deepEqual(stats.map((doc) => doc.name), ['_id_', 'v_1']);
      assert.equal((stats[0]!.accesses as { ops: bigint }).ops, 0n);
    });

    it('$planCacheStats is empty before any query has been planned (plan-cache.test.ts covers the rest)', () => {
      assert.deepEqual(aggregateCollection(catalogWith({ c: [{ _id: 1 }] }), 'c', [{ $planCacheStats: {} }]), []);
    });
  });
});
