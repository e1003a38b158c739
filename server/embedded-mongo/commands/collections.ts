// create, drop, listCollections, collMod, dropDatabase, listDatabases.
import { calculateObjectSize, type Document } from 'bson';
import { viewDefinition } from '../aggregate/view';
import { hashKey, isPlainObject, parseCollation } from '../bson/index';
import { CommandError } from '../errors';
import { compileFilter } from '../query/index';
import type { Collection } from '../storage/collection';
import { compileValidator } from '../storage/catalog';
import type { IndexSpec } from '../storage/indexes';
import { collectionName, type CommandHandler } from './context';
import { withoutGenericFields } from './fields';
import { notOnView, parseViewDefinition } from './views';

/**
 * Collection options the store honours as they are (validators and views are checked apart).
 * Everything else mongod accepts on create (capped and time-series collections, a default
 * collation...) changes what later commands do; accepting it and then behaving like a plain
 * collection would be a silent lie, so it is refused with 238 NotImplemented naming the option.
 */
const CREATE_OPTIONS_HONOURED = new Set(['storageEngine', 'indexOptionDefaults', 'idIndex', 'autoIndexId', 'flags', 'temp']);
const VALIDATION_LEVELS = ['off', 'strict', 'moderate'];
const VALIDATION_ACTIONS = ['error', 'warn'];

function refuseUnsupportedOptions(commandName: string, options: Document): void {
  for (const [option, value] of Object.entries(options)) {
    if (CREATE_OPTIONS_HONOURED.has(option)) continue;
    // capped: false is the default and changes nothing.
    if (option === 'capped' && value === false) continue;
    if (option === 'validator') {
      if (!isPlainObject(value)) throw new CommandError('TypeMismatch', `BSON field '${commandName}.validator' is the wrong type, expected type 'object'`);
      // An invalid validator is refused now, not at the first write.
      compileValidator(value);
      continue;
    }
    if (option === 'validationLevel') {
      if (typeof value !== 'string' || !VALIDATION_LEVELS.includes(value)) {
        throw new CommandError('BadValue', `Enumeration value '${String(value)}' for field '${commandName}.validationLevel' is not a valid value.`);
      }
      continue;
    }
    if (option === 'validationAction') {
      if (typeof value !== 'string' || !VALIDATION_ACTIONS.includes(value)) {
        throw new CommandError('BadValue', `Enumeration value '${String(value)}' for field '${commandName}.validationAction' is not a valid value.`);
      }
      continue;
    }
    throw new CommandError('NotImplemented', `the embedded store does not support ${describeOption(option)} ('${commandName}.${option}')`);
  }
}

function describeOption(option: string): string {
  switch (option) {
    case 'viewOn':
    case 'pipeline':
      return 'views';
    case 'validator':
    case 'validationLevel':
    case 'validationAction':
      return 'schema validation';
    case 'capped':
    case 'size':
    case 'max':
    case 'cappedSize':
    case 'cappedMax':
      return 'capped collections';
    case 'timeseries':
      return 'time series collections';
    case 'clusteredIndex':
      return 'clustered collections';
    case 'collation':
      return 'changing the default collation of a collection';
    case 'encryptedFields':
      return 'queryable encryption';
    case 'changeStreamPreAndPostImages':
    case 'recordPreImages':
      return 'change streams';
    default:
      return `the option '${option}'`;
  }
}

export const create: CommandHandler = (command, context) => {
  const name = collectionName(command, 'create');
  const { create: _name, collation, ...rest } = withoutGenericFields(command);
  const requested: Document = rest;
  // A default collation (collection or view) is kept in mongod's full form, and not at all
  // when it is `simple`; the dispatcher applies it to operations that name none (commands/index.ts).
  const collator = parseCollation(collation);
  let options: Document = collator ? { ...requested, collation: collator.spec } : requested;
  if (requested.viewOn !== undefined || requested.pipeline !== undefined) {
    if (requested.viewOn === undefined) throw new CommandError('BadValue', "'pipeline' requires 'viewOn' to also be specified");
    const { viewOn: _viewOn, pipeline: _pipeline, ...others } = requested;
    refuseUnsupportedOptions('create', others);
    options = { ...others, ...parseViewDefinition(requested), ...(collator ? { collation: collator.spec } : {}) };
  } else {
    refuseUnsupportedOptions('create', requested);
  }
  const existing = context.catalog.getCollection(context.db, name);
  if (existing) {
    // MongoDB 7 accepts re-creating a collection with identical options and refuses otherwise.
    if (hashKey(existing.options) === hashKey(options) || Object.keys(options).length === 0) return {};
    throw new CommandError('NamespaceExists', `Collection ${context.db}.${name} already exists.`);
  }
  context.catalog.ensureCollection(context.db, name, options);
  return {};
};

