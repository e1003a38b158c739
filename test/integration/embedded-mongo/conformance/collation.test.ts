// Collation as reference/collation documents it (locale, strength, caseFirst, numericOrdering) and
// the pages of each command that takes it: find, update, delete, findAndModify, count, distinct,
// aggregate, and createIndexes (an index with a collation enforces uniqueness under it).
import assert from 'node:assert/strict';
import type { CollationOptions, Document } from 'mongodb';
import { assertWriteError, useConformanceDatabase } from './harness';

const CASE_INSENSITIVE = { locale: 'en', strength: 2 };

describe('conformance: collation', () => {
  const conf = useConformanceDatabase('collation');

  beforeEach(async () => {
    await conf.coll().insertMany([
      { _id: 1 as never, name: 'abc' }, { _id: 2 as never, name: 'ABC' }, { _id: 3 as never, name: 'b' },
      { _id: 4 as never, name: 'B' }, { _id: 5 as never, name: 'café' }, { _id: 6 as never, name: 'cafe' },
      { _id: 7 as never, name: '10' }, { _id: 8 as never, name: '9' },
    ]);
  });

  async function ids(filter: Document, collation: CollationOptions): Promise<number[]> {
    return (await conf.coll().find(filter, { collation }).sort({ _id: 1 }).toArray()).map((doc) => doc._id as unknown as number);
  }

  it('find with strength 2 matches regardless of case', async () => {
    assert.deepEqual(await ids({ name: 'abc' }, CASE_INSENSITIVE), [1, 2]);
  });

  it('find without collation compares exactly', async () => {
    assert.deepEqual((await conf.coll().find({ name: 'abc' }).toArray()).map((doc) => doc._id), [1]);
  });

  it('strength 1 also ignores accents', async () => {
    assert.deepEqual(await ids({ name: 'cafe' }, { locale: 'fr', strength: 1 }), [5, 6]);
  });

  it('a locale with a region such as en_US is accepted', async () => {
    assert.deepEqual(await ids({ name: 'ABC' }, { locale: 'en_US', strength: 2 }), [1, 2]);
  });

  it('$in and range operators use the collation', async () => {
    assert.deepEqual(await ids({ name: { $in: ['B'] } }, CASE_INSENSITIVE), [3, 4]);
    assert.deepEqual(await ids({ name: { $gte: 'b', $lt: 'c' } }, CASE_INSENSITIVE), [3, 4]);
  });

  it('sort with a locale puts letters in dictionary order, lowercase first', async () => {
    const names = (await conf.coll().find({ _id: { $in: [1, 2, 3, 4] } as never }, { collation: { locale: 'en' } }).sort({ name: 1 }).toArray()).map((doc) => doc.name);
    assert.deepEqual(names, ['abc', 'ABC', 'b', 'B']);
  });

  it('sort without collation is by bytes: uppercase first', async () => {
    const names = (await conf.coll().find({ _id: { $in: [1, 2, 3, 4] } as never }).sort({ name: 1 }).toArray()).map((doc) => doc.name);
    assert.deepEqual(names, ['ABC', 'B', 'abc', 'b']);
  });

  it('caseFirst upper puts uppercase first', async () => {
    const names = (await conf.coll().find({ _id: { $in: [1, 2] } as never }, { collation: { locale: 'en', caseFirst: 'upper' } }).sort({ name: 1 }).toArray()).map((doc) => doc.name);
    assert.deepEqual(names, ['ABC', 'abc']);
  });

  it('numericOrdering compares digits as numbers', async () => {
    const names = (await conf.coll().find({ _id: { $in: [7, 8] } as never }, { collation: { locale: 'en', numericOrdering: true } }).sort({ name: 1 }).toArray()).map((doc) => doc.name);
    assert.deepEqual(names, ['9', '10']);
  });

  it('locale simple is the binary comparison', async () => {
    assert.deepEqual(await ids({ name: 'abc' }, { locale: 'simple' }), [1]);
  });

  it('updateMany with a collation updates every case', async () => {
    const result = await conf.coll().updateMany({ name: 'abc' }, { $set: { hit: true } }, { collation: CASE_INSENSITIVE });
    assert.equal(result.modifiedCount, 2);
  });

  it('deleteMany with a collation deletes every case', async () => {
    const result = await conf.coll().deleteMany({ name: 'b' }, { collation: CASE_INSENSITIVE });
    assert.equal(result.deletedCount, 2);
  });

  it('findOneAndUpdate with a collation finds the document', async () => {
    const doc = await conf.coll().findOneAndUpdate({ name: 'CAFÉ' }, { $set: { hit: true } }, { collation: CASE_INSENSITIVE, sort: { _id: 1 } });
    assert.equal(doc?._id, 5);
  });

  it('countDocuments with a collation', async () => {
    assert.equal(await conf.coll().countDocuments({ name: 'ABC' }, { collation: CASE_INSENSITIVE }), 2);
  });

  it('the count command with a collation', async () => {
    const reply = await conf.db.command({ count: 'c', query: { name: 'ABC' }, collation: CASE_INSENSITIVE });
    assert.equal(reply.n, 2);
  });

  it('distinct with a collation folds values that compare equal', async () => {
    const values = await conf.coll().distinct('name', { _id: { $in: [1, 2, 3, 4] } as never }, { collation: CASE_INSENSITIVE });
    assert.equal(values.length, 2);
  });

  it('aggregate with a collation: $match and $group use it', async () => {
    const docs = await conf.coll().aggregate([
      { $match: { name: { $in: ['abc', 'b'] } } },
      { $group: { _id: '$name', n: { $sum: 1 } } },
      { $sort: { n: 1 } },
    ], { collation: CASE_INSENSITIVE }).toArray();
    assert.deepEqual(docs.map((doc) => doc.n), [2, 2]);
  });

  it('a unique index with a collation refuses values equal under it', async () => {
    await conf.coll('users').createIndex({ email: 1 }, { unique: true, collation: CASE_INSENSITIVE });
    await conf.coll('users').insertOne({ email: 'ann@example.com' });
    await assertWriteError(conf.coll('users').insertOne({ email: 'ANN@example.com' }), 11000);
  });

  it('listIndexes shows an index collation with the locale and strength asked for', async () => {
    await conf.coll().createIndex({ name: 1 }, { collation: CASE_INSENSITIVE });
    const index = (await conf.coll().listIndexes().toArray()).find((candidate) => candidate.name === 'name_1');
    assert.equal(index?.collation?.locale, 'en');
    assert.equal(index?.collation?.strength, 2);
  });

  describe('a default collation given at create (reference/collation, "Collation and ...")', () => {
    beforeEach(async () => {
      await conf.db.createCollection('names', { collation: CASE_INSENSITIVE });
      await conf.coll('names').insertMany([{ _id: 1 as never, n: 'abc' }, { _id: 2 as never, n: 'ABC' }, { _id: 3 as never, n: 'b' }]);
    });

    it('find, count and distinct use it when they name none', async () => {
      assert.deepEqual((await conf.coll('names').find({ n: 'abc' }).sort({ _id: 1 }).toArray()).map((doc) => doc._id), [1, 2]);
      assert.equal(await conf.coll('names').countDocuments({ n: 'ABC' }), 2);
      assert.equal((await conf.coll('names').distinct('n')).length, 2);
    });

    it('an operation naming the simple collation compares bytes', async () => {
      assert.deepEqual((await conf.coll('names').find({ n: 'abc' }, { collation: { locale: 'simple' } }).toArray()).map((doc) => doc._id), [1]);
    });

    it('updates and deletes use it', async () => {
      assert.equal((await conf.coll('names').updateMany({ n: 'abc' }, { $set: { hit: true } })).modifiedCount, 2);
      assert.equal((await conf.coll('names').deleteMany({ n: 'ABC' })).deletedCount, 2);
    });

    it('an index created without a collation takes it, so a unique index folds case', async () => {
      await conf.coll('names').deleteMany({ _id: 2 as never });
      await conf.coll('names').createIndex({ n: 1 }, { unique: true });
      const index = (await conf.coll('names').listIndexes().toArray()).find((candidate) => candidate.name === 'n_1');
      assert.equal(index?.collation?.strength, 2);
      await assertWriteError(conf.coll('names').insertOne({ n: 'Abc' }), 11000);
    });

    it('listCollections shows the collation with its locale and strength', async () => {
      const [info] = await conf.db.listCollections({ name: 'names' }).toArray();
      const collation = (info as { options?: { collation?: { locale?: string; strength?: number } } }).options?.collation;
      assert.equal(collation?.locale, 'en');
      assert.equal(collation?.strength, 2);
    });
  });
});
