import assert from 'node:assert/strict';
import { Binary, BSONRegExp, Decimal128, Double, MaxKey, MinKey, ObjectId } from 'bson';
import { parseCollation } from '../../../../server/embedded-mongo/bson/index';
import { CommandError } from '../../../../server/embedded-mongo/errors';
import { compileFilter } from '../../../../server/embedded-mongo/query/index';
import type { Document } from 'bson';

function matches(filter: Document, doc: Document, options = {}): boolean {
  return compileFilter(filter, options).test(doc);
}

function errorOf(filter: Document): { code: number; message: string } {
  try {
    compileFilter(filter);
  } catch (error) {
    assert.ok(error instanceof CommandError, String(error));
    return { code: error.code, message: error.message };
  }
  assert.fail('expected the filter to be refused');
}

describe('embedded-mongo query: compileFilter', () => {
  describe('equality and comparison', () => {
    it('matches equal numbers across types and never across type brackets', () => {
      assert.ok(matches({ a: 1 }, { a: new Double(1) }));
      assert.ok(matches({ a: 1n }, { a: Decimal128.fromString('1.0') }));
      assert.ok(!matches({ a: 1 }, { a: '1' }));
      assert.ok(!matches({ a: { $gt: 5 } }, { a: 'z' }));
      assert.ok(matches({ a: { $gt: 5 } }, { a: 6n }));
      assert.ok(matches({ a: { $lt: 'b' } }, { a: 'a' }));
    });

    it('matches an array field by an element or as a whole, and $ne only when no element equals', () => {
      assert.ok(matches({ tags: 'x' }, { tags: ['y', 'x'] }));
      assert.ok(matches({ tags: ['y', 'x'] }, { tags: ['y', 'x'] }));
      assert.ok(!matches({ tags: ['x', 'y'] }, { tags: ['y', 'x'] }));
      assert.ok(matches({ tags: ['x'] }, { tags: [['x'], 'z'] }));
      assert.ok(!matches({ tags: { $ne: 'x' } }, { tags: ['y', 'x'] }));
      assert.ok(matches({ a: { $gt: 1, $lt: 3 } }, { a: [0, 5] }), 'each bound may be met by a different element');
    });

    it('matches null against null and missing fields but not against empty arrays', () => {
      assert.ok(matches({ a: null }, {}));
      assert.ok(matches({ a: null }, { a: null }));
      assert.ok(!matches({ a: null }, { a: 0 }));
      assert.ok(matches({ 'a.b': null }, { a: [{ b: 1 }, { c: 1 }] }));
      assert.ok(!matches({ 'ids.0': null }, { ids: [] }));
      assert.ok(matches({ a: { $gte: null } }, {}));
      assert.ok(!matches({ a: { $gt: null } }, {}));
      assert.ok(matches({ a: { $ne: null } }, { a: 0 }));
    });

    it('treats NaN as equal to itself and outside every range', () => {
      assert.ok(matches({ a: Number.NaN }, { a: Number.NaN }));
      assert.ok(!matches({ a: { $lt: 5 } }, { a: Number.NaN }));
      assert.ok(matches({ a: { $gte: Number.NaN } }, { a: Decimal128.fromString('NaN') }));
    });

    it('lets MinKey and MaxKey bound values of every type', () => {
      assert.ok(matches({ a: { $gt: new MinKey() } }, { a: 'x' }));
      assert.ok(matches({ a: { $lt: new MaxKey() } }, { a: new ObjectId() }));
      assert.ok(!matches({ a: { $gt: new MaxKey() } }, { a: 1 }));
    });

    it('compares strings with the collation when one is given', () => {
      const collator = parseCollation({ locale: 'en', strength: 2 });
      assert.ok(matches({ name: 'ALICE' }, { name: 'alice' }, { collator }));
      assert.ok(!matches({ name: 'ALICE' }, { name: 'alice' }));
      assert.ok(matches({ name: { $in: ['BOB', 'ALICE'] } }, { name: 'alice' }, { collator }));
    });
  });

  describe('paths and arrays', () => {
    it('descends into arrays of documents and indexes arrays with numeric parts', () => {
      const doc = { a: [{ b: [{ c: 1 }, { c: 2 }] }, { b: { c: 3 } }] };
      assert.ok(matches({ 'a.b.c': 2 }, doc));
      assert.ok(matches({ 'a.b.c': 3 }, doc));
      assert.ok(matches({ 'a.0.b.1.c': 2 }, doc));
      assert.ok(!matches({ 'a.1.b.1.c': 2 }, doc));
      assert.ok(!matches({ 'a.c': 1 }, { a: [[{ c: 1 }]] }), 'nested arrays are not descended by field names');
      assert.ok(!matches({ 'a.0': 1 }, { a: [[1, 2]] }), 'an element reached by offset is not expanded');
      assert.ok(matches({ 'a.0': [1, 2] }, { a: [[1, 2]] }));
      assert.ok(matches({ 'a.0.1': 2 }, { a: [[1, 2]] }));
      assert.ok(!matches({ 'a.0.b': null }, { a: [5] }), 'a scalar at the offset has no subfields to be missing');
      assert.ok(matches({ 'a.0': 'x' }, { a: [{ 0: 'x' }] }), "a document element's own field '0' is searched too");
      assert.ok(!matches({ 'a.b': null }, { a: [1, 2] }), 'scalars in an array offer nothing to a subpath');
    });

    it('reports the first array index that matched for the positional operator', () => {
      const doc = { grades: [{ s: 80 }, { s: 95 }, { s: 99 }] };
      assert.equal(compileFilter({ 'grades.s': { $gt: 90 } }).firstArrayIndex(doc), 1);
      assert.equal(compileFilter({ grades: { $elemMatch: { s: 99 } } }).firstArrayIndex(doc), 2);
      assert.equal(compileFilter({ scores: { $gte: 5 } }).firstArrayIndex({ scores: [1, 7] }), 1);
    });
  });

  describe('element, array and evaluation operators', () => {
    it('checks existence and types, including number, array and type lists', () => {
      assert.ok(matches({ a: { $exists: false } }, { b: 1 }));
      assert.ok(matches({ a: { $exists: true } }, { a: null }));
      assert.ok(matches({ a: { $type: 'number' } }, { a: 1n }));
      assert.ok(matches({ a: { $type: 'double' } }, { a: new Double(2) }));
      assert.ok(!matches({ a: { $type: 'int' } }, { a: new Double(2) }));
      assert.ok(matches({ a: { $type: 'array' } }, { a: [] }));
      assert.ok(matches({ a: { $type: ['string', 16] } }, { a: 3 }));
      assert.ok(matches({ a: { $type: 'binData' } }, { a: new Binary(Buffer.from('x')) }));
    });

    it('matches $in with regexes, $nin, $all, $size and both forms of $elemMatch', () => {
      assert.ok(matches({ a: { $in: [/^x/, 3] } }, { a: 'xyz' }));
      assert.ok(matches({ a: { $nin: [1, 2] } }, { a: 3 }));
      assert.ok(matches({ a: { $all: [1, 2] } }, { a: [2, 3, 1] }));
      assert.ok(!matches({ a: { $all: [] } }, { a: [] }));
      assert.ok(matches({ a: { $size: 2 } }, { a: [1, [2, 3]] }));
      assert.ok(matches({ a: { $elemMatch: { $gte: 80, $lt: 85 } } }, { a: [79, 82, 90] }));
      assert.ok(!matches({ a: { $elemMatch: { $gte: 80, $lt: 85 } } }, { a: [79, 90] }));
      assert.ok(!matches({ a: { $elemMatch: { $gt: 5 } } }, { a: [[6]] }), 'value form tests elements as they are');
      assert.ok(matches({ a: { $elemMatch: { $elemMatch: { $gt: 5 } } } }, { a: [[6]] }));
      assert.ok(matches({ a: { $elemMatch: { x: 1, y: { $gt: 1 } } } }, { a: [{ x: 1, y: 1 }, { x: 1, y: 2 }] }));
      assert.ok(matches({ a: { $all: [{ $elemMatch: { x: 1 } }] } }, { a: [{ x: 1 }] }));
    });

    it('matches regexes from BSONRegExp, JS RegExp and $regex strings with options', () => {
      assert.ok(matches({ a: new BSONRegExp('^AB', 'i') }, { a: 'abc' }));
      assert.ok(matches({ a: { $regex: 'b.c', $options: 's' } }, { a: 'ab\nc' }));
      assert.ok(matches({ a: { $regex: ' a b # comment', $options: 'x' } }, { a: 'xab' }));
      assert.ok(matches({ a: { $not: /^x/ } }, { a: 'yes' }));
      assert.ok(!matches({ a: /1/ }, { a: 1 }));
    });

    it('computes $mod with truncation and $bits* on integers and BinData', () => {
      assert.ok(matches({ a: { $mod: [4, 1] } }, { a: 5.9 }));
      assert.ok(matches({ a: { $mod: [4, -1] } }, { a: -5 }));
      assert.ok(matches({ a: { $bitsAllSet: [0, 2] } }, { a: 5 }));
      assert.ok(matches({ a: { $bitsAnyClear: 6 } }, { a: 5 }));
      assert.ok(matches({ a: { $bitsAllSet: [63] } }, { a: -1 }));
      assert.ok(matches({ a: { $bitsAllSet: 1 } }, { a: new Binary(Buffer.from([1])) }));
      assert.ok(!matches({ a: { $bitsAllSet: 1 } }, { a: 1.5 }));
    });

    it('evaluates $expr with let variables and $jsonSchema', () => {
      assert.ok(matches({ $expr: { $gt: ['$a', '$$limit'] } }, { a: 5 }, { variables: { limit: 3 } }));
      assert.ok(!matches({ $expr: { $gt: ['$a', '$b'] } }, { a: 1, b: 2 }));
      const schema = { $jsonSchema: { bsonType: 'object', required: ['name'], properties: { name: { bsonType: 'string', minLength: 2 }, age: { bsonType: 'int', minimum: 0 } } } };
      assert.ok(matches(schema, { name: 'Al', age: 3 }));
      assert.ok(!matches(schema, { name: 'A' }));
      assert.ok(!matches(schema, { age: 3 }));
      assert.ok(!matches(schema, { name: 'Al', age: -1 }));
      assert.ok(!matches({ $jsonSchema: { additionalProperties: false, properties: { _id: {} } } }, { _id: 1, x: 1 }));
    });

    it('combines conditions with $and, $or, $nor and $not', () => {
      assert.ok(matches({ $or: [{ a: 1 }, { b: 2 }] }, { b: 2 }));
      assert.ok(matches({ $nor: [{ a: 1 }, { b: 2 }] }, { a: 2 }));
      assert.ok(!matches({ $and: [{ a: 1 }, { b: 2 }] }, { a: 1 }));
      assert.ok(matches({ a: { $not: { $gt: 5 } } }, { a: 'text' }));
      assert.ok(matches({ $comment: 'why', a: 1 }, { a: 1 }));
      assert.ok(matches({ ref: { $ref: 'c', $id: 1 } }, { ref: { $ref: 'c', $id: 1 } }), 'a DBRef document is compared by equality');
    });
  });

  describe('refusals with mongod codes', () => {
    it('refuses unknown operators and malformed arguments', () => {
      assert.deepEqual(errorOf({ a: { $foo: 1 } }), { code: 2, message: 'unknown operator: $foo' });
      assert.equal(errorOf({ $foo: 1 }).code, 2);
      assert.match(errorOf({ $foo: 1 }).message, /^unknown top level operator: \$foo/);
      assert.equal(errorOf({ a: { $in: 1 } }).message, '$in needs an array');
      assert.equal(errorOf({ a: { $mod: [0, 1] } }).message, 'divisor cannot be 0');
      assert.equal(errorOf({ a: { $mod: [1] } }).message, 'malformed mod, not enough elements');
      assert.equal(errorOf({ $or: [] }).message, '$and/$or/$nor must be a nonempty array');
      assert.equal(errorOf({ $or: {} }).message, '$or must be an array');
      assert.equal(errorOf({ a: { $type: 'nope' } }).message, 'Unknown type name alias: nope');
      assert.equal(errorOf({ a: { $not: 5 } }).message, '$not needs a regex or a document');
      assert.equal(errorOf({ a: { $options: 'i' } }).message, '$options needs a $regex');
      assert.equal(errorOf({ a: { $regex: 'x', $options: 'q' } }).code, 51108);
      assert.equal(errorOf({ $jsonSchema: { format: 'email' } }).code, 9);
      assert.equal(errorOf({ a: { $mod: ['x'] } }).message, 'malformed mod, divisor not a number');
      assert.equal(errorOf({ a: { $size: -1 } }).message, 'Failed to parse $size. Expected a positive number in: $size: -1');
      assert.deepEqual(errorOf({ a: { $type: [] } }), { code: 9, message: 'a must match at least one type' });
      assert.equal(errorOf({ a: { $ne: /x/ } }).message, "Can't have regex as arg to $ne.");
      assert.equal(errorOf({ a: { $gt: /x/ } }).message, "Can't have RegEx as arg to predicate over field 'a'.");
      assert.match(errorOf({ $not: { a: 1 } }).message, /use \$nor\.$/);
      assert.equal(errorOf({ a: { $where: 'x' } }).message, '$where cannot be applied to a field');
      assert.equal(errorOf({ a: { $regex: /x/i, $options: 'm' } }).code, 51075);
      assert.equal(errorOf({ a: { $options: 'm', $regex: /x/i } }).code, 51074);
      assert.equal(errorOf({ $alwaysTrue: 2 }).code, 9);
    });

    it('refuses $text, $where and geo operators instead of ignoring them', () => {
      assert.deepEqual(errorOf({ $text: { $search: 'x' } }), { code: 27, message: 'text index required for $text query' });
      assert.equal(errorOf({ $where: 'true' }).code, 238);
      assert.equal(errorOf({ loc: { $near: [0, 0] } }).code, 238);
    });
  });
});
