// Error codes and names as mongod 7.0 answers them (src/mongo/base/error_codes.yml for names; the
// manual's operator pages for the conditions: reference/operator/update/inc, push, pop, rename,
// positional; reference/operator/aggregation/*; reference/command/createIndexes, dropIndexes).
// Command errors carry code and codeName; write errors (writeErrors[]) carry the code only.
import assert from 'node:assert/strict';
import type { Document } from 'mongodb';
import { assertServerError, assertWriteError, useConformanceDatabase } from './harness';

describe('conformance: errors', () => {
  const conf = useConformanceDatabase('errors');

  beforeEach(async () => {
    await conf.coll().insertOne({ _id: 1 as never, a: 1, s: 'text', arr: [1, 2], n: { x: 1 } });
  });

  describe('query errors', () => {
    const cases: Array<[string, Document, number, string, RegExp]> = [
      ['an unknown field operator', { a: { $foo: 1 } }, 2, 'BadValue', /unknown operator: \$foo/],
      ['an unknown top-level operator', { $foo: 1 }, 2, 'BadValue', /unknown top level operator: \$foo/],
      ['$in without an array', { a: { $in: 1 } }, 2, 'BadValue', /\$in needs an array/],
      ['$nin without an array', { a: { $nin: 1 } }, 2, 'BadValue', /\$nin needs an array/],
      ['$and with an empty array', { $and: [] }, 2, 'BadValue', /\$and\/\$or\/\$nor must be a nonempty array/],
      ['$or that is not an array', { $or: { a: 1 } }, 2, 'BadValue', /must be an array/],
      ['$type with an unknown alias', { a: { $type: 'nosuch' } }, 2, 'BadValue', /Unknown type name alias: nosuch/],
      ['$mod with one element', { a: { $mod: [1] } }, 2, 'BadValue', /malformed mod, not enough elements/],
      ['$size with a string', { arr: { $size: 'two' } }, 2, 'BadValue', /Failed to parse \$size\. Expected a number in: \$size: "two"/],
      ['$regex that does not compile', { s: { $regex: '(' } }, 51091, 'Location51091', /Regular expression is invalid/],
      ['$elemMatch without an object', { arr: { $elemMatch: 1 } }, 2, 'BadValue', /\$elemMatch needs an Object/],
      ['$exists with $not of a non-object', { a: { $not: 1 } }, 2, 'BadValue', /\$not needs a regex or a document/],
    ];
    for (const [title, filter, code, codeName, message] of cases) {
      it(`find refuses ${title} with ${code} ${codeName}`, async () => {
        const error = await assertServerError(conf.coll().find(filter).toArray(), code, codeName);
        assert.match(error.message, message);
      });
    }

    it('a sort value other than 1, -1 or $meta is refused: 15975', async () => {
      // Sent as a raw command: the driver itself refuses such a sort before sending it.
      await assertServerError(conf.db.command({ find: 'c', sort: { a: 2 } }), 15975, 'Location15975');
    });
  });

  describe('update errors (write errors)', () => {
    const cases: Array<[string, Document, number, RegExp, Document?]> = [
      ['$inc on a string', { $inc: { s: 1 } }, 14, /Cannot apply \$inc to a value of non-numeric type/],
      ['$inc with a non-numeric amount', { $inc: { a: 'x' } }, 14, /Cannot increment with non-numeric argument/],
      ['$mul on a string', { $mul: { s: 2 } }, 14, /Cannot apply \$mul to a value of non-numeric type/],
      ['$push onto a non-array', { $push: { a: 2 } }, 2, /The field 'a' must be an array but is of type int/],
      ['$addToSet onto a non-array', { $addToSet: { s: 2 } }, 2, /Cannot apply \$addToSet to non-array field/],
      ['$pop on a non-array', { $pop: { a: 1 } }, 14, /Path 'a' contains an element of non-array type 'int'/],
      ['$pull on a non-array', { $pull: { a: 1 } }, 2, /Cannot apply \$pull to a non-array value/],
      ['an unknown update operator', { $frobnicate: { a: 1 } }, 9, /Unknown modifier: \$frobnicate/],
      ['two operators on the same path', { $set: { a: 1 }, $inc: { a: 1 } }, 40, /Updating the path 'a' would create a conflict at 'a'/],
      ['a parent and child path together', { $set: { n: {}, 'n.x': 2 } }, 40, /would create a conflict at 'n'/],
      ['a field inside a scalar', { $set: { 'a.b': 1 } }, 28, /Cannot create field 'b' in element \{a: 1\}/],
      ['$rename onto itself', { $rename: { a: 'a' } }, 2, /The source and target field for \$rename must differ/],
      ['an empty path', { $set: { '': 1 } }, 56, /An empty update path is not valid/],
      ['the positional operator without an array in the query', { $set: { 'arr.$': 9 } }, 2, /The positional operator did not find the match needed from the query/],
      ['a filtered positional without its array filter', { $set: { 'arr.$[x]': 9 } }, 2, /No array filter found for identifier 'x' in path 'arr.\$\[x\]'/],
    ];
    for (const [title, update, code, message] of cases) {
      it(`refuses ${title} with ${code} and leaves the document unchanged`, async () => {
        const error = await assertWriteError(conf.coll().updateOne({ _id: 1 as never }, update), code);
        assert.match(error.message, message);
        assert.deepEqual(await conf.coll().findOne({ _id: 1 as never }), { _id: 1, a: 1, s: 'text', arr: [1, 2], n: { x: 1 } });
      });
    }

    it('updateMany that fails half-way keeps the documents already updated (no rollback) but stops', async () => {
      await conf.coll().insertMany([{ _id: 2 as never, a: 2 }, { _id: 3 as never, a: 'x' }, { _id: 4 as never, a: 4 }]);
      await assertWriteError(conf.coll().updateMany({ _id: { $gte: 2 } as never }, { $inc: { a: 1 } }), 14);
      assert.equal((await conf.coll().findOne({ _id: 2 as never }))?.a, 3);
      assert.equal((await conf.coll().findOne({ _id: 3 as never }))?.a, 'x');
    });
  });

  describe('write batch size', () => {
    // The write commands' parser: a batch holds 1 to maxWriteBatchSize (100,000) operations.
    for (const [name, command] of [
      ['insert', { insert: 'c', documents: [] }],
      ['update', { update: 'c', updates: [] }],
      ['delete', { delete: 'c', deletes: [] }],
    ] as const) {
      it(`an empty ${name} batch is refused: 16 InvalidLength`, async () => {
        const error = await assertServerError(conf.db.command(command), 16, 'InvalidLength');
        assert.match(error.message, /Write batch sizes must be between 1 and 100000\. Got 0 operations\./);
      });
    }
  });

  describe('aggregation errors', () => {
    const cases: Array<[string, Document[], number, string, RegExp]> = [
      ['an unknown stage', [{ $frobnicate: {} }], 40324, 'Location40324', /Unrecognized pipeline stage name: '\$frobnicate'/],
      ['$group without _id', [{ $group: { n: { $sum: 1 } } }], 15955, 'Location15955', /a group specification must include an _id/],
      ['an unknown accumulator', [{ $group: { _id: null, n: { $frobnicate: 1 } } }], 15952, 'Location15952', /unknown group operator '\$frobnicate'/],
      ['an unknown expression operator', [{ $project: { r: { $frobnicate: 1 } } }], 168, 'InvalidPipelineOperator', /Unrecognized expression '\$frobnicate'/],
      ['$divide by zero', [{ $project: { r: { $divide: ['$a', 0] } } }], 2, 'BadValue', /can't \$divide by zero/],
      ['$unwind of a path without $', [{ $unwind: 'arr' }], 28818, 'Location28818', /path option to \$unwind stage should be prefixed with a '\$'/],
      ['$limit 0', [{ $limit: 0 }], 15958, 'Location15958', /the limit must be positive/],
      ['an undefined variable', [{ $project: { r: '$$nosuch' } }], 17276, 'Location17276', /Use of undefined variable: nosuch/],
      ['a stage with two names', [{ $match: {}, $limit: 1 }], 40323, 'Location40323', /A pipeline stage specification object must contain exactly one field/],
      ['$project mixing inclusion and exclusion', [{ $project: { a: 1, s: 0 } }], 31254, 'Location31254', /Cannot do exclusion on field s in inclusion projection/],
    ];
    for (const [title, pipeline, code, codeName, message] of cases) {
      it(`refuses ${title} with ${code} ${codeName}`, async () => {
        const error = await assertServerError(conf.coll().aggregate(pipeline).toArray(), code, codeName);
        assert.match(error.message, message);
      });
    }

    it('aggregate without a cursor option is refused: 9 FailedToParse', async () => {
      await assertServerError(conf.db.command({ aggregate: 'c', pipeline: [] }), 9, 'FailedToParse');
    });

    it('aggregate with a pipeline that is not an array is refused: 14 TypeMismatch', async () => {
      await assertServerError(conf.db.command({ aggregate: 'c', pipeline: { $match: {} }, cursor: {} }), 14, 'TypeMismatch');
    });
  });

  describe('index errors', () => {
    it('a unique index over duplicate values is refused: 11000 DuplicateKey, and not created', async () => {
      await conf.coll().insertOne({ _id: 2 as never, a: 1 });
      await assertServerError(conf.coll().createIndex({ a: 1 }, { unique: true }), 11000, 'DuplicateKey');
      const names = (await conf.coll().listIndexes().toArray()).map((index) => index.name);
      assert.deepEqual(names, ['_id_']);
    });

    it('the same name for another key is refused: 86 IndexKeySpecsConflict', async () => {
      await conf.coll().createIndex({ a: 1 }, { name: 'mine' });
      await assertServerError(conf.coll().createIndex({ s: 1 }, { name: 'mine' }), 86, 'IndexKeySpecsConflict');
    });

    it('the same key and name with other options is refused: 85 IndexOptionsConflict', async () => {
      await conf.coll().createIndex({ a: 1 });
      await assertServerError(conf.coll().createIndex({ a: 1 }, { unique: true }), 85, 'IndexOptionsConflict');
    });

    it('dropping the _id index is refused: 72 InvalidOptions', async () => {
      await assertServerError(conf.coll().dropIndex('_id_'), 72, 'InvalidOptions');
    });

    it('dropping an index that does not exist: 27 IndexNotFound', async () => {
      await assertServerError(conf.coll().dropIndex('nosuch_1'), 27, 'IndexNotFound');
    });

    it('listIndexes on a missing collection: 26 NamespaceNotFound', async () => {
      await assertServerError(conf.coll('missing').listIndexes().toArray(), 26, 'NamespaceNotFound');
    });

    it('an unknown index option is refused: 197 InvalidIndexSpecificationOption, nothing built', async () => {
      await assertServerError(conf.db.command({ createIndexes: 'c', indexes: [{ key: { a: 1 }, name: 'a_1' }, { key: { s: 1 }, name: 's_1', uniqe: true }] }), 197, 'InvalidIndexSpecificationOption');
      assert.deepEqual((await conf.coll().listIndexes().toArray()).map((index) => index.name), ['_id_']);
    });

    it('an unknown index type is refused: 67 CannotCreateIndex', async () => {
      await assertServerError(conf.db.command({ createIndexes: 'c', indexes: [{ key: { a: 'nosuchtype' }, name: 'a_x' }] }), 67, 'CannotCreateIndex');
    });

    it('a key direction of 0 is refused: 67 CannotCreateIndex', async () => {
      await assertServerError(conf.db.command({ createIndexes: 'c', indexes: [{ key: { a: 0 }, name: 'a_0' }] }), 67, 'CannotCreateIndex');
    });

    it('a compound TTL index is refused: 67 CannotCreateIndex', async () => {
      await assertServerError(conf.coll().createIndex({ a: 1, s: 1 }, { expireAfterSeconds: 60 }), 67, 'CannotCreateIndex');
    });

    it('a text index either serves $text queries or is refused with 238 (never recorded and ignored)', async () => {
      const outcome = await conf.coll().createIndex({ s: 'text' }).catch((error: unknown) => error);
      if (outcome instanceof Error) {
        assert.equal((outcome as { code?: number }).code, 238);
        assert.match(outcome.message, /text indexes/);
        return;
      }
      assert.deepEqual((await conf.coll().find({ $text: { $search: 'text' } }).toArray()).map((doc) => doc._id), [1]);
    });

    it('an index without a key is refused: 9 FailedToParse', async () => {
      await assertServerError(conf.db.command({ createIndexes: 'c', indexes: [{ name: 'nokey' }] }), 9, 'FailedToParse');
    });
  });

  it('getMore of an unknown cursor: 43 CursorNotFound', async () => {
    const { Long } = await import('mongodb');
    await assertServerError(conf.db.command({ getMore: Long.fromNumber(424242), collection: 'c' }), 43, 'CursorNotFound');
  });
});
