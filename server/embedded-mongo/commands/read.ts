// find, getMore, killCursors, count, distinct.
import { Long, type Document } from 'bson';
import { bsonType, compareValues, hashKey, isArrayIndex, isNumeric, isPlainObject, toNumber } from '../bson/index';
import { CommandError } from '../errors';
import type { Collection } from '../storage/collection';
import { hintTarget } from '../storage/planner';
import { collectionName, type CommandContext, type CommandHandler, type CommandRun } from './context';
import { compileQuery, findRun, matchingRun, type FindOptions } from './query';

// mongod's IDL messages name the request struct and quote the list of types this oddly.
const NUMBER_TYPES = "'[long, int, decimal, double']";
const REQUEST_STRUCT: Record<string, string> = { find: 'FindCommandRequest', count: 'CountCommandRequest', distinct: 'DistinctCommandRequest' };

function wrongType(command: string, field: string, value: unknown, expected: string): CommandError {
  const struct = REQUEST_STRUCT[command] ?? command;
  return new CommandError('TypeMismatch', `BSON field '${struct}.${field}' is the wrong type '${bsonType(value)}', expected type${expected.startsWith("'[") ? 's' : ''} ${expected}`);
}

export function optionalNumber(value: unknown): number | undefined {
  if (value === undefined || value === null) return undefined;
  const n = toNumber(value);
  return Number.isFinite(n) ? n : undefined;
}

/** A numeric command field that must be a non-negative integer (skip, limit, batchSize). */
function nonNegative(command: Document, commandName: string, field: string): number | undefined {
  const value = command[field] as unknown;
  if (value === undefined || value === null) return undefined;
  if (!isNumeric(value)) throw wrongType(commandName, field, value, NUMBER_TYPES);
  const n = Math.trunc(toNumber(value));
  if (!(n >= 0)) throw new CommandError(51024, `BSON field '${field}' value must be >= 0, actual value '${toNumber(value)}'`);
  return n;
}

function optionalObject(command: Document, commandName: string, field: string): Document | undefined {
  const value = command[field] as unknown;
  if (value === undefined || value === null) return undefined;
  if (!isPlainObject(value)) throw wrongType(commandName, field, value, "'object'");
  return value;
}

/** A hint naming an index that does not exist is refused, as mongod's planner refuses it. */
function checkHint(collection: Collection | undefined, hint: unknown): void {
  if (hint === undefined || hint === null || collection === undefined) return;
  if (typeof hint !== 'string' && !isPlainObject(hint)) throw new CommandError('FailedToParse', 'hint must be a string or an object');
  if (hintTarget(collection, hint) !== undefined) return;
  throw new CommandError('BadValue', 'error processing query: planner returned error :: caused by :: hint provided does not correspond to an existing index');
}

/** Options this store does not implement are refused rather than ignored. */
function refuseUnsupported(command: Document, fields: readonly string[]): void {
  for (const field of fields) {
    const value = command[field] as unknown;
    if (value === undefined || value === false || (isPlainObject(value) && Object.keys(value).length === 0)) continue;
    if (field === 'tailable') throw new CommandError('BadValue', 'error processing query: tailable cursor requested on non capped collection');
    throw new CommandError('NotImplemented', `find option '${field}' is not supported by the embedded store`);
  }
}

export const find: CommandHandler = (command, context) => {
  const name = collectionName(command, 'find');
  const collection = context.catalog.getCollection(context.db, name);
  const filter = optionalObject(command, 'find', 'filter');
  const sort = optionalObject(command, 'find', 'sort');
  const projection = optionalObject(command, 'find', 'projection');
  const skip = nonNegative(command, 'find', 'skip');
  const limit = nonNegative(command, 'find', 'limit');
  const batchSize = nonNegative(command, 'find', 'batchSize');
  refuseUnsupported(command, ['tailable', 'awaitData', 'min', 'max', 'returnKey', 'showRecordId', 'oplogReplay']);
  checkHint(collection, command.hint);
  const options: FindOptions = {
    filter,
    sort,
    projection,
    skip,
    limit: limit === 0 ? undefined : limit,
    collation: command.collation as Document | undefined,
    let: command.let as Document | undefined,
    hint: command.hint,
  };
  return runFind(context, collection, `${context.db}.${name}`, options, batchSize, command.singleBatch === true);
};

function* runFind(context: CommandContext, collection: Collection | undefined, ns: string, options: FindOptions, batchSize: number | undefined, singleBatch: boolean): CommandRun {
  const docs = yield* findRun(collection, options);
  const batch = context.cursors.open(ns, docs, batchSize, singleBatch);
  return { cursor: { firstBatch: batch.docs, id: batch.id, ns } };
}

