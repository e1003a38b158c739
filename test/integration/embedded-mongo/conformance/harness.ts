// Shared set-up for the conformance suite: every file gets its own database on whatever server the
// global setup chose (the embedded store, or a real mongod 7.0 named by MONGODB_URI), emptied
// before each test. The suite is written from the MongoDB manual, so it must pass on both.
import assert from 'node:assert/strict';
import { MongoClient, MongoServerError, type Collection, type Db, type Document } from 'mongodb';
import { databaseUri } from '../fixtures/connection';

/** Driver options that show the exact BSON types a server sent back. */
export const EXACT_TYPES = { promoteValues: false, promoteLongs: false, promoteBuffers: false, bsonRegExp: true } as const;

export interface Conformance {
  client: MongoClient;
  db: Db;
  /** A collection of this file's database. */
  coll<T extends Document = Document>(name?: string): Collection<T>;
}

/** Registers before/beforeEach/after hooks and returns the handle the tests use. */
export function useConformanceDatabase(suffix: string): Conformance {
  const handle = {} as Conformance;
  before(async () => {
    // Read in before(): mocha's global setup, which sets MONGODB_URI, runs after files load.
    const { uri, dbName } = databaseUri(`conf_${suffix}`);
    handle.client = await MongoClient.connect(uri);
    handle.db = handle.client.db(dbName);
    handle.coll = <T extends Document = Document>(name = 'c') => handle.db.collection<T>(name);
  });
  beforeEach(async () => {
    await handle.db.dropDatabase();
  });
  after(async () => {
    await handle.db.dropDatabase();
    await handle.client.close();
  });
  return handle;
}

/** Awaits a promise that must fail with a server error, and returns that error. */
export async function serverError(promise: Promise<unknown>): Promise<MongoServerError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof MongoServerError, `expected a MongoServerError, got ${String(error)}`);
    return error;
  }
  assert.fail('expected the server to refuse the operation');
}

/** Asserts a server error's code and codeName, as drivers and applications branch on them. */
export async function assertServerError(promise: Promise<unknown>, code: number, codeName: string): Promise<MongoServerError> {
  const error = await serverError(promise);
  assert.equal(error.code, code, `code (message: ${error.message})`);
  assert.equal(error.codeName, codeName, `codeName (message: ${error.message})`);
  return error;
}

/** Documents of a collection without _id, in natural order or the given sort. */
export async function contents(collection: Collection, sort: Document = { _id: 1 }): Promise<Document[]> {
  return collection.find({}, { projection: { _id: 0 }, sort }).toArray();
}

/**
 * Asserts a write error's code. Write errors (writeErrors[] of insert/update/delete) carry a code
 * and a message but no codeName on a real server, so only the code is compared.
 */
export async function assertWriteError(promise: Promise<unknown>, code: number): Promise<MongoServerError> {
  const error = await serverError(promise);
  assert.equal(error.code, code, `code (message: ${error.message})`);
  return error;
}
