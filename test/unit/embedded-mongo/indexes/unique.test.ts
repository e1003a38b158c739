// Unique indexes as mongod enforces them: compound, multikey, sparse, partial and collated keys;
// the duplicate-key error's shape; a write that fails the check changes nothing.
import assert from 'node:assert/strict';
import { Catalog } from '../../../../server/embedded-mongo/storage/catalog';
import { Collection } from '../../../../server/embedded-mongo/storage/collection';
import { sweepExpired } from '../../../../server/embedded-mongo/ttl';

interface DuplicateKeyShape {
  code: number;
  message: string;
  extra: { keyPattern: unknown; keyValue: unknown };
}

function duplicate(keyPattern: unknown, keyValue: unknown, message?: string) {
  return (error: DuplicateKeyShape): boolean => {
    assert.equal(error.code, 11000);
    assert.deepEqual(error.extra.keyPattern, keyPattern);
    assert.deepEqual(error.extra.keyValue, keyValue);
    if (message) assert.equal(error.message, message);
    return true;
  };
}

describe('unique indexes', () => {
  it('refuses a second document with the same compound key, with mongod error shape', () => {
    const collection = new Collection('shop', 'orders');
    collection.addIndex({ key: { customer: 1, number: -1 }, name: 'customer_1_number_-1', unique: true });
    collection.insert({ _id: 1, customer: 'c1', number: 7 });
    collection.insert({ _id: 2, customer: 'c1', number: 8 });
    assert.throws(
      () => collection.insert({ _id: 3, customer: 'c1', number: 7.0 }),
      duplicate({ customer: 1, number: -1 }, { customer: 'c1', number: 7 }, 'E11000 duplicate key error collection: shop.orders index: customer_1_number_-1 dup key: { customer: "c1", number: 7 }'),
    );
    assert.equal(collection.docs.size, 2);
  });

  it('refuses a duplicate _id with the _id_ index in the error', () => {
    const collection = new Collection('db', 'c');
    collection.insert({ _id: 'x' });
    assert.throws(() => collection.insert({ _id: 'x', other: 1 }), duplicate({ _id: 1 }, { _id: 'x' }));
  });

  it('keys each array element: an element shared with another document is a duplicate, repeats inside one document are not', () => {
    const collection = new Collection('db', 'c');
    collection.addIndex({ key: { tags: 1 }, name: 'tags_1', unique: true });
    collection.insert({ _id: 1, tags: ['a', 'a', 'b'] });
    assert.throws(() => collection.insert({ _id: 2, tags: ['c', 'b'] }), duplicate({ tags: 1 }, { tags: 'b' }));
    collection.insert({ _id: 3, tags: ['c'] });
  });

  it('keys an empty array apart from a missing field, and a missing field as null', () => {
    const collection = new Collection('db', 'c');
    collection.addIndex({ key: { a: 1 }, name: 'a_1', unique: true });
    collection.insert({ _id: 1, a: [] });
    collection.insert({ _id: 2 });
    assert.throws(() => collection.insert({ _id: 3, a: null }), duplicate({ a: 1 }, { a: null }));
    assert.throws(() => collection.insert({ _id: 4, a: [] }), { code: 11000 });
  });

  it('lets any number of documents lack the field of a sparse unique index', () => {
    const collection = new Collection('db', 'responses');
    collection.addIndex({ key: { resumeTokenHash: 1 }, name: 'resumeTokenHash_1', unique: true, sparse: true });
    collection.insert({ _id: 1 });
    collection.insert({ _id: 2 });
    collection.insert({ _id: 3, resumeTokenHash: 'h' });
    assert.throws(() => collection.insert({ _id: 4, resumeTokenHash: 'h' }), { code: 11000 });
    // null is a value: a sparse index holds it.
    collection.insert({ _id: 5, resumeTokenHash: null });
    assert.throws(() => collection.insert({ _id: 6, resumeTokenHash: null }), { code: 11000 });
  });

  it('enforces a partial unique index only among the documents its filter admits', () => {
    const collection = new Collection('db', 'users');
    collection.addIndex({ key: { email: 1 }, name: 'email_active', unique: true, partialFilterExpression: { active: true } });
    collection.insert({ _id: 1, email: 'a@x', active: true });
    collection.insert({ _id: 2, email: 'a@x', active: false });
    assert.throws(() => collection.insert({ _id: 3, email: 'a@x', active: true }), { code: 11000 });
    assert.throws(() => collection.replace(collection.getById(2)!, { _id: 2, email: 'a@x', active: true }), { code: 11000 });
  });

  it('compares strings under the index collation (strength 2 ignores case)', () => {
    const collection = new Collection('db', 'tags');
    collection.addIndex({ key: { name: 1 }, name: 'name_1', unique: true, collation: { locale: 'en', strength: 2 } });
    collection.insert({ _id: 1, name: 'Café' });
    assert.throws(() => collection.insert({ _id: 2, name: 'CAFÉ' }), duplicate({ name: 1 }, { name: 'CAFÉ' }));
    collection.insert({ _id: 3, name: 'Cafe' });
  });

  it('changes nothing when a write fails a unique check: document, other indexes and the old keys stay', () => {
    const collection = new Collection('db', 'c');
    collection.addIndex({ key: { a: 1 }, name: 'a_1' });
    collection.addIndex({ key: { b: 1 }, name: 'b_1', unique: true });
    collection.insert({ _id: 1, a: 1, b: 1 });
    collection.insert({ _id: 2, a: 2, b: 2 });
    assert.throws(() => collection.insert({ _id: 3, a: 3, b: 2 }), { code: 11000 });
    assert.throws(() => collection.replace(collection.getById(1)!, { _id: 1, a: 9, b: 2 }), { code: 11000 });
    assert.deepEqual(collection.getById(1), { _id: 1, a: 1, b: 1 });
    assert.deepEqual(collection.candidates({ a: 1 }).map((doc) => doc._id), [1]);
    assert.deepEqual(collection.candidates({ a: 9 }), []);
    assert.deepEqual(collection.candidates({ a: 3 }), []);
    assert.equal(collection.indexes.get('a_1')!.size, 2);
    assert.equal(collection.indexes.get('b_1')!.size, 2);
  });

  it('builds no index over existing duplicates', () => {
    const collection = new Collection('db', 'c');
    collection.insert({ _id: 1, a: 5 });
    collection.insert({ _id: 2, a: 5.0 });
    assert.throws(() => collection.addIndex({ key: { a: 1 }, name: 'a_1', unique: true }), duplicate({ a: 1 }, { a: 5 }));
    assert.equal(collection.indexes.has('a_1'), false);
  });

  it('refuses a document with arrays on two fields of one compound index (171 cannot index parallel arrays)', () => {
    const collection = new Collection('db', 'c');
    collection.addIndex({ key: { a: 1, b: 1 }, name: 'a_1_b_1' });
    collection.insert({ _id: 1, a: [1, 2], b: 3 });
    assert.throws(() => collection.insert({ _id: 2, a: [1, 2], b: [3, 4] }), { code: 171, message: 'cannot index parallel arrays [b] [a]' });
    assert.equal(collection.docs.size, 1);
  });
});

