// insert, update, delete and findAndModify as commands: replies, write errors and validation as
// mongod 7.0 gives them, run in-process through the store's dispatcher on a fresh catalog.
import assert from 'node:assert/strict';
import { BSONRegExp, Double, Long, ObjectId, Timestamp, type Document } from 'bson';
import { runToEnd } from '../../../../server/embedded-mongo/aggregate/pause';
import { bsonType } from '../../../../server/embedded-mongo/bson/index';
import { runCommand } from '../../../../server/embedded-mongo/commands/index';
import { isCommandRun, type CommandContext } from '../../../../server/embedded-mongo/commands/context';
import { CursorRegistry } from '../../../../server/embedded-mongo/cursors';
import { Catalog } from '../../../../server/embedded-mongo/storage/catalog';
import { assertCommandError } from '../error-code';

let context: CommandContext;

function run(command: Document): Document {
  const outcome = runCommand({ ...command, $db: 'test' }, context);
  return isCommandRun(outcome) ? runToEnd(outcome) : outcome;
}

function stored(): Document[] {
  return [...(context.catalog.getCollection('test', 'c')?.docs.values() ?? [])];
}

function assertFails(command: Document, code: number, message?: string | RegExp): void {
  assertCommandError(() => run(command), code, message);
}

describe('write commands on the update engine', () => {
  beforeEach(() => {
    context = { catalog: new Catalog(), cursors: new CursorRegistry(), db: 'test', connectionId: 1, startedAt: new Date() };
  });

  describe('insert', () => {
    it('stores documents with _id first, generating an ObjectId when missing', () => {
      assert.deepEqual(run({ insert: 'c', documents: [{ a: 1, _id: 5 }, { b: 2 }] }), { n: 2 });
      const [first, second] = stored();
      assert.deepEqual(Object.keys(first!), ['_id', 'a']);
      assert.ok(second!._id instanceof ObjectId);
    });

    it('keeps exact types: a double 2.0, an int64 5 and an int64 2^40 stay what they are', () => {
      run({ insert: 'c', documents: [{ _id: 1, d: new Double(2), l: 5n, big: 2n ** 40n }] });
      const [doc] = stored();
      assert.equal(bsonType(doc!.d), 'double');
      assert.equal(bsonType(doc!.l), 'long');
      assert.equal(doc!.big, 2n ** 40n);
    });

    // mongod's fixDocumentForInsert: BadValue for an array or regex _id; storageValidEmbedded for $-keys.
    it('refuses an array, a regex or a $-prefixed key inside _id', () => {
      const reply = run({ insert: 'c', ordered: false, documents: [{ _id: [1] }, { _id: new BSONRegExp('x') }, { _id: { $x: 1 } }, { _id: { $ref: 'c', $id: 1 } }] });
      assert.equal(reply.n, 1);
      assert.deepEqual((reply.writeErrors as Document[]).map((error) => [error.index, error.code, error.errmsg]), [
        [0, 2, "can't use an array for _id"],
        [1, 2, "can't use a regex for _id"],
        [2, 52, "_id fields may not contain '$'-prefixed fields: $x is not valid for storage."],
      ]);
    });

    it('stops at the first error when ordered and goes on when unordered', () => {
      run({ insert: 'c', documents: [{ _id: 1 }] });
      const ordered = run({ insert: 'c', documents: [{ _id: 2 }, { _id: 1 }, { _id: 3 }] });
      assert.equal(ordered.n, 1);
      assert.equal((ordered.writeErrors as Document[])[0]!.code, 11000);
      const unordered = run({ insert: 'c', ordered: false, documents: [{ _id: 1 }, { _id: 4 }] });
      assert.equal(unordered.n, 1);
    });

    it('refuses a document over 16 MB with mongod\'s message', () => {
      const reply = run({ insert: 'c', documents: [{ _id: 1, s: 'x'.repeat(16 * 1024 * 1024) }] });
      assert.match((reply.writeErrors as Document[])[0]!.errmsg as string, /^object to insert too large\. size in bytes: \d+, max size: 16777216$/);
    });

    it('fills a top-level Timestamp(0, 0) with the current time', () => {
      run({ insert: 'c', documents: [{ _id: 1, ts: new Timestamp({ t: 0, i: 0 }) }] });
      assert.ok((stored()[0]!.ts as Timestamp).t > 0);
    });
  });

  describe('update', () => {
    beforeEach(() => {
      run({ insert: 'c', documents: [{ _id: 1, n: 1, tags: ['a'] }, { _id: 2, n: 1 }, { _id: 3, n: 2 }] });
    });

    it('updates one document without multi and every match with multi, counting n and nModified', () => {
      assert.deepEqual(run({ update: 'c', updates: [{ q: { n: 1 }, u: { $set: { x: 1 } } }] }), { n: 1, nModified: 1 });
      assert.deepEqual(run({ update: 'c', updates: [{ q: { n: 1 }, u: { $set: { x: 1 } }, multi: true }] }), { n: 2, nModified: 1 });
    });

    it('upserts from the query\'s equality fields and reports upserted with its index', () => {
      const reply = run({ update: 'c', updates: [{ q: { _id: 9, 'a.b': 1 }, u: { $inc: { n: 1 } }, upsert: true }] });
      assert.deepEqual(reply, { n: 1, nModified: 0, upserted: [{ index: 0, _id: 9 }] });
      assert.deepEqual(stored().find((doc) => doc._id === 9), { _id: 9, a: { b: 1 }, n: 1 });
    });

    it('accepts connect-mongo\'s session upsert: $set of _id to the queried value', () => {
      const session = { _id: 'sid', expires: new Date(0), session: '{}' };
      run({ update: 'c', updates: [{ q: { _id: 'sid' }, u: { $set: session }, upsert: true }] });
      const reply = run({ update: 'c', updates: [{ q: { _id: 'sid' }, u: { $set: { ...session, session: '{"a":1}' } }, upsert: true }] });
      assert.deepEqual(reply, { n: 1, nModified: 1 });
    });

    it('reports write errors with index, code and errmsg, stopping when ordered', () => {
      const reply = run({
        update: 'c',
        updates: [
          { q: { _id: 1 }, u: { $inc: { tags: 1 } } },
          { q: { _id: 2 }, u: { $set: { y: 1 } } },
        ],
      });
      assert.equal(reply.n, 0);
      assert.deepEqual(reply.writeErrors, [{ index: 0, code: 14, errmsg: "Cannot apply $inc to a value of non-numeric type. {_id: 1} has the field 'tags' of non-numeric type array" }]);
    });

    it('still counts the documents an updateMany changed before one failed', () => {
      run({ insert: 'c', documents: [{ _id: 4, tags: 'not an array' }] });
      const reply = run({ update: 'c', updates: [{ q: { _id: { $in: [2, 4] } }, u: { $push: { tags: 'b' } }, multi: true }] });
      assert.equal(reply.n, 1);
      assert.equal(reply.nModified, 1);
      assert.equal((reply.writeErrors as Document[])[0]!.code, 2);
      assert.deepEqual(stored().find((doc) => doc._id === 2), { _id: 2, n: 1, tags: ['b'] });
    });

    it('refuses `sort` inside an update statement (a MongoDB 8.0 field) with 40415', () => {
      assertFails({ update: 'c', updates: [{ q: {}, u: { $set: { a: 1 } }, sort: { n: 1 } }] }, 40415, "BSON field 'update.updates.sort' is an unknown field.");
    });

    it('fails the whole command for a malformed statement, before writing anything', () => {
      assertFails({ update: 'c', updates: [{ q: { _id: 1 }, u: { $set: { z: 1 } } }, { u: { $set: { z: 1 } } }] }, 40414, "BSON field 'update.updates.q' is missing but a required field");
      assertFails({ update: 'c', updates: [{ q: 1, u: {} }] }, 14, "BSON field 'update.updates.q' is the wrong type 'int', expected type 'object'");
      assert.equal(stored().find((doc) => doc._id === 1)!.z, undefined);
    });

    it('refuses a replacement with multi', () => {
      const reply = run({ update: 'c', updates: [{ q: {}, u: { a: 1 }, multi: true }] });
      assert.equal((reply.writeErrors as Document[])[0]!.errmsg, 'multi update is not supported for replacement-style update');
    });

    it('runs a pipeline update with $set and refuses other stages', () => {
      run({ update: 'c', updates: [{ q: { _id: 3 }, u: [{ $set: { m: { $multiply: ['$n', 10] } } }] }] });
      assert.equal(stored().find((doc) => doc._id === 3)!.m, 20);
      const reply = run({ update: 'c', updates: [{ q: { _id: 3 }, u: [{ $group: { _id: null } }] }] });
      assert.deepEqual((reply.writeErrors as Document[])[0], { index: 0, code: 72, errmsg: '$group is not allowed to be used within an update' });
    });

    it('seeds a pipeline upsert with the query\'s equality fields', () => {
      run({ update: 'c', updates: [{ q: { _id: 8, k: 'x' }, u: [{ $set: { doubled: { $concat: ['$k', '$k'] } } }], upsert: true }] });
      assert.deepEqual(stored().find((doc) => doc._id === 8), { _id: 8, k: 'x', doubled: 'xx' });
    });

    it('answers an unknown stage in an update pipeline with the pipeline parser\'s error', () => {
      const reply = run({ update: 'c', updates: [{ q: {}, u: [{ $bogus: {} }] }] });
      assert.equal((reply.writeErrors as Document[])[0]!.code, 40324);
    });

    it('uses `let` variables in the query', () => {
      const reply = run({ update: 'c', updates: [{ q: { $expr: { $eq: ['$n', '$$target'] } }, u: { $set: { hit: true } }, multi: true }], let: { target: 2 } });
      assert.deepEqual(reply, { n: 1, nModified: 1 });
    });

    it('applies arrayFilters and the positional operator of a statement', () => {
      run({ insert: 'c', documents: [{ _id: 'g', grades: [{ g: 80 }, { g: 95 }], xs: [1, 2, 3] }] });
      run({ update: 'c', updates: [{ q: { _id: 'g' }, u: { $set: { 'grades.$[hi].top': true } }, arrayFilters: [{ 'hi.g': { $gte: 90 } }] }] });
      run({ update: 'c', updates: [{ q: { _id: 'g', xs: 2 }, u: { $inc: { 'xs.$': 10 } } }] });
      assert.deepEqual(stored().find((doc) => doc._id === 'g'), { _id: 'g', grades: [{ g: 80 }, { g: 95, top: true }], xs: [1, 12, 3] });
    });

    it('matches with the statement collation', () => {
      run({ insert: 'c', documents: [{ _id: 'k', name: 'Zoe' }] });
      const reply = run({ update: 'c', updates: [{ q: { name: 'zoe' }, u: { $set: { seen: true } }, collation: { locale: 'en', strength: 1 } }] });
      assert.deepEqual(reply, { n: 1, nModified: 1 });
    });

    it('increments an int64 of 2^60 exactly', () => {
      run({ insert: 'c', documents: [{ _id: 'big', v: Long.fromBigInt(2n ** 60n) }] });
      run({ update: 'c', updates: [{ q: { _id: 'big' }, u: { $inc: { v: 1 } } }] });
      assert.equal(stored().find((doc) => doc._id === 'big')!.v, 2n ** 60n + 1n);
    });
  });

  describe('delete', () => {
    beforeEach(() => {
      run({ insert: 'c', documents: [{ _id: 1, k: 'a' }, { _id: 2, k: 'a' }, { _id: 3, k: 'b' }] });
    });

    it('removes one match with limit 1 and all with limit 0', () => {
      assert.deepEqual(run({ delete: 'c', deletes: [{ q: { k: 'a' }, limit: 1 }] }), { n: 1 });
      assert.deepEqual(run({ delete: 'c', deletes: [{ q: {}, limit: 0 }] }), { n: 2 });
      assert.deepEqual(stored(), []);
    });

    it('fails the whole command for a limit other than 0 or 1, a missing field or an unknown one', () => {
      assertFails({ delete: 'c', deletes: [{ q: { k: 'a' }, limit: 0 }, { q: {}, limit: 2 }] }, 9, 'The limit field in delete objects must be 0 or 1. Got 2');
      assert.equal(stored().length, 3);
      assertFails({ delete: 'c', deletes: [{ q: {} }] }, 40414, "BSON field 'delete.deletes.limit' is missing but a required field");
      assertFails({ delete: 'c', deletes: [{ q: {}, limit: 0, bogus: 1 }] }, 40415, "BSON field 'delete.deletes.bogus' is an unknown field.");
    });

    it('honours the statement collation', () => {
      assert.deepEqual(run({ delete: 'c', deletes: [{ q: { k: 'A' }, limit: 0, collation: { locale: 'en', strength: 2 } }] }), { n: 2 });
    });
  });

  describe('findAndModify', () => {
    beforeEach(() => {
      run({ insert: 'c', documents: [{ _id: 1, n: 3, s: 'x' }, { _id: 2, n: 1, s: 'y' }] });
    });

    it('updates the first document in sort order and returns it before or after', () => {
      const before = run({ findAndModify: 'c', query: {}, sort: { n: 1 }, update: { $inc: { n: 10 } } });
      assert.deepEqual(before, { lastErrorObject: { n: 1, updatedExisting: true }, value: { _id: 2, n: 1, s: 'y' } });
      const after = run({ findAndModify: 'c', query: { _id: 1 }, update: { $inc: { n: 1 } }, new: true, fields: { n: 1 } });
      assert.deepEqual(after.value, { _id: 1, n: 4 });
    });

    it('upserts and reports the new _id', () => {
      const reply = run({ findAndModify: 'c', query: { _id: 7 }, update: { $set: { s: 'z' } }, upsert: true, new: true });
      assert.deepEqual(reply, { lastErrorObject: { n: 1, updatedExisting: false, upserted: 7 }, value: { _id: 7, s: 'z' } });
    });

    it('removes and returns the removed document', () => {
      const reply = run({ findAndModify: 'c', query: { s: 'x' }, remove: true });
      assert.deepEqual(reply, { lastErrorObject: { n: 1 }, value: { _id: 1, n: 3, s: 'x' } });
      assert.equal(stored().length, 1);
    });

    it('refuses contradictory options as mongod does', () => {
      assertFails({ findAndModify: 'c', query: {}, remove: true, update: { $set: { a: 1 } } }, 9, 'Cannot specify both an update and remove=true');
      assertFails({ findAndModify: 'c', query: {} }, 9, 'Either an update or remove=true must be specified');
      assertFails({ findAndModify: 'c', query: {}, remove: true, new: true }, 9, "Cannot specify both new=true and remove=true; 'remove' always returns the deleted document");
    });

    it('accepts bypassDocumentValidation', () => {
      const reply = run({ findAndModify: 'c', query: { _id: 2 }, update: { $set: { a: 1 } }, bypassDocumentValidation: true });
      assert.equal((reply.lastErrorObject as Document).n, 1);
    });
  });
});
