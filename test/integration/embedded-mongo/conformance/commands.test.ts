// Commands as the MongoDB 7.0 manual documents them (reference/command/<name>), driven through the
// official driver. Fields each command accepts: the manual's "Syntax" section of each command page.
import assert from 'node:assert/strict';
import { Long, type Document } from 'mongodb';
import { serverError } from '../fixtures/connection';
import { assertServerError, assertWriteError, contents, useConformanceDatabase } from './harness';

describe('conformance: commands', () => {
  const conf = useConformanceDatabase('commands');

  describe('unknown command fields (IDL parsing: 40415)', () => {
    const cases: Array<[string, Record<string, unknown>, string]> = [
      ['find', { find: 'c', filter: {}, fliter: {} }, 'find.fliter'],
      ['insert', { insert: 'c', documents: [{ a: 1 }], orderd: false }, 'insert.orderd'],
      ['update', { update: 'c', updates: [{ q: {}, u: { $set: { a: 1 } } }], upsrt: true }, 'update.upsrt'],
      ['delete', { delete: 'c', deletes: [{ q: {}, limit: 0 }], bogus: 1 }, 'delete.bogus'],
      ['aggregate', { aggregate: 'c', pipeline: [], cursor: {}, allowDiskuse: true }, 'aggregate.allowDiskuse'],
      ['count', { count: 'c', query: {}, filter: {} }, 'count.filter'],
      ['distinct', { distinct: 'c', key: 'a', filter: {} }, 'distinct.filter'],
      ['findAndModify', { findAndModify: 'c', query: {}, update: { $set: { a: 1 } }, returnNew: true }, 'findAndModify.returnNew'],
      ['createIndexes', { createIndexes: 'c', indexes: [{ key: { a: 1 }, name: 'a_1' }], background: true }, 'createIndexes.background'],
      ['listCollections', { listCollections: 1, fillter: {} }, 'listCollections.fillter'],
      ['drop', { drop: 'c', force: true }, 'drop.force'],
    ];
    for (const [name, command, path] of cases) {
      it(`refuses an unknown field of ${name} with 40415 naming '${path}'`, async () => {
        await conf.coll().insertOne({ a: 0 });
        const error = await assertServerError(conf.db.command(command), 40415, 'Location40415');
        assert.equal(error.message, `BSON field '${path}' is an unknown field.`);
      });
    }

    it('refuses sort inside an update statement (a MongoDB 8.0 field) and changes nothing', async () => {
      await conf.coll().insertMany([{ a: 1 }, { a: 2 }]);
      const error = await assertServerError(
        conf.db.command({ update: 'c', updates: [{ q: {}, u: { $set: { b: 1 } }, sort: { a: -1 } }] }),
        40415,
        'Location40415',
      );
      assert.equal(error.message, "BSON field 'update.updates.sort' is an unknown field.");
      assert.deepEqual(await contents(conf.coll()), [{ a: 1 }, { a: 2 }]);
    });

    it('refuses an unknown field inside a delete statement', async () => {
      const error = await assertServerError(conf.db.command({ delete: 'c', deletes: [{ q: {}, limit: 0, multi: true }] }), 40415, 'Location40415');
      assert.equal(error.message, "BSON field 'delete.deletes.multi' is an unknown field.");
    });

    it('accepts the generic arguments every command takes (comment, maxTimeMS, writeConcern, readConcern)', async () => {
      await conf.db.command({ insert: 'c', documents: [{ a: 1 }], comment: 'tagged', writeConcern: { w: 1 }, maxTimeMS: 10_000 });
      const reply = await conf.db.command({ find: 'c', filter: {}, comment: { any: 'value' }, maxTimeMS: 10_000, readConcern: { level: 'local' } });
      assert.equal(reply.cursor.firstBatch.length, 1);
    });
  });

  describe('unknown commands and standalone limits', () => {
    it('answers 59 CommandNotFound for a command that does not exist', async () => {
      const error = await assertServerError(conf.db.command({ frobnicate: 1 }), 59, 'CommandNotFound');
      assert.match(error.message, /no such command: 'frobnicate'/);
    });

    it('refuses a transaction on a standalone server with 20 IllegalOperation', async () => {
      const session = conf.client.startSession();
      try {
        session.startTransaction();
        // A read: on writes the driver rewraps this error as "does not support retryable writes".
        const error = await assertServerError(conf.coll().findOne({}, { session }), 20, 'IllegalOperation');
        assert.match(error.message, /Transaction numbers are only allowed on a replica set member or mongos/);
      } finally {
        await session.endSession();
      }
    });

    it('answers 40573 to $changeStream on a standalone server (what polling fallbacks look for)', async () => {
      await conf.coll().insertOne({ a: 1 });
      const error = await assertServerError(
        conf.db.command({ aggregate: 'c', pipeline: [{ $changeStream: {} }], cursor: {} }),
        40573,
        'Location40573',
      );
      assert.match(error.message, /The \$changeStream stage is only supported on replica sets/);
    });

    it('collection.watch() fails with 40573 on a standalone server', async () => {
      await conf.coll().insertOne({ a: 1 });
      const stream = conf.coll().watch();
      try {
        const error = await serverError(stream.tryNext());
        assert.equal(error.code, 40573);
      } finally {
        await stream.close();
      }
    });

    it('answers ping, and hello as a writable standalone primary with MongoDB 7.0 limits', async () => {
      assert.equal((await conf.db.command({ ping: 1 })).ok, 1);
      const hello = await conf.db.command({ hello: 1 });
      assert.equal(hello.isWritablePrimary, true);
      assert.equal(hello.setName, undefined);
      assert.equal(hello.maxBsonObjectSize, 16 * 1024 * 1024);
      assert.equal(hello.maxWireVersion >= 21, true);
    });

    it('reports a 7.0 version in buildInfo', async () => {
      const info = await conf.db.admin().command({ buildInfo: 1 });
      assert.match(String(info.version), /^7\.0\./);
      assert.deepEqual(info.versionArray.slice(0, 2), [7, 0]);
    });
  });

  describe('create, drop and listCollections', () => {
    it('creates an empty collection that listCollections shows with type collection', async () => {
      await conf.db.createCollection('fresh');
      const infos = await conf.db.listCollections({ name: 'fresh' }, { nameOnly: false }).toArray();
      assert.equal(infos.length, 1);
      assert.equal(infos[0]?.type, 'collection');
      assert.deepEqual(infos[0]?.idIndex?.key, { _id: 1 });
    });

    it('lists names only with nameOnly, filtered by name', async () => {
      await conf.db.createCollection('one');
      await conf.db.createCollection('two');
      const names = (await conf.db.listCollections({}, { nameOnly: true }).toArray()).map((info) => info.name).sort();
      assert.deepEqual(names, ['one', 'two']);
      const filtered = await conf.db.listCollections({ name: { $in: ['two', 'three'] } }).toArray();
      assert.deepEqual(filtered.map((info) => info.name), ['two']);
    });

    it('accepts create on an existing collection with the same options', async () => {
      await conf.db.command({ create: 'same' });
      const reply = await conf.db.command({ create: 'same' });
      assert.equal(reply.ok, 1);
    });

    it('refuses create with different options on an existing collection: 48 NamespaceExists', async () => {
      await conf.db.command({ create: 'differs' });
      await assertServerError(conf.db.command({ create: 'differs', validationLevel: 'moderate' }), 48, 'NamespaceExists');
    });

    it('creates a collection implicitly on first insert', async () => {
      await conf.coll('implicit').insertOne({ a: 1 });
      const infos = await conf.db.listCollections({ name: 'implicit' }).toArray();
      assert.equal(infos.length, 1);
    });

    it('refuses a collection name with $ with 73 InvalidNamespace', async () => {
      await assertServerError(conf.db.command({ create: 'bad$name' }), 73, 'InvalidNamespace');
    });

    it('drops a collection and its documents; dropping a missing collection is ok in 7.0', async () => {
      await conf.coll('gone').insertOne({ a: 1 });
      assert.equal(await conf.db.dropCollection('gone'), true);
      assert.equal(await conf.coll('gone').countDocuments(), 0);
      assert.equal((await conf.db.command({ drop: 'never-was' })).ok, 1);
    });

    it('listDatabases lists a database once it holds a collection, filtered by name', async () => {
      await conf.coll('a').insertOne({ x: 1 });
      const reply = await conf.client.db('admin').command({ listDatabases: 1, nameOnly: true, filter: { name: conf.db.databaseName } });
      assert.deepEqual(reply.databases, [{ name: conf.db.databaseName }]);
    });

    it('listDatabases only runs against the admin database: 13 Unauthorized', async () => {
      await assertServerError(conf.db.command({ listDatabases: 1 }), 13, 'Unauthorized');
    });

    it('dropDatabase removes every collection of the database', async () => {
      await conf.coll('a').insertOne({ a: 1 });
      await conf.coll('b').insertOne({ b: 1 });
      await conf.db.dropDatabase();
      assert.deepEqual(await conf.db.listCollections().toArray(), []);
    });
  });

  describe('create with options that change behaviour: implemented, or refused, never ignored', () => {
    it('a capped collection either keeps only the newest documents or is refused', async () => {
      const outcome = await conf.db.command({ create: 'ring', capped: true, size: 4096, max: 2 }).catch((error: unknown) => error);
      if (outcome instanceof Error) {
        assert.equal((outcome as { code?: number }).code, 238);
        assert.match(outcome.message, /capped/);
        return;
      }
      await conf.coll('ring').insertMany([{ i: 1 }, { i: 2 }, { i: 3 }]);
      assert.deepEqual(await conf.coll('ring').find({}, { projection: { _id: 0 } }).toArray(), [{ i: 2 }, { i: 3 }]);
    });
  });

  describe('schema validation (core/schema-validation)', () => {
    beforeEach(async () => {
      await conf.db.createCollection('checked', { validator: { n: { $type: 'int' } } });
    });

    it('accepts a valid document and refuses an invalid one with 121 and errInfo, storing nothing', async () => {
      await conf.coll('checked').insertOne({ _id: 1 as never, n: 1 });
      const error = await assertWriteError(conf.coll('checked').insertOne({ _id: 2 as never, n: 'one' }), 121);
      assert.match(error.message, /Document failed validation/);
      assert.equal((error.errInfo as Document | undefined)?.failingDocumentId, 2);
      assert.equal(await conf.coll('checked').countDocuments(), 1);
    });

    it('refuses an update that would make a document invalid, leaving it unchanged', async () => {
      await conf.coll('checked').insertOne({ _id: 1 as never, n: 1 });
      await assertWriteError(conf.coll('checked').updateOne({ _id: 1 as never }, { $set: { n: 'x' } }), 121);
      assert.equal((await conf.coll('checked').findOne({ _id: 1 as never }))?.n, 1);
    });

    it('a $jsonSchema validator checks required fields and BSON types', async () => {
      await conf.db.createCollection('people', {
        validator: { $jsonSchema: { bsonType: 'object', required: ['name'], properties: { name: { bsonType: 'string' }, age: { bsonType: 'int', minimum: 0 } } } },
      });
      await conf.coll('people').insertOne({ name: 'Ada', age: 36 });
      await assertWriteError(conf.coll('people').insertOne({ age: 3 }), 121);
      await assertWriteError(conf.coll('people').insertOne({ name: 'Bob', age: -1 }), 121);
      assert.equal(await conf.coll('people').countDocuments(), 1);
    });

    it('bypassDocumentValidation lets an invalid document in', async () => {
      await conf.coll('checked').insertOne({ n: 'bypassed' }, { bypassDocumentValidation: true });
      assert.equal(await conf.coll('checked').countDocuments({ n: 'bypassed' }), 1);
    });

    it('validationAction warn writes invalid documents anyway', async () => {
      await conf.db.createCollection('warned', { validator: { n: { $type: 'int' } }, validationAction: 'warn' });
      await conf.coll('warned').insertOne({ n: 'text' });
      assert.equal(await conf.coll('warned').countDocuments(), 1);
    });

    it('validationLevel moderate lets updates of already invalid documents through', async () => {
      await conf.coll('legacy').insertMany([{ _id: 1 as never, n: 'old' }, { _id: 2 as never, n: 2 }]);
      await conf.db.command({ collMod: 'legacy', validator: { n: { $type: 'int' } }, validationLevel: 'moderate' });
      await conf.coll('legacy').updateOne({ _id: 1 as never }, { $set: { n: 'still old' } });
      await assertWriteError(conf.coll('legacy').updateOne({ _id: 2 as never }, { $set: { n: 'bad' } }), 121);
      assert.deepEqual(await conf.coll('legacy').find({}).sort({ _id: 1 }).toArray(), [{ _id: 1, n: 'still old' }, { _id: 2, n: 2 }]);
    });

    it('collMod adds a validator for later writes, shown by listCollections', async () => {
      await conf.coll('later').insertOne({ n: 'before' });
      await conf.db.command({ collMod: 'later', validator: { n: { $type: 'int' } } });
      await assertWriteError(conf.coll('later').insertOne({ n: 'after' }), 121);
      const [info] = await conf.db.listCollections({ name: 'later' }).toArray();
      assert.deepEqual((info as { options?: Document }).options?.validator, { n: { $type: 'int' } });
    });

    it('an invalid validator is refused when the collection is created', async () => {
      await assertServerError(conf.db.command({ create: 'broken', validator: { n: { $frobnicate: 1 } } }), 2, 'BadValue');
    });
  });

  describe('read-only views (core/views)', () => {
    beforeEach(async () => {
      await conf.coll('base').insertMany([
        { _id: 1 as never, a: 1, keep: true, tags: ['x', 'y'] },
        { _id: 2 as never, a: 2, keep: false, tags: ['y'] },
        { _id: 3 as never, a: 3, keep: true, tags: ['z'] },
      ]);
      await conf.db.createCollection('kept', { viewOn: 'base', pipeline: [{ $match: { keep: true } }] });
    });

    it('find on a view answers the pipeline\'s documents, with filter, sort, skip, limit and projection', async () => {
      assert.deepEqual(await conf.coll('kept').find({}, { projection: { a: 1 } }).sort({ a: -1 }).toArray(), [{ _id: 3, a: 3 }, { _id: 1, a: 1 }]);
      assert.deepEqual(await conf.coll('kept').find({ a: { $gt: 1 } }, { projection: { _id: 1 } }).toArray(), [{ _id: 3 }]);
      assert.deepEqual(await conf.coll('kept').find({}, { projection: { _id: 1 } }).sort({ a: 1 }).skip(1).limit(1).toArray(), [{ _id: 3 }]);
    });

    it('count, countDocuments and distinct on a view see only its documents', async () => {
      assert.equal((await conf.db.command({ count: 'kept' })).n, 2);
      assert.equal(await conf.coll('kept').countDocuments({ a: 1 }), 1);
      assert.deepEqual((await conf.coll('kept').distinct('tags')).sort(), ['x', 'y', 'z']);
    });

    it('aggregate on a view runs the view pipeline first', async () => {
      const docs = await conf.coll('kept').aggregate([{ $group: { _id: null, total: { $sum: '$a' } } }]).toArray();
      assert.deepEqual(docs, [{ _id: null, total: 4 }]);
    });

    it('a view follows later changes of its source', async () => {
      await conf.coll('base').insertOne({ _id: 4 as never, a: 4, keep: true });
      assert.equal(await conf.coll('kept').countDocuments(), 3);
    });

    it('a view may be defined on another view', async () => {
      await conf.db.createCollection('keptBig', { viewOn: 'kept', pipeline: [{ $match: { a: { $gt: 1 } } }] });
      assert.deepEqual(await conf.coll('keptBig').find({}, { projection: { _id: 1 } }).toArray(), [{ _id: 3 }]);
    });

    it('listCollections shows a view with type view, its definition and readOnly', async () => {
      const [info] = await conf.db.listCollections({ name: 'kept' }).toArray();
      assert.equal(info?.type, 'view');
      assert.deepEqual((info as { options?: unknown }).options, { viewOn: 'base', pipeline: [{ $match: { keep: true } }] });
      assert.equal((info as { info?: { readOnly?: boolean } }).info?.readOnly, true);
      assert.deepEqual((await conf.db.listCollections({ type: 'view' }, { nameOnly: true }).toArray()).map((entry) => entry.name), ['kept']);
    });

    it('writes to a view are refused: 166 CommandNotSupportedOnView', async () => {
      await assertWriteError(conf.coll('kept').insertOne({ a: 9 }), 166);
      await assertWriteError(conf.coll('kept').updateOne({}, { $set: { a: 0 } }), 166);
      await assertWriteError(conf.coll('kept').deleteMany({}), 166);
      assert.equal(await conf.coll('base').countDocuments(), 3);
    });

    it('an index on a view is refused: 166 CommandNotSupportedOnView', async () => {
      await assertServerError(conf.coll('kept').createIndex({ a: 1 }), 166, 'CommandNotSupportedOnView');
    });

    it('a view with $out in its pipeline is refused', async () => {
      const error = await serverError(conf.db.createCollection('bad', { viewOn: 'base', pipeline: [{ $out: 'x' }] }));
      assert.ok(error.code === 167 || error.code === 51047 || error.code === 9, `code ${String(error.code)}: ${error.message}`);
    });

    it('collMod changes a view definition', async () => {
      await conf.db.command({ collMod: 'kept', viewOn: 'base', pipeline: [{ $match: { keep: false } }] });
      assert.deepEqual(await conf.coll('kept').find({}, { projection: { _id: 1 } }).toArray(), [{ _id: 2 }]);
    });

    it('dropping a view leaves its source alone', async () => {
      await conf.db.dropCollection('kept');
      assert.deepEqual(await conf.db.listCollections({ name: 'kept' }).toArray(), []);
      assert.equal(await conf.coll('base').countDocuments(), 3);
    });

    it('dbStats counts views apart from collections', async () => {
      const stats = await conf.db.command({ dbStats: 1 });
      assert.equal(stats.views, 1);
      assert.equal(stats.collections, 1);
    });
  });

  describe('server parameters', () => {
    it('getParameter reports notablescan and the feature compatibility version', async () => {
      const reply = await conf.client.db('admin').command({ getParameter: 1, notablescan: 1, featureCompatibilityVersion: 1 });
      assert.equal(reply.notablescan, false);
      assert.equal(reply.featureCompatibilityVersion.version, '7.0');
    });

    it('setParameter notablescan refuses filters that need a collection scan (291) and reports the old value', async () => {
      const admin = conf.client.db('admin');
      await conf.coll().insertMany([{ a: 1, b: 1 }, { a: 2, b: 2 }]);
      await conf.coll().createIndex({ a: 1 });
      const reply = await admin.command({ setParameter: 1, notablescan: true });
      try {
        assert.equal(reply.was, false);
        assert.deepEqual(await conf.coll().find({ a: 2 }, { projection: { _id: 0, a: 1 } }).toArray(), [{ a: 2 }]);
        const error = await serverError(conf.coll().find({ b: 2 }).toArray());
        assert.equal(error.code, 291);
        assert.equal(error.codeName, 'NoQueryExecutionPlans');
      } finally {
        await admin.command({ setParameter: 1, notablescan: false });
      }
    });

    it('getParameter of an unknown parameter is refused: 72 InvalidOptions', async () => {
      await assertServerError(conf.client.db('admin').command({ getParameter: 1, noSuchParameter: 1 }), 72, 'InvalidOptions');
    });

    it('setParameter only runs against the admin database: 13 Unauthorized', async () => {
      await assertServerError(conf.db.command({ setParameter: 1, notablescan: false }), 13, 'Unauthorized');
    });
  });

  describe('explain (reference/command/explain, reference/explain-results)', () => {
    /** Every stage name in a plan tree (inputStage / inputStages). */
    function stageNames(plan: Document | undefined): string[] {
      if (!plan) return [];
      const children = [plan.inputStage as Document | undefined, ...((plan.inputStages as Document[] | undefined) ?? [])];
      return [String(plan.stage), ...children.flatMap((child) => stageNames(child))];
    }

    beforeEach(async () => {
      await conf.coll().insertMany(Array.from({ length: 20 }, (_, i) => ({ a: i, b: i % 3 })));
      await conf.coll().createIndex({ a: 1 });
    });

    it('a find on an indexed field is planned as an index scan on that index', async () => {
      const reply = await conf.db.command({ explain: { find: 'c', filter: { a: 5 } }, verbosity: 'queryPlanner' });
      const plan = reply.queryPlanner.winningPlan as Document;
      assert.ok(stageNames(plan).includes('IXSCAN'), JSON.stringify(plan));
      assert.equal(reply.queryPlanner.namespace, `${conf.db.databaseName}.c`);
    });

    it('a find on an unindexed field is planned as a collection scan', async () => {
      const reply = await conf.db.command({ explain: { find: 'c', filter: { b: 1 } }, verbosity: 'queryPlanner' });
      assert.ok(stageNames(reply.queryPlanner.winningPlan as Document).includes('COLLSCAN'));
    });

    it('executionStats counts the documents returned', async () => {
      const reply = await conf.db.command({ explain: { find: 'c', filter: { a: { $lt: 4 } } }, verbosity: 'executionStats' });
      assert.equal(reply.executionStats.nReturned, 4);
    });

    it('explain refuses an unknown field of the explained command: 40415', async () => {
      await assertServerError(conf.db.command({ explain: { find: 'c', fliter: {} } }), 40415, 'Location40415');
    });
  });

  describe('renameCollection', () => {
    it('renames a collection with its documents and indexes', async () => {
      await conf.coll('old').insertMany([{ a: 1 }, { a: 2 }]);
      await conf.coll('old').createIndex({ a: 1 }, { unique: true });
      await conf.coll('old').rename('new');
      assert.deepEqual(await contents(conf.coll('new')), [{ a: 1 }, { a: 2 }]);
      assert.deepEqual(await conf.db.listCollections({ name: 'old' }).toArray(), []);
      const names = (await conf.coll('new').listIndexes().toArray()).map((index) => index.name).sort();
      assert.deepEqual(names, ['_id_', 'a_1']);
      await assertWriteError(conf.coll('new').insertOne({ a: 1 }), 11000);
    });

    it('refuses to overwrite an existing target without dropTarget: 48 NamespaceExists', async () => {
      await conf.coll('src').insertOne({ from: 'src' });
      await conf.coll('dst').insertOne({ from: 'dst' });
      const error = await assertServerError(conf.coll('src').rename('dst'), 48, 'NamespaceExists');
      assert.match(error.message, /target namespace exists/);
      assert.deepEqual(await contents(conf.coll('dst')), [{ from: 'dst' }]);
      assert.deepEqual(await contents(conf.coll('src')), [{ from: 'src' }]);
    });

    it('replaces an existing target with dropTarget: true', async () => {
      await conf.coll('src').insertOne({ from: 'src' });
      await conf.coll('dst').insertOne({ from: 'dst' });
      await conf.coll('src').rename('dst', { dropTarget: true });
      assert.deepEqual(await contents(conf.coll('dst')), [{ from: 'src' }]);
    });

    it('answers 26 NamespaceNotFound when the source does not exist', async () => {
      await assertServerError(
        conf.client.db('admin').command({ renameCollection: `${conf.db.databaseName}.missing`, to: `${conf.db.databaseName}.other` }),
        26,
        'NamespaceNotFound',
      );
    });

    it('may only run against the admin database: 13 Unauthorized elsewhere', async () => {
      await conf.coll('src').insertOne({ a: 1 });
      const error = await assertServerError(
        conf.db.command({ renameCollection: `${conf.db.databaseName}.src`, to: `${conf.db.databaseName}.dst` }),
        13,
        'Unauthorized',
      );
      assert.match(error.message, /renameCollection may only be run against the admin database/);
    });

    it('refuses renaming a collection to itself: 20 IllegalOperation', async () => {
      await conf.coll('src').insertOne({ a: 1 });
      const ns = `${conf.db.databaseName}.src`;
      await assertServerError(conf.client.db('admin').command({ renameCollection: ns, to: ns }), 20, 'IllegalOperation');
    });

    it('moves a collection to another database', async () => {
      const otherDb = conf.client.db(`${conf.db.databaseName}_other`);
      try {
        await conf.coll('src').insertOne({ a: 1 });
        await conf.client.db('admin').command({ renameCollection: `${conf.db.databaseName}.src`, to: `${otherDb.databaseName}.moved` });
        assert.deepEqual(await contents(otherDb.collection('moved')), [{ a: 1 }]);
        assert.equal(await conf.coll('src').countDocuments(), 0);
      } finally {
        await otherDb.dropDatabase();
      }
    });
  });

  describe('statistics', () => {
    it('dbStats counts collections, objects and indexes of the database', async () => {
      await conf.coll('a').insertMany([{ x: 1 }, { x: 2 }]);
      await conf.coll('b').insertOne({ y: 'text' });
      await conf.coll('b').createIndex({ y: 1 });
      const stats = await conf.db.command({ dbStats: 1 });
      assert.equal(stats.collections, 2);
      assert.equal(stats.objects, 3);
      assert.equal(stats.indexes, 3);
      assert.equal(stats.views, 0);
      assert.ok(stats.dataSize > 0);
    });

    it('collStats reports the count of a collection', async () => {
      await conf.coll('a').insertMany([{ x: 1 }, { x: 2 }]);
      const stats = await conf.db.command({ collStats: 'a' });
      assert.equal(stats.count, 2);
      assert.equal(stats.nindexes, 1);
      assert.ok(stats.size > 0);
    });

    it('count without a query answers the number of documents (estimatedDocumentCount)', async () => {
      await conf.coll().insertMany([{ a: 1 }, { a: 2 }, { a: 3 }]);
      assert.equal(await conf.coll().estimatedDocumentCount(), 3);
      const reply = await conf.db.command({ count: 'c', query: { a: { $gt: 1 } }, skip: 1 });
      assert.equal(reply.n, 1);
    });
  });

  describe('killCursors', () => {
    it('reports killed and unknown cursor ids', async () => {
      await conf.coll().insertMany(Array.from({ length: 5 }, (_, i) => ({ i })));
      const reply = await conf.db.command({ find: 'c', batchSize: 2 });
      const id = reply.cursor.id as Long;
      assert.ok(!Long.fromValue(id).isZero());
      const killed = await conf.db.command({ killCursors: 'c', cursors: [id, Long.fromNumber(12345)] });
      assert.deepEqual(killed.cursorsKilled.map(String), [String(id)]);
      assert.deepEqual(killed.cursorsNotFound.map(String), ['12345']);
      await assertServerError(conf.db.command({ getMore: id, collection: 'c' }), 43, 'CursorNotFound');
    });
  });
});
