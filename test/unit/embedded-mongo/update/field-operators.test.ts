// $set, $unset, $inc, $mul, $min, $max, $rename, $setOnInsert, $currentDate and $bit, as the
// MongoDB 7.0 manual describes them (reference/operator/update/*).
import assert from 'node:assert/strict';
import { Decimal128, Double, Long, ObjectId, Timestamp, type Document } from 'bson';
import { bsonType } from '../../../../server/embedded-mongo/bson/index';
import { assertCommandError } from '../error-code';
import { applyUpdate, updated } from './helpers';

describe('update engine: field operators', () => {
  describe('$set', () => {
    it('replaces an existing field in place and appends a new one at the end', () => {
      const doc = updated({ _id: 1, a: 1, b: 2 }, { $set: { a: 10, c: 3 } });
      assert.deepEqual(Object.keys(doc), ['_id', 'a', 'b', 'c']);
      assert.deepEqual(doc, { _id: 1, a: 10, b: 2, c: 3 });
    });

    it('creates the intermediate documents of a dotted path', () => {
      assert.deepEqual(updated({ _id: 1 }, { $set: { 'a.b.c': 1 } }), { _id: 1, a: { b: { c: 1 } } });
    });

    it('is a no-op when the value is the same, but not when only the type differs (1 vs 1.0)', () => {
      assert.equal(applyUpdate({ _id: 1, a: 1 }, { $set: { a: 1 } }).modified, false);
      const result = applyUpdate({ _id: 1, a: 1 }, { $set: { a: new Double(1) } });
      assert.equal(result.modified, true);
      assert.equal(bsonType(result.doc.a), 'double');
    });

    it('adds new fields in lexicographic order, whatever their order in the update (5.0+)', () => {
      const doc = updated({ _id: 1 }, { $set: { b: 1, a: 1 }, $inc: { aa: 1 } });
      assert.deepEqual(Object.keys(doc), ['_id', 'a', 'aa', 'b']);
    });

    it('processes numeric field names in numeric order: a.2 before a.10', () => {
      const doc = updated({ _id: 1, a: [] }, { $set: { 'a.10': 'ten', 'a.2': 'two' } });
      assert.equal((doc.a as unknown[]).length, 11);
      assert.equal((doc.a as unknown[])[2], 'two');
      assert.equal((doc.a as unknown[])[3], null);
    });

    it('writes a numeric path component into a missing field as a document key, not an array', () => {
      assert.deepEqual(updated({ _id: 1 }, { $set: { 'a.0': 'x' } }), { _id: 1, a: { 0: 'x' } });
    });

    it('refuses to create a field inside a scalar with 28 PathNotViable', () => {
      assertCommandError(() => updated({ _id: 1, a: 5 }, { $set: { 'a.b': 1 } }), 28, "Cannot create field 'b' in element {a: 5}");
    });

    it('refuses a non-numeric field of an array with 28 PathNotViable', () => {
      assertCommandError(() => updated({ _id: 1, a: [1, 2] }, { $set: { 'a.b': 1 } }), 28, "Cannot create field 'b' in element {a: [ 1, 2 ]}");
    });

    it('writes a field named __proto__ as an ordinary field', () => {
      // JSON.parse makes "__proto__" an own field, as the BSON decoder does.
      const doc = updated({ _id: 1 }, JSON.parse('{"$set": {"__proto__": {"polluted": true}, "a.__proto__": 1}}') as Document);
      assert.equal(Object.getPrototypeOf(doc), Object.prototype);
      assert.deepEqual(Object.keys(doc), ['_id', '__proto__', 'a']);
      assert.equal(({} as { polluted?: boolean }).polluted, undefined);
    });

    it('never modifies the document it is given', () => {
      const original = { _id: 1, a: { b: [1, { c: 2 }] } };
      const snapshot = structuredClone(original);
      updated(original, { $set: { 'a.b.1.c': 3, 'a.d': 4 }, $push: { 'a.e': 9 } });
      assert.deepEqual(original, snapshot);
    });

    it('accepts a $set of _id to its current value (connect-mongo upserts this way)', () => {
      const id = new ObjectId();
      const result = applyUpdate({ _id: id, s: 'old' }, { $set: { _id: id, s: 'new' } });
      assert.deepEqual(result.doc, { _id: id, s: 'new' });
    });

    it('refuses a $set that changes _id with 66 ImmutableField', () => {
      assertCommandError(() => updated({ _id: 1 }, { $set: { _id: 2 } }), 66, "Performing an update on the path '_id' would modify the immutable field '_id'");
    });

    it('refuses a change inside an embedded _id with 66 ImmutableField', () => {
      assertCommandError(() => updated({ _id: { a: 1 } }, { $set: { '_id.a': 2 } }), 66, "Performing an update on the path '_id.a' would modify the immutable field '_id'");
      assertCommandError(() => updated({ _id: { a: 1 } }, { $set: { '_id.b': 2 } }), 66, "Updating the path '_id' to _id: { a: 1 } would modify the immutable field '_id'");
    });

    it('refuses a new top-level $-prefixed field with 52 DollarPrefixedFieldName', () => {
      assertCommandError(() => updated({ _id: 1 }, { $set: { $bad: 1 } }), 52, /The dollar \(\$\) prefixed field '\$bad' in '\$bad'/);
    });
  });

  describe('$unset', () => {
    it('removes a field and leaves the others in place', () => {
      assert.deepEqual(updated({ _id: 1, a: 1, b: 2, c: 3 }, { $unset: { b: '' } }), { _id: 1, a: 1, c: 3 });
    });

    it('sets an array element to null instead of removing it', () => {
      assert.deepEqual(updated({ _id: 1, a: [1, 2, 3] }, { $unset: { 'a.1': 1 } }), { _id: 1, a: [1, null, 3] });
    });

    it('is a no-op on a missing field, even below a scalar', () => {
      assert.equal(applyUpdate({ _id: 1, a: 1 }, { $unset: { b: 1, 'a.b': 1 } }).modified, false);
    });

    it('refuses to unset _id', () => {
      assertCommandError(() => updated({ _id: 1 }, { $unset: { _id: 1 } }), 66, "Performing an update on the path '_id' would modify the immutable field '_id'");
    });
  });

  describe('$inc and $mul', () => {
    it('turns an int32 overflow into an int64', () => {
      const doc = updated({ _id: 1, n: 2147483647 }, { $inc: { n: 1 } });
      assert.equal(doc.n, 2147483648n);
    });

    it('increments an int64 beyond 2^53 exactly (Long 2^60 + 1)', () => {
      const doc = updated({ _id: 1, n: 2n ** 60n }, { $inc: { n: 1 } });
      assert.equal(doc.n, 2n ** 60n + 1n);
    });

    it('accepts the old model: a bson Long in the document is treated as int64', () => {
      const doc = updated({ _id: 1, n: Long.fromBigInt(2n ** 60n) }, { $inc: { n: new Long(2) } });
      assert.equal(doc.n, 2n ** 60n + 2n);
    });

    it('makes a double when either side is a double, keeping an integral result a double', () => {
      const doc = updated({ _id: 1, n: 1 }, { $inc: { n: new Double(1) } });
      assert.equal(bsonType(doc.n), 'double');
      assert.equal(Number(doc.n), 2);
    });

    it('makes a decimal when either side is a decimal', () => {
      const doc = updated({ _id: 1, n: Decimal128.fromString('1.1') }, { $inc: { n: 2 } });
      assert.equal(bsonType(doc.n), 'decimal');
      assert.equal(String(doc.n), '3.1');
    });

    it('creates a missing field with the increment', () => {
      assert.deepEqual(updated({ _id: 1 }, { $inc: { 'a.n': 5 } }), { _id: 1, a: { n: 5 } });
    });

    it('creates a missing field with a zero of the multiplier type for $mul', () => {
      const doc = updated({ _id: 1 }, { $mul: { n: 5n } });
      assert.equal(doc.n, 0n);
    });

    it('multiplies with type promotion: int32 * int32 overflowing becomes int64', () => {
      assert.equal(updated({ _id: 1, n: 65536 }, { $mul: { n: 65536 } }).n, 4294967296n);
    });

    it('is a no-op when adding int32 zero to an int32', () => {
      assert.equal(applyUpdate({ _id: 1, n: 3 }, { $inc: { n: 0 } }).modified, false);
    });

    it('refuses $inc on a string with 14 TypeMismatch and mongod\'s message', () => {
      assertCommandError(
        () => updated({ _id: 1, x: 'a' }, { $inc: { x: 1 } }),
        14,
        "Cannot apply $inc to a value of non-numeric type. {_id: 1} has the field 'x' of non-numeric type string",
      );
    });

    it('names an ObjectId _id the way mongod writes it', () => {
      const id = new ObjectId('5ce00d5972e77e7cb392a8ff');
      assertCommandError(
        () => updated({ _id: id, name: 'david' }, { $inc: { name: -0.5 } }),
        14,
        "Cannot apply $inc to a value of non-numeric type. {_id: ObjectId('5ce00d5972e77e7cb392a8ff')} has the field 'name' of non-numeric type string",
      );
    });

    it('refuses a non-numeric argument at parse time', () => {
      assertCommandError(() => updated({ _id: 1 }, { $inc: { x: 'a' } }), 14, 'Cannot increment with non-numeric argument: {x: "a"}');
      assertCommandError(() => updated({ _id: 1 }, { $mul: { x: null } }), 14, 'Cannot multiply with non-numeric argument: {x: null}');
    });
  });

  describe('$min and $max', () => {
    it('replaces only with a smaller (larger) value in BSON order', () => {
      assert.deepEqual(updated({ _id: 1, lo: 5, hi: 5 }, { $min: { lo: 3 }, $max: { hi: 3 } }), { _id: 1, lo: 3, hi: 5 });
    });

    it('compares across BSON types: null sorts before numbers', () => {
      assert.deepEqual(updated({ _id: 1, v: 1 }, { $min: { v: null } }), { _id: 1, v: null });
    });

    it('is a no-op for an equal value of another numeric type', () => {
      assert.equal(applyUpdate({ _id: 1, v: 1 }, { $max: { v: new Double(1) } }).modified, false);
    });

    it('creates a missing field', () => {
      assert.deepEqual(updated({ _id: 1 }, { $max: { v: 2 } }), { _id: 1, v: 2 });
    });
  });

  describe('$rename', () => {
    it('moves the value to the new name and removes the old one', () => {
      assert.deepEqual(updated({ _id: 1, a: 1, b: 2 }, { $rename: { a: 'z' } }), { _id: 1, b: 2, z: 1 });
    });

    it('moves into and out of embedded documents', () => {
      assert.deepEqual(updated({ _id: 1, a: { b: 1 } }, { $rename: { 'a.b': 'c.d' } }), { _id: 1, a: {}, c: { d: 1 } });
    });

    it('is a no-op when the source is missing', () => {
      assert.equal(applyUpdate({ _id: 1, a: 1 }, { $rename: { x: 'y' } }).modified, false);
    });

    it('refuses a source inside an array', () => {
      assertCommandError(() => updated({ _id: 1, a: [{ b: 1 }] }, { $rename: { 'a.0.b': 'c' } }), 2, /The source field cannot be an array element/);
    });

    it('refuses a source and target on the same path, or equal', () => {
      assertCommandError(() => updated({ _id: 1 }, { $rename: { a: 'a.b' } }), 2, 'The source and target field for $rename must not be on the same path: a: "a.b"');
      assertCommandError(() => updated({ _id: 1 }, { $rename: { a: 'a' } }), 2, 'The source and target field for $rename must differ: a: "a"');
    });

    it('refuses a non-string target and a dynamic path', () => {
      assertCommandError(() => updated({ _id: 1 }, { $rename: { a: 1 } }), 2, "The 'to' field for $rename must be a string: a: 1");
      assertCommandError(() => updated({ _id: 1 }, { $rename: { 'a.$': 'b' } }), 2, 'The source field for $rename may not be dynamic: a.$');
    });

    it('conflicts with another operator on its source', () => {
      assertCommandError(() => updated({ _id: 1 }, { $rename: { a: 'b' }, $set: { a: 1 } }), 40, "Updating the path 'a' would create a conflict at 'a'");
    });
  });

  describe('$setOnInsert', () => {
    it('applies only when the update inserts', () => {
      assert.deepEqual(updated({ _id: 1 }, { $setOnInsert: { a: 1 } }), { _id: 1 });
      assert.deepEqual(updated({ _id: 1 }, { $setOnInsert: { a: 1 } }, { inserting: true }), { _id: 1, a: 1 });
    });
  });

  describe('$currentDate', () => {
    it('writes a Date for true and for {$type: "date"}', () => {
      const doc = updated({ _id: 1 }, { $currentDate: { a: true, b: { $type: 'date' } } });
      assert.ok(doc.a instanceof Date);
      assert.ok(doc.b instanceof Date);
    });

    it('writes a Timestamp for {$type: "timestamp"}', () => {
      const doc = updated({ _id: 1 }, { $currentDate: { t: { $type: 'timestamp' } } });
      assert.ok(doc.t instanceof Timestamp);
    });

    it('always counts as a modification', () => {
      assert.equal(applyUpdate({ _id: 1, a: new Date(0) }, { $currentDate: { a: true } }).modified, true);
    });

    it('refuses other arguments with 2 BadValue', () => {
      assertCommandError(
        () => updated({ _id: 1 }, { $currentDate: { a: 1 } }),
        2,
        "int is not valid type for $currentDate. Please use a boolean ('true') or a $type expression ({$type: 'timestamp/date'}).",
      );
      assertCommandError(
        () => updated({ _id: 1 }, { $currentDate: { a: { $type: 'x' } } }),
        2,
        "The '$type' string field is required to be 'date' or 'timestamp': {$currentDate: {field : {$type: 'date'}}}",
      );
      assertCommandError(() => updated({ _id: 1 }, { $currentDate: { a: { x: 1 } } }), 2, 'Unrecognized $currentDate option: x');
    });
  });

  describe('$bit', () => {
    it('applies and, or and xor to int32 values', () => {
      assert.deepEqual(updated({ _id: 1, a: 13, b: 13, c: 13 }, { $bit: { a: { and: 10 }, b: { or: 10 }, c: { xor: 10 } } }), { _id: 1, a: 8, b: 15, c: 7 });
    });

    it('makes an int64 when either side is an int64', () => {
      assert.equal(updated({ _id: 1, a: 1 }, { $bit: { a: { or: 2n ** 40n } } }).a, 2n ** 40n + 1n);
    });

    it('refuses a double operand and a non-integral field', () => {
      assertCommandError(() => updated({ _id: 1, a: 1 }, { $bit: { a: { and: 1.5 } } }), 2, /must be an Integer\(32\/64 bit\); a 'double' is not supported here/);
      assertCommandError(() => updated({ _id: 1, a: 'x' }, { $bit: { a: { and: 1 } } }), 2, 'Cannot apply $bit to a value of non-integral type._id: 1 has the field a of non-integer type string');
    });

    it('refuses unknown bitwise operators', () => {
      assertCommandError(() => updated({ _id: 1, a: 1 }, { $bit: { a: { not: 1 } } }), 2, /only supports 'and', 'or', and 'xor', not 'not'/);
    });
  });
});
