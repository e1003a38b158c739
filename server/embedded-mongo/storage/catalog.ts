// The whole store's state: databases, their collections and indexes. Mutations made through
// the catalog also produce journal records, which the command layer makes durable before replying.
import type { Document } from 'bson';
import { CommandError } from '../errors';
import { compileFilter, type Matcher } from '../query/index';
import { Collection } from './collection';
import type { IndexSpec } from './indexes';

export type JournalRecord =
  | { op: 'put'; db: string; coll: string; doc: Document }
  | { op: 'delete'; db: string; coll: string; id: unknown }
  | { op: 'createCollection'; db: string; coll: string; options: Document }
  | { op: 'dropCollection'; db: string; coll: string }
  | { op: 'createIndex'; db: string; coll: string; spec: IndexSpec }
  | { op: 'dropIndex'; db: string; coll: string; name: string }
  | { op: 'setOptions'; db: string; coll: string; options: Document }
  | { op: 'renameCollection'; db: string; coll: string; toDb: string; toColl: string }
  | { op: 'dropDatabase'; db: string };

export class Catalog {
  private readonly databases = new Map<string, Map<string, Collection>>();
  /** Records of mutations not yet handed to the journal. */
  private pending: JournalRecord[] = [];
  /**
   * Set by the command layer while a command that asked for `bypassDocumentValidation` runs
   * (only during its synchronous slices, so other clients' writes are still validated).
   */
  bypassDocumentValidation = false;

  takePending(): JournalRecord[] {
    const records = this.pending;
    this.pending = [];
    return records;
  }

  databaseNames(): string[] {
    return [...this.databases.keys()].filter((name) => (this.databases.get(name)?.size ?? 0) > 0);
  }

  collections(db: string): Collection[] {
    return [...(this.databases.get(db)?.values() ?? [])];
  }

  getCollection(db: string, name: string): Collection | undefined {
    return this.databases.get(db)?.get(name);
  }

  /** Collections spring into existence on first write, as in MongoDB. */
  ensureCollection(db: string, name: string, options: Document = {}): Collection {
    const existing = this.getCollection(db, name);
    if (existing) return existing;
    validateCollectionName(name);
    let collections = this.databases.get(db);
    if (!collections) this.databases.set(db, (collections = new Map()));
    const collection = new Collection(db, name, options);
    collections.set(name, collection);
    this.pending.push({ op: 'createCollection', db, coll: name, options });
    return collection;
  }

  dropCollection(db: string, name: string): boolean {
    const dropped = this.databases.get(db)?.delete(name) ?? false;
    if (dropped) this.pending.push({ op: 'dropCollection', db, coll: name });
    return dropped;
  }

  /**
   * Moves a collection (documents, indexes, options) to a new namespace, replacing nothing: the
   * caller drops an existing target first (renameCollection's dropTarget). One journal record,
   * so a crash leaves the collection under the old name or the new one, never both.
   */
  renameCollection(collection: Collection, toDb: string, toColl: string): Collection {
    validateCollectionName(toColl);
    const renamed = this.moveCollection(collection, toDb, toColl);
    this.pending.push({ op: 'renameCollection', db: collection.database, coll: collection.name, toDb, toColl });
    return renamed;
  }

  private moveCollection(collection: Collection, toDb: string, toColl: string): Collection {
    const renamed = new Collection(toDb, toColl, collection.options);
    for (const doc of collection.docs.values()) renamed.put(doc);
    // Indexes after documents: one build over all documents; the _id index is implicit.
    for (const index of collection.indexes.values()) renamed.addIndex(index.spec);
    this.databases.get(collection.database)?.delete(collection.name);
    let target = this.databases.get(toDb);
    if (!target) this.databases.set(toDb, (target = new Map()));
    target.set(toColl, renamed);
    return renamed;
  }

  dropDatabase(db: string): void {
    if (this.databases.delete(db)) this.pending.push({ op: 'dropDatabase', db });
  }

  insert(collection: Collection, doc: Document): void {
    if (!this.bypassDocumentValidation) validateDocument(collection, doc, undefined);
    collection.insert(doc);
    this.pending.push({ op: 'put', db: collection.database, coll: collection.name, doc });
  }

  replace(collection: Collection, oldDoc: Document, newDoc: Document): void {
    if (!this.bypassDocumentValidation) validateDocument(collection, newDoc, oldDoc);
    collection.replace(oldDoc, newDoc);
    this.pending.push({ op: 'put', db: collection.database, coll: collection.name, doc: newDoc });
  }

  remove(collection: Collection, doc: Document): void {
    collection.remove(doc);
    this.pending.push({ op: 'delete', db: collection.database, coll: collection.name, id: doc._id });
  }

  createIndex(collection: Collection, spec: IndexSpec): void {
    collection.addIndex(spec);
    this.pending.push({ op: 'createIndex', db: collection.database, coll: collection.name, spec });
  }

