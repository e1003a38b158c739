// find, count and distinct through the driver, on whatever server the global setup started.
import assert from 'node:assert/strict';
import { Decimal128, Long } from 'mongodb';
import { useConformanceDatabase } from '../../../integration/embedded-mongo/conformance/harness';
import { serverError } from '../../../integration/embedded-mongo/fixtures/connection';

describe('embedded-mongo read commands on the query engine', () => {
  const conf = useConformanceDatabase('read_commands');

  beforeEach(async () => {
    await conf.coll().insertMany([
      { _id: 1 as never, n: 5, tags: ['b', 'a'], name: 'Ann', grades: [{ s: 70 }, { s: 91 }] },
      { _id: 2 as never, n: Long.fromNumber(7), tags: [['x'], 'a'], name: 'ann', grades: [{ s: 95 }] },
      { _id: 3 as never, n: Decimal128.fromString('6.5'), tags: [], name: 'Bob' },
    ]);
  });

  it('reaches let variables from $expr in find', async () => {
    const reply = await conf.db.command({ find: 'c', filter: { $expr: { $gt: ['$n', '$$floor'] } }, let: { floor: 6 }, sort: { _id: 1 } });
    assert.deepEqual(reply.cursor.firstBatch.map((doc: { _id: number }) => doc._id), [2, 3]);
  });

  it('sorts numbers of different types together and projects the matched element', async () => {
    const docs = await conf.coll().find({ 'grades.s': { $gt: 90 } }, { projection: { 'grades.$': 1 }, sort: { n: -1 } }).toArray();
    assert.deepEqual(docs, [{ _id: 2, grades: [{ s: 95 }] }, { _id: 1, grades: [{ s: 91 }] }]);
  });

  it('lists distinct values in BSON order, array elements separately, and folds them by collation', async () => {
    const values = await conf.coll().distinct('tags');
    assert.deepEqual(values, ['a', 'b', ['x']]);
    const names = await conf.db.command({ distinct: 'c', key: 'name', collation: { locale: 'en', strength: 2 } });
    assert.equal(names.values.length, 2);
  });

  it('counts with a filter, skip and limit, and with a collation', async () => {
    assert.equal((await conf.db.command({ count: 'c', query: { n: { $gte: 6 } } })).n, 2);
    assert.equal((await conf.db.command({ count: 'c', query: {}, skip: 1, limit: 1 })).n, 1);
    assert.equal((await conf.db.command({ count: 'c', query: { name: 'ANN' }, collation: { locale: 'en', strength: 1 } })).n, 2);
  });

  it('gives the same order whether or not an index serves the sort', async () => {
    const unindexed = await conf.coll().find({}, { sort: { n: -1 }, limit: 2 }).toArray();
    await conf.coll().createIndex({ n: 1 });
    const indexed = await conf.coll().find({}, { sort: { n: -1 }, limit: 2 }).toArray();
    assert.deepEqual(indexed.map((doc) => doc._id), unindexed.map((doc) => doc._id));
    assert.deepEqual(indexed.map((doc) => doc._id), [2, 3]);
  });

  it('keeps the best documents of an unindexed sort with a small limit, ties in natural order', async () => {
    await conf.coll('many').insertMany(Array.from({ length: 200 }, (_, i) => ({ _id: i as never, k: i % 7 })));
    const docs = await conf.coll('many').find({}, { sort: { k: 1 }, skip: 2, limit: 5 }).toArray();
    assert.deepEqual(docs.map((doc) => doc._id), [14, 21, 28, 35, 42]);
  });

  it('refuses bad find arguments as mongod does', async () => {
    assert.equal((await serverError(conf.db.command({ find: 'c', skip: -1 }))).code, 51024);
    assert.equal((await serverError(conf.db.command({ find: 'c', limit: -2 }))).code, 51024);
    const wrongType = await serverError(conf.db.command({ find: 'c', filter: 'x' }));
    assert.equal(wrongType.code, 14);
    assert.equal(wrongType.message, "BSON field 'FindCommandRequest.filter' is the wrong type 'string', expected type 'object'");
    assert.equal((await serverError(conf.db.command({ find: 'c', hint: 'nope_1' }))).code, 2);
    assert.equal((await serverError(conf.db.command({ find: 'c', tailable: true }))).code, 2);
    assert.equal((await serverError(conf.db.command({ find: 'c', min: { n: 1 } }))).code, 238);
    assert.equal((await serverError(conf.db.command({ find: 'c', sort: { n: 2 } }))).code, 15975);
    assert.equal((await serverError(conf.db.command({ find: 'c', filter: { $text: { $search: 'x' } } }))).code, 27);
    const positional = await serverError(conf.db.command({ find: 'c', filter: {}, projection: { 'tags.$': 1 } }));
    assert.equal(positional.code, 51246);
    assert.equal(positional.message, "Executor error during find command :: caused by :: positional operator '.$' couldn't find a matching element in the array");
  });
});
