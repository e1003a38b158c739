// $group accumulators as the manual documents them (reference/operator/aggregation/<name>: $sum,
// $avg, $min, $max, $first, $last, $push, $addToSet, $count, $stdDevPop, $stdDevSamp, $median,
// $percentile, $firstN, $lastN, $minN, $maxN, $top, $bottom, $mergeObjects): non-numeric values
// are ignored by the numeric accumulators, missing values are skipped by $push and $addToSet.
import assert from 'node:assert/strict';
import type { Document } from 'mongodb';
import { useConformanceDatabase } from './harness';

const DOCS: Document[] = [
  { seq: 1, g: 'a', v: 1, o: { x: 1 } },
  { seq: 2, g: 'a', v: 3, o: { y: 2 } },
  { seq: 3, g: 'a', v: 2, o: { x: 3 } },
  { seq: 4, g: 'b', v: 5 },
  { seq: 5, g: 'b' },
  { seq: 6, g: 'b', v: 'x' },
  { seq: 7, g: 'c', v: 'y' },
];

/** [accumulator, expected value per group (groups left out are not checked)] */
const CASES: Array<[Document, Record<string, unknown>]> = [
  [{ $sum: '$v' }, { a: 6, b: 5, c: 0 }],
  [{ $sum: 1 }, { a: 3, b: 3, c: 1 }],
  [{ $avg: '$v' }, { a: 2, b: 5, c: null }],
  [{ $min: '$v' }, { a: 1, b: 5, c: 'y' }],
  [{ $max: '$v' }, { a: 3, b: 'x', c: 'y' }],
  [{ $first: '$v' }, { a: 1, b: 5, c: 'y' }],
  [{ $last: '$v' }, { a: 2, b: 'x', c: 'y' }],
  [{ $push: '$v' }, { a: [1, 3, 2], b: [5, 'x'], c: ['y'] }],
  [{ $addToSet: '$g' }, { a: ['a'], b: ['b'], c: ['c'] }],
  [{ $count: {} }, { a: 3, b: 3, c: 1 }],
  [{ $stdDevPop: '$v' }, { a: Math.sqrt(2 / 3), b: 0, c: null }],
  [{ $stdDevSamp: '$v' }, { a: 1, b: null, c: null }],
  [{ $median: { input: '$v', method: 'approximate' } }, { a: 2, b: 5, c: null }],
  [{ $percentile: { input: '$v', p: [0, 1], method: 'approximate' } }, { a: [1, 3], b: [5, 5] }],
  [{ $firstN: { input: '$v', n: 2 } }, { a: [1, 3], b: [5, null], c: ['y'] }],
  [{ $lastN: { input: '$v', n: 2 } }, { a: [3, 2], b: [null, 'x'] }],
  [{ $minN: { input: '$v', n: 2 } }, { a: [1, 2], b: [5, 'x'] }],
  [{ $maxN: { input: '$v', n: 2 } }, { a: [3, 2], b: ['x', 5] }],
  [{ $top: { sortBy: { v: -1 }, output: '$seq' } }, { a: 2, b: 6 }],
  [{ $bottom: { sortBy: { v: -1 }, output: '$seq' } }, { a: 1, b: 5 }],
  [{ $mergeObjects: '$o' }, { a: { x: 3, y: 2 }, b: {} }],
];

describe('conformance: accumulators', () => {
  const conf = useConformanceDatabase('accumulators');

  beforeEach(async () => {
    await conf.coll().insertMany(DOCS.map((doc) => ({ ...doc })));
  });

  for (const [accumulator, expected] of CASES) {
    it(`${JSON.stringify(accumulator)} per group`, async () => {
      const docs = await conf.coll().aggregate([{ $sort: { seq: 1 } }, { $group: { _id: '$g', r: accumulator } }, { $sort: { _id: 1 } }]).toArray();
      const actual = Object.fromEntries(docs.filter((doc) => Object.hasOwn(expected, doc._id)).map((doc) => [doc._id, doc.r]));
      for (const [group, value] of Object.entries(expected)) {
        if (typeof value === 'number' && !Number.isInteger(value)) {
          assert.ok(Math.abs((actual[group] as number) - value) < 1e-9, `group ${group}: ${String(actual[group])} ≈ ${value}`);
        } else {
          assert.deepEqual(actual[group], value, `group ${group}`);
        }
      }
    });
  }

  it('$sum in $project adds the elements of an array', async () => {
    const [doc] = await conf.coll().aggregate([{ $limit: 1 }, { $project: { _id: 0, r: { $sum: [[1, 2, 3], 4] } } }]).toArray();
    assert.deepEqual(doc, { r: 4 });
    const [arr] = await conf.coll().aggregate([{ $limit: 1 }, { $project: { _id: 0, r: { $sum: { $literal: [1, 2, 3] } } } }]).toArray();
    assert.deepEqual(arr, { r: 6 });
  });

  it('$addToSet and $push inside $bucket output', async () => {
    const docs = await conf.coll().aggregate([
      { $match: { v: { $type: 'number' } } },
      { $bucket: { groupBy: '$v', boundaries: [0, 3, 10], output: { vs: { $push: '$v' } } } },
    ]).toArray();
    assert.deepEqual(docs, [{ _id: 0, vs: [1, 2] }, { _id: 3, vs: [3, 5] }]);
  });
});
