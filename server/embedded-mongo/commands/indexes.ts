// createIndexes, listIndexes, dropIndexes.
import type { Document } from 'bson';
import { CommandError } from '../errors';
import { ID_INDEX_SPEC } from '../storage/collection';
import type { IndexSpec } from '../storage/indexes';
import { encodeValue } from '../storage/values';
import { collectionName, type CommandHandler } from './context';

/** Options that make two index specs different indexes (name and key aside). */
const COMPARED_OPTIONS = ['unique', 'sparse', 'expireAfterSeconds', 'partialFilterExpression', 'collation'];

function defaultIndexName(key: Document): string {
  return Object.entries(key).map(([field, direction]) => `${field}_${String(direction)}`).join('_');
}

function sameOptions(a: IndexSpec, b: IndexSpec): boolean {
  return COMPARED_OPTIONS.every((option) => encodeValue(a[option] ?? null) === encodeValue(b[option] ?? null));
}

export const createIndexes: CommandHandler = (command, context) => {
  const name = collectionName(command, 'createIndexes');
  const requested = command.indexes;
  if (!Array.isArray(requested) || requested.length === 0) throw new CommandError('BadValue', 'Must specify at least one index to create');
  const createdCollectionAutomatically = !context.catalog.getCollection(context.db, name);
  const collection = context.catalog.ensureCollection(context.db, name);
  const numIndexesBefore = collection.indexSpecs().length;
  for (const raw of requested as Document[]) {
    if (!raw.key || typeof raw.key !== 'object' || Object.keys(raw.key as Document).length === 0) {
      throw new CommandError('FailedToParse', "The 'key' field is a required property of an index specification");
    }
    const spec: IndexSpec = { v: 2, ...raw, key: raw.key as Document, name: typeof raw.name === 'string' ? raw.name : defaultIndexName(raw.key as Document) };
    if (spec.expireAfterSeconds !== undefined) spec.expireAfterSeconds = Number(spec.expireAfterSeconds);
    const existing = collection.indexSpecs();
    const sameName = existing.find((candidate) => candidate.name === spec.name);
    const sameKey = existing.find((candidate) => encodeValue(candidate.key) === encodeValue(spec.key));
    if (sameName) {
      if (encodeValue(sameName.key) !== encodeValue(spec.key)) {
        throw new CommandError('IndexKeySpecsConflict', `An existing index has the same name as the requested index. When index names are not specified, they are auto generated and can cause conflicts. Please refer to our documentation. Requested index: ${JSON.stringify(spec)}, existing index: ${JSON.stringify(sameName)}`);
      }
      if (!sameOptions(sameName, spec)) {
        throw new CommandError('IndexOptionsConflict', `An equivalent index already exists with the same name but different options. Requested index: ${JSON.stringify(spec)}, existing index: ${JSON.stringify(sameName)}`);
      }
      continue;
    }
    if (sameKey && sameOptions(sameKey, spec)) {
      throw new CommandError('IndexOptionsConflict', `Index already exists with a different name: ${sameKey.name}`);
    }
    if (spec.key._id !== undefined && Object.keys(spec.key).length === 1 && spec.name !== ID_INDEX_SPEC.name) continue;
    context.catalog.createIndex(collection, spec);
  }
  return { numIndexesBefore, numIndexesAfter: collection.indexSpecs().length, createdCollectionAutomatically };
};

export const listIndexes: CommandHandler = (command, context) => {
  const name = collectionName(command, 'listIndexes');
  const collection = context.catalog.getCollection(context.db, name);
  if (!collection) throw new CommandError('NamespaceNotFound', `ns does not exist: ${context.db}.${name}`);
  const ns = `${context.db}.${name}`;
  const batch = context.cursors.open(ns, collection.indexSpecs(), (command.cursor as Document | undefined)?.batchSize as number | undefined);
  return { cursor: { firstBatch: batch.docs, id: batch.id, ns } };
};

export const dropIndexes: CommandHandler = (command, context) => {
  const name = collectionName(command, 'dropIndexes');
  const collection = context.catalog.getCollection(context.db, name);
  if (!collection) throw new CommandError('NamespaceNotFound', `ns not found ${context.db}.${name}`);
  const nIndexesWas = collection.indexSpecs().length;
  const target = command.index;
  const specs = collection.indexSpecs().filter((spec) => spec.name !== ID_INDEX_SPEC.name);
  let names: string[];
  if (target === '*') {
    names = specs.map((spec) => spec.name);
  } else if (typeof target === 'string') {
    names = [target];
  } else if (Array.isArray(target)) {
    names = target.map(String);
  } else if (target && typeof target === 'object') {
    const match = specs.find((spec) => encodeValue(spec.key) === encodeValue(target));
    if (!match) throw new CommandError('IndexNotFound', `can't find index with key: ${JSON.stringify(target)}`);
    names = [match.name];
  } else {
    throw new CommandError('BadValue', 'dropIndexes requires an index name, key pattern or "*"');
  }
  for (const indexName of names) {
    if (indexName === ID_INDEX_SPEC.name) throw new CommandError('InvalidOptions', 'cannot drop _id index');
    if (!collection.indexes.has(indexName)) throw new CommandError('IndexNotFound', `index not found with name [${indexName}]`);
  }
  for (const indexName of names) context.catalog.dropIndex(collection, indexName);
  return { nIndexesWas };
};
