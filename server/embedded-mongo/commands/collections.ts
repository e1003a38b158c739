// create, drop, listCollections, collMod, dropDatabase, listDatabases.
import type { Document } from 'bson';
import { Query } from 'mingo';
import { CommandError } from '../errors';
import type { IndexSpec } from '../storage/indexes';
import { encodeValue } from '../storage/values';
import { collectionName, type CommandHandler } from './context';

export const create: CommandHandler = (command, context) => {
  const name = collectionName(command, 'create');
  const { create: _name, $db: _db, lsid: _lsid, $readPreference: _rp, writeConcern: _wc, ...options } = command;
  const existing = context.catalog.getCollection(context.db, name);
  if (existing) {
    // MongoDB 7 accepts re-creating a collection with identical options and refuses otherwise.
    if (encodeValue(existing.options) === encodeValue(options) || Object.keys(options).length === 0) return {};
    throw new CommandError('NamespaceExists', `Collection ${context.db}.${name} already exists.`);
  }
  context.catalog.ensureCollection(context.db, name, options);
  return {};
};

export const drop: CommandHandler = (command, context) => {
  const name = collectionName(command, 'drop');
  const collection = context.catalog.getCollection(context.db, name);
  const nIndexesWas = collection ? collection.indexSpecs().length : 0;
  context.catalog.dropCollection(context.db, name);
  return { ns: `${context.db}.${name}`, nIndexesWas };
};

export const listCollections: CommandHandler = (command, context) => {
  const filter = (command.filter as Document | undefined) ?? {};
  const query = new Query(filter, {});
  const infos = context.catalog.collections(context.db).map((collection) =>
    command.nameOnly
      ? { name: collection.name, type: 'collection' }
      : {
          name: collection.name,
          type: 'collection',
          options: collection.options,
          info: { readOnly: false },
          idIndex: { v: 2, key: { _id: 1 }, name: '_id_' },
        },
  );
  const matched = infos.filter((info) => query.test(info));
  const ns = `${context.db}.$cmd.listCollections`;
  const batch = context.cursors.open(ns, matched, (command.cursor as Document | undefined)?.batchSize as number | undefined);
  return { cursor: { firstBatch: batch.docs, id: batch.id, ns } };
};

export const collMod: CommandHandler = (command, context) => {
  const name = collectionName(command, 'collMod');
  const collection = context.catalog.getCollection(context.db, name);
  if (!collection) throw new CommandError('NamespaceNotFound', `ns does not exist: ${context.db}.${name}`);
  const reply: Document = {};
  const change = command.index as Document | undefined;
  if (change) {
    const spec = collection
      .indexSpecs()
      .find((candidate) => (change.name ? candidate.name === change.name : encodeValue(candidate.key) === encodeValue(change.keyPattern)));
    if (!spec || spec.name === '_id_') throw new CommandError('IndexNotFound', `cannot find index ${JSON.stringify(change.name ?? change.keyPattern)} for ns ${collection.namespace}`);
    const next: IndexSpec = { ...spec };
    if (change.expireAfterSeconds !== undefined) {
      reply.expireAfterSeconds_old = spec.expireAfterSeconds;
      next.expireAfterSeconds = Number(change.expireAfterSeconds);
      reply.expireAfterSeconds_new = next.expireAfterSeconds;
    }
    if (change.hidden !== undefined) next.hidden = change.hidden;
    context.catalog.replaceIndexSpec(collection, next);
  }
  const { collMod: _name, $db: _db, lsid: _lsid, index: _index, writeConcern: _wc, $readPreference: _rp, ...options } = command;
  if (Object.keys(options).length > 0) context.catalog.setOptions(collection, { ...collection.options, ...options });
  return reply;
};

export const dropDatabase: CommandHandler = (_command, context) => {
  context.catalog.dropDatabase(context.db);
  return { dropped: context.db };
};

export const listDatabases: CommandHandler = (command, context) => {
  const databases = context.catalog.databaseNames().map((name) => {
    const docs = context.catalog.collections(name).reduce((sum, collection) => sum + collection.docs.size, 0);
    // Sizes are estimates: the store keeps no per-database files to measure.
    return command.nameOnly ? { name } : { name, sizeOnDisk: docs * 256, empty: docs === 0 };
  });
  const filtered = command.filter ? databases.filter((info) => new Query(command.filter as Document, {}).test(info)) : databases;
  const reply: Document = { databases: filtered };
  if (!command.nameOnly) reply.totalSize = filtered.reduce((sum, info) => sum + ((info as Document).sizeOnDisk as number), 0);
  return reply;
};

export const dbStats: CommandHandler = (command, context) => {
  const collections = context.catalog.collections(context.db);
  const objects = collections.reduce((sum, collection) => sum + collection.docs.size, 0);
  const indexes = collections.reduce((sum, collection) => sum + collection.indexSpecs().length, 0);
  const scale = Number(command.scale ?? 1) || 1;
  // Byte sizes are rough estimates (the store keeps no files per collection to measure).
  const dataSize = Math.round((objects * 256) / scale);
  return { db: context.db, collections: collections.length, views: 0, objects, avgObjSize: objects ? 256 : 0, dataSize, storageSize: dataSize, indexes, indexSize: 0, totalSize: dataSize, scaleFactor: scale };
};
