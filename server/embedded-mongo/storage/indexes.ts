// Ordered indexes: a B+ tree of keys (the document's values for the index's fields, then its
// record id), kept in BSON comparison order with per-field direction and the index's collation.
// sorted-btree gives O(log n) inserts and deletes and lazy iteration from any key, which is what
// range scans and sorted limits need (O(log n + k)). They also enforce unique constraints.
import BTree from 'sorted-btree';
import type { Document } from 'bson';
import { parseCollation, type Collator } from '../bson/index';
import { compilePartialFilter, type PartialFilterMatcher } from './plan/partial-filter';
import { keysForField, keyTuples } from './plan/key-generation';
import { compareKeyParts, comparePartsOnly, EMPTY_ARRAY_KEY, keyComparator, LOW_ID, type IndexKey, type KeyPart } from './plan/key-order';

// Node's ESM loader gives a CommonJS module's whole exports object as the default import, while
// TypeScript (esModuleInterop) expects exports.default: take whichever is the class.
const BTreeClass = (BTree as unknown as { default?: typeof BTree }).default ?? BTree;

export interface IndexSpec {
  v?: number;
  key: Document;
  name: string;
  unique?: boolean;
  sparse?: boolean;
  expireAfterSeconds?: number;
  partialFilterExpression?: Document;
  collation?: Document;
  [option: string]: unknown;
}

/** One key a document has in an index: its values, for the duplicate-key error's keyValue. */
export interface IndexEntry {
  values: KeyPart[];
}

/** The keys a document has in one index, computed once per write and reused for check and insert. */
export interface DocumentKeys {
  covered: boolean;
  multikeyFields: boolean[];
  tuples: KeyPart[][];
}

/** A document's keys in an index that leaves it out (sparse, partial, unordered), or that a write leaves alone. */
export const NO_KEYS: DocumentKeys = Object.freeze({ covered: false, multikeyFields: [], tuples: [] });

export class SecondaryIndex {
  readonly spec: IndexSpec;
  readonly fields: string[];
  /** Each field's path split on dots, for key generation. */
  private readonly fieldParts: string[][];
  readonly directions: number[];
  /** Only ascending/descending keys are ordered; text, 2dsphere, hashed and the like are just recorded. */
  readonly ordered: boolean;
  readonly collator: Collator | undefined;
  /** Per field: some document's path crossed an array there (never reset, as in mongod until rebuilt). */
  readonly multikeyFields: boolean[];
  private readonly partialFilter: PartialFilterMatcher | undefined;
  private readonly tree: BTree<IndexKey, true>;
  /** Handed to the tree's point lookups so they fill it instead of making a pair each time. */
  private readonly pair: [IndexKey, true] = [{ parts: [], id: LOW_ID }, true];
  private readonly compareKeys: (a: IndexKey, b: IndexKey) => number;

  constructor(spec: IndexSpec) {
    this.spec = spec;
    this.fields = Object.keys(spec.key);
    this.fieldParts = this.fields.map((field) => field.split('.'));
    this.ordered = Object.values(spec.key).every((direction) => typeof direction === 'number' && direction !== 0);
    this.directions = Object.values(spec.key).map((direction) => (Number(direction) < 0 ? -1 : 1));
    this.collator = spec.collation ? parseCollation(spec.collation) : undefined;
    this.multikeyFields = this.fields.map(() => false);
    this.partialFilter = spec.partialFilterExpression
      ? compilePartialFilter(spec.partialFilterExpression, this.collator)
      : undefined;
    this.compareKeys = keyComparator(this.directions, this.collator);
    this.tree = new BTreeClass<IndexKey, true>(undefined, this.compareKeys);
  }

  get name(): string {
    return this.spec.name;
  }

  get unique(): boolean {
    return this.spec.unique === true && this.ordered;
  }

  get sparse(): boolean {
    return this.spec.sparse === true;
  }

  get partial(): boolean {
    return this.partialFilter !== undefined;
  }

  get size(): number {
    return this.tree.size;
  }

  get isMultikey(): boolean {
    return this.multikeyFields.some(Boolean);
  }