/** A cursor id as a Long: ids are 63-bit, so an int64 (Long or, in the value model, bigint) is read exactly. */
function cursorIdOf(value: unknown): Long {
  if (value instanceof Long) return value;
  if (typeof value === 'bigint') return Long.fromBigInt(value);
  return Long.fromBigInt(BigInt(Math.trunc(toNumber(value)) || 0));
}

export const getMore: CommandHandler = (command, context) => {
  const id = cursorIdOf(command.getMore);
  const name = String(command.collection);
  const ns = `${context.db}.${name}`;
  const batch = context.cursors.getMore(id, ns, optionalNumber(command.batchSize));
  return { cursor: { nextBatch: batch.docs, id: batch.id, ns } };
};

export const killCursors: CommandHandler = (command, context) => {
  const ids = (command.cursors as unknown[] | undefined) ?? [];
  const cursorsKilled: Long[] = [];
  const cursorsNotFound: Long[] = [];
  for (const raw of ids) {
    const id = cursorIdOf(raw);
    (context.cursors.kill(id) ? cursorsKilled : cursorsNotFound).push(id);
  }
  return { cursorsKilled, cursorsNotFound, cursorsAlive: [], cursorsUnknown: [] };
};

export const count: CommandHandler = (command, context) => {
  const collection = context.catalog.getCollection(context.db, collectionName(command, 'count'));
  const query = optionalObject(command, 'count', 'query');
  const skip = nonNegative(command, 'count', 'skip') ?? 0;
  const limitValue = command.limit as unknown;
  if (limitValue !== undefined && limitValue !== null && !isNumeric(limitValue)) throw wrongType('count', 'limit', limitValue, NUMBER_TYPES);
  // count takes a negative limit as its absolute value (the shell's "hard limit").
  const limit = Math.abs(Math.trunc(optionalNumber(limitValue) ?? 0));
  checkHint(collection, command.hint);
  const compiled = compileQuery(collection, query, command.collation as Document | undefined);
  const run = function* (): CommandRun {
    let n: number;
    if (!query || Object.keys(query).length === 0) n = collection?.docs.size ?? 0;
    else n = (yield* matchingRun(collection, query, compiled, { hint: command.hint, skip, ...(limit > 0 ? { limit: skip + limit } : {}) })).docs.length;
    n = Math.max(0, n - skip);
    if (limit > 0) n = Math.min(n, limit);
    return { n };
  };
  return run();
};

/**
 * The values distinct reports for one document: an array at the end of the path gives its
 * elements (an element that is itself an array is one value), arrays on the way are crossed.
 */
function collectDistinct(value: unknown, parts: readonly string[], depth: number, out: unknown[]): void {
  if (depth === parts.length) {
    if (Array.isArray(value)) out.push(...value.filter((element) => element !== undefined));
    else if (value !== undefined) out.push(value);
    return;
  }
  const part = parts[depth]!;
  if (Array.isArray(value)) {
    if (isArrayIndex(part) && Number(part) < value.length) collectDistinct(value[Number(part)], parts, depth + 1, out);
    for (const element of value) if (isPlainObject(element)) collectDistinct(element, parts, depth, out);
    return;
  }
  if (isPlainObject(value) && Object.prototype.hasOwnProperty.call(value, part)) collectDistinct(value[part], parts, depth + 1, out);
}

export const distinct: CommandHandler = (command, context) => {
  const collection = context.catalog.getCollection(context.db, collectionName(command, 'distinct'));
  const key = command.key as unknown;
  if (typeof key !== 'string') throw wrongType('distinct', 'key', key, "'string'");
  if (key === '' || key.split('.').includes('')) throw new CommandError(40352, 'FieldPath cannot be constructed with empty string');
  const query = optionalObject(command, 'distinct', 'query');
  checkHint(collection, command.hint);
  const compiled = compileQuery(collection, query, command.collation as Document | undefined);
  const parts = key.split('.');
  const run = function* (): CommandRun {
    const seen = new Map<string, unknown>();
    for (const doc of (yield* matchingRun(collection, query, compiled, { hint: command.hint })).docs) {
      const values: unknown[] = [];
      collectDistinct(doc, parts, 0, values);
      for (const value of values) {
        const encoded = hashKey(value, compiled.collator);
        if (!seen.has(encoded)) seen.set(encoded, value);
      }
    }
    // mongod gathers distinct values in an ordered set: they come back in BSON order.
    const values = [...seen.values()].sort((a, b) => compareValues(a, b, compiled.collator));
    return { values };
  };
  return run();
};
