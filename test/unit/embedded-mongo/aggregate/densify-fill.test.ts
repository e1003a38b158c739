import assert from 'node:assert/strict';
import { Double } from 'bson';
import { errorOf } from '../error-code';
import { aggregate } from './helpers';

describe('$densify and $fill', () => {
  describe('$densify', () => {
    it('fills the missing steps between existing values over the full range', () => {
      const out = aggregate([{ v: 1, k: 'a' }, { v: 4, k: 'b' }], [{ $densify: { field: 'v', range: { step: 1, bounds: 'full' } } }]);
      assert.deepEqual(out, [{ v: 1, k: 'a' }, { v: 2 }, { v: 3 }, { v: 4, k: 'b' }]);
    });

    it('keeps off-grid documents and steps on the grid from the lower bound', () => {
      const out = aggregate([{ v: 0 }, { v: 5 }, { v: 7 }], [{ $densify: { field: 'v', range: { step: 3, bounds: 'full' } } }]);
      assert.deepEqual(out.map((doc) => doc.v), [0, 3, 5, 6, 7]);
    });

    it('densifies each partition over its own range, copying the partition fields', () => {
      const out = aggregate(
        [{ p: 'x', v: 1 }, { p: 'x', v: 3 }, { p: 'y', v: 10 }, { p: 'y', v: 12 }],
        [{ $densify: { field: 'v', partitionByFields: ['p'], range: { step: 1, bounds: 'partition' } } }],
      );
      assert.deepEqual(out, [{ p: 'x', v: 1 }, { p: 'x', v: 2 }, { p: 'x', v: 3 }, { p: 'y', v: 10 }, { p: 'y', v: 11 }, { p: 'y', v: 12 }]);
    });

    it('with explicit bounds generates from the lower bound up to (not including) the upper one', () => {
      const out = aggregate([{ v: 2 }], [{ $densify: { field: 'v', range: { step: 1, bounds: [0, 4] } } }]);
      assert.deepEqual(out.map((doc) => doc.v), [0, 1, 2, 3]);
    });

    it('steps dates by calendar units', () => {
      const out = aggregate(
        [{ t: new Date('2024-01-31T00:00:00Z') }, { t: new Date('2024-04-30T00:00:00Z') }],
        [{ $densify: { field: 't', range: { step: 1, unit: 'month', bounds: 'full' } } }],
      );
      assert.deepEqual(out.map((doc) => (doc.t as Date).toISOString().slice(0, 10)), ['2024-01-31', '2024-02-29', '2024-03-29', '2024-04-29', '2024-04-30']);
    });

    it('passes documents without the field through', () => {
      const out = aggregate([{ v: 1 }, { other: true }, { v: 2 }], [{ $densify: { field: 'v', range: { step: 1, bounds: 'full' } } }]);
      assert.deepEqual(out, [{ other: true }, { v: 1 }, { v: 2 }]);
    });

    it('refuses a non-positive step and a unit with numeric bounds', () => {
      assert.equal(errorOf(() => aggregate([], [{ $densify: { field: 'v', range: { step: 0, bounds: 'full' } } }])).code, 5733401);
      assert.equal(errorOf(() => aggregate([], [{ $densify: { field: 'v', range: { step: 1, unit: 'day', bounds: [0, 1] } } }])).code, 5733409);
    });
  });

  describe('$fill', () => {
    const readings = [
      { t: 1, v: 10, s: 'a' },
      { t: 2, v: null, s: null },
      { t: 3 },
      { t: 4, v: 40, s: 'b' },
      { t: 5 },
    ];

    it('fills with a constant value', () => {
      const out = aggregate(readings, [{ $fill: { output: { s: { value: 'none' } } } }]);
      assert.deepEqual(out.map((doc) => doc.s), ['a', 'none', 'none', 'b', 'none']);
    });

    it('carries the last observation forward', () => {
      const out = aggregate(readings, [{ $fill: { sortBy: { t: 1 }, output: { v: { method: 'locf' } } } }]);
      assert.deepEqual(out.map((doc) => doc.v), [10, 10, 10, 40, 40]);
    });

    it('interpolates linearly along sortBy, leaving the trailing gap', () => {
      const out = aggregate(readings, [{ $fill: { sortBy: { t: 1 }, output: { v: { method: 'linear' } } } }]);
      assert.deepEqual(out.map((doc) => (doc.v instanceof Double ? doc.v.value : doc.v)), [10, 20, 30, 40, undefined]);
    });

    it('fills per partition', () => {
      const out = aggregate(
        [{ p: 1, t: 1, v: 5 }, { p: 2, t: 1, v: 7 }, { p: 1, t: 2 }, { p: 2, t: 2 }],
        [{ $fill: { partitionByFields: ['p'], sortBy: { t: 1 }, output: { v: { method: 'locf' } } } }],
      );
      assert.deepEqual(out.map((doc) => [doc.p, doc.v]), [[1, 5], [1, 5], [2, 7], [2, 7]]);
    });

    it('requires sortBy for locf', () => {
      assert.equal(errorOf(() => aggregate([], [{ $fill: { output: { v: { method: 'locf' } } } }])).code, 6050201);
    });
  });
});
