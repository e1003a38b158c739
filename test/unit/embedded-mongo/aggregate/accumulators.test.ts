import assert from 'node:assert/strict';
import { Decimal128, Double } from 'bson';
import { errorOf } from '../error-code';
import { aggregate } from './helpers';

function groupAll(values: unknown[], accumulator: Record<string, unknown>): unknown {
  const docs = values.map((v, i) => (v === undefined ? { _id: i } : { _id: i, v }));
  const [out] = aggregate(docs, [{ $group: { _id: null, r: accumulator } }]);
  return out?.r;
}

describe('aggregation accumulators', () => {
  describe('$sum', () => {
    it('sums int32 values to an int32', () => {
      assert.equal(groupAll([1, 2, 3], { $sum: '$v' }), 6);
    });

    it('widens an int32 sum that overflows to an int64', () => {
      assert.equal(groupAll([2147483647, 1], { $sum: '$v' }), 2147483648n);
    });

    it('widens an int64 sum that overflows to a double', () => {
      const result = groupAll([9223372036854775807n, 1n], { $sum: '$v' });
      assert.equal(typeof result, 'number');
      assert.equal(result, 9223372036854775808);
    });

    it('keeps an int64 sum as int64 when it fits', () => {
      assert.equal(groupAll([2n ** 40n, 1], { $sum: '$v' }), 2n ** 40n + 1n);
    });

    it('sums doubles with compensation, as mongod does (ten times 0.1 is exactly 1)', () => {
      const result = groupAll(Array.from({ length: 10 }, () => 0.1), { $sum: '$v' });
      assert.ok(result instanceof Double, 'an integer-valued double stays a double');
      assert.equal(result.value, 1);
    });

    it('gives a decimal when any value is a decimal', () => {
      const result = groupAll([1, Decimal128.fromString('0.5')], { $sum: '$v' });
      assert.ok(result instanceof Decimal128);
      assert.equal(result.toString(), '1.5');
    });

    it('ignores non-numeric and missing values, and sums nothing to int32 0', () => {
      assert.equal(groupAll(['a', null, undefined, [1, 2]], { $sum: '$v' }), 0);
    });

    it('counts with { $sum: 1 }', () => {
      assert.equal(groupAll([1, 'x', undefined], { $sum: 1 }), 3);
    });

    it('refuses an array of arguments in $group (40237)', () => {
      assert.equal(errorOf(() => groupAll([1], { $sum: ['$v', 1] })).code, 40237);
    });
  });

  describe('$avg', () => {
    it('averages to a double even for integers', () => {
      const result = groupAll([2, 4], { $avg: '$v' });
      assert.ok(result instanceof Double);
      assert.equal(result.value, 3);
      assert.equal(groupAll([1, 2], { $avg: '$v' }), 1.5);
    });

    it('gives null without numeric values', () => {
      assert.equal(groupAll(['a', undefined], { $avg: '$v' }), null);
    });
  });

  describe('$min and $max', () => {
    it('skip null and missing values and compare across types in BSON order', () => {
      assert.equal(groupAll([null, 3, undefined, 'a', 10n], { $max: '$v' }), 'a');
      assert.equal(groupAll([null, 3, undefined, 'a', 1.5], { $min: '$v' }), 1.5);
    });

    it('give null when every value is null or missing', () => {
      assert.equal(groupAll([null, undefined], { $min: '$v' }), null);
    });
  });

  describe('$first, $last, $push and $addToSet', () => {
    it('$first and $last give null for a missing value', () => {
      assert.equal(groupAll([undefined, 2], { $first: '$v' }), null);
      assert.equal(groupAll([2, undefined], { $last: '$v' }), null);
    });

    it('$push keeps nulls but skips missing values', () => {
      assert.deepEqual(groupAll([1, null, undefined, 2], { $push: '$v' }), [1, null, 2]);
    });

    it('$addToSet treats 1, 1.0 and 1n as one value', () => {
      const result = groupAll([1, new Double(1), 1n, 2], { $addToSet: '$v' }) as unknown[];
      assert.equal(result.length, 2);
    });
  });

  describe('$count and $mergeObjects', () => {
    it('$count counts documents', () => {
      assert.equal(groupAll([1, undefined, null], { $count: {} }), 3);
    });

    it('$count refuses arguments', () => {
      assert.equal(errorOf(() => groupAll([1], { $count: { x: 1 } })).code, 40145);
    });

    it('$mergeObjects merges in order, skipping null', () => {
      assert.deepEqual(groupAll([{ a: 1, b: 1 }, null, { b: 2 }], { $mergeObjects: '$v' }), { a: 1, b: 2 });
    });

    it('$mergeObjects refuses a non-object (40400)', () => {
      assert.equal(errorOf(() => groupAll([1], { $mergeObjects: '$v' })).code, 40400);
    });
  });

  describe('$stdDevPop and $stdDevSamp', () => {
    it('compute the population and sample deviations', () => {
      assert.equal(groupAll([2, 4, 4, 4, 5, 5, 7, 9], { $stdDevPop: '$v' }) instanceof Double, true);
      assert.equal((groupAll([2, 4, 4, 4, 5, 5, 7, 9], { $stdDevPop: '$v' }) as Double).value, 2);
      assert.ok(Math.abs((groupAll([1, 2, 3, 4], { $stdDevSamp: '$v' }) as number) - 1.2909944487358056) < 1e-12);
    });

    it('$stdDevSamp of a single value is null', () => {
      assert.equal(groupAll([1], { $stdDevSamp: '$v' }), null);
    });
  });

  describe('$median and $percentile (approximate)', () => {
    it('the median of [1, 2, 3, 4] is a value of the data (2), not an interpolation', () => {
      const result = groupAll([4, 1, 3, 2], { $median: { input: '$v', method: 'approximate' } });
      assert.ok(result instanceof Double);
      assert.equal(result.value, 2);
    });

    it('percentiles are values of the data, non-numeric values ignored', () => {
      const result = groupAll([10, 20, 30, 40, 50, 'x', null], { $percentile: { input: '$v', p: [0, 0.5, 0.9, 1], method: 'approximate' } }) as Double[];
      assert.deepEqual(result.map((d) => d.valueOf()), [10, 30, 50, 50]);
    });

    it('$median of no numeric value is null; $percentile gives a null per p', () => {
      assert.equal(groupAll(['a'], { $median: { input: '$v', method: 'approximate' } }), null);
      assert.deepEqual(groupAll(['a'], { $percentile: { input: '$v', p: [0.5, 0.9], method: 'approximate' } }), [null, null]);
    });

    it('refuses another method and a p outside [0, 1]', () => {
      assert.equal(errorOf(() => groupAll([1], { $median: { input: '$v', method: 'exact' } })).code, 7766600);
      assert.equal(errorOf(() => groupAll([1], { $percentile: { input: '$v', p: [1.5], method: 'approximate' } })).code, 7750301);
    });
  });

  describe('$top, $bottom, $topN, $bottomN, $firstN, $lastN, $maxN, $minN', () => {
    const docs = [
      { _id: 1, g: 'a', score: 5 },
      { _id: 2, g: 'a', score: 9 },
      { _id: 3, g: 'a', score: 1 },
      { _id: 4, g: 'a' },
    ];

    it('$top and $bottom pick the output of the first and last document in sortBy order', () => {
      const [out] = aggregate(docs, [{ $group: { _id: '$g', top: { $top: { sortBy: { score: -1 }, output: '$_id' } }, bottom: { $bottom: { sortBy: { score: -1 }, output: '$_id' } } } }]);
      assert.deepEqual(out, { _id: 'a', top: 2, bottom: 4 });
    });

    it('$topN and $bottomN give n outputs, a missing output as null', () => {
      const [out] = aggregate(docs, [{ $group: { _id: null, t: { $topN: { n: 2, sortBy: { score: 1 }, output: '$score' } }, b: { $bottomN: { n: 2, sortBy: { score: 1 }, output: '$score' } } } }]);
      assert.deepEqual(out, { _id: null, t: [null, 1], b: [5, 9] });
    });

    it('$firstN and $lastN keep order and nulls', () => {
      const [out] = aggregate(docs, [{ $group: { _id: null, f: { $firstN: { input: '$score', n: 2 } }, l: { $lastN: { input: '$score', n: 2 } } } }]);
      assert.deepEqual(out, { _id: null, f: [5, 9], l: [1, null] });
    });

    it('$maxN and $minN skip null and missing values', () => {
      const [out] = aggregate(docs, [{ $group: { _id: null, max: { $maxN: { input: '$score', n: 2 } }, min: { $minN: { input: '$score', n: 5 } } } }]);
      assert.deepEqual(out, { _id: null, max: [9, 5], min: [1, 5, 9] });
    });

    it('refuses an n that is not a positive integer', () => {
      assert.equal(errorOf(() => aggregate(docs, [{ $group: { _id: null, x: { $firstN: { input: '$score', n: 0 } } } }])).code, 5787908);
      assert.equal(errorOf(() => aggregate(docs, [{ $group: { _id: null, x: { $firstN: { input: '$score', n: 1.5 } } } }])).code, 5787902);
    });
  });

  it('refuses an unknown accumulator (15952) and a field that is not an accumulator object (40234)', () => {
    assert.equal(errorOf(() => aggregate([], [{ $group: { _id: null, x: { $nope: 1 } } }])).code, 15952);
    assert.equal(errorOf(() => aggregate([], [{ $group: { _id: null, x: 1 } }])).code, 40234);
  });
});