  /** The keys `doc` has here (none when a sparse or partial index leaves it out). */
  keysOf(doc: Document): DocumentKeys {
    if (!this.ordered) return NO_KEYS;
    if (this.partialFilter && !this.partialFilter.test(doc)) return NO_KEYS;
    const perField = this.fieldParts.map((parts) => keysForField(doc, parts, this.collator));
    if (this.sparse && perField.every((field) => !field.present)) return NO_KEYS;
    return { covered: true, multikeyFields: perField.map((field) => field.multikey), tuples: keyTuples(this.fields, perField) };
  }

  add(id: string, keys: DocumentKeys): void {
    if (!keys.covered) return;
    this.markMultikey(keys);
    for (const parts of keys.tuples) this.tree.set({ parts, id }, true);
  }

  remove(id: string, keys: DocumentKeys): void {
    if (!keys.covered) return;
    for (const parts of keys.tuples) this.tree.delete({ parts, id });
  }

  /**
   * A document's keys change from `before` to `after`. Keys that compare equal, in the same
   * order, stay in the tree as they are (an index orders and finds by comparison only); a path
   * that now crosses an array still makes the index multikey.
   */
  replace(id: string, before: DocumentKeys, after: DocumentKeys): void {
    if (!this.sameKeys(before, after)) {
      this.remove(id, before);
      this.add(id, after);
      return;
    }
    this.markMultikey(after);
  }

  private markMultikey(keys: DocumentKeys): void {
    keys.multikeyFields.forEach((multikey, i) => {
      if (multikey) this.multikeyFields[i] = true;
    });
  }

  private sameKeys(a: DocumentKeys, b: DocumentKeys): boolean {
    if (a.covered !== b.covered) return false;
    if (a.tuples.length !== b.tuples.length) return false;
    for (let t = 0; t < a.tuples.length; t += 1) {
      const left = a.tuples[t]!;
      const right = b.tuples[t]!;
      for (let i = 0; i < left.length; i += 1) if (compareKeyParts(left[i], right[i], this.collator) !== 0) return false;
    }
    return true;
  }

  /** The first key of a document already held by another document, if this unique index forbids it. */
  findConflict(id: string, keys: DocumentKeys): IndexEntry | undefined {
    if (!this.unique || !keys.covered) return undefined;
    for (const parts of keys.tuples) {
      // Point lookups rather than an iterator: at most the document's own key and one other.
      let key = this.firstKeyFrom({ parts, id: LOW_ID }, 1);
      while (key && comparePartsOnly(key.parts, parts, this.directions, this.collator) === 0) {
        if (key.id !== id) return { values: parts };
        key = this.tree.nextHigherKey(key);
      }
    }
    return undefined;
  }

  /** The first key at or after `start` in the direction given (1: index order), or undefined: one tree descent. */
  firstKeyFrom(start: IndexKey, direction: 1 | -1): IndexKey | undefined {
    const pair = direction > 0 ? this.tree.getPairOrNextHigher(start, this.pair) : this.tree.getPairOrNextLower(start, this.pair);
    return pair?.[0];
  }

  /**
   * Keys in index order from `start` (inclusive), lazily. With `reused`, every step hands back
   * that same pair (no array per key): read it before taking the next.
   */
  keysFrom(start: IndexKey, reused?: [IndexKey, true]): IterableIterator<[IndexKey, true]> {
    return this.tree.entries(start, reused);
  }

  /** Keys in reverse index order from `start` (inclusive), lazily; `reused` as for keysFrom. */
  keysBackFrom(start: IndexKey, reused?: [IndexKey, true]): IterableIterator<[IndexKey, true]> {
    return this.tree.entriesReversed(start, reused);
  }

  compare(a: IndexKey, b: IndexKey): number {
    return this.compareKeys(a, b);
  }

  /**
   * The value a duplicate-key error shows for one key part. mongod keys an empty array as BSON
   * undefined, which drivers read back as null.
   */
  static displayValue(part: KeyPart): unknown {
    return part === EMPTY_ARRAY_KEY ? null : part;
  }

  clear(): void {
    this.tree.clear();
    this.multikeyFields.fill(false);
  }
}
