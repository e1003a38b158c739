import assert from 'node:assert/strict';
import { ObjectId } from 'bson';
import { errorOf } from '../error-code';
import { aggregate, aggregateCollection, catalogWith } from './helpers';

describe('aggregation stages that read other collections', () => {
  describe('$lookup', () => {
    const catalog = (): ReturnType<typeof catalogWith> =>
      catalogWith({
        items: [
          { _id: 1, sku: 'a', price: 5 },
          { _id: 2, sku: 'b', price: 7 },
          { _id: 3, sku: null, price: 0 },
          { _id: 4, price: 1 },
          { _id: 5, sku: ['a', 'c'], price: 9 },
        ],
      });

    it('joins on equality, matching foreign array elements', () => {
      const out = aggregate([{ _id: 'o', sku: 'a' }], [{ $lookup: { from: 'items', localField: 'sku', foreignField: 'sku', as: 'found' } }], { catalog: catalog() });
      assert.deepEqual(out[0]!.found.map((doc: { _id: number }) => doc._id), [1, 5]);
    });

    it('matches any element of an array localField, adding no nulls', () => {
      const out = aggregate([{ _id: 'o', skus: ['a', 'b'] }], [{ $lookup: { from: 'items', localField: 'skus', foreignField: 'sku', as: 'found' } }], { catalog: catalog() });
      assert.deepEqual(out[0]!.found.map((doc: { _id: number }) => doc._id), [1, 2, 5]);
    });

    it('joins a missing localField as null: foreign null and missing values match', () => {
      const out = aggregate([{ _id: 'o' }], [{ $lookup: { from: 'items', localField: 'sku', foreignField: 'sku', as: 'found' } }], { catalog: catalog() });
      assert.deepEqual(out[0]!.found.map((doc: { _id: number }) => doc._id), [3, 4]);
    });

    it('runs a pipeline with let variables', () => {
      const out = aggregate([{ _id: 'o', max: 6 }], [
        { $lookup: { from: 'items', let: { max: '$max' }, pipeline: [{ $match: { $expr: { $lte: ['$price', '$$max'] } } }, { $project: { _id: 1 } }], as: 'cheap' } },
      ], { catalog: catalog() });
      assert.deepEqual(out[0]!.cheap, [{ _id: 1 }, { _id: 3 }, { _id: 4 }]);
    });

    it('with both localField/foreignField and a pipeline, joins first and runs the pipeline on the matches', () => {
      const out = aggregate([{ _id: 'o', sku: 'a' }], [
        { $lookup: { from: 'items', localField: 'sku', foreignField: 'sku', pipeline: [{ $match: { price: { $gt: 6 } } }], as: 'found' } },
      ], { catalog: catalog() });
      assert.deepEqual(out[0]!.found.map((doc: { _id: number }) => doc._id), [5]);
    });

    it('gives an empty array when nothing matches or the collection does not exist', () => {
      const out = aggregate([{ _id: 'o', sku: 'zzz' }], [{ $lookup: { from: 'nothing', localField: 'sku', foreignField: 'sku', as: 'found' } }], { catalog: catalog() });
      assert.deepEqual(out, [{ _id: 'o', sku: 'zzz', found: [] }]);
    });

    it('refuses a lookup without as, or with only one of localField and foreignField', () => {
      assert.equal(errorOf(() => aggregate([], [{ $lookup: { from: 'items', localField: 'a', foreignField: 'b' } }])).code, 9);
      assert.equal(errorOf(() => aggregate([], [{ $lookup: { from: 'items', localField: 'a', as: 'x' } }])).code, 9);
      assert.equal(errorOf(() => aggregate([], [{ $lookup: { from: 'items', as: 'x', pipeline: [{ $out: 'y' }] } }])).code, 51047);
      assert.match(errorOf(() => aggregate([], [{ $lookup: { from: 'items', localField: 'a', foreignField: 'b', let: {}, as: 'x' } }])).message, /'let' argument must also specify 'pipeline'/);
      assert.match(errorOf(() => aggregate([], [{ $lookup: { from: { db: 'other', coll: 'c' }, pipeline: [], as: 'x' } }])).message, /not supported for db: other/);
      assert.match(errorOf(() => aggregate([], [{ $lookup: { pipeline: [], as: 'x' } }])).message, /\$documents as first stage/);
    });
  });

  describe('$graphLookup', () => {
    const employees = catalogWith({
      staff: [
        { _id: 1, name: 'Dev' },
        { _id: 2, name: 'Eliot', reportsTo: 'Dev' },
        { _id: 3, name: 'Ron', reportsTo: 'Eliot' },
        { _id: 4, name: 'Andrew', reportsTo: 'Eliot' },
        { _id: 5, name: 'Asya', reportsTo: 'Ron' },
      ],
    });

    it('follows connections recursively, recording the depth as a long', () => {
      const out = aggregateCollection(employees, 'staff', [
        { $match: { name: 'Asya' } },
        { $graphLookup: { from: 'staff', startWith: '$reportsTo', connectFromField: 'reportsTo', connectToField: 'name', as: 'chain', depthField: 'depth' } },
      ]);
      const chain = (out[0]!.chain as Array<{ name: string; depth: bigint }>).map((doc) => [doc.name, doc.depth]);
      assert.deepEqual(chain, [['Ron', 0n], ['Eliot', 1n], ['Dev', 2n]]);
    });

    it('stops at maxDepth', () => {
      const out = aggregateCollection(employees, 'staff', [
        { $match: { name: 'Asya' } },
        { $graphLookup: { from: 'staff', startWith: '$reportsTo', connectFromField: 'reportsTo', connectToField: 'name', as: 'chain', maxDepth: 0 } },
      ]);
      assert.deepEqual((out[0]!.chain as Array<{ name: string }>).map((doc) => doc.name), ['Ron']);
    });
  });

  describe('$graphLookup errors', () => {
    const base = { from: 'staff', startWith: '$x', connectFromField: 'a', connectToField: 'b', as: 'out' };

    it('answers mongod\'s codes for bad arguments', () => {
      assert.equal(errorOf(() => aggregate([], [{ $graphLookup: { ...base, maxDepth: -1 } }])).code, 40101);
      assert.equal(errorOf(() => aggregate([], [{ $graphLookup: { ...base, maxDepth: 1.5 } }])).code, 40102);
      assert.equal(errorOf(() => aggregate([], [{ $graphLookup: { ...base, maxDepth: 'x' } }])).code, 40100);
      assert.equal(errorOf(() => aggregate([], [{ $graphLookup: { ...base, zz: 1 } }])).code, 40104);
      assert.equal(errorOf(() => aggregate([], [{ $graphLookup: { ...base, as: 1 } }])).code, 40103);
      assert.equal(errorOf(() => aggregate([], [{ $graphLookup: { ...base, restrictSearchWithMatch: 1 } }])).code, 40185);
      const { as: _as, ...withoutAs } = base;
      assert.equal(errorOf(() => aggregate([], [{ $graphLookup: withoutAs }])).code, 40105);
      assert.equal(errorOf(() => aggregate([], [{ $graphLookup: 5 }])).code, 9);
    });
  });

  describe('$unionWith', () => {
    it('appends the other collection, through its pipeline', () => {
      const catalog = catalogWith({ a: [{ _id: 1 }], b: [{ _id: 2, x: 1 }, { _id: 3, x: 2 }] });
      const out = aggregateCollection(catalog, 'a', [{ $unionWith: { coll: 'b', pipeline: [{ $match: { x: 2 } }] } }]);
      assert.deepEqual(out, [{ _id: 1 }, { _id: 3, x: 2 }]);
    });
  });

  describe('$out', () => {
    it('replaces the target collection, keeping its indexes', () => {
      const catalog = catalogWith({ src: [{ _id: 1, v: 1 }, { _id: 2, v: 2 }], dst: [{ _id: 9, v: 9 }] });
      const dst = catalog.getCollection('test', 'dst')!;
      catalog.createIndex(dst, { v: 2, key: { v: 1 }, name: 'v_1', unique: true });
      const out = aggregateCollection(catalog, 'src', [{ $match: { v: { $gte: 2 } } }, { $out: 'dst' }]);
      assert.deepEqual(out, []);
      assert.deepEqual([...catalog.getCollection('test', 'dst')!.docs.values()], [{ _id: 2, v: 2 }]);
      assert.ok(catalog.getCollection('test', 'dst')!.indexSpecs().some((spec) => spec.name === 'v_1'));
      assert.ok(catalog.takePending().length > 0, 'the writes are journaled');
    });

    it('leaves the target untouched when the output breaks a unique index', () => {
      const catalog = catalogWith({ src: [{ _id: 1, v: 1 }, { _id: 2, v: 1 }], dst: [{ _id: 9, v: 9 }] });
      catalog.createIndex(catalog.getCollection('test', 'dst')!, { v: 2, key: { v: 1 }, name: 'v_1', unique: true });
      assert.equal(errorOf(() => aggregateCollection(catalog, 'src', [{ $out: 'dst' }])).code, 11000);
      assert.deepEqual([...catalog.getCollection('test', 'dst')!.docs.values()], [{ _id: 9, v: 9 }]);
    });

    it('writes into another database when given { db, coll }', () => {
      const catalog = catalogWith({ src: [{ _id: 1 }] });
      aggregateCollection(catalog, 'src', [{ $out: { db: 'archive', coll: 'kept' } }]);
      assert.deepEqual([...catalog.getCollection('archive', 'kept')!.docs.values()], [{ _id: 1 }]);
      aggregateCollection(catalog, 'src', [{ $set: { again: true } }, { $merge: { into: { db: 'archive', coll: 'kept' } } }]);
      assert.deepEqual([...catalog.getCollection('archive', 'kept')!.docs.values()], [{ _id: 1, again: true }]);
    });

    it('adds an _id to documents without one', () => {
      const catalog = catalogWith({ src: [{ _id: 1, v: 1 }] });
      aggregateCollection(catalog, 'src', [{ $project: { _id: 0, v: 1 } }, { $out: 'noid' }]);
      const [doc] = catalog.getCollection('test', 'noid')!.docs.values();
      assert.ok(doc!._id instanceof ObjectId);
      assert.equal(doc!.v, 1);
    });

    it('writes copies, never the source documents themselves', () => {
      const catalog = catalogWith({ src: [{ _id: 1, sub: { a: 1 } }] });
      aggregateCollection(catalog, 'src', [{ $out: 'copy' }]);
      const [source] = catalog.getCollection('test', 'src')!.docs.values();
      const [copy] = catalog.getCollection('test', 'copy')!.docs.values();
      assert.deepEqual(copy, source);
      assert.notEqual(copy!.sub, source!.sub);
    });
  });

  describe('$merge', () => {
    const setup = (): ReturnType<typeof catalogWith> =>
      catalogWith({ src: [{ _id: 1, a: 10 }, { _id: 2, a: 20 }], dst: [{ _id: 1, a: 1, keep: true }] });

    it('merges matched documents and inserts the others by default', () => {
      const catalog = setup();
      aggregateCollection(catalog, 'src', [{ $merge: { into: 'dst' } }]);
      assert.deepEqual([...catalog.getCollection('test', 'dst')!.docs.values()], [{ _id: 1, a: 10, keep: true }, { _id: 2, a: 20 }]);
    });

    it('replaces, keeps existing, or discards as asked', () => {
      let catalog = setup();
      aggregateCollection(catalog, 'src', [{ $merge: { into: 'dst', whenMatched: 'replace', whenNotMatched: 'discard' } }]);
      assert.deepEqual([...catalog.getCollection('test', 'dst')!.docs.values()], [{ _id: 1, a: 10 }]);
      catalog = setup();
      aggregateCollection(catalog, 'src', [{ $merge: { into: 'dst', whenMatched: 'keepExisting' } }]);
      assert.deepEqual([...catalog.getCollection('test', 'dst')!.docs.values()], [{ _id: 1, a: 1, keep: true }, { _id: 2, a: 20 }]);
    });

    it('fails on a match with whenMatched: fail (11000) and on no match with whenNotMatched: fail (13113)', () => {
      assert.equal(errorOf(() => aggregateCollection(setup(), 'src', [{ $merge: { into: 'dst', whenMatched: 'fail' } }])).code, 11000);
      assert.equal(errorOf(() => aggregateCollection(setup(), 'src', [{ $merge: { into: 'dst', whenNotMatched: 'fail' } }])).code, 13113);
    });

    it('updates matched documents with a pipeline reading $$new', () => {
      const catalog = setup();
      aggregateCollection(catalog, 'src', [{ $merge: { into: 'dst', whenMatched: [{ $set: { a: { $add: ['$a', '$$new.a'] } } }], whenNotMatched: 'discard' } }]);
      assert.deepEqual([...catalog.getCollection('test', 'dst')!.docs.values()], [{ _id: 1, a: 11, keep: true }]);
    });

    it('requires a unique index on the on fields (51183)', () => {
      assert.equal(errorOf(() => aggregateCollection(setup(), 'src', [{ $merge: { into: 'dst', on: 'a' } }])).code, 51183);
    });

    it('matches on other fields through their unique index', () => {
      const catalog = catalogWith({ src: [{ k: 'x', v: 2 }], dst: [{ _id: 7, k: 'x', v: 1 }] });
      catalog.createIndex(catalog.getCollection('test', 'dst')!, { v: 2, key: { k: 1 }, name: 'k_1', unique: true });
      aggregateCollection(catalog, 'src', [{ $project: { _id: 0 } }, { $merge: { into: 'dst', on: 'k' } }]);
      assert.deepEqual([...catalog.getCollection('test', 'dst')!.docs.values()], [{ _id: 7, k: 'x', v: 2 }]);
    });
  });
});
