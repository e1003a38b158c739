import assert from 'node:assert/strict';
import type { Document } from 'bson';
import { errorOf } from '../error-code';
import { aggregate } from './helpers';

describe('aggregation stages', () => {
  describe('$bucket', () => {
    const docs = [0, 5, 9, 10, 19.5, 20, 25].map((n, i) => ({ _id: i, n }));

    it('puts a boundary value in the bucket it starts ([lower, upper))', () => {
      const out = aggregate(docs, [{ $bucket: { groupBy: '$n', boundaries: [0, 10, 20], default: 'other', output: { ns: { $push: '$n' } } } }]);
      assert.deepEqual(out, [
        { _id: 0, ns: [0, 5, 9] },
        { _id: 10, ns: [10, 19.5] },
        { _id: 'other', ns: [20, 25] },
      ]);
    });

    it('counts per bucket by default and sorts buckets by _id', () => {
      const out = aggregate(docs, [{ $bucket: { groupBy: '$n', boundaries: [0, 10, 30] } }]);
      assert.deepEqual(out, [{ _id: 0, count: 3 }, { _id: 10, count: 4 }]);
    });

    it('fails on a value outside the boundaries without a default (40066)', () => {
      assert.equal(errorOf(() => aggregate(docs, [{ $bucket: { groupBy: '$n', boundaries: [0, 10] } }])).code, 40066);
    });

    it('refuses unsorted or mixed-type boundaries and a default inside the range', () => {
      assert.equal(errorOf(() => aggregate([], [{ $bucket: { groupBy: '$n', boundaries: [10, 0] } }])).code, 40194);
      assert.equal(errorOf(() => aggregate([], [{ $bucket: { groupBy: '$n', boundaries: [0, 'a'] } }])).code, 40193);
      assert.equal(errorOf(() => aggregate([], [{ $bucket: { groupBy: '$n', boundaries: [0] } }])).code, 40192);
      assert.equal(errorOf(() => aggregate([], [{ $bucket: { groupBy: '$n', boundaries: [0, 10, 20], default: 10 } }])).code, 40199);
      assert.equal(errorOf(() => aggregate([], [{ $bucket: { groupBy: 'n', boundaries: [0, 10] } }])).code, 40202);
      assert.equal(errorOf(() => aggregate([], [{ $bucket: { boundaries: [0, 10] } }])).code, 40198);
      assert.equal(errorOf(() => aggregate([], [{ $bucket: { groupBy: '$n', boundaries: [0, 10], default: '$x' } }])).code, 40195);
    });

    it('accepts a default equal to the highest boundary', () => {
      const out = aggregate(docs, [{ $bucket: { groupBy: '$n', boundaries: [0, 20], default: 20 } }]);
      assert.deepEqual(out, [{ _id: 0, count: 5 }, { _id: 20, count: 2 }]);
    });
  });

  describe('$bucketAuto', () => {
    it('makes buckets of about equal size whose max is the next bucket\'s min', () => {
      const docs = [1, 2, 3, 4, 5, 6, 7, 8].map((n) => ({ n }));
      const out = aggregate(docs, [{ $bucketAuto: { groupBy: '$n', buckets: 3 } }]);
      assert.deepEqual(out, [
        { _id: { min: 1, max: 4 }, count: 3 },
        { _id: { min: 4, max: 7 }, count: 3 },
        { _id: { min: 7, max: 8 }, count: 2 },
      ]);
    });

    it('keeps equal values in one bucket', () => {
      const docs = [1, 1, 1, 1, 2, 3].map((n) => ({ n }));
      const out = aggregate(docs, [{ $bucketAuto: { groupBy: '$n', buckets: 3 } }]);
      assert.deepEqual(out[0], { _id: { min: 1, max: 2 }, count: 4 });
    });

    it('rounds boundaries to a granularity series', () => {
      const docs = [1, 3, 7, 12].map((n) => ({ n }));
      const out = aggregate(docs, [{ $bucketAuto: { groupBy: '$n', buckets: 2, granularity: 'POWERSOF2' } }]);
      assert.deepEqual(out.map((doc) => doc._id), [{ min: 0.5, max: 4 }, { min: 4, max: 16 }]);
    });

    it('refuses a non-positive bucket count (40243) and an unknown granularity (40257)', () => {
      assert.equal(errorOf(() => aggregate([], [{ $bucketAuto: { groupBy: '$n', buckets: 0 } }])).code, 40243);
      assert.equal(errorOf(() => aggregate([], [{ $bucketAuto: { groupBy: '$n', buckets: 2, granularity: 'R7' } }])).code, 40257);
    });
  });

  describe('$count', () => {
    it('returns no document at all for an empty input', () => {
      assert.deepEqual(aggregate([], [{ $count: 'n' }]), []);
    });

    it('counts the documents', () => {
      assert.deepEqual(aggregate([{}, {}], [{ $count: 'n' }]), [{ n: 2 }]);
    });

    it('refuses an empty, $-prefixed or dotted name', () => {
      assert.equal(errorOf(() => aggregate([], [{ $count: '' }])).code, 40157);
      assert.equal(errorOf(() => aggregate([], [{ $count: 1 }])).code, 40156);
      assert.equal(errorOf(() => aggregate([], [{ $count: '$n' }])).code, 40158);
      assert.equal(errorOf(() => aggregate([], [{ $count: 'a.b' }])).code, 40160);
    });
  });

  describe('$unwind', () => {
    const stored = (): Document[] => [
      { _id: 1, tags: ['a', 'b'] },
      { _id: 2, tags: [] },
      { _id: 3, tags: null },
      { _id: 4 },
      { _id: 5, tags: 'solo' },
    ];

    it('never changes its input documents', () => {
      const input = stored();
      const before = structuredClone(input);
      aggregate(input, [{ $unwind: { path: '$tags', includeArrayIndex: 'i', preserveNullAndEmptyArrays: true } }]);
      assert.deepEqual(input, before);
    });

    it('with preserveNullAndEmptyArrays keeps null, missing and empty (dropping the empty array) with a null index', () => {
      const out = aggregate(stored(), [{ $unwind: { path: '$tags', includeArrayIndex: 'i', preserveNullAndEmptyArrays: true } }]);
      assert.deepEqual(out, [
        { _id: 1, tags: 'a', i: 0n },
        { _id: 1, tags: 'b', i: 1n },
        { _id: 2, i: null },
        { _id: 3, tags: null, i: null },
        { _id: 4, i: null },
        { _id: 5, tags: 'solo', i: null },
      ]);
    });

    it('without it drops null, missing and empty, and unwinds a non-array as itself', () => {
      assert.deepEqual(aggregate(stored(), [{ $unwind: '$tags' }]).map((doc) => doc.tags), ['a', 'b', 'solo']);
    });

    it('refuses a path without $ (28818) and unknown options (28811)', () => {
      assert.equal(errorOf(() => aggregate([], [{ $unwind: 'tags' }])).code, 28818);
      assert.equal(errorOf(() => aggregate([], [{ $unwind: { path: '$tags', x: 1 } }])).code, 28811);
    });
  });

  describe('$project', () => {
    const doc = { _id: 1, a: 1, b: { c: 2, d: 3 }, arr: [{ x: 1, y: 2 }, 5] };

    it('gives included fields in document order, then computed fields in specification order', () => {
      const [out] = aggregate([doc], [{ $project: { _id: 0, z: '$a', b: 1, a: 1 } }]);
      assert.deepEqual(Object.keys(out!), ['a', 'b', 'z']);
    });

    it('keeps _id first and includes it by default', () => {
      const [out] = aggregate([doc], [{ $project: { a: 1 } }]);
      assert.deepEqual(out, { _id: 1, a: 1 });
    });

    it('projects nested fields and array elements (dropping scalars)', () => {
      const [out] = aggregate([doc], [{ $project: { 'b.c': 1, 'arr.x': 1 } }]);
      assert.deepEqual(out, { _id: 1, b: { c: 2 }, arr: [{ x: 1 }] });
    });

    it('excludes fields, nested ones too', () => {
      const [out] = aggregate([doc], [{ $project: { 'b.c': 0, arr: 0 } }]);
      assert.deepEqual(out, { _id: 1, a: 1, b: { d: 3 } });
    });

    it('refuses mixing inclusion and exclusion (31253, 31254) and an empty specification', () => {
      assert.equal(errorOf(() => aggregate([], [{ $project: { a: 0, b: 1 } }])).code, 31253);
      assert.equal(errorOf(() => aggregate([], [{ $project: { a: 1, b: 0 } }])).code, 31254);
      assert.equal(errorOf(() => aggregate([], [{ $project: { a: 0, b: '$x' } }])).code, 31252);
      assert.equal(errorOf(() => aggregate([], [{ $project: {} }])).code, 51272);
      assert.equal(errorOf(() => aggregate([], [{ $project: { 'a.b': 1, a: 1 } }])).code, 31250);
    });

    it('reads literals and expressions as computed fields', () => {
      const [out] = aggregate([doc], [{ $project: { _id: 0, s: 'text', l: { $literal: 1 }, sum: { $add: ['$a', 1] } } }]);
      assert.deepEqual(out, { s: 'text', l: 1, sum: 2 });
    });
  });

  describe('$addFields, $set and $unset', () => {
    it('replaces existing fields in place and appends new ones', () => {
      const [out] = aggregate([{ _id: 1, a: 1, b: 2 }], [{ $addFields: { c: 3, a: 10 } }]);
      assert.deepEqual(Object.entries(out!), [['_id', 1], ['a', 10], ['b', 2], ['c', 3]]);
    });

    it('sets a dotted path in every element of an array, leaving the input alone', () => {
      const input = { _id: 1, sub: { a: 1, b: 2 }, arr: [{ a: 1 }] };
      const [out] = aggregate([input], [{ $set: { 'sub.c': 3, 'arr.0.a': 9 } }, { $unset: 'sub.b' }]);
      assert.deepEqual(out, { _id: 1, sub: { a: 1, c: 3 }, arr: [{ a: 1, 0: { a: 9 } }] });
      assert.deepEqual(input, { _id: 1, sub: { a: 1, b: 2 }, arr: [{ a: 1 }] });
    });

    it('removes a field set to $$REMOVE', () => {
      assert.deepEqual(aggregate([{ _id: 1, a: 1 }], [{ $set: { a: '$$REMOVE' } }]), [{ _id: 1 }]);
    });

    it('evaluates every value as an expression (1 is the number one, not an inclusion)', () => {
      assert.deepEqual(aggregate([{ _id: 1 }], [{ $addFields: { one: 1, yes: true } }]), [{ _id: 1, one: 1, yes: true }]);
    });

    it('$unset refuses a non-string (31119)', () => {
      assert.equal(errorOf(() => aggregate([], [{ $unset: [1] }])).code, 31119);
    });
  });

  describe('$group', () => {
    it('groups missing and null keys together under null', () => {
      const out = aggregate([{ k: null }, {}, { k: 1 }], [{ $group: { _id: '$k', n: { $sum: 1 } } }]);
      assert.deepEqual(out, [{ _id: null, n: 2 }, { _id: 1, n: 1 }]);
    });

    it('groups numbers equal across types together (1, 1.0 as double, 1n)', () => {
      const out = aggregate([{ k: 1 }, { k: 1n }, { k: 1.5 }], [{ $group: { _id: '$k', n: { $sum: 1 } } }]);
      assert.deepEqual(out.map((doc) => doc.n), [2, 1]);
    });

    it('groups strings equal under the collation together', () => {
      const out = aggregate([{ k: 'a' }, { k: 'A' }, { k: 'b' }], [{ $group: { _id: '$k', n: { $sum: 1 } } }], { collation: { locale: 'en', strength: 2 } });
      assert.deepEqual(out.map((doc) => doc.n), [2, 1]);
    });

    it('returns no document for an empty input, even with _id: null', () => {
      assert.deepEqual(aggregate([], [{ $group: { _id: null, n: { $sum: 1 } } }]), []);
    });

    it('accepts a compound _id', () => {
      const out = aggregate([{ a: 1, b: 2 }, { a: 1, b: 2 }], [{ $group: { _id: { a: '$a', b: '$b' }, n: { $sum: 1 } } }]);
      assert.deepEqual(out, [{ _id: { a: 1, b: 2 }, n: 2 }]);
    });

    it('refuses a missing _id (15955) and a dotted output field (40235)', () => {
      assert.equal(errorOf(() => aggregate([], [{ $group: { n: { $sum: 1 } } }])).code, 15955);
      assert.equal(errorOf(() => aggregate([], [{ $group: { _id: null, 'a.b': { $sum: 1 } } }])).code, 40235);
    });
  });

  describe('$sort, $skip, $limit, $sortByCount, $sample', () => {
    const docs = [3, 1, 2, 5, 4].map((n) => ({ n }));

    it('sorts, skips and limits', () => {
      assert.deepEqual(aggregate(docs, [{ $sort: { n: -1 } }, { $skip: 1 }, { $limit: 2 }]).map((doc) => doc.n), [4, 3]);
    });

    it('sorts across BSON types in BSON order (null < numbers < strings)', () => {
      const out = aggregate([{ v: 'a' }, { v: 2 }, { v: null }, { v: 1n }], [{ $sort: { v: 1 } }]);
      assert.deepEqual(out.map((doc) => doc.v), [null, 1n, 2, 'a']);
    });

    it('keeps the order of equal documents (stable)', () => {
      const input = Array.from({ length: 5000 }, (_, i) => ({ i, k: i % 3 }));
      const out = aggregate(input, [{ $sort: { k: 1 } }]);
      for (let i = 1; i < out.length; i += 1) {
        const [a, b] = [out[i - 1]!, out[i]!];
        assert.ok(a.k < b.k || (a.k === b.k && a.i < b.i));
      }
    });

    it('refuses bad $sort, $skip and $limit arguments', () => {
      assert.equal(errorOf(() => aggregate([], [{ $sort: {} }])).code, 15976);
      assert.equal(errorOf(() => aggregate([], [{ $sort: { a: 2 } }])).code, 15975);
      assert.equal(errorOf(() => aggregate([], [{ $limit: 0 }])).code, 15958);
      assert.equal(errorOf(() => aggregate([], [{ $limit: 'x' }])).code, 5107201);
      assert.equal(errorOf(() => aggregate([], [{ $skip: 1.5 }])).code, 5107200);
      assert.equal(errorOf(() => aggregate([], [{ $skip: -1 }])).code, 5107200);
    });

    it('$sortByCount counts per value, most frequent first', () => {
      const out = aggregate([{ t: 'a' }, { t: 'b' }, { t: 'b' }], [{ $sortByCount: '$t' }]);
      assert.deepEqual(out, [{ _id: 'b', count: 2 }, { _id: 'a', count: 1 }]);
    });

    it('$sample returns size distinct documents of the input', () => {
      const out = aggregate(docs, [{ $sample: { size: 3 } }]);
      assert.equal(out.length, 3);
      assert.equal(new Set(out.map((doc) => doc.n)).size, 3);
      assert.equal(aggregate(docs, [{ $sample: { size: 10 } }]).length, 5);
    });
  });

  describe('$replaceRoot, $replaceWith and $redact', () => {
    it('replaces the document by an embedded one', () => {
      assert.deepEqual(aggregate([{ a: { b: 1 } }], [{ $replaceRoot: { newRoot: '$a' } }]), [{ b: 1 }]);
      assert.deepEqual(aggregate([{ a: { b: 1 } }], [{ $replaceWith: '$a' }]), [{ b: 1 }]);
    });

    it('fails when the new root is not an object (40228)', () => {
      assert.equal(errorOf(() => aggregate([{ a: 1 }], [{ $replaceRoot: { newRoot: '$a' } }])).code, 40228);
      assert.equal(errorOf(() => aggregate([{}], [{ $replaceWith: '$missing' }])).code, 40228);
    });

    it('$redact prunes, keeps and descends level by level', () => {
      const doc = { level: 1, a: { level: 2, secret: true }, b: { level: 1, c: 1 } };
      const out = aggregate([doc], [{ $redact: { $cond: [{ $gt: ['$level', 1] }, '$$PRUNE', '$$DESCEND'] } }]);
      assert.deepEqual(out, [{ level: 1, b: { level: 1, c: 1 } }]);
    });
  });

  describe('$facet', () => {
    it('runs each sub-pipeline over the same input', () => {
      const out = aggregate([{ n: 1 }, { n: 2 }], [{ $facet: { count: [{ $count: 'c' }], big: [{ $match: { n: { $gt: 1 } } }], none: [{ $match: { n: 9 } }] } }]);
      assert.deepEqual(out, [{ count: [{ c: 2 }], big: [{ n: 2 }], none: [] }]);
    });

    it('refuses $facet, $out inside $facet (40600) and non-array facets (40170)', () => {
      assert.equal(errorOf(() => aggregate([], [{ $facet: { a: [{ $facet: { b: [{ $limit: 1 }] } }] } }])).code, 40600);
      assert.equal(errorOf(() => aggregate([], [{ $facet: { a: [{ $out: 'x' }] } }])).code, 40600);
      assert.equal(errorOf(() => aggregate([], [{ $facet: { a: 1 } }])).code, 40170);
      assert.equal(errorOf(() => aggregate([], [{ $facet: {} }])).code, 40169);
      assert.equal(errorOf(() => aggregate([], [{ $facet: { a: [] } }])).code, 2);
      assert.equal(errorOf(() => aggregate([], [{ $facet: { a: [1] } }])).code, 40171);
      assert.equal(errorOf(() => aggregate([], [{ $facet: { 'a.b': [{ $limit: 1 }] } }])).code, 16412);
    });
  });

  describe('$match', () => {
    it('filters with query operators and $expr with let variables', () => {
      const docs = [{ a: 1, b: 2 }, { a: 3, b: 2 }];
      assert.deepEqual(aggregate(docs, [{ $match: { a: { $gt: 1 } } }]), [{ a: 3, b: 2 }]);
      assert.deepEqual(aggregate(docs, [{ $match: { $expr: { $lt: ['$a', '$$limit'] } } }], { variables: { limit: 2 } }), [{ a: 1, b: 2 }]);
    });

    it('matches int64 values exactly', () => {
      assert.deepEqual(aggregate([{ v: 2n ** 60n }, { v: 1 }], [{ $match: { v: 2n ** 60n } }]), [{ v: 2n ** 60n }]);
    });

    it('refuses $where (16395) and a non-object (15959)', () => {
      assert.equal(errorOf(() => aggregate([], [{ $match: { $where: 'true' } }])).code, 16395);
      assert.equal(errorOf(() => aggregate([], [{ $match: 1 }])).code, 15959);
    });
  });
});
