// Sort order across and within BSON types.
// Manual: reference/bson-type-comparison-order ("Comparison/Sort Order"), reference/method/cursor.sort
// ("Ascending/Descending Sort" on arrays), reference/operator/query/gt (type bracketing).
import assert from 'node:assert/strict';
import { Binary, BSONRegExp, BSONSymbol, Decimal128, Double, Long, MaxKey, MinKey, ObjectId, Timestamp, type Document } from 'mongodb';
import { useConformanceDatabase } from './harness';

describe('conformance: sort order', () => {
  const conf = useConformanceDatabase('sort');

  async function sortedIds(sort: Document, filter: Document = {}): Promise<string[]> {
    return (await conf.coll().find(filter).sort(sort).toArray()).map((doc) => String(doc._id));
  }

  async function insertLabelled(values: Array<[string, unknown]>): Promise<void> {
    // Inserted in reverse so insertion order never explains a correct result.
    await conf.coll().insertMany([...values].reverse().map(([label, v]) => (v === undefined ? { _id: label as never } : { _id: label as never, v })));
  }

  const ACROSS_TYPES: Array<[string, unknown]> = [
    ['01-minkey', new MinKey()],
    ['02-null', null],
    ['03-number', 5],
    ['04-string', 'text'],
    ['05-object', { a: 1 }],
    ['06-bindata', new Binary(Buffer.from('ab'))],
    ['07-objectid', new ObjectId('000000000000000000000001')],
    ['08-bool', false],
    ['09-date', new Date('2020-01-01T00:00:00Z')],
    ['10-timestamp', new Timestamp({ t: 1, i: 1 })],
    ['11-regex', new BSONRegExp('a', '')],
    ['12-maxkey', new MaxKey()],
  ];

  it('ascending: MinKey, null, numbers, strings, objects, BinData, ObjectId, bool, Date, Timestamp, regex, MaxKey', async () => {
    await insertLabelled(ACROSS_TYPES);
    assert.deepEqual(await sortedIds({ v: 1 }), ACROSS_TYPES.map(([label]) => label));
  });

  it('descending is the exact reverse across types', async () => {
    await insertLabelled(ACROSS_TYPES);
    assert.deepEqual(await sortedIds({ v: -1 }), ACROSS_TYPES.map(([label]) => label).reverse());
  });

  it('sorts the same way in an aggregation $sort', async () => {
    await insertLabelled(ACROSS_TYPES);
    const docs = await conf.coll().aggregate([{ $sort: { v: 1 } }]).toArray();
    assert.deepEqual(docs.map((doc) => String(doc._id)), ACROSS_TYPES.map(([label]) => label));
  });

  it('numbers of every type sort by value (Int32, Long, Double, Decimal128)', async () => {
    await insertLabelled([
      ['a', -Infinity], ['b', Long.fromNumber(-3)], ['c', new Double(-0.5)], ['d', 0], ['e', Decimal128.fromString('0.75')],
      ['f', 1], ['g', Long.fromString('9007199254740993')], ['h', Infinity],
    ]);
    assert.deepEqual(await sortedIds({ v: 1 }), ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h']);
  });

  it('NaN sorts before every other number', async () => {
    await insertLabelled([['a', Number.NaN], ['b', -Infinity], ['c', 0]]);
    assert.deepEqual(await sortedIds({ v: 1 }), ['a', 'b', 'c']);
  });

  it('a missing field sorts like null, before numbers', async () => {
    await insertLabelled([['a', undefined], ['b', 1]]);
    assert.deepEqual(await sortedIds({ v: 1 }), ['a', 'b']);
  });

  it('strings compare by bytes without collation: uppercase before lowercase, prefix first', async () => {
    await insertLabelled([['a', 'B'], ['b', 'a'], ['c', 'ab'], ['d', 'b']]);
    assert.deepEqual(await sortedIds({ v: 1 }), ['a', 'b', 'c', 'd']);
  });

  it('a symbol sorts with strings by its text', async () => {
    await insertLabelled([['a', 'a'], ['b', new BSONSymbol('b')], ['c', 'c']]);
    assert.deepEqual(await sortedIds({ v: 1 }), ['a', 'b', 'c']);
  });

  it('objects compare field by field: value type, then field name, then value', async () => {
    await insertLabelled([['a', {}], ['b', { a: 1 }], ['c', { a: 2 }], ['d', { b: 0 }], ['e', { a: 'x' }]]);
    assert.deepEqual(await sortedIds({ v: 1 }), ['a', 'b', 'c', 'd', 'e']);
  });

  it('ascending sort of an array field uses its smallest element', async () => {
    await insertLabelled([['a', [1, 9]], ['b', [3]], ['c', 2]]);
    assert.deepEqual(await sortedIds({ v: 1 }), ['a', 'c', 'b']);
  });

  it('descending sort of an array field uses its largest element', async () => {
    await insertLabelled([['a', [1, 9]], ['b', [3]], ['c', 5]]);
    assert.deepEqual(await sortedIds({ v: -1 }), ['a', 'c', 'b']);
  });

  it('an empty array sorts before null', async () => {
    await insertLabelled([['a', []], ['b', null], ['c', 0]]);
    assert.deepEqual(await sortedIds({ v: 1 }), ['a', 'b', 'c']);
  });

  it('BinData compares by length first, then subtype, then bytes', async () => {
    await insertLabelled([
      ['a', new Binary(Buffer.from([9]), 5)],
      ['b', new Binary(Buffer.from([1, 1]), 0)],
      ['c', new Binary(Buffer.from([1, 1]), 5)],
      ['d', new Binary(Buffer.from([1, 2]), 5)],
    ]);
    assert.deepEqual(await sortedIds({ v: 1 }), ['a', 'b', 'c', 'd']);
  });

  it('ObjectIds compare by their bytes (creation time first)', async () => {
    await insertLabelled([
      ['a', new ObjectId('000000010000000000000000')],
      ['b', new ObjectId('0000000100000000000000ff')],
      ['c', new ObjectId('ff0000000000000000000000')],
    ]);
    assert.deepEqual(await sortedIds({ v: 1 }), ['a', 'b', 'c']);
  });

  it('dates compare as signed times: dates before 1970 first', async () => {
    await insertLabelled([['a', new Date(-86_400_000)], ['b', new Date(0)], ['c', new Date('2030-01-01')]]);
    assert.deepEqual(await sortedIds({ v: 1 }), ['a', 'b', 'c']);
  });

  it('timestamps compare by time, then increment', async () => {
    await insertLabelled([['a', new Timestamp({ t: 1, i: 5 })], ['b', new Timestamp({ t: 1, i: 6 })], ['c', new Timestamp({ t: 2, i: 0 })]]);
    assert.deepEqual(await sortedIds({ v: 1 }), ['a', 'b', 'c']);
  });

  it('false sorts before true', async () => {
    await insertLabelled([['a', false], ['b', true]]);
    assert.deepEqual(await sortedIds({ v: -1 }), ['b', 'a']);
  });

  it('a compound sort breaks ties with the second key', async () => {
    await conf.coll().insertMany([
      { _id: 'a' as never, g: 1, n: 2 }, { _id: 'b' as never, g: 1, n: 1 }, { _id: 'c' as never, g: 0, n: 9 },
    ]);
    assert.deepEqual(await sortedIds({ g: 1, n: -1 }), ['c', 'a', 'b']);
  });

  it('sorts on a dotted path into embedded documents', async () => {
    await conf.coll().insertMany([{ _id: 'a' as never, p: { q: 2 } }, { _id: 'b' as never, p: { q: 1 } }]);
    assert.deepEqual(await sortedIds({ 'p.q': 1 }), ['b', 'a']);
  });

  describe('comparison operators only match values of the same type bracket', () => {
    beforeEach(async () => {
      await insertLabelled([['num', 5], ['str', '5'], ['date', new Date(5)], ['nul', null], ['none', undefined]]);
    });

    it('$gt a number matches numbers only', async () => {
      assert.deepEqual((await sortedIds({ _id: 1 }, { v: { $gt: 0 } })), ['num']);
    });

    it('$lt a string matches strings only', async () => {
      assert.deepEqual((await sortedIds({ _id: 1 }, { v: { $lt: 'z' } })), ['str']);
    });

    it('$gte null matches null and missing fields', async () => {
      assert.deepEqual((await sortedIds({ _id: 1 }, { v: { $gte: null } })), ['none', 'nul']);
    });

    it('$lt MaxKey matches present values of every type (MaxKey brackets no type)', async () => {
      assert.deepEqual((await sortedIds({ _id: 1 }, { v: { $lt: new MaxKey() }, _id: { $ne: 'none' } as never })), ['date', 'nul', 'num', 'str']);
    });
  });
});
