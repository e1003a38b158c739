// The plan cache (https://www.mongodb.com/docs/v7.0/core/query-plans/): per collection, the index
// the planner chose for a query shape, so later queries of that shape reuse it instead of
// enumerating and costing every candidate again. Entries follow mongod's states:
//   - missing: the shape is planned in full, and an inactive entry records the winner's works;
//   - inactive: the shape is planned in full again; a winner costing no more than the entry
//     makes it active, otherwise the entry's works double (so a shape whose cost swings is
//     retried, not cached on its first luck);
//   - active: its index is used with bounds built from the new query's own values. Running it
//     is watched: when it reads more than ten times its works in index keys before 101
//     documents come out (mongod's trial batch), the entry is evicted and the shape planned
//     afresh next time (mongod replans then).
// Works are what the planner costs a candidate by: the keys its bounds hold, counted up to its cap.
// Only real choices are cached (two candidates or more), as mongod caches only multi-planned
// queries: _id and unique-key lookups, hinted queries and collection scans are planned directly.
// Entries go when the catalog changes under them: an index created or dropped clears the
// collection's cache, a dropped or renamed collection takes its cache with it, and
// planCacheClear clears all of it or one shape. explain neither reads nor fills the cache.
import { hostname } from 'node:os';
import type { Document } from 'bson';
import { bsonType, hashKey, isPlainObject, type Collator } from '../../bson/index';

/** What the planner needs to rebuild a cached choice for a query of the same shape. */
export interface CachedChoice {
  indexName: string;
  direction: 1 | -1;
  /** The leading fields the cached plan bounded, and how many of them to single values. */
  boundedFields: number;
  pointFields: number;
  providesSort: boolean;
}

/** The parts of a query its shape is made of (values do not count, only their kinds). */
export interface ShapeParts {
  filter?: Document | undefined;
  sort?: Document | undefined;
  projection?: Document | undefined;
  collator?: Collator | undefined;
}

export interface PlanCacheEntry {
  /** The query shape: filter, sort, projection and collation (mongod's queryHash is its hash). */
  readonly shape: string;
  /** The shape plus what else changes the plan: skip and limit given, which indexes the query may use. */
  readonly key: string;
  readonly createdFromQuery: Document;
  readonly timeOfCreation: Date;
  choice: CachedChoice;
  works: number;
  active: boolean;
}

/** mongod's internalQueryCacheEvictionRatio: a cached plan reading this many times its works is replanned. */
export const EVICTION_RATIO = 10;
/** Documents a cached plan must produce before it counts as having done well (mongod's trial batch). */
export const TRIAL_RESULTS = 101;
/** An inactive entry that lost its comparison has its works multiplied by this (mongod's growth coefficient). */
const WORKS_GROWTH = 2;
/** Entries per collection; the least recently used one goes first. */
const MAX_ENTRIES = 5_000;

export class PlanCache {
  /** In least recently used order: a hit moves its entry to the end. */
  private readonly entries = new Map<string, PlanCacheEntry>();

  get size(): number {
    return this.entries.size;
  }

  /** The active entry for `key`, if there is one. */
  active(key: string): PlanCacheEntry | undefined {
    const entry = this.entries.get(key);
    if (!entry?.active) return undefined;
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry;
  }

  /** Records a full planning's winner and its works, moving the entry through mongod's states. */
  record(key: string, parts: ShapeParts, shape: string, choice: CachedChoice, works: number): void {
    const entry = this.entries.get(key);
    if (!entry) {
      this.entries.set(key, { shape, key, createdFromQuery: describeShape(parts), timeOfCreation: new Date(), choice, works, active: false });
      if (this.entries.size > MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value!);
      return;
    }
    if (works <= entry.works) {
      entry.choice = choice;
      entry.works = works;
      entry.active = true;
    } else if (!entry.active) {
      entry.works *= WORKS_GROWTH;
    }
  }

  evict(entry: PlanCacheEntry): void {
    if (this.entries.get(entry.key) === entry) this.entries.delete(entry.key);
  }

  clear(): void {
    this.entries.clear();
  }

