// BSON types round-trip exactly and arithmetic follows MongoDB's type promotion.
// Manual: reference/bson-types, reference/operator/update/inc ("$inc ... type promotion"),
// reference/operator/query/type, core/shell-types (NumberLong, NumberDecimal).
import assert from 'node:assert/strict';
import {
  Binary, BSONRegExp, Code, Decimal128, Double, Int32, Long, MaxKey, MinKey, ObjectId, Timestamp, type Document,
} from 'mongodb';
import { EXACT_TYPES, useConformanceDatabase } from './harness';

/** The BSON type of a value as read with EXACT_TYPES. */
function typeOf(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'string') return 'string';
  if (typeof value === 'boolean') return 'bool';
  if (value instanceof Date) return 'date';
  if (Array.isArray(value)) return 'array';
  const bsontype = (value as { _bsontype?: string } | undefined)?._bsontype;
  if (bsontype) return bsontype;
  return typeof value;
}

describe('conformance: types', () => {
  const conf = useConformanceDatabase('types');

  async function roundTrip(value: unknown): Promise<unknown> {
    await conf.coll().insertOne({ _id: 1 as never, v: value });
    const doc = await conf.coll().findOne({ _id: 1 as never }, EXACT_TYPES);
    return doc?.v;
  }

  describe('exact round trip (read back without promotion)', () => {
    it('an Int32 comes back as Int32', async () => {
      const v = await roundTrip(new Int32(7));
      assert.equal(typeOf(v), 'Int32');
      assert.equal((v as Int32).value, 7);
    });

    it('a Double 2.0 comes back as Double, not Int32', async () => {
      const v = await roundTrip(new Double(2));
      assert.equal(typeOf(v), 'Double');
      assert.equal((v as Double).value, 2);
    });

    it('a Double -0 keeps its sign', async () => {
      const v = await roundTrip(new Double(-0));
      assert.equal(typeOf(v), 'Double');
      assert.ok(Object.is((v as Double).value, -0));
    });

    it('a Double with a fraction, NaN and Infinity round-trip', async () => {
      await conf.coll().insertOne({ a: 0.1, b: Number.NaN, c: Number.POSITIVE_INFINITY, d: Number.NEGATIVE_INFINITY });
      const doc = await conf.coll().findOne({}, EXACT_TYPES);
      assert.equal((doc?.a as Double).value, 0.1);
      assert.ok(Number.isNaN((doc?.b as Double).value));
      assert.equal((doc?.c as Double).value, Number.POSITIVE_INFINITY);
      assert.equal((doc?.d as Double).value, Number.NEGATIVE_INFINITY);
    });

    it('Long(5) comes back as Long, not Int32', async () => {
      const v = await roundTrip(Long.fromNumber(5));
      assert.equal(typeOf(v), 'Long');
      assert.equal(String(v), '5');
    });

    it('Long(2^40) comes back as Long, not Double', async () => {
      const v = await roundTrip(Long.fromString('1099511627776'));
      assert.equal(typeOf(v), 'Long');
      assert.equal(String(v), '1099511627776');
    });

    it('Long beyond 2^53 keeps every digit', async () => {
      const v = await roundTrip(Long.fromString('9007199254740993'));
      assert.equal(String(v), '9007199254740993');
    });

    it('Decimal128 keeps its exact digits and trailing zeros', async () => {
      const v = await roundTrip(Decimal128.fromString('1.10'));
      assert.equal(typeOf(v), 'Decimal128');
      assert.equal(String(v), '1.10');
    });

    it('Date, ObjectId and Timestamp round-trip', async () => {
      const when = new Date('2024-02-29T12:34:56.789Z');
      const id = new ObjectId();
      const ts = new Timestamp({ t: 1_700_000_000, i: 7 });
      await conf.coll().insertOne({ when, id, ts });
      const doc = await conf.coll().findOne({}, EXACT_TYPES);
      assert.equal((doc?.when as Date).toISOString(), when.toISOString());
      assert.ok((doc?.id as ObjectId).equals(id));
      assert.equal(typeOf(doc?.ts), 'Timestamp');
      assert.equal((doc?.ts as Timestamp).t, 1_700_000_000);
      assert.equal((doc?.ts as Timestamp).i, 7);
    });

    for (const subtype of [0, 4, 5, 0x80]) {
      it(`Binary subtype ${subtype} keeps subtype and bytes`, async () => {
        const bytes = Buffer.from(subtype === 4 ? '0123456789abcdef0123456789abcdef' : 'cafe', 'hex');
        const v = await roundTrip(new Binary(bytes, subtype));
        assert.equal(typeOf(v), 'Binary');
        assert.equal((v as Binary).sub_type, subtype);
        assert.deepEqual(Buffer.from((v as Binary).buffer), bytes);
      });
    }

    it('a regex keeps its pattern and every flag', async () => {
      const v = await roundTrip(new BSONRegExp('^a.b$', 'imsx'));
      assert.equal(typeOf(v), 'BSONRegExp');
      assert.equal((v as BSONRegExp).pattern, '^a.b$');
      assert.equal((v as BSONRegExp).options, 'imsx');
    });

    it('MinKey, MaxKey and Code round-trip', async () => {
      await conf.coll().insertOne({ lo: new MinKey(), hi: new MaxKey(), fn: new Code('function () { return 1; }') });
      const doc = await conf.coll().findOne({}, EXACT_TYPES);
      assert.equal(typeOf(doc?.lo), 'MinKey');
      assert.equal(typeOf(doc?.hi), 'MaxKey');
      assert.equal(typeOf(doc?.fn), 'Code');
      assert.equal((doc?.fn as Code).code, 'function () { return 1; }');
    });

    it('nested documents and arrays keep their element types and field order', async () => {
      const v = await roundTrip({ z: 1, a: [new Double(1), Long.fromNumber(2), new Int32(3)], m: { y: 'x' } });
      assert.deepEqual(Object.keys(v as Document), ['z', 'a', 'm']);
      assert.deepEqual(((v as Document).a as unknown[]).map(typeOf), ['Double', 'Long', 'Int32']);
    });

    it('a Double 2.0 stays Double after an update of another field', async () => {
      await conf.coll().insertOne({ _id: 1 as never, d: new Double(2), n: 0 });
      await conf.coll().updateOne({ _id: 1 as never }, { $set: { n: 1 } });
      const doc = await conf.coll().findOne({}, EXACT_TYPES);
      assert.equal(typeOf(doc?.d), 'Double');
    });

    it('Long(5) stays Long after an update of another field', async () => {
      await conf.coll().insertOne({ _id: 1 as never, l: Long.fromNumber(5), n: 0 });
      await conf.coll().updateOne({ _id: 1 as never }, { $set: { n: 1 } });
      const doc = await conf.coll().findOne({}, EXACT_TYPES);
      assert.equal(typeOf(doc?.l), 'Long');
    });
  });

  describe('$inc and $mul type promotion', () => {
    const cases: Array<[string, unknown, Document, string, string]> = [
      ['Int32 overflow becomes Long', new Int32(2147483647), { $inc: { v: new Int32(1) } }, 'Long', '2147483648'],
      ['Int32 underflow becomes Long', new Int32(-2147483648), { $inc: { v: new Int32(-1) } }, 'Long', '-2147483649'],
      ['Long 2^60 plus 1 stays an exact Long', Long.fromString('1152921504606846976'), { $inc: { v: new Int32(1) } }, 'Long', '1152921504606846977'],
      ['Int32 plus Long is Long', new Int32(1), { $inc: { v: Long.fromNumber(2) } }, 'Long', '3'],
      ['Int32 plus Double is Double', new Int32(1), { $inc: { v: new Double(0.5) } }, 'Double', '1.5'],
      ['Long plus Double is Double', Long.fromNumber(1), { $inc: { v: new Double(1) } }, 'Double', '2'],
      ['Decimal128 plus Int32 is Decimal128', Decimal128.fromString('1.5'), { $inc: { v: new Int32(1) } }, 'Decimal128', '2.5'],
      ['Int32 plus Decimal128 is Decimal128', new Int32(1), { $inc: { v: Decimal128.fromString('0.25') } }, 'Decimal128', '1.25'],
      ['Double plus Int32 stays Double even when integral', new Double(2), { $inc: { v: new Int32(1) } }, 'Double', '3'],
      ['$mul Int32 overflow becomes Long', new Int32(65536), { $mul: { v: new Int32(65536) } }, 'Long', '4294967296'],
      ['$mul Int32 by Double is Double', new Int32(3), { $mul: { v: new Double(2) } }, 'Double', '6'],
      ['$mul Long by Int32 stays Long', Long.fromNumber(3), { $mul: { v: new Int32(2) } }, 'Long', '6'],
      ['$inc of a missing field takes the increment type (Long)', undefined, { $inc: { v: Long.fromNumber(4) } }, 'Long', '4'],
      ['$mul of a missing field sets 0 of the multiplier type (Double)', undefined, { $mul: { v: new Double(5) } }, 'Double', '0'],
    ];
    for (const [title, initial, update, type, text] of cases) {
      it(title, async () => {
        await conf.coll().insertOne(initial === undefined ? { _id: 1 as never } : { _id: 1 as never, v: initial });
        await conf.coll().updateOne({ _id: 1 as never }, update);
        const doc = await conf.coll().findOne({}, EXACT_TYPES);
        assert.equal(typeOf(doc?.v), type);
        const value = doc?.v as { value?: number; toString(): string };
        assert.equal(type === 'Double' || type === 'Int32' ? String(value.value) : String(value), text);
      });
    }
  });

  describe('numbers compare across types', () => {
    beforeEach(async () => {
      await conf.coll().insertMany([
        { _id: 'int' as never, v: new Int32(1) },
        { _id: 'long' as never, v: Long.fromNumber(1) },
        { _id: 'double' as never, v: new Double(1) },
        { _id: 'decimal' as never, v: Decimal128.fromString('1.0') },
        { _id: 'half' as never, v: Decimal128.fromString('1.5') },
        { _id: 'two' as never, v: new Double(2) },
        { _id: 'text' as never, v: '1' },
      ]);
    });

    async function ids(filter: Document): Promise<string[]> {
      return (await conf.coll().find(filter).toArray()).map((doc) => String(doc._id)).sort();
    }

    it('equality to 1 matches Int32, Long, Double and Decimal128 ones, not the string', async () => {
      assert.deepEqual(await ids({ v: 1 }), ['decimal', 'double', 'int', 'long']);
    });

    it('equality to Decimal128 1.00 matches every numeric one', async () => {
      assert.deepEqual(await ids({ v: Decimal128.fromString('1.00') }), ['decimal', 'double', 'int', 'long']);
    });

    it('$gt a Decimal128 compares with doubles exactly', async () => {
      assert.deepEqual(await ids({ v: { $gt: Decimal128.fromString('1.4') } }), ['half', 'two']);
    });

    it('$lt Long(2) matches every number below 2, never the string', async () => {
      assert.deepEqual(await ids({ v: { $lt: Long.fromNumber(2) } }), ['decimal', 'double', 'half', 'int', 'long']);
    });

    it('$type int / long / double / decimal tell the stored types apart', async () => {
      assert.deepEqual(await ids({ v: { $type: 'int' } }), ['int']);
      assert.deepEqual(await ids({ v: { $type: 'long' } }), ['long']);
      assert.deepEqual(await ids({ v: { $type: 'double' } }), ['double', 'two']);
      assert.deepEqual(await ids({ v: { $type: 'decimal' } }), ['decimal', 'half']);
    });

    it('$type number matches every numeric type, and numeric codes work (16 = int, 18 = long)', async () => {
      assert.deepEqual(await ids({ v: { $type: 'number' } }), ['decimal', 'double', 'half', 'int', 'long', 'two']);
      assert.deepEqual(await ids({ v: { $type: 16 } }), ['int']);
      assert.deepEqual(await ids({ v: { $type: 18 } }), ['long']);
    });

    it('sorts Decimal128 among other numbers by value', async () => {
      await conf.coll().deleteMany({ _id: { $in: ['text', 'int', 'long', 'double'] } as never });
      await conf.coll().insertOne({ _id: 'small' as never, v: Decimal128.fromString('0.5') });
      const order = (await conf.coll().find({}).sort({ v: 1 }).toArray()).map((doc) => String(doc._id));
      assert.deepEqual(order, ['small', 'decimal', 'half', 'two']);
    });

    it('$inc on a Decimal128 adds exactly (0.1 + 0.2 = 0.3)', async () => {
      await conf.coll().insertOne({ _id: 'sum' as never, v: Decimal128.fromString('0.1') });
      await conf.coll().updateOne({ _id: 'sum' as never }, { $inc: { v: Decimal128.fromString('0.2') } });
      const doc = await conf.coll().findOne({ _id: 'sum' as never }, EXACT_TYPES);
      assert.equal(String(doc?.v), '0.3');
    });
  });

  describe('aggregation arithmetic types', () => {
    it('$add of Int32s that overflows gives a Long', async () => {
      await conf.coll().insertOne({ a: new Int32(2147483647), b: new Int32(1) });
      const [doc] = await conf.coll().aggregate([{ $project: { _id: 0, r: { $add: ['$a', '$b'] } } }], EXACT_TYPES).toArray();
      assert.equal(typeOf(doc?.r), 'Long');
      assert.equal(String(doc?.r), '2147483648');
    });

    it('$sum of Int32 values stays Int32 while it fits', async () => {
      await conf.coll().insertMany([{ n: new Int32(1) }, { n: new Int32(2) }]);
      const [doc] = await conf.coll().aggregate([{ $group: { _id: null, total: { $sum: '$n' } } }], EXACT_TYPES).toArray();
      assert.equal(typeOf(doc?.total), 'Int32');
      assert.equal((doc?.total as Int32).value, 3);
    });

    it('$divide always answers a Double for integer inputs', async () => {
      await conf.coll().insertOne({ a: new Int32(6), b: new Int32(3) });
      const [doc] = await conf.coll().aggregate([{ $project: { _id: 0, r: { $divide: ['$a', '$b'] } } }], EXACT_TYPES).toArray();
      assert.equal(typeOf(doc?.r), 'Double');
      assert.equal((doc?.r as Double).value, 2);
    });
  });
});