  dropIndex(collection: Collection, name: string): void {
    collection.dropIndex(name);
    this.pending.push({ op: 'dropIndex', db: collection.database, coll: collection.name, name });
  }

  /** Rebuilds an index with a changed spec (collMod expireAfterSeconds). */
  replaceIndexSpec(collection: Collection, spec: IndexSpec): void {
    collection.dropIndex(spec.name);
    collection.addIndex(spec);
    this.pending.push({ op: 'createIndex', db: collection.database, coll: collection.name, spec });
  }

  setOptions(collection: Collection, options: Document): void {
    collection.options = options;
    this.pending.push({ op: 'setOptions', db: collection.database, coll: collection.name, options });
  }

  /** Replays one journal record; the journal is trusted, so unique checks are skipped. */
  apply(record: Document): void {
    const { db, coll } = record as { db: string; coll: string };
    switch (record.op) {
      case 'put':
        this.ensureCollection(db, coll).put(record.doc as Document);
        break;
      case 'delete': {
        const collection = this.getCollection(db, coll);
        const doc = collection?.getById(record.id);
        if (collection && doc) collection.remove(doc);
        break;
      }
      case 'createCollection':
        this.ensureCollection(db, coll, (record.options as Document | undefined) ?? {});
        break;
      case 'dropCollection':
        this.databases.get(db)?.delete(coll);
        break;
      case 'dropDatabase':
        this.databases.delete(db);
        break;
      case 'createIndex': {
        const collection = this.ensureCollection(db, coll);
        const spec = record.spec as IndexSpec;
        collection.dropIndex(spec.name);
        collection.addIndex(spec);
        break;
      }
      case 'dropIndex':
        this.getCollection(db, coll)?.dropIndex(record.name as string);
        break;
      case 'renameCollection': {
        const collection = this.getCollection(db, coll);
        if (collection) this.moveCollection(collection, record.toDb as string, record.toColl as string);
        break;
      }
      case 'setOptions': {
        const collection = this.getCollection(db, coll);
        if (collection) collection.options = record.options as Document;
        break;
      }
      default:
        throw new Error(`unknown journal record ${String(record.op)}`);
    }
    this.pending = [];
  }

  /** The minimal list of records that rebuilds the current state (used for compaction). */
  *snapshotRecords(): Generator<Document> {
    for (const [db, collections] of this.databases) {
      for (const collection of collections.values()) {
        yield { op: 'createCollection', db, coll: collection.name, options: collection.options };
        for (const doc of collection.docs.values()) yield { op: 'put', db, coll: collection.name, doc };
        // Indexes after documents: building once over all documents beats updating per insert.
        for (const index of collection.indexes.values()) yield { op: 'createIndex', db, coll: collection.name, spec: index.spec };
      }
    }
  }
}

function validateCollectionName(name: string): void {
  if (name.length === 0 || name.includes('\0') || name.startsWith('system.') || name.includes('$')) {
    throw new CommandError('InvalidNamespace', `Invalid collection name: ${name}`);
  }
}

/** Compiled validators, per collection and per validator document (collMod may replace it). */
const compiledValidators = new WeakMap<Collection, { validator: Document; matcher: Matcher }>();

/** The matcher of a validator; throws mongod's error for an invalid one (create/collMod call this). */
export function compileValidator(validator: Document): Matcher {
  return compileFilter(validator);
}

function validatorMatcher(collection: Collection, validator: Document): Matcher {
  const cached = compiledValidators.get(collection);
  if (cached && cached.validator === validator) return cached.matcher;
  const matcher = compileValidator(validator);
  compiledValidators.set(collection, { validator, matcher });
  return matcher;
}

/**
 * Schema validation (https://www.mongodb.com/docs/v7.0/core/schema-validation/): with a
 * validator, a written document must match it. validationLevel "moderate" lets updates of
 * documents that already failed it through; "off" disables it; validationAction "warn" writes
 * the document anyway (mongod also logs it). Failure: 121 DocumentValidationFailure.
 */
function validateDocument(collection: Collection, doc: Document, previous: Document | undefined): void {
  const { validator, validationLevel = 'strict', validationAction = 'error' } = collection.options as {
    validator?: Document; validationLevel?: string; validationAction?: string;
  };
  if (!validator || validationLevel === 'off' || validationAction === 'warn') return;
  const matcher = validatorMatcher(collection, validator);
  if (matcher.test(doc)) return;
  if (validationLevel === 'moderate' && previous !== undefined && !matcher.test(previous)) return;
  // mongod's errInfo also explains which rule failed (details.schemaRulesNotSatisfied...);
  // this store names the failing document and the validator only.
  throw new CommandError('DocumentValidationFailure', 'Document failed validation', {
    errInfo: { failingDocumentId: doc._id, details: { operatorName: validatorOperatorName(validator), specifiedAs: validator, reason: 'the document did not match the validator' } },
  });
}

function validatorOperatorName(validator: Document): string {
  const keys = Object.keys(validator);
  return keys.length === 1 && keys[0]!.startsWith('$') ? keys[0]! : '$and';
}
