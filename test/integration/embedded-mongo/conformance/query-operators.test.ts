// Query operators as the manual documents them: reference/operator/query (comparison, logical,
// element, evaluation, array, bitwise), tutorial/query-arrays, tutorial/query-for-null-fields,
// tutorial/query-array-of-documents, tutorial/query-embedded-documents.
import assert from 'node:assert/strict';
import { BSONRegExp, type Document } from 'mongodb';
import { useConformanceDatabase } from './harness';

const DOCS: Document[] = [
  { _id: 1, a: 1, b: 'x', tags: ['red', 'blue'], n: { k: 1 }, arr: [{ k: 1, v: 'p' }, { k: 2, v: 'q' }], s: 'apple' },
  { _id: 2, a: 2, b: 'y', tags: ['blue'], n: { k: 2 }, arr: [{ k: 1, v: 'q' }], s: 'Banana' },
  { _id: 3, a: 3, b: null, tags: [], s: 'cherry', m: 10 },
  { _id: 4, a: [1, 5], tags: ['red', 'green', 'blue'], s: 'date', m: 7 },
  { _id: 5, a: '3', b: 'x', c: true },
];

/** [what the manual says, filter, ids of the matching documents] */
const CASES: Array<[string, Document, number[]]> = [
  ['equality matches a scalar or an array element', { a: 1 }, [1, 4]],
  ['$eq matches like implicit equality', { a: { $eq: 2 } }, [2]],
  ['$ne excludes documents whose array holds the value', { a: { $ne: 1 } }, [2, 3, 5]],
  ['$gt matches when any array element is greater', { a: { $gt: 2 } }, [3, 4]],
  ['$gte and $lte may be met by different elements of an array', { a: { $gte: 2, $lte: 3 } }, [2, 3, 4]],
  ['range conditions on an array may be met by different elements', { a: { $gt: 1, $lt: 5 } }, [2, 3, 4]],
  ['$elemMatch needs one element to meet every condition', { a: { $elemMatch: { $gt: 1, $lt: 5 } } }, []],
  ['$in matches any listed value', { a: { $in: [2, 3] } }, [2, 3]],
  ['$nin excludes any listed value, arrays included', { a: { $nin: [1, 2] } }, [3, 5]],
  ['$in accepts regular expressions', { s: { $in: [/^c/, 'date'] } }, [3, 4]],
  ['equality to null matches null and missing fields', { b: null }, [3, 4]],
  ['$ne null matches fields that are present and not null', { b: { $ne: null } }, [1, 2, 5]],
  ['$exists false matches missing fields only', { b: { $exists: false } }, [4]],
  ['$exists true matches present fields, null included', { b: { $exists: true } }, [1, 2, 3, 5]],
  ['$type null matches an explicit null only', { b: { $type: 'null' } }, [3]],
  ['$type string', { a: { $type: 'string' } }, [5]],
  ['$type array matches a field that holds an array', { a: { $type: 'array' } }, [4]],
  ['$type accepts a list of types', { a: { $type: ['string', 'array'] } }, [4, 5]],
  ['an array element matches a scalar query', { tags: 'blue' }, [1, 2, 4]],
  ['an array query matches the exact array, order included', { tags: ['blue'] }, [2]],
  ['an array query in another order does not match', { tags: ['blue', 'red'] }, []],
  ['$all needs every value, in any order', { tags: { $all: ['blue', 'red'] } }, [1, 4]],
  ['$all on numbers', { a: { $all: [1, 5] } }, [4]],
  ['$size 0 matches empty arrays', { tags: { $size: 0 } }, [3]],
  ['$size 2', { tags: { $size: 2 } }, [1]],
  ['$size matches arrays only', { a: { $size: 2 } }, [4]],
  ['an index in the path addresses one array element', { 'tags.0': 'red' }, [1, 4]],
  ['a dotted path reaches into an embedded document', { 'n.k': 2 }, [2]],
  ['an embedded document query matches the exact document', { n: { k: 1 } }, [1]],
  ['a dotted path through an array of documents', { 'arr.k': 2 }, [1]],
  ['a dotted path with an index into an array of documents', { 'arr.1.k': 2 }, [1]],
  ['$elemMatch on documents needs one element to meet both', { arr: { $elemMatch: { k: 1, v: 'q' } } }, [2]],
  ['conditions on dotted paths may be met by different elements', { 'arr.k': 1, 'arr.v': 'q' }, [1, 2]],
  ['$elemMatch with an operator on scalars', { tags: { $elemMatch: { $eq: 'green' } } }, [4]],
  ['$exists on a dotted path', { 'n.k': { $exists: true } }, [1, 2]],
  ['a regex literal with the i flag', { s: /^b/i }, [2]],
  ['$regex with $options as strings', { s: { $regex: '^B', $options: '' } }, [2]],
  ['$regex is case sensitive without the i option', { s: { $regex: 'A' } }, []],
  ['$regex with $options i', { s: { $regex: 'A', $options: 'i' } }, [1, 2, 4]],
  ['a BSON regex with the i flag', { s: new BSONRegExp('^CH', 'i') }, [3]],
  ['$not with a regex also matches documents without the field', { s: { $not: /^a/ } }, [2, 3, 4, 5]],
  ['$not with an operator keeps documents where it does not match, other types included', { a: { $not: { $gt: 2 } } }, [1, 2, 5]],
  ['$or matches either clause', { $or: [{ a: 1 }, { b: 'y' }] }, [1, 2, 4]],
  ['$and matches both clauses', { $and: [{ b: 'x' }, { c: true }] }, [5]],
  ['$nor matches neither clause', { $nor: [{ a: 1 }, { b: 'x' }] }, [2, 3]],
  ['$and of two conditions on the same field', { $and: [{ m: { $gt: 5 } }, { m: { $lt: 9 } }] }, [4]],
  ['$mod divisor and remainder', { m: { $mod: [5, 0] } }, [3]],
  ['$mod with a remainder', { m: { $mod: [4, 3] } }, [4]],
  ['$expr compares fields with aggregation expressions', { $expr: { $gt: ['$m', 8] } }, [3]],
  ['$expr comparing two fields of the document', { $expr: { $eq: ['$a', '$_id'] } }, [1, 2, 3]],
  ['several operators on one field are all applied', { m: { $exists: true, $gt: 8 } }, [3]],
  ['$bitsAllSet with a bitmask', { a: { $bitsAllSet: 1 } }, [1, 3, 4]],
  ['$bitsAnySet with bit positions', { a: { $bitsAnySet: [1] } }, [2, 3]],
  ['$bitsAllClear', { m: { $bitsAllClear: [0] } }, [3]],
  ['$jsonSchema required', { $jsonSchema: { required: ['c'] } }, [5]],
  ['$jsonSchema bsonType of a property', { $jsonSchema: { properties: { a: { bsonType: 'string' } } } }, [5]],
  ['an empty filter matches every document', {}, [1, 2, 3, 4, 5]],
  ['_id with $in', { _id: { $in: [1, 5] } }, [1, 5]],
  ['$eq to an array matches the whole array or an element that is that array', { a: { $eq: [1, 5] } }, [4]],
];

describe('conformance: query operators', () => {
  const conf = useConformanceDatabase('query');

  beforeEach(async () => {
    await conf.coll().insertMany(DOCS.map((doc) => ({ ...doc })));
  });

  for (const [title, filter, expected] of CASES) {
    it(`${title}: ${JSON.stringify(filter)}`, async () => {
      const ids = (await conf.coll().find(filter).sort({ _id: 1 }).toArray()).map((doc) => doc._id as unknown as number);
      assert.deepEqual(ids, expected);
    });
  }

  it('countDocuments agrees with find for the same filter', async () => {
    assert.equal(await conf.coll().countDocuments({ a: { $gt: 2 } }), 2);
  });

  it('$where-free $expr with $$NOW is evaluated per query', async () => {
    const ids = (await conf.coll().find({ $expr: { $lt: ['$$NOW', new Date('2100-01-01')] } }).toArray()).length;
    assert.equal(ids, 5);
  });

  it('find with let makes $$variables available to $expr', async () => {
    const ids = (await conf.coll().find({ $expr: { $eq: ['$m', '$$limit'] } }, { let: { limit: 7 } }).toArray()).map((doc) => doc._id);
    assert.deepEqual(ids, [4]);
  });
});
