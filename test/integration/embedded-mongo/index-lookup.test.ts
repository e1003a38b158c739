// Store internals: equality and range lookups must come from the indexes, not a collection scan.
// (Speed itself is measured by benchmarks; this checks which documents are even looked at.)
import assert from 'node:assert/strict';
import { ObjectId } from 'bson';
import { Collection } from '../../../server/embedded-mongo/storage/collection';

describe('embedded store index lookups', () => {
  let collection: Collection;
  const ids: ObjectId[] = [];

  beforeEach(() => {
    collection = new Collection('db', 'counters');
    collection.addIndex({ key: { wave: 1, question: 1, option: 1 }, name: 'wave_1_question_1_option_1', unique: true });
    collection.addIndex({ key: { tags: 1 }, name: 'tags_1' });
    ids.length = 0;
    for (let i = 0; i < 1000; i += 1) {
      const _id = new ObjectId();
      ids.push(_id);
      collection.insert({ _id, wave: `w${i % 10}`, question: `q${Math.floor(i / 10) % 10}`, option: Math.floor(i / 100), tags: [`t${i % 7}`, 'all'] });
    }
  });

  it('answers an _id equality or $in from the _id lookup', () => {
    assert.equal(collection.candidates({ _id: ids[5] }).length, 1);
    assert.equal(collection.candidates({ _id: { $in: [ids[1], ids[2], new ObjectId()] } }).length, 2);
  });

  it('answers a full compound-key equality with exactly the matching document', () => {
    const [doc] = collection.candidates({ wave: 'w3', question: 'q4', option: 7 });
    assert.equal(collection.candidates({ wave: 'w3', question: 'q4', option: 7 }).length, 1);
    assert.deepEqual([doc!.wave, doc!.question, doc!.option], ['w3', 'q4', 7]);
  });

  it('answers an equality on a prefix of a compound index', () => {
    assert.equal(collection.candidates({ wave: 'w3' }).length, 100);
    assert.equal(collection.candidates({ wave: 'w3', question: { $in: ['q1', 'q2'] } }).length, 20);
  });

  it('indexes each element of an array (multikey)', () => {
    assert.equal(collection.candidates({ tags: 't0' }).length, 143);
  });

  it('falls back to a scan when no index prefix is constrained', () => {
    assert.equal(collection.candidates({ question: 'q1' }).length, 1000);
  });

  it('answers a range on the first field of an index from the ordered keys', () => {
    assert.equal(collection.candidates({ wave: { $gt: 'w7' } }).length, 200);
    assert.equal(collection.candidates({ wave: 'w3', question: { $gte: 'q8' } }).length, 20);
  });

  it('keeps the indexes in step with updates and deletes', () => {
    const [doc] = collection.candidates({ wave: 'w3', question: 'q4', option: 7 });
    collection.replace(doc!, { ...doc!, option: 99 });
    assert.equal(collection.candidates({ wave: 'w3', question: 'q4', option: 7 }).length, 0);
    assert.equal(collection.candidates({ wave: 'w3', question: 'q4', option: 99 }).length, 1);
    collection.remove(collection.candidates({ wave: 'w3', question: 'q4', option: 99 })[0]!);
    assert.equal(collection.candidates({ wave: 'w3' }).length, 99);
  });

  it('keeps an index whose keys an update left equal, and still marks it multikey when a value becomes an array', () => {
    const [doc] = collection.candidates({ wave: 'w3', question: 'q4', option: 7 });
    // Only a field outside every index changes: the index entries stay as they are.
    collection.replace(doc!, { ...doc!, tags: 'single' });
    assert.equal(collection.candidates({ wave: 'w3', question: 'q4', option: 7 }).length, 1);
    const fresh = new Collection('db', 'fresh');
    fresh.addIndex({ key: { k: 1 }, name: 'k_1' });
    fresh.insert({ _id: 1, k: 'x', n: 1 });
    assert.equal(fresh.indexes.get('k_1')!.isMultikey, false);
    fresh.replace(fresh.getById(1)!, { _id: 1, k: ['x'], n: 1 });
    assert.equal(fresh.indexes.get('k_1')!.isMultikey, true);
    assert.equal(fresh.candidates({ k: 'x' }).length, 1);
    // Removing the document removes the entries it kept.
    fresh.remove(fresh.getById(1)!);
    assert.equal(fresh.candidates({ k: 'x' }).length, 0);
    assert.equal(fresh.indexes.get('k_1')!.size, 0);
  });

  it('treats 1, 1.0 and a bigint 1 as the same key', () => {
    collection.insert({ _id: 1, n: 1 });
    assert.equal(collection.getById(1.0)?.n, 1);
    assert.equal(collection.getById(1n)?.n, 1);
  });
});
