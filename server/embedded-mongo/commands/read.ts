// find, getMore, killCursors, count, distinct.
import { Long, type Document } from 'bson';
import { CommandError } from '../errors';
import { encodeValue, valuesAtPath } from '../storage/values';
import { collectionName, type CommandHandler } from './context';
import { findDocuments, matchingDocuments } from './query';

export function optionalNumber(value: unknown): number | undefined {
  if (value === undefined || value === null) return undefined;
  const n = Number(value);
  return Number.isFinite(n) ? n : undefined;
}

export const find: CommandHandler = (command, context) => {
  const name = collectionName(command, 'find');
  const collection = context.catalog.getCollection(context.db, name);
  const limit = optionalNumber(command.limit);
  const docs = findDocuments(context.catalog, collection, {
    filter: command.filter as Document | undefined,
    sort: command.sort as Document | undefined,
    projection: command.projection as Document | undefined,
    skip: optionalNumber(command.skip),
    limit,
    collation: command.collation as Document | undefined,
  });
  const singleBatch = command.singleBatch === true || (limit !== undefined && limit < 0);
  const batch = context.cursors.open(`${context.db}.${name}`, docs, optionalNumber(command.batchSize), singleBatch);
  return { cursor: { firstBatch: batch.docs, id: batch.id, ns: `${context.db}.${name}` } };
};

export const getMore: CommandHandler = (command, context) => {
  const id = command.getMore instanceof Long ? command.getMore : Long.fromNumber(Number(command.getMore));
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
    const id = raw instanceof Long ? raw : Long.fromNumber(Number(raw));
    (context.cursors.kill(id) ? cursorsKilled : cursorsNotFound).push(id);
  }
  return { cursorsKilled, cursorsNotFound, cursorsAlive: [], cursorsUnknown: [] };
};

export const count: CommandHandler = (command, context) => {
  const collection = context.catalog.getCollection(context.db, collectionName(command, 'count'));
  const query = command.query as Document | undefined;
  let n = !query || Object.keys(query).length === 0 ? (collection?.docs.size ?? 0) : matchingDocuments(context.catalog, collection, query, command.collation as Document | undefined).length;
  const skip = optionalNumber(command.skip) ?? 0;
  n = Math.max(0, n - skip);
  const limit = Math.abs(optionalNumber(command.limit) ?? 0);
  if (limit > 0) n = Math.min(n, limit);
  return { n };
};

export const distinct: CommandHandler = (command, context) => {
  const collection = context.catalog.getCollection(context.db, collectionName(command, 'distinct'));
  const key = command.key;
  if (typeof key !== 'string') throw new CommandError('TypeMismatch', "BSON field 'distinct.key' is the wrong type, expected type 'string'");
  const seen = new Map<string, unknown>();
  for (const doc of matchingDocuments(context.catalog, collection, command.query as Document | undefined, command.collation as Document | undefined)) {
    for (const value of valuesAtPath(doc, key)) {
      // Arrays contribute their elements, not themselves; missing values are not listed.
      if (value === undefined || Array.isArray(value)) continue;
      const encoded = encodeValue(value);
      if (!seen.has(encoded)) seen.set(encoded, value);
    }
  }
  return { values: [...seen.values()] };
};