describe('TTL sweep by index range', () => {
  it('removes documents whose date (or earliest date of an array) is past the cutoff, and no others', () => {
    const catalog = new Catalog();
    const sessions = catalog.ensureCollection('db', 'sessions');
    catalog.createIndex(sessions, { key: { expires: 1 }, name: 'expires_1', expireAfterSeconds: 0 });
    const now = Date.UTC(2026, 5, 1);
    catalog.insert(sessions, { _id: 'old', expires: new Date(now - 1000) });
    catalog.insert(sessions, { _id: 'exact', expires: new Date(now) });
    catalog.insert(sessions, { _id: 'future', expires: new Date(now + 1000) });
    catalog.insert(sessions, { _id: 'array', expires: [new Date(now + 5000), new Date(now - 5000)] });
    catalog.insert(sessions, { _id: 'string', expires: 'yesterday' });
    catalog.insert(sessions, { _id: 'missing' });
    assert.equal(sweepExpired(catalog, now), 3);
    assert.deepEqual([...sessions.docs.values()].map((doc) => doc._id).sort(), ['future', 'missing', 'string']);
  });

  it('honours expireAfterSeconds, descending indexes and partial filters', () => {
    const catalog = new Catalog();
    const events = catalog.ensureCollection('db', 'events');
    catalog.createIndex(events, { key: { at: -1 }, name: 'at_-1', expireAfterSeconds: 60, partialFilterExpression: { kind: 'temp' } });
    const now = Date.UTC(2026, 5, 1);
    catalog.insert(events, { _id: 1, kind: 'temp', at: new Date(now - 61_000) });
    catalog.insert(events, { _id: 2, kind: 'temp', at: new Date(now - 59_000) });
    catalog.insert(events, { _id: 3, kind: 'keep', at: new Date(now - 120_000) });
    assert.equal(sweepExpired(catalog, now), 1);
    assert.deepEqual([...events.docs.keys()].length, 2);
    assert.equal(events.getById(1), undefined);
  });
});
