import assert from 'node:assert/strict';
import { Double, MinKey, type Document } from 'bson';
import { parseCollation } from '../../../../server/embedded-mongo/bson/index';
import { compileFilter, compileProjection, compileSort } from '../../../../server/embedded-mongo/query/index';
import { smallest } from '../../../../server/embedded-mongo/commands/query';
import { codeOf } from '../error-code';

function sortIds(docs: Document[], sort: Document, collation?: Document): unknown[] {
  return [...docs].sort(compileSort(sort, { collator: parseCollation(collation) })).map((doc) => doc._id);
}

describe('embedded-mongo query: compileSort', () => {
  it('sorts across types in BSON order with missing as null and an empty array before null', () => {
    const docs = [{ _id: 1, a: 'x' }, { _id: 2, a: 5 }, { _id: 3 }, { _id: 4, a: null }, { _id: 5, a: [] }, { _id: 6, a: new MinKey() }, { _id: 7, a: { b: 1 } }];
    assert.deepEqual(sortIds(docs, { a: 1 }), [6, 5, 3, 4, 2, 1, 7]);
  });

  it('sorts arrays by their least element ascending and their greatest descending', () => {
    const docs = [{ _id: 1, a: [1, 9] }, { _id: 2, a: [3, 4] }, { _id: 3, a: 5 }];
    assert.deepEqual(sortIds(docs, { a: 1 }), [1, 2, 3]);
    assert.deepEqual(sortIds(docs, { a: -1 }), [1, 3, 2]);
  });

  it('sorts by several keys, through arrays of documents, and with a collation', () => {
    const docs = [{ _id: 1, a: 1, b: 'b' }, { _id: 2, a: 1, b: 'B' }, { _id: 3, a: 0, b: 'c' }];
    assert.deepEqual(sortIds(docs, { a: 1, b: 1 }), [3, 2, 1]);
    assert.deepEqual(sortIds([{ _id: 1, x: 'b' }, { _id: 2, x: 'A' }], { x: 1 }, { locale: 'en' }), [2, 1]);
    assert.deepEqual(sortIds([{ _id: 1, l: [{ v: 3 }] }, { _id: 2, l: [{ v: 7 }, { v: 1 }] }], { 'l.v': 1 }), [2, 1]);
  });

  it('refuses sort values other than 1 and -1', () => {
    assert.equal(codeOf(() => compileSort({ a: 2 })), 15975);
    assert.equal(codeOf(() => compileSort({ a: 'asc' })), 15974);
    assert.equal(codeOf(() => compileSort({ a: new Double(-1) })), undefined);
  });
});

describe('embedded-mongo query: compileProjection', () => {
  const doc = { _id: 1, name: 'n', size: { h: 1, w: 2 }, tags: ['a', 'b', 'c'], grades: [{ s: 80, k: 1 }, { s: 95, k: 2 }] };

  it('keeps included fields in document order with _id, or removes excluded ones', () => {
    assert.deepEqual(compileProjection({ tags: 1, name: 1 })(doc), { _id: 1, name: 'n', tags: ['a', 'b', 'c'] });
    assert.deepEqual(compileProjection({ name: 1, _id: 0 })(doc), { name: 'n' });
    assert.deepEqual(compileProjection({ 'size.w': 1 })(doc), { _id: 1, size: { w: 2 } });
    assert.deepEqual(compileProjection({ size: 0, tags: 0, grades: 0 })(doc), { _id: 1, name: 'n' });
    assert.deepEqual(compileProjection({ 'grades.k': 0, size: 0, tags: 0 })(doc), { _id: 1, name: 'n', grades: [{ s: 80 }, { s: 95 }] });
    assert.deepEqual(compileProjection({ size: { h: 1 } })(doc), { _id: 1, size: { h: 1 } });
  });

  it('adds computed fields after kept ones, in projection order', () => {
    assert.deepEqual(compileProjection({ z: { $literal: 1 }, name: 1, a: '$size.h' })(doc), { _id: 1, name: 'n', z: 1, a: 1 });
  });

  it('applies $slice, $elemMatch and the positional operator', () => {
    assert.deepEqual(compileProjection({ tags: { $slice: -2 }, grades: 0, size: 0 })(doc), { _id: 1, name: 'n', tags: ['b', 'c'] });
    assert.deepEqual(compileProjection({ tags: { $slice: [1, 1] }, name: 1 })(doc), { _id: 1, name: 'n', tags: ['b'] });
    assert.deepEqual(compileProjection({ grades: { $elemMatch: { s: { $gt: 90 } } }, name: 1 })(doc), { _id: 1, name: 'n', grades: [{ s: 95, k: 2 }] });
    assert.deepEqual(compileProjection({ grades: { $elemMatch: { k: 1 } } })(doc), { _id: 1, grades: [{ s: 80, k: 1 }] });
    assert.deepEqual(compileProjection({ grades: { $elemMatch: { k: 2 } }, size: 0, tags: 0 })(doc), { _id: 1, name: 'n', grades: [{ s: 95, k: 2 }] });
    assert.deepEqual(compileProjection({ tags: { $slice: 1 }, grades: { $elemMatch: { k: 2 } } })(doc), { _id: 1, name: 'n', size: { h: 1, w: 2 }, tags: ['a'], grades: [{ s: 95, k: 2 }] });
    const matcher = compileFilter({ 'grades.s': 95 });
    assert.deepEqual(compileProjection({ 'grades.$': 1 })(doc, matcher), { _id: 1, grades: [{ s: 95, k: 2 }] });
  });

  it('refuses mixed inclusion and exclusion and colliding paths with mongod codes', () => {
    assert.equal(codeOf(() => compileProjection({ a: 1, b: 0 })), 31254);
    assert.equal(codeOf(() => compileProjection({ a: 0, b: 1 })), 31253);
    assert.equal(codeOf(() => compileProjection({ a: 1, 'a.b': 1 })), 31249);
    assert.equal(codeOf(() => compileProjection({ 'a.b': 1, a: 1 })), 31250);
    assert.equal(codeOf(() => compileProjection({ a: 0, b: { $add: [1, 2] } })), 31252);
    assert.equal(codeOf(() => compileProjection({ a: { $slice: [1, 0] } })), 31259);
    assert.equal(codeOf(() => compileProjection({ a: { $slice: 'x' } })), 31273);
    assert.equal(codeOf(() => compileProjection({ a: { $elemMatch: 1 } })), 31274);
    assert.equal(codeOf(() => compileProjection({ 'a.$': 1, b: { $elemMatch: { c: 1 } } })), 31255);
    assert.equal(codeOf(() => compileProjection({ 'a.$': 1, 'b.$': 1 })), 31276);
    assert.equal(codeOf(() => compileProjection({ 'a.$.b': 1 })), 31394);
    assert.equal(codeOf(() => compileProjection({ 'a.$': 0 })), 31395);
    assert.equal(codeOf(() => compileProjection({ 'tags.$': 1 })({ _id: 1, tags: ['a'] }, compileFilter({}))), 51246);
  });
});

describe('embedded-mongo query: top-k selection for sorted limits', () => {
  it('returns the k smallest documents in sort order, ties in arrival order', () => {
    const docs = [5, 1, 3, 1, 4, 1, 2].map((k, i) => ({ _id: i, k }));
    const best = smallest(docs, compileSort({ k: 1 }), 4);
    assert.deepEqual(best.map((doc) => doc._id), [1, 3, 5, 6]);
  });
});
