// One collection: documents in insertion order, keyed by the hash of _id, plus the ordered
// _id index and the secondary indexes. Every mutation computes the document's index keys once,
// checks unique constraints before touching anything (so a rejected write leaves no trace),
// then updates the indexes.
import type { Document } from 'bson';
import { hashKey, parseCollation, type Collator } from '../bson/index';
import { CommandError, DuplicateKeyError } from '../errors';
import { NO_KEYS, SecondaryIndex, type DocumentKeys, type IndexSpec } from './indexes';
import { PlanCache } from './plan/cache';
import { planQuery } from './planner';

export const ID_INDEX_SPEC: IndexSpec = { v: 2, key: { _id: 1 }, name: '_id_' };

export class Collection {
  readonly database: string;
  readonly name: string;
  options: Document;
  readonly docs = new Map<string, Document>();
  /** Secondary indexes by name (the _id index is `idIndex`). */
  readonly indexes = new Map<string, SecondaryIndex>();
  /** The _id index in order, for _id ranges and sorts; point lookups use `docs` directly. */
  readonly idIndex: SecondaryIndex;
  /**
   * Plans chosen per query shape (plan/cache.ts). It lives and dies with this object, so a
   * dropped or renamed collection (a new object under the new name) starts without one.
   */
  readonly planCache = new PlanCache();
  /** The collection's default collation applies to _id as to every string comparison. */
  private readonly idCollator: Collator | undefined;

  constructor(database: string, name: string, options: Document = {}) {
    this.database = database;
    this.name = name;
    this.options = options;
    this.idCollator = options.collation ? parseCollation(options.collation) : undefined;
    this.idIndex = new SecondaryIndex(this.idCollator ? { ...ID_INDEX_SPEC, collation: this.idCollator.spec } : ID_INDEX_SPEC);
  }

  get namespace(): string {
    return `${this.database}.${this.name}`;
  }

  indexSpecs(): IndexSpec[] {
    return [this.idIndex.spec, ...[...this.indexes.values()].map((index) => index.spec)];
  }

  /** The record id of a document: equal for two _id values exactly when MongoDB's equality says so. */
  recordId(id: unknown): string {
    return hashKey(id, this.idCollator);
  }

  /** The index of that name, the _id index ('_id_') included. */
  indexNamed(name: string): SecondaryIndex | undefined {
    return name === this.idIndex.name ? this.idIndex : this.indexes.get(name);
  }

  getById(id: unknown): Document | undefined {
    return this.docs.get(this.recordId(id));
  }

  getByRecordId(recordId: string): Document | undefined {
    return this.docs.get(recordId);
  }

  insert(doc: Document): void {
    const id = this.recordId(doc._id);
    if (this.docs.has(id)) throw this.duplicateIdError(doc._id);
    const keys = this.keysOf(doc);
    this.checkUnique(id, keys);
    this.docs.set(id, doc);
    this.addKeys(id, keys);
  }

  /** Swaps a stored document for its new version; _id must not change. */
  replace(oldDoc: Document, newDoc: Document): void {
    const id = this.recordId(oldDoc._id);
    if (this.recordId(newDoc._id) !== id) {
      throw new CommandError('ImmutableField', "Performing an update on the path '_id' would modify the immutable field '_id'");
    }
    // _id cannot change, so its index is left as it is (and its keys are not even computed); so
    // is every index whose keys the update left unchanged (a counter's $inc, an answer saved
    // beside the indexed fields). The stored version's keys are the ones in the indexes,
    // whatever copy the caller holds.
    const newKeys = this.keysOf(newDoc, false);
    this.checkUnique(id, newKeys);
    const oldKeys = this.keysOf(this.docs.get(id) ?? oldDoc, false);
    this.docs.set(id, newDoc);
    let i = 1;
    for (const index of this.indexes.values()) {
      index.replace(id, oldKeys[i]!, newKeys[i]!);
      i += 1;
    }
  }

  remove(doc: Document): void {
    const id = this.recordId(doc._id);
    const stored = this.docs.get(id);
    if (!stored) return;
    this.docs.delete(id);
    this.removeKeys(id, this.keysOf(stored));
  }

  /** Writes a document as-is (journal replay): replaces any document with the same _id. */
  put(doc: Document): void {
    const existing = this.getById(doc._id);
    if (existing) this.remove(existing);
    const id = this.recordId(doc._id);
    this.docs.set(id, doc);
    this.addKeys(id, this.keysOf(doc));
  }

  /** Builds an index over the current documents; refuses (and builds nothing) on duplicates. */
  addIndex(spec: IndexSpec): void {
    const index = new SecondaryIndex(spec);
    for (const [id, doc] of this.docs) {
      const keys = index.keysOf(doc);
      const conflict = index.findConflict(id, keys);
      if (conflict) throw this.duplicateError(index, conflict.values);
      index.add(id, keys);
    }
    this.indexes.set(spec.name, index);
    // A new index may beat every cached plan, as in mongod (catalog changes clear the cache).
    this.planCache.clear();
  }

  dropIndex(name: string): void {
    this.indexes.delete(name);
    this.planCache.clear();
  }

  /**
   * The documents that can match `filter`, chosen by the planner (see planner.ts). Callers still
   * test every candidate. A convenience over `planQuery` for callers that want them all at once.
   */
  candidates(filter: Document | undefined): Document[] {
    if (!filter) return [...this.docs.values()];
    const out: Document[] = [];
    for (const item of planQuery(this, { filter }).docs) if (typeof item !== 'symbol') out.push(item);
    return out;
  }

  /** The document's keys in every index, the _id index first (left empty without `withId`). */
  private keysOf(doc: Document, withId = true): DocumentKeys[] {
    const keys = [withId ? this.idIndex.keysOf(doc) : NO_KEYS];
    for (const index of this.indexes.values()) keys.push(index.keysOf(doc));
    return keys;
  }

  private addKeys(id: string, keys: DocumentKeys[]): void {
    this.idIndex.add(id, keys[0]!);
    let i = 1;
    for (const index of this.indexes.values()) index.add(id, keys[i++]!);
  }

  private removeKeys(id: string, keys: DocumentKeys[]): void {
    this.idIndex.remove(id, keys[0]!);
    let i = 1;
    for (const index of this.indexes.values()) index.remove(id, keys[i++]!);
  }

  private checkUnique(id: string, keys: DocumentKeys[]): void {
    let i = 1;
    for (const index of this.indexes.values()) {
      const conflict = index.findConflict(id, keys[i++]!);
      if (conflict) throw this.duplicateError(index, conflict.values);
    }
  }

  private duplicateIdError(id: unknown): DuplicateKeyError {
    return new DuplicateKeyError(this.namespace, '_id_', { _id: 1 }, { _id: id });
  }

  private duplicateError(index: SecondaryIndex, values: unknown[]): DuplicateKeyError {
    const keyValue: Document = {};
    index.fields.forEach((field, i) => {
      keyValue[field] = SecondaryIndex.displayValue(values[i]);
    });
    return new DuplicateKeyError(this.namespace, index.name, index.spec.key, keyValue);
  }
}
