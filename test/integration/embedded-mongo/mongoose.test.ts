import assert from 'node:assert/strict';
import mongoose, { Schema, type Connection } from 'mongoose';
import { databaseUri } from './fixtures/connection';

describe('embedded store through mongoose', () => {
  let connection: Connection;

  before(async () => {
    connection = await mongoose.createConnection(databaseUri('mongoose').uri).asPromise();
  });

  beforeEach(async () => {
    await connection.dropDatabase();
  });

  after(async () => {
    await connection.dropDatabase();
    await connection.close();
  });

  it('saves, queries, updates and deletes documents through models', async () => {
    const Survey = connection.model('Survey', new Schema({ title: String, waves: Number, openedAt: Date, tags: [String] }));
    const openedAt = new Date('2011-03-01T00:00:00Z');
    const created = await Survey.create({ title: 'CAP-TIC', waves: 1, openedAt, tags: ['pro'] });
    const found = await Survey.findById(created._id).lean();
    assert.equal(found?.title, 'CAP-TIC');
    assert.equal(found?.openedAt?.getTime(), openedAt.getTime());

    await Survey.updateOne({ _id: created._id }, { $inc: { waves: 1 }, $push: { tags: 'social' } });
    const updated = await Survey.findById(created._id).lean();
    assert.equal(updated?.waves, 2);
    assert.deepEqual(updated?.tags, ['pro', 'social']);

    const docs = await Survey.find({ tags: 'social' }).select('title').lean();
    assert.deepEqual(docs.map((doc) => doc.title), ['CAP-TIC']);
    await Survey.deleteOne({ _id: created._id });
    assert.equal(await Survey.countDocuments(), 0);
  });

  it('builds schema indexes and syncIndexes drops the ones no longer declared', async () => {
    const schema = new Schema({ email: { type: String, unique: true }, org: String });
    const Person = connection.model('Person', schema, 'people');
    await Person.init();
    await connection.collection('people').createIndex({ org: 1 }, { name: 'stale_org' });
    const dropped = await Person.syncIndexes();
    assert.deepEqual(dropped, ['stale_org']);
    const names = (await connection.collection('people').listIndexes().toArray()).map((index) => index.name).sort();
    assert.deepEqual(names, ['_id_', 'email_1']);

    await Person.create({ email: 'a@x' });
    await assert.rejects(Person.create({ email: 'a@x' }), (error: { code?: number; keyValue?: unknown }) => {
      assert.equal(error.code, 11000);
      assert.deepEqual(error.keyValue, { email: 'a@x' });
      return true;
    });
  });

  it('runs findOneAndUpdate upserts and aggregations', async () => {
    const Tally = connection.model('Tally', new Schema({ wave: String, question: String, count: Number }));
    for (const question of ['q1', 'q1', 'q2']) {
      await Tally.findOneAndUpdate({ wave: 'w1', question }, { $inc: { count: 1 } }, { upsert: true, returnDocument: 'after' });
    }
    const rows = await Tally.aggregate<{ _id: string; total: number }>([{ $group: { _id: '$question', total: { $sum: '$count' } } }, { $sort: { _id: 1 } }]);
    assert.deepEqual(rows, [{ _id: 'q1', total: 2 }, { _id: 'q2', total: 1 }]);
    assert.equal(await Tally.estimatedDocumentCount(), 2);
    assert.deepEqual((await Tally.distinct('question')).sort(), ['q1', 'q2']);
  });

  it('rejects session.withTransaction like a standalone MongoDB (code 20)', async () => {
    const Item = connection.model('Item', new Schema({ n: Number }));
    await Item.createCollection();
    const session = await connection.startSession();
    try {
      await assert.rejects(
        session.withTransaction(async () => {
          await Item.create([{ n: 1 }], { session });
        }),
        (error: { code?: number; errorResponse?: { originalError?: { code?: number } } }) => {
          assert.equal(error.code ?? error.errorResponse?.originalError?.code, 20);
          return true;
        },
      );
    } finally {
      await session.endSession();
    }
    assert.equal(await Item.countDocuments(), 0);
  });
});