  /** planCacheClear with a query: the entries of that shape, whatever their skip, limit or usable indexes. */
  clearShape(shape: string): void {
    for (const [key, entry] of this.entries) if (entry.shape === shape) this.entries.delete(key);
  }

  /** $planCacheStats: one document per entry, in mongod's layout (the fields this cache can fill truthfully). */
  describe(indexKeys: (name: string) => Document | undefined): Document[] {
    return [...this.entries.values()].map((entry) => ({
      version: '1',
      queryHash: shortHash(entry.shape),
      planCacheKey: shortHash(entry.key),
      isActive: entry.active,
      works: BigInt(entry.works),
      timeOfCreation: entry.timeOfCreation,
      createdFromQuery: entry.createdFromQuery,
      cachedPlan: { stage: 'FETCH', inputStage: { stage: 'IXSCAN', keyPattern: indexKeys(entry.choice.indexName) ?? {}, indexName: entry.choice.indexName, direction: entry.choice.direction < 0 ? 'backward' : 'forward' } },
      indexFilterSet: false,
      host: hostname(),
    }));
  }
}

function describeShape(parts: ShapeParts): Document {
  const described: Document = { query: parts.filter ?? {}, sort: parts.sort ?? {}, projection: parts.projection ?? {} };
  if (parts.collator) described.collation = parts.collator.spec;
  return described;
}

/** mongod shows its hashes as 8 hex digits. FNV-1a, 32 bits. */
function shortHash(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0).toString(16).toUpperCase().padStart(8, '0');
}

// ---------------------------------------------------------------------------------------------
// Query shapes

const collationShapes = new WeakMap<Collator, string>();

/**
 * The shape of a query: field names, operators and the kinds of values (number, string,
 * object...), with fields in a canonical order, as mongod's query shape ignores values and the
 * order of a conjunction. Values that change which plans exist keep more: `$exists` keeps its
 * truth and `$type` its operand.
 */
export function queryShape(parts: ShapeParts): string {
  let shape = parts.filter ? documentShape(parts.filter) : '{}';
  if (parts.sort) shape += `|sort${sortShape(parts.sort)}`;
  if (parts.projection) shape += `|projection${documentShape(parts.projection)}`;
  if (parts.collator) shape += `|collation${collationShape(parts.collator)}`;
  return shape;
}

function collationShape(collator: Collator): string {
  let shape = collationShapes.get(collator);
  if (shape === undefined) {
    shape = hashKey(collator.spec);
    collationShapes.set(collator, shape);
  }
  return shape;
}

/** A sort's fields keep their order and direction: both decide which index can serve it. */
function sortShape(sort: Document): string {
  let shape = '{';
  for (const field of Object.keys(sort)) {
    const direction = sort[field] as unknown;
    shape += `${JSON.stringify(field)}:${isPlainObject(direction) ? documentShape(direction) : Number(direction) < 0 ? -1 : 1},`;
  }
  return `${shape}}`;
}

function documentShape(doc: Document): string {
  const fields = Object.keys(doc);
  if (fields.length > 1) fields.sort();
  let shape = '{';
  for (const field of fields) shape += `${JSON.stringify(field)}:${operandShape(field, doc[field])},`;
  return `${shape}}`;
}

function operandShape(field: string, value: unknown): string {
  // {$exists: false} reads the null key, {$exists: true} any key; $type may or may not match null.
  if (field === '$exists') return value === false || value === 0 || value === null ? 'false' : 'true';
  if (field === '$type') return Array.isArray(value) ? `[${value.map(String).join(',')}]` : String(value);
  return valueShape(value);
}

function valueShape(value: unknown): string {
  if (Array.isArray(value)) {
    // A list ($in, $or, $all, an array value): the kinds it holds, not how many or in what order.
    const kinds = new Set<string>();
    for (const element of value) kinds.add(valueShape(element));
    return `[${[...kinds].sort().join(',')}]`;
  }
  if (isPlainObject(value)) return documentShape(value);
  const type = bsonType(value);
  return type === 'int' || type === 'long' || type === 'double' || type === 'decimal' ? 'number' : type;
}