/** Splits "db.collection" at the first dot, as mongod's NamespaceString does. */
function parseNamespace(value: unknown, role: 'source' | 'target'): { db: string; coll: string } {
  const text = typeof value === 'string' ? value : '';
  const dot = text.indexOf('.');
  if (dot <= 0 || dot === text.length - 1) throw new CommandError('InvalidNamespace', `Invalid ${role} namespace: ${text}`);
  return { db: text.slice(0, dot), coll: text.slice(dot + 1) };
}

// https://www.mongodb.com/docs/v7.0/reference/command/renameCollection/
export const renameCollection: CommandHandler = (command, context) => {
  if (context.db !== 'admin') throw new CommandError('Unauthorized', 'renameCollection may only be run against the admin database.');
  if (typeof command.to !== 'string') {
    throw new CommandError('TypeMismatch', `BSON field 'renameCollection.to' is the wrong type '${bsonTypeOf(command.to)}', expected type 'string'`);
  }
  const source = parseNamespace(command.renameCollection, 'source');
  const target = parseNamespace(command.to, 'target');
  if (source.db === target.db && source.coll === target.coll) throw new CommandError('IllegalOperation', "Can't rename a collection to itself");
  const collection = context.catalog.getCollection(source.db, source.coll);
  if (!collection) throw new CommandError('NamespaceNotFound', `Source collection ${source.db}.${source.coll} does not exist`);
  if (viewDefinition(collection.options)) throw new CommandError('CommandNotSupportedOnView', `cannot rename view: ${source.db}.${source.coll}`);
  if (context.catalog.getCollection(target.db, target.coll)) {
    if (command.dropTarget !== true) throw new CommandError('NamespaceExists', 'target namespace exists');
    context.catalog.dropCollection(target.db, target.coll);
  }
  context.catalog.renameCollection(collection, target.db, target.coll);
  return {};
};

