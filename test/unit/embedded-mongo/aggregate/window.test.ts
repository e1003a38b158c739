import assert from 'node:assert/strict';
import type { Document } from 'bson';
import { errorOf } from '../error-code';
import { aggregate, plain } from './helpers';

const sales: Document[] = [
  { _id: 1, store: 'a', day: 1, n: 10 },
  { _id: 2, store: 'a', day: 2, n: 20 },
  { _id: 3, store: 'a', day: 3, n: 30 },
  { _id: 4, store: 'b', day: 1, n: 5 },
  { _id: 5, store: 'b', day: 2, n: 5 },
];

describe('$setWindowFields', () => {
  it('computes running totals with a documents window per partition', () => {
    const out = aggregate(sales, [
      { $setWindowFields: { partitionBy: '$store', sortBy: { day: 1 }, output: { running: { $sum: '$n', window: { documents: ['unbounded', 'current'] } } } } },
    ]);
    assert.deepEqual(out.map((doc) => [doc._id, doc.running]), [[1, 10], [2, 30], [3, 60], [4, 5], [5, 10]]);
  });

  it('uses the whole partition by default', () => {
    const out = aggregate(sales, [{ $setWindowFields: { partitionBy: '$store', output: { total: { $sum: '$n' } } } }]);
    assert.deepEqual(out.map((doc) => doc.total), [60, 60, 60, 10, 10]);
  });

  it('computes moving averages over sliding documents and range windows', () => {
    const moving = aggregate(sales.slice(0, 3), [{ $setWindowFields: { sortBy: { day: 1 }, output: { avg: { $avg: '$n', window: { documents: [-1, 0] } } } } }]);
    assert.deepEqual(moving.map((doc) => plain(doc.avg)), [10, 15, 25]);
    const ranged = aggregate(sales.slice(0, 3), [{ $setWindowFields: { sortBy: { day: 1 }, output: { sum: { $sum: '$n', window: { range: [0, 1] } } } } }]);
    assert.deepEqual(ranged.map((doc) => doc.sum), [30, 50, 30]);
  });

  it('ranks with ties: $rank leaves gaps, $denseRank does not', () => {
    const docs = [{ s: 10 }, { s: 20 }, { s: 20 }, { s: 30 }];
    const out = aggregate(docs, [{ $setWindowFields: { sortBy: { s: 1 }, output: { r: { $rank: {} }, d: { $denseRank: {} }, n: { $documentNumber: {} } } } }]);
    assert.deepEqual(out.map((doc) => [doc.r, doc.d, doc.n]), [[1, 1, 1], [2, 2, 2], [2, 2, 3], [4, 3, 4]]);
  });

  it('$shift reads a neighbour, with a default past the partition edge', () => {
    const out = aggregate(sales.slice(0, 3), [{ $setWindowFields: { sortBy: { day: 1 }, output: { previous: { $shift: { output: '$n', by: -1, default: 'none' } } } } }]);
    assert.deepEqual(out.map((doc) => doc.previous), ['none', 10, 20]);
  });

  it('$locf and $linearFill fill gaps', () => {
    const docs = [{ t: 1, v: 1 }, { t: 2 }, { t: 3, v: 3 }, { t: 4 }];
    const out = aggregate(docs, [{ $setWindowFields: { sortBy: { t: 1 }, output: { locf: { $locf: '$v' }, linear: { $linearFill: '$v' } } } }]);
    assert.deepEqual(out.map((doc) => [doc.locf, plain(doc.linear)]), [[1, 1], [1, 2], [3, 3], [3, null]]);
  });

  it('$derivative and $integral follow the sortBy axis', () => {
    const docs = [{ t: 0, v: 0 }, { t: 1, v: 2 }, { t: 2, v: 4 }];
    const out = aggregate(docs, [
      { $setWindowFields: { sortBy: { t: 1 }, output: { rate: { $derivative: { input: '$v' }, window: { documents: [-1, 0] } }, area: { $integral: { input: '$v' }, window: { documents: ['unbounded', 'current'] } } } } },
    ]);
    assert.deepEqual(out.map((doc) => [plain(doc.rate), plain(doc.area)]), [[null, null], [2, 1], [2, 4]]);
  });

  it('refuses bounded windows without sortBy and unknown window functions', () => {
    assert.equal(errorOf(() => aggregate([], [{ $setWindowFields: { output: { x: { $sum: 1, window: { documents: [-1, 0] } } } } }])).code, 5339901);
    assert.equal(errorOf(() => aggregate([], [{ $setWindowFields: { sortBy: { a: 1 }, output: { x: { $nope: 1 } } } }])).code, 9);
    assert.equal(errorOf(() => aggregate([], [{ $setWindowFields: { output: { r: { $rank: {} } } } }])).code, 5371602);
  });
});
