// createIndexes, listIndexes, dropIndexes.
import type { Document } from 'bson';
import { bsonType, hashKey, isNumeric, isPlainObject, parseCollation, toNumber } from '../bson/index';
import { CommandError } from '../errors';
import { compileFilter } from '../query/index';
import { ID_INDEX_SPEC } from '../storage/collection';
import type { IndexSpec } from '../storage/indexes';
import { collectionName, type CommandHandler } from './context';

/** Options that make two index specs different indexes (name and key aside). */
const COMPARED_OPTIONS = ['unique', 'sparse', 'expireAfterSeconds', 'partialFilterExpression', 'collation'];

function defaultIndexName(key: Document): string {
  return Object.entries(key).map(([field, direction]) => `${field}_${String(direction)}`).join('_');
}

function sameOptions(a: IndexSpec, b: IndexSpec): boolean {
  return COMPARED_OPTIONS.every((option) => hashKey(a[option] ?? null) === hashKey(b[option] ?? null));
}

/** Index kinds mongod has and this store does not: refused rather than recorded and ignored. */
const UNSUPPORTED_INDEX_TYPES: Record<string, string> = {
  text: 'text indexes', '2d': '2d (geospatial) indexes', '2dsphere': '2dsphere (geospatial) indexes',
  geoHaystack: 'geoHaystack indexes', hashed: 'hashed indexes',
};
/** Index specification fields this store honours (background and ns are accepted and ignored by mongod too). */
const INDEX_SPEC_FIELDS = new Set(['key', 'name', 'v', 'unique', 'sparse', 'partialFilterExpression', 'expireAfterSeconds', 'collation', 'hidden', 'background', 'ns', 'storageEngine']);
/** Fields that belong to index kinds the store refuses anyway. */
const UNSUPPORTED_SPEC_FIELDS: Record<string, string> = {
  weights: 'text indexes', default_language: 'text indexes', language_override: 'text indexes', textIndexVersion: 'text indexes',
  '2dsphereIndexVersion': '2dsphere (geospatial) indexes', bits: '2d (geospatial) indexes', min: '2d (geospatial) indexes',
  max: '2d (geospatial) indexes', wildcardProjection: 'wildcard indexes', clustered: 'clustered collections', prepareUnique: 'prepareUnique',
};

function invalidIndexOption(field: string, raw: Document): CommandError {
  return new CommandError('InvalidIndexSpecificationOption', `The field '${field}' is not valid for an index specification. Specification: ${JSON.stringify(raw)}`);
}

/**
 * Checks one index specification as mongod's index catalog does before building anything
 * (https://www.mongodb.com/docs/v7.0/reference/command/createIndexes/).
 */
function checkIndexSpec(raw: Document): void {
  const key = raw.key as Document;
  for (const [field, direction] of Object.entries(key)) {
    if (field === '$**' || field.endsWith('.$**')) throw new CommandError('NotImplemented', 'wildcard indexes are not supported by the embedded store');
    if (typeof direction === 'string') {
      const kind = UNSUPPORTED_INDEX_TYPES[direction];
      if (kind) throw new CommandError('NotImplemented', `${kind} are not supported by the embedded store`);
      throw new CommandError('CannotCreateIndex', `Error in specification ${JSON.stringify(raw)} :: caused by :: Unknown index plugin '${direction}'`);
    }
    if (isNumeric(direction) && (toNumber(direction) === 0 || Number.isNaN(toNumber(direction)))) {
      const what = toNumber(direction) === 0 ? '0' : 'NaN';
      throw new CommandError('CannotCreateIndex', `Error in specification ${JSON.stringify(raw)} :: caused by :: Values in the index key pattern can't be ${what}.`);
    }
    if (!isNumeric(direction)) {
      throw new CommandError('CannotCreateIndex', `Error in specification ${JSON.stringify(raw)} :: caused by :: Values in v:2 index key pattern cannot be of type ${bsonType(direction)}. Only numbers > 0, numbers < 0, and strings are allowed.`);
    }
  }
  for (const field of Object.keys(raw)) {
    if (INDEX_SPEC_FIELDS.has(field)) continue;
    const kind = UNSUPPORTED_SPEC_FIELDS[field];
    if (kind) throw new CommandError('NotImplemented', `${kind} are not supported by the embedded store ('${field}')`);
    throw invalidIndexOption(field, raw);
  }
  if (raw.name !== undefined && typeof raw.name !== 'string') {
    throw new CommandError('TypeMismatch', `The field 'name' must be a string, not ${bsonType(raw.name)}`);
  }
  if (raw.expireAfterSeconds !== undefined) {
    if (!isNumeric(raw.expireAfterSeconds) || toNumber(raw.expireAfterSeconds) < 0) {
      throw new CommandError('CannotCreateIndex', `Error in specification ${JSON.stringify(raw)} :: caused by :: TTL index 'expireAfterSeconds' option must be a non-negative number`);
    }
    if (Object.keys(key).length > 1) {
      throw new CommandError('CannotCreateIndex', `Error in specification ${JSON.stringify(raw)} :: caused by :: TTL indexes are single-field indexes, compound indexes do not support TTL.`);
    }
  }
  // Both refused now with mongod's own errors rather than at the first write.
  if (raw.collation !== undefined) parseCollation(raw.collation);
  if (raw.partialFilterExpression !== undefined) {
    if (!isPlainObject(raw.partialFilterExpression)) throw new CommandError('TypeMismatch', "The field 'partialFilterExpression' must be an object");
    compileFilter(raw.partialFilterExpression);
  }
}

export const createIndexes: CommandHandler = (command, context) => {
  const name = collectionName(command, 'createIndexes');
  const requested = command.indexes;
  if (!Array.isArray(requested) || requested.length === 0) throw new CommandError('BadValue', 'Must specify at least one index to create');
  const createdCollectionAutomatically = !context.catalog.getCollection(context.db, name);
  const collection = context.catalog.ensureCollection(context.db, name);
  const numIndexesBefore = collection.indexSpecs().length;
  // Every specification is checked before any index is built: a refused request builds nothing.
  for (const raw of requested as unknown[]) {
    if (!isPlainObject(raw) || !isPlainObject(raw.key) || Object.keys(raw.key).length === 0) {
      throw new CommandError('FailedToParse', "The 'key' field is a required property of an index specification");
    }
    checkIndexSpec(raw);
  }
  for (const raw of requested as Document[]) {
    const spec: IndexSpec = { v: 2, ...raw, key: raw.key as Document, name: typeof raw.name === 'string' ? raw.name : defaultIndexName(raw.key as Document) };
    if (spec.expireAfterSeconds !== undefined) spec.expireAfterSeconds = Number(spec.expireAfterSeconds);
    const existing = collection.indexSpecs();
    const sameName = existing.find((candidate) => candidate.name === spec.name);
    const sameKey = existing.find((candidate) => hashKey(candidate.key) === hashKey(spec.key));
    if (sameName) {
      if (hashKey(sameName.key) !== hashKey(spec.key)) {
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
    const match = specs.find((spec) => hashKey(spec.key) === hashKey(target));
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
