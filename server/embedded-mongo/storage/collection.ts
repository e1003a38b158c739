// One collection: documents in insertion order, keyed by the canonical encoding of _id,
// plus its secondary indexes. Every mutation checks unique constraints before touching
// anything, so a rejected write leaves no trace.
import type { Document } from 'bson';
import { CommandError, DuplicateKeyError } from '../errors';
import { SecondaryIndex, type IndexSpec } from './indexes';
import { encodeValue, isPlainObject } from './values';

export const ID_INDEX_SPEC: IndexSpec = { v: 2, key: { _id: 1 }, name: '_id_' };

export class Collection {
  readonly database: string;
  readonly name: string;
  options: Document;
  readonly docs = new Map<string, Document>();
  readonly indexes = new Map<string, SecondaryIndex>();

  constructor(database: string, name: string, options: Document = {}) {
    this.database = database;
    this.name = name;
    this.options = options;
  }

  get namespace(): string {
    return `${this.database}.${this.name}`;
  }

  indexSpecs(): IndexSpec[] {
    return [ID_INDEX_SPEC, ...[...this.indexes.values()].map((index) => index.spec)];
  }

  getById(id: unknown): Document | undefined {
    return this.docs.get(encodeValue(id));
  }

  insert(doc: Document): void {
    const id = encodeValue(doc._id);
    if (this.docs.has(id)) throw this.duplicateIdError(doc._id);
    this.checkUnique(id, doc);
    this.docs.set(id, doc);
    for (const index of this.indexes.values()) index.add(id, doc);
  }

  /** Swaps a stored document for its new version; _id must not change. */
  replace(oldDoc: Document, newDoc: Document): void {
    const id = encodeValue(oldDoc._id);
    if (encodeValue(newDoc._id) !== id) {
      throw new CommandError('ImmutableField', "Performing an update on the path '_id' would modify the immutable field '_id'");
    }
    this.checkUnique(id, newDoc);
    for (const index of this.indexes.values()) index.remove(id, oldDoc);
    this.docs.set(id, newDoc);
    for (const index of this.indexes.values()) index.add(id, newDoc);
  }

  remove(doc: Document): void {
    const id = encodeValue(doc._id);
    if (!this.docs.delete(id)) return;
    for (const index of this.indexes.values()) index.remove(id, doc);
  }

  /** Writes a document as-is (journal replay): replaces any document with the same _id. */
  put(doc: Document): void {
    const existing = this.getById(doc._id);
    if (existing) this.remove(existing);
    const id = encodeValue(doc._id);
    this.docs.set(id, doc);
    for (const index of this.indexes.values()) index.add(id, doc);
  }

  /** Builds an index over the current documents; refuses (and builds nothing) on duplicates. */
  addIndex(spec: IndexSpec): void {
    const index = new SecondaryIndex(spec);
    for (const [id, doc] of this.docs) {
      const conflict = index.findConflict(id, doc);
      if (conflict) throw this.duplicateError(index, conflict.values);
      index.add(id, doc);
    }
    this.indexes.set(spec.name, index);
  }

  dropIndex(name: string): void {
    this.indexes.delete(name);
  }

  /**
   * The documents that can match `filter`, using the _id map or the index with the longest
   * equality prefix when the filter allows it. Callers still test every candidate.
   */
  candidates(filter: Document | undefined, allowIndexes = true): Document[] {
    if (!filter || !allowIndexes) return [...this.docs.values()];
    const equalities = equalityValues(filter);
    if (equalities.size === 0) return [...this.docs.values()];
    const ids = equalities.get('_id');
    if (ids) {
      const found = new Map<string, Document>();
      for (const value of ids) {
        const key = encodeValue(value);
        const doc = this.docs.get(key);
        if (doc) found.set(key, doc);
      }
      return [...found.values()];
    }
    let best: { index: SecondaryIndex; prefix: unknown[][] } | undefined;
    for (const index of this.indexes.values()) {
      if (!index.usableForLookup) continue;
      const prefix: unknown[][] = [];
      for (const field of index.fields) {
        const values = equalities.get(field);
        if (!values) break;
        prefix.push(values);
      }
      if (prefix.length > 0 && (!best || prefix.length > best.prefix.length)) best = { index, prefix };
    }
    if (!best) return [...this.docs.values()];
    const result = new Map<string, Document>();
    for (const tuple of cartesian(best.prefix)) {
      for (const id of best.index.lookup(tuple)) {
        const doc = this.docs.get(id);
        if (doc) result.set(id, doc);
      }
    }
    return [...result.values()];
  }

  private checkUnique(id: string, doc: Document): void {
    for (const index of this.indexes.values()) {
      const conflict = index.findConflict(id, doc);
      if (conflict) throw this.duplicateError(index, conflict.values);
    }
  }

  private duplicateIdError(id: unknown): DuplicateKeyError {
    return new DuplicateKeyError(this.namespace, '_id_', { _id: 1 }, { _id: id });
  }

  private duplicateError(index: SecondaryIndex, values: unknown[]): DuplicateKeyError {
    const keyValue: Document = {};
    index.fields.forEach((field, i) => {
      keyValue[field] = values[i] === undefined ? null : values[i];
    });
    return new DuplicateKeyError(this.namespace, index.name, index.spec.key, keyValue);
  }
}

/** Caps $in expansion over compound prefixes; past it a scan is as cheap as the lookups. */
const MAX_LOOKUP_TUPLES = 5_000;

function* cartesian(lists: unknown[][]): Generator<unknown[]> {
  let count = 1;
  for (const list of lists) count *= list.length;
  if (count > MAX_LOOKUP_TUPLES) lists = lists.slice(0, 1);
  const walk = function* (depth: number, acc: unknown[]): Generator<unknown[]> {
    if (depth === lists.length) {
      yield acc;
      return;
    }
    for (const value of lists[depth]!) yield* walk(depth + 1, [...acc, value]);
  };
  yield* walk(0, []);
}

/**
 * Top-level fields the filter pins to one value (or a $in list), which an index can answer.
 * Anything whose equality semantics an index key cannot reproduce (regexes, null through arrays,
 * other operators) is left out, and the scan/test path handles it.
 */
export function equalityValues(filter: Document): Map<string, unknown[]> {
  const out = new Map<string, unknown[]>();
  const consider = (field: string, condition: unknown): void => {
    if (field.startsWith('$')) return;
    let values: unknown[] | undefined;
    if (isPlainObject(condition) && Object.keys(condition).some((key) => key.startsWith('$'))) {
      const keys = Object.keys(condition);
      if (keys.length === 1 && keys[0] === '$eq') values = [condition.$eq];
      else if (keys.length === 1 && keys[0] === '$in' && Array.isArray(condition.$in)) values = condition.$in as unknown[];
    } else {
      values = [condition];
    }
    if (!values) return;
    const safe = values.every(
      (value) => !(value instanceof RegExp) && !((value === null || value === undefined) && field.includes('.')),
    );
    if (safe && !out.has(field)) out.set(field, values);
  };
  for (const [field, condition] of Object.entries(filter)) consider(field, condition);
  if (Array.isArray(filter.$and)) {
    for (const clause of filter.$and as unknown[]) {
      if (isPlainObject(clause)) for (const [field, condition] of Object.entries(clause)) consider(field, condition);
    }
  }
  return out;
}

