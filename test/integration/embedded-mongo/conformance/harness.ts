// Shared set-up for the conformance suite: every file gets its own database on whatever server the
// global setup chose (the embedded store, or a real mongod 7.0 named by MONGODB_URI), emptied
// before each test. The suite is written from the MongoDB manual, so it must pass on both.
import assert from 'node:assert/strict';
import type { Collection, Document, MongoServerError } from 'mongodb';
import { serverError, useDriverDatabase, type DriverDatabase } from '../fixtures/connection';

/** Driver options that show the exact BSON types a server sent back. */
export const EXACT_TYPES = { promoteValues: false, promoteLongs: false, promoteBuffers: false, bsonRegExp: true } as const;

export interface Conformance extends DriverDatabase {
  /** A collection of this file's database. */
  coll<T extends Document = Document>(name?: string): Collection<T>;
}

/** Registers the driver database's hooks (see useDriverDatabase) and returns the handle the tests use. */
export function useConformanceDatabase(suffix: string): Conformance {
  const driver = useDriverDatabase(`conf_${suffix}`);
  return Object.assign(driver, {
    coll: <T extends Document = Document>(name = 'c') => driver.db.collection<T>(name),
  });
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