function bsonTypeOf(value: unknown): string {
  if (value === undefined) return 'missing';
  if (value === null) return 'null';
  if (typeof value === 'number') return 'double';
  if (typeof value === 'boolean') return 'bool';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

export const drop: CommandHandler = (command, context) => {
  const name = collectionName(command, 'drop');
  const collection = context.catalog.getCollection(context.db, name);
  const nIndexesWas = collection ? collection.indexSpecs().length : 0;
  context.catalog.dropCollection(context.db, name);
  return { ns: `${context.db}.${name}`, nIndexesWas };
};

// https://www.mongodb.com/docs/v7.0/reference/command/listCollections/ (views: type 'view', readOnly).
export const listCollections: CommandHandler = (command, context) => {
  const matcher = compileFilter((command.filter as Document | undefined) ?? {});
  const infos = context.catalog.collections(context.db).map((collection): Document => {
    const view = viewDefinition(collection.options);
    if (command.nameOnly) return { name: collection.name, type: view ? 'view' : 'collection' };
    if (view) return { name: collection.name, type: 'view', options: collection.options, info: { readOnly: true } };
    return {
      name: collection.name,
      type: 'collection',
      options: collection.options,
      info: { readOnly: false },
      idIndex: { v: 2, key: { _id: 1 }, name: '_id_' },
    };
  });
  const matched = infos.filter((info) => matcher.test(info));
  const ns = `${context.db}.$cmd.listCollections`;
  const batch = context.cursors.open(ns, matched, (command.cursor as Document | undefined)?.batchSize as number | undefined);
  return { cursor: { firstBatch: batch.docs, id: batch.id, ns } };
};

export const collMod: CommandHandler = (command, context) => {
  const name = collectionName(command, 'collMod');
  const collection = context.catalog.getCollection(context.db, name);
  if (!collection) throw new CommandError('NamespaceNotFound', `ns does not exist: ${context.db}.${name}`);
  const { collMod: _name, index: _index, ...requested } = withoutGenericFields(command);
  let options: Document = requested;
  if (viewDefinition(collection.options)) {
    // A view changes its definition only: mongod refuses index and collection options on it.
    if (command.index !== undefined || Object.keys(requested).some((option) => option !== 'viewOn' && option !== 'pipeline')) {
      throw new CommandError('InvalidOptions', `option not supported on a view: ${Object.keys(requested).join(', ') || 'index'}`);
    }
    options = parseViewDefinition({ ...collection.options, ...requested });
  } else if (requested.viewOn !== undefined || requested.pipeline !== undefined) {
    throw new CommandError('InvalidOptions', `${context.db}.${name} is a collection, not a view: 'viewOn' and 'pipeline' apply to views only`);
  } else {
    // Refused before anything changes, so a half-applied collMod never happens.
    refuseUnsupportedOptions('collMod', options);
  }
  const reply: Document = {};
  const change = command.index as Document | undefined;
  if (change) {
    const spec = collection
      .indexSpecs()
      .find((candidate) => (change.name ? candidate.name === change.name : hashKey(candidate.key) === hashKey(change.keyPattern)));
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
  if (Object.keys(options).length > 0) context.catalog.setOptions(collection, { ...collection.options, ...options });
  return reply;
};

export const dropDatabase: CommandHandler = (_command, context) => {
  context.catalog.dropDatabase(context.db);
  return { dropped: context.db };
};

// https://www.mongodb.com/docs/v7.0/reference/command/listDatabases/
export const listDatabases: CommandHandler = (command, context) => {
  if (context.db !== 'admin') throw new CommandError('Unauthorized', 'listDatabases may only be run against the admin database.');
  const databases = context.catalog.databaseNames().map((name) => {
    const docs = context.catalog.collections(name).reduce((sum, collection) => sum + collection.docs.size, 0);
    // Sizes are estimates: the store keeps no per-database files to measure.
    return command.nameOnly ? { name } : { name, sizeOnDisk: docs * 256, empty: docs === 0 };
  });
  const matcher = compileFilter(command.filter as Document | undefined);
  const filtered = databases.filter((info) => matcher.test(info));
  const reply: Document = { databases: filtered };
  if (!command.nameOnly) reply.totalSize = filtered.reduce((sum, info) => sum + ((info as Document).sizeOnDisk as number), 0);
  return reply;
};

/** Sizes are the documents' BSON sizes; the store keeps no files per collection to measure. */
function dataSizeOf(collection: Collection): number {
  let size = 0;
  for (const doc of collection.docs.values()) size += calculateObjectSize(doc);
  return size;
}

export const dbStats: CommandHandler = (command, context) => {
  const entries = context.catalog.collections(context.db);
  const collections = entries.filter((collection) => !viewDefinition(collection.options));
  const views = entries.length - collections.length;
  const objects = collections.reduce((sum, collection) => sum + collection.docs.size, 0);
  const indexes = collections.reduce((sum, collection) => sum + collection.indexSpecs().length, 0);
  const scale = Math.max(1, Math.trunc(Number(command.scale ?? 1)) || 1);
  const bytes = collections.reduce((sum, collection) => sum + dataSizeOf(collection), 0);
  const dataSize = Math.trunc(bytes / scale);
  // Index sizes are not measured (in-memory structures): reported as 0 rather than guessed.
  return {
    db: context.db, collections: collections.length, views, objects, avgObjSize: objects ? bytes / objects : 0,
    dataSize, storageSize: dataSize, indexes, indexSize: 0, totalSize: dataSize, scaleFactor: scale,
  };
};

export const collStats: CommandHandler = (command, context) => {
  const name = collectionName(command, 'collStats');
  const collection = context.catalog.getCollection(context.db, name);
  if (!collection) throw new CommandError('NamespaceNotFound', `Collection [${context.db}.${name}] not found.`);
  if (viewDefinition(collection.options)) throw notOnView(context, name);
  const scale = Math.max(1, Math.trunc(Number(command.scale ?? 1)) || 1);
  const bytes = dataSizeOf(collection);
  const specs = collection.indexSpecs();
  return {
    ns: collection.namespace, size: Math.trunc(bytes / scale), count: collection.docs.size,
    avgObjSize: collection.docs.size ? Math.trunc(bytes / collection.docs.size) : 0, storageSize: Math.trunc(bytes / scale),
    nindexes: specs.length, totalIndexSize: 0, indexSizes: Object.fromEntries(specs.map((spec) => [spec.name, 0])),
    capped: false, scaleFactor: scale,
  };
};
