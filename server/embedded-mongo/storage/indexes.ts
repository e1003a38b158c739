// Secondary indexes kept as hash maps from a canonical key encoding to document ids.
// They serve two purposes: enforcing unique constraints, and answering equality lookups
// without scanning the collection.
import type { Document } from 'bson';
import { Query } from 'mingo';
import { encodeTuple, valuesAtPath } from './values';

export interface IndexSpec {
  v?: number;
  key: Document;
  name: string;
  unique?: boolean;
  sparse?: boolean;
  expireAfterSeconds?: number;
  partialFilterExpression?: Document;
  [option: string]: unknown;
}

export interface IndexEntry { key: string; values: unknown[] }

/** Cap on compound multikey expansion; MongoDB itself forbids indexing two parallel arrays. */
const MAX_KEYS_PER_DOCUMENT = 10_000;

export class SecondaryIndex {
  readonly spec: IndexSpec;
  readonly fields: string[];
  /** Only ascending/descending keys can be hashed; text, 2dsphere and the like are just recorded. */
  readonly hashable: boolean;
  /** maps[n] holds keys over the first n+1 fields, so a prefix of a compound index can be looked up. */
  private readonly maps: Map<string, Set<string>>[];
  private readonly partialFilter: Query | undefined;

  constructor(spec: IndexSpec) {
    this.spec = spec;
    this.fields = Object.keys(spec.key);
    this.hashable = Object.values(spec.key).every((direction) => direction === 1 || direction === -1);
    this.maps = this.hashable ? this.fields.map(() => new Map()) : [];
    this.partialFilter = spec.partialFilterExpression ? new Query(spec.partialFilterExpression, {}) : undefined;
  }

  get name(): string {
    return this.spec.name;
  }

  get unique(): boolean {
    return this.spec.unique === true && this.hashable;
  }

  /** Sparse and partial indexes do not hold every document, so they cannot answer lookups. */
  get usableForLookup(): boolean {
    return this.hashable && !this.spec.sparse && !this.partialFilter;
  }

  /** Whether the document belongs in this index at all (sparse and partial indexes skip some). */
  covers(doc: Document): boolean {
    if (this.partialFilter && !this.partialFilter.test(doc)) return false;
    if (this.spec.sparse && this.fields.every((field) => valuesAtPath(doc, field).every((v) => v === undefined))) return false;
    return true;
  }

  /** Index keys of a document over the first `length` fields (cartesian product over arrays). */
  entries(doc: Document, length = this.fields.length): IndexEntry[] {
    let tuples: unknown[][] = [[]];
    for (const field of this.fields.slice(0, length)) {
      const values = valuesAtPath(doc, field);
      const next: unknown[][] = [];
      for (const tuple of tuples) {
        for (const value of values) {
          next.push([...tuple, value]);
          if (next.length > MAX_KEYS_PER_DOCUMENT) break;
        }
      }
      tuples = next;
    }
    const seen = new Map<string, IndexEntry>();
    for (const values of tuples) {
      const key = encodeTuple(values);
      if (!seen.has(key)) seen.set(key, { key, values });
    }
    return [...seen.values()];
  }

  add(id: string, doc: Document): void {
    if (!this.hashable || !this.covers(doc)) return;
    this.maps.forEach((map, n) => {
      for (const { key } of this.entries(doc, n + 1)) {
        let ids = map.get(key);
        if (!ids) map.set(key, (ids = new Set()));
        ids.add(id);
      }
    });
  }

  remove(id: string, doc: Document): void {
    if (!this.hashable || !this.covers(doc)) return;
    this.maps.forEach((map, n) => {
      for (const { key } of this.entries(doc, n + 1)) {
        const ids = map.get(key);
        if (!ids) continue;
        ids.delete(id);
        if (ids.size === 0) map.delete(key);
      }
    });
  }

  /** The first key of `doc` already held by another document, if this unique index forbids it. */
  findConflict(id: string, doc: Document): IndexEntry | undefined {
    if (!this.unique || !this.covers(doc)) return undefined;
    const full = this.maps[this.fields.length - 1]!;
    for (const entry of this.entries(doc)) {
      const holders = full.get(entry.key);
      if (holders && [...holders].some((holder) => holder !== id)) return entry;
    }
    return undefined;
  }

  /** Ids of documents whose first `keyValues.length` fields equal the given values. */
  lookup(keyValues: unknown[]): Iterable<string> {
    return this.maps[keyValues.length - 1]?.get(encodeTuple(keyValues)) ?? [];
  }

  clear(): void {
    for (const map of this.maps) map.clear();
  }
}
