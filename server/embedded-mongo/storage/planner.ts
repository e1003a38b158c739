// The query planner: given a filter, sort, limit and collation it picks the _id lookup, the best
// index scan (equality prefix + one range, sparse and partial indexes when the query allows them,
// forward or backward to serve the sort), a union of index scans for $or, or a collection scan.
// Candidates are a superset of the matches: the caller's matcher tests every document. The scans
// themselves (plan/scans.ts) yield PAUSE between batches (decision 0004).
// Commands plan through the collection's plan cache (plan/cache.ts): a shape planned before reuses
// the index chosen then, with bounds from its own values. A filter pinning every field of a unique
// index to one value is answered from that index without costing anything, as _id lookups are.
import type { Document } from 'bson';
import { hashKey, type Collator } from '../bson/index';
import type { Pause } from '../commands/context';
import { CommandError } from '../errors';
import type { Collection } from './collection';
import type { SecondaryIndex } from './indexes';
import { EVICTION_RATIO, queryShape, TRIAL_RESULTS, type CachedChoice, type PlanCache, type PlanCacheEntry } from './plan/cache';
import { describeInterval, intersect, intervalsFor, involvesStrings, isAllKeys, isPoint, normalize, type BoundsContext, type Interval } from './plan/intervals';
import { exemptFromNotablescan, getNotablescan, noTableScanError } from './plan/parameters';
import { queryImplies } from './plan/partial';
import { excludesMissing, fieldPredicates, type Predicate } from './plan/predicates';
import { fetchByIds, indexBoxes, scanCollection, scanIndex, unionOf } from './plan/scans';
import type { IndexKey } from './plan/key-order';

export interface QueryShape {
  filter?: Document;
  sort?: Document;
  /** The query's collation (undefined: simple binary comparison). */
  collator?: Collator;
  /** How many documents the caller needs at most (skip + limit); guides the choice of plan. */
  limit?: number;
  /** Overrides the `notablescan` server parameter (plan/parameters.ts) for this query. */
  notablescan?: boolean;
  /** An index name or key pattern the plan must use, or `{$natural: ±1}` for a collection scan. */
  hint?: string | Document;
  /**
   * Reuse and fill the collection's plan cache: the commands that test candidates themselves do
   * (and report matches through `countMatch`); explain never does, as in mongod.
   */
  cache?: boolean;
  /** The query's skip and projection: part of its cache key only (the planner does not use them). */
  skip?: number;
  projection?: Document;
}

export type PlanStage = 'EOF' | 'IDHACK' | 'IXSCAN' | 'OR' | 'COLLSCAN';

export interface PlanSummary {
  stage: PlanStage;
  indexName?: string;
  keyPattern?: Document;
  direction: 'forward' | 'backward';
  isMultiKey?: boolean;
  isUnique?: boolean;
  isSparse?: boolean;
  isPartial?: boolean;
  /** mongod's display of the bounds: field → intervals. */
  indexBounds?: Record<string, string[]>;
  /** For OR: one index scan per $or branch. */
  inputs?: PlanSummary[];
  /** Counters, advanced as the documents are consumed. */
  keysExamined: number;
  docsExamined: number;
}

export interface QueryPlan {
  docs: Iterable<Document | Pause>;
  /** The documents come in the order `sort` asks for (ties in any order). */
  providesSort: boolean;
  plan: PlanSummary;
  /** On a plan from the cache: the caller counts each document its matcher accepts, which is how the cache judges the plan. */
  countMatch?: () => void;
}

/** Keys counted per candidate index to compare their selectivity (a tiny version of mongod's trial run). */
const ESTIMATE_CAP = 100;

export function planQuery(collection: Collection | undefined, query: QueryShape = {}): QueryPlan {
  if (!collection) {
    return { docs: [], providesSort: true, plan: { stage: 'EOF', direction: 'forward', keysExamined: 0, docsExamined: 0 } };
  }
  const predicates = fieldPredicates(query.filter);
  const sort = sortFields(query.sort);
  const notablescan = query.notablescan ?? getNotablescan();
  const hint = hintedIndex(collection, query.hint);
  // A $natural hint or sort asks for a collection scan in insertion order (or its reverse).
  const natural = hint === 'natural' ? (query.hint as Document).$natural : query.sort && '$natural' in query.sort ? query.sort.$natural : undefined;
  if (natural !== undefined) {
    if (notablescan && !exemptFromNotablescan(collection.database, collection.name, query.filter)) {
      throw noTableScanError("hint $natural is not allowed, because 'notablescan' is enabled");
    }
    const naturalSort: SortField[] | undefined = Number(natural) < 0 ? [{ field: '$natural', direction: -1 }] : undefined;
    const plan = collectionScan(collection, naturalSort);
    // With {$natural: ±1} as the sort, the scan's order is the sort; under another sort it is not.
    return { ...plan, providesSort: sort === undefined || sort.every((field) => field.field === '$natural') };
  }
  if (hint && hint !== 'natural') {
    // A hint is obeyed even where the index may lack matching documents (sparse, partial), as in mongod.
    const forced = considerIndex(hint, query, predicates, sort, true)!;
    return indexPlan(collection, forced);
  }
  const byId = idLookup(collection, predicates.get('_id'), query.collator);
  if (byId) return byId;
  const unique = uniqueKeyLookup(collection, query, predicates, sort);
  if (unique) return indexPlan(collection, unique);

  const cacheKey = query.cache ? planCacheKeyOf(collection, query, predicates) : undefined;
  if (cacheKey) {
    const cached = cachedPlan(collection, cacheKey.key, query, predicates, sort);
    if (cached) return cached;
  }
  const candidates = indexCandidates(collection, query, predicates, sort);
  const best = chooseCandidate(candidates, sort !== undefined, query.limit !== undefined && query.limit > 0);
  if (best) {
    // Only a real choice is worth remembering, as mongod caches only what it multi-planned.
    if (cacheKey && candidates.length > 1) {
      const choice: CachedChoice = { indexName: best.index.name, direction: best.direction, boundedFields: best.bounds.length, pointFields: best.pointFields, providesSort: best.providesSort };
      collection.planCache.record(cacheKey.key, query, cacheKey.shape, choice, best.estimate ?? ESTIMATE_CAP);
    }
    return indexPlan(collection, best);
  }
  const union = orPlan(collection, query);
  if (union) return union;

  if (notablescan && !exemptFromNotablescan(collection.database, collection.name, query.filter)) throw noTableScanError();
  return collectionScan(collection, sort);
}

// ---------------------------------------------------------------------------------------------
// The plan cache (plan/cache.ts)

/**
 * The cache key of a query: its shape, whether it has a skip and a limit, and, as mongod's
 * planCacheKey does, which indexes whose use depends on the values it may use: a sparse index
 * (does the query exclude missing fields?), a partial index (does the query imply its filter?),
 * an index whose collation differs from the query's (do the values on its fields involve strings?).
 */
function planCacheKeyOf(collection: Collection, query: QueryShape, predicates: Map<string, Predicate[]>): { shape: string; key: string } {
  const shape = queryShape(query);
  let key = `${shape}|${query.skip ? 'skip' : ''}|${query.limit ? 'limit' : ''}|`;
  for (const index of collection.indexes.values()) {
    const collationMatches = sameCollation(index.collator, query.collator);
    if (!index.sparse && !index.partial && collationMatches) continue;
    key += `${JSON.stringify(index.name)}:`;
    if (index.sparse) key += sparseEligible(index, predicates) ? 's' : '-';
    if (index.partial) key += queryImplies(query.filter, index.spec.partialFilterExpression!, predicates) ? 'p' : '-';
    if (!collationMatches) {
      for (const field of index.fields) key += predicates.get(field)?.some(predicateInvolvesStrings) ? 'S' : '-';
    }
    key += ',';
  }
  return { shape, key };
}

function predicateInvolvesStrings(predicate: Predicate): boolean {
  switch (predicate.kind) {
    case 'eq':
    case 'range':
    case 'regex':
      return involvesStrings(predicate.value);
    case 'in':
      return predicate.values.some(involvesStrings);
    case 'element':
      return predicate.conditions.some(predicateInvolvesStrings);
    default:
      return false;
  }
}

/**
 * The active cached plan of this shape, with bounds from this query's values, watched as it
 * runs. When the cached index no longer gives the plan it was cached with (it became multikey,
 * say), the entry is evicted and the query planned in full.
 */
function cachedPlan(collection: Collection, key: string, query: QueryShape, predicates: Map<string, Predicate[]>, sort: SortField[] | undefined): QueryPlan | undefined {
  const entry = collection.planCache.active(key);
  if (!entry) return undefined;
  const { choice } = entry;
  const index = collection.indexNamed(choice.indexName);
  const candidate = index && considerIndex(index, query, predicates, sort);
  if (!candidate || candidate.bounds.length !== choice.boundedFields || candidate.pointFields !== choice.pointFields || candidate.providesSort !== choice.providesSort || candidate.direction !== choice.direction) {
    collection.planCache.evict(entry);
    return undefined;
  }
  const plan = indexPlan(collection, candidate);
  const trial = { matched: 0 };
  return {
    docs: watchCachedPlan(plan, trial, collection.planCache, entry),
    providesSort: plan.providesSort,
    plan: plan.plan,
    countMatch() {
      trial.matched += 1;
    },
  };
}

/**
 * mongod's replanning: a cached plan that reads more than EVICTION_RATIO times its works in keys
 * before TRIAL_RESULTS documents have matched loses its entry, and the shape is planned afresh.
 */
function* watchCachedPlan(plan: QueryPlan, trial: { matched: number }, cache: PlanCache, entry: PlanCacheEntry): Generator<Document | Pause> {
  const budget = EVICTION_RATIO * Math.max(entry.works, 1);
  let watching = true;
  for (const item of plan.docs) {
    if (watching && trial.matched >= TRIAL_RESULTS) watching = false;
    if (watching && plan.plan.keysExamined > budget) {
      cache.evict(entry);
      watching = false;
    }
    yield item;
  }
}

/**
 * What a hint asks for: an index, named or given by its key pattern; 'natural' for
 * `{$natural: ±1}`; 'none' for an empty document. Undefined when it names no index here. The
 * find, count, distinct and write commands check their hint with this before the planner obeys it.
 */
export function hintTarget(collection: Collection, hint: string | Document): SecondaryIndex | 'natural' | 'none' | undefined {
  if (typeof hint === 'string') return collection.indexNamed(hint);
  if (Object.keys(hint).length === 0) return 'none';
  if ('$natural' in hint) return 'natural';
  const wanted = hashKey(hint);
  if (hashKey(collection.idIndex.spec.key) === wanted) return collection.idIndex;
  for (const index of collection.indexes.values()) if (hashKey(index.spec.key) === wanted) return index;
  return undefined;
}

/** The index a hint makes the plan use; 'natural' for `{$natural: ±1}`; undefined for no hint. */
function hintedIndex(collection: Collection, hint: string | Document | undefined): SecondaryIndex | 'natural' | undefined {
  if (hint === undefined || hint === null) return undefined;
  const target = hintTarget(collection, hint);
  if (target === 'none') return undefined;
  if (target === 'natural') return target;
  if (!target || !target.ordered) {
    throw new CommandError('BadValue', 'error processing query: planner returned error :: caused by :: hint provided does not correspond to an existing index');
  }
  return target;
}

// ---------------------------------------------------------------------------------------------
// Sort specs

interface SortField {
  field: string;
  direction: 1 | -1;
}

/** The sort as a list; undefined for no sort or `{$natural: 1}`; `$natural: -1` is kept as is. */
function sortFields(sort: Document | undefined): SortField[] | undefined {
  if (!sort) return undefined;
  const out: SortField[] = [];
  for (const [field, direction] of Object.entries(sort)) {
    if (field === '$natural') return Number(direction) < 0 ? [{ field, direction: -1 }] : undefined;
    if (typeof direction === 'object' && direction !== null) return [{ field: '$meta', direction: 1 }];
    out.push({ field, direction: Number(direction) < 0 ? -1 : 1 });
  }
  return out.length > 0 ? out : undefined;
}

// ---------------------------------------------------------------------------------------------
// _id lookups

function idLookup(collection: Collection, predicates: Predicate[] | undefined, collator: Collator | undefined): QueryPlan | undefined {
  if (!predicates) return undefined;
  const idCollatorMatches = sameCollation(collection.idIndex.collator, collator);
  for (const predicate of predicates) {
    const values = predicate.kind === 'eq' ? [predicate.value] : predicate.kind === 'in' ? predicate.values : undefined;
    if (!values) continue;
    // Arrays, regexes and null need the matcher's element semantics: leave them to the index scan.
    if (values.some((value) => value === null || value === undefined || Array.isArray(value) || typeof value === 'object' && value !== null && (value as { _bsontype?: string })._bsontype === 'BSONRegExp' || value instanceof RegExp)) continue;
    if (!idCollatorMatches && values.some(involvesStrings)) continue;
    const plan: PlanSummary = predicate.kind === 'eq'
      ? { stage: 'IDHACK', direction: 'forward', keysExamined: 0, docsExamined: 0 }
      : { stage: 'IXSCAN', indexName: '_id_', keyPattern: { _id: 1 }, direction: 'forward', isMultiKey: false, isUnique: true, isSparse: false, isPartial: false, keysExamined: 0, docsExamined: 0 };
    if (plan.stage === 'IXSCAN') plan.indexBounds = { _id: values.map((value) => describeInterval({ lo: value, loInclusive: true, hi: value, hiInclusive: true }, 1)) };
    return { docs: fetchByIds(collection, values, plan), providesSort: values.length <= 1, plan };
  }
  return undefined;
}

/**
 * A unique index whose every field the filter pins to a single value: at most one document can
 * match, so no plan reads less, and none is costed (the unique-key counterpart of IDHACK).
 */
function uniqueKeyLookup(collection: Collection, query: QueryShape, predicates: Map<string, Predicate[]>, sort: SortField[] | undefined): IndexCandidate | undefined {
  for (const index of collection.indexes.values()) {
    if (!index.unique || !pinsEveryField(index, predicates)) continue;
    const candidate = considerIndex(index, query, predicates, sort);
    if (candidate && isSingleKey(index, candidate)) return candidate;
  }
  return undefined;
}

/** A cheap first look: an equality on every field of the index, none of them to an array (whose bounds hold two keys). */
function pinsEveryField(index: SecondaryIndex, predicates: Map<string, Predicate[]>): boolean {
  for (const field of index.fields) {
    const list = predicates.get(field);
    if (!list) return false;
    let pinned = false;
    for (const predicate of list) if (predicate.kind === 'eq' && !Array.isArray(predicate.value)) pinned = true;
    if (!pinned) return false;
  }
  return true;
}

// ---------------------------------------------------------------------------------------------
// Index candidates

interface IndexCandidate {
  index: SecondaryIndex;
  /** Bounds of the leading fields that are constrained (points, then at most one range). */
  bounds: Interval[][];
  pointFields: number;
  providesSort: boolean;
  direction: 1 | -1;
  estimate?: number;
}

function sameCollation(a: Collator | undefined, b: Collator | undefined): boolean {
  if (!a || !b) return a === b;
  return hashKey(a.spec) === hashKey(b.spec);
}

/** The indexes (the _id index first) that can serve the query, as candidates. */
function indexCandidates(collection: Collection, query: QueryShape, predicates: Map<string, Predicate[]>, sort: SortField[] | undefined): IndexCandidate[] {
  const candidates: IndexCandidate[] = [];
  const idCandidate = considerIndex(collection.idIndex, query, predicates, sort);
  if (idCandidate) candidates.push(idCandidate);
  for (const index of collection.indexes.values()) {
    const candidate = considerIndex(index, query, predicates, sort);
    if (candidate) candidates.push(candidate);
  }
  return candidates;
}

function considerIndex(index: SecondaryIndex, query: QueryShape, predicates: Map<string, Predicate[]>, sort: SortField[] | undefined, hinted = false): IndexCandidate | undefined {
  if (!index.ordered) return undefined;
  // A sparse index lacks documents missing every field; a partial one lacks those failing its filter.
  if (!hinted && index.sparse && !sparseEligible(index, predicates)) return undefined;
  if (!hinted && index.partial && !queryImplies(query.filter, index.spec.partialFilterExpression!, predicates)) return undefined;
  const fieldsPredicates = index.fields.map((field) => predicates.get(field) ?? []);

  const collationMatches = sameCollation(index.collator, query.collator);
  const context: BoundsContext = { collator: index.collator, stringsComparable: collationMatches };
  const perField = fieldsPredicates.map((list, i) => fieldIntervals(list, index.multikeyFields[i]!, context));

  const bounds: Interval[][] = [];
  let pointFields = 0;
  for (const intervals of perField) {
    if (!intervals) break;
    bounds.push(intervals);
    if (intervals.every((interval) => isPoint(interval, index.collator))) {
      pointFields += 1;
      continue;
    }
    break;
  }
  const pinned = index.fields.map((_, i) => i < pointFields && bounds[i]!.length === 1);
  const direction = sort ? sortDirection(index, sort, pinned, collationMatches) : undefined;
  if (bounds.length === 0 && direction === undefined && !hinted) return undefined;
  return { index, bounds, pointFields, providesSort: sort !== undefined && direction !== undefined, direction: direction ?? 1 };
}

/** A sparse index holds every document the query can match: one of its fields cannot be missing. */
function sparseEligible(index: SecondaryIndex, predicates: Map<string, Predicate[]>): boolean {
  for (const field of index.fields) if (predicates.get(field)?.some(excludesMissing)) return true;
  return false;
}

/**
 * One field's bounds from its predicates. On a multikey field two conditions may be met by
 * different elements ({a: {$gt: 5, $lt: 2}} matches [1, 9]), so only one of them bounds the scan.
 */
function fieldIntervals(predicates: Predicate[], multikey: boolean, context: BoundsContext): Interval[] | undefined {
  const lists: Interval[][] = [];
  for (const predicate of predicates) {
    const intervals = intervalsFor(predicate, context);
    if (intervals) lists.push(normalize(intervals, context.collator));
  }
  if (lists.length === 0) return undefined;
  if (multikey) {
    const points = lists.find((list) => list.every((interval) => isPoint(interval, context.collator)));
    return points ?? lists.find((list) => !isAllKeys(list)) ?? lists[0];
  }
  return lists.reduce((acc, list) => intersect(acc, list, context.collator));
}

/** 1 or -1 when scanning the index forward or backward yields the sort order; undefined if it cannot. */
function sortDirection(index: SecondaryIndex, sort: SortField[], pinned: boolean[], collationMatches: boolean): 1 | -1 | undefined {
  if (!collationMatches) return undefined;
  let position = 0;
  let direction: 1 | -1 | undefined;
  for (const { field, direction: wanted } of sort) {
    const at = index.fields.indexOf(field);
    if (at >= 0 && pinned[at] && !index.multikeyFields[at]) continue;
    while (position < index.fields.length && pinned[position] && index.fields[position] !== field) position += 1;
    if (position >= index.fields.length || index.fields[position] !== field) return undefined;
    // A multikey field sorts by its smallest (or largest) element, which a bounded scan does not give.
    if (index.multikeyFields[position]) return undefined;
    const relative = wanted * index.directions[position]! < 0 ? -1 : 1;
    if (direction !== undefined && direction !== relative) return undefined;
    direction = relative;
    position += 1;
  }
  return direction ?? 1;
}

/**
 * The bounded index reading the fewest keys (counted up to ESTIMATE_CAP), preferring one that
 * also gives the sort. With a sort and a limit, an index walk in sort order beats a large bounded
 * scan that would need sorting: it stops after `limit` matches, as mongod's trial run finds.
 */
function chooseCandidate(candidates: IndexCandidate[], sorted: boolean, limited: boolean): IndexCandidate | undefined {
  // A lone candidate wins whatever it costs: counting its keys would change nothing.
  if (candidates.length > 1) for (const candidate of candidates) if (candidate.bounds.length > 0) candidate.estimate = estimateKeys(candidate);
  let bounded: IndexCandidate | undefined;
  let sorting: IndexCandidate | undefined;
  for (const candidate of candidates) {
    if (candidate.bounds.length > 0 && (!bounded || outranks(candidate, bounded, sorted))) bounded = candidate;
    if (sorted && candidate.providesSort && (!sorting || outranks(candidate, sorting, sorted))) sorting = candidate;
  }
  if (!sorted) return bounded;
  if (!bounded || bounded.providesSort) return bounded ?? sorting;
  if (sorting && limited && (bounded.estimate ?? ESTIMATE_CAP) >= ESTIMATE_CAP) return sorting;
  return bounded;
}

/**
 * Whether `a` ranks above `b`: bounded, then fewer keys, then serving the sort, more fields pinned,
 * more fields bounded, fewer fields in all. The first of equals keeps its place.
 */
function outranks(a: IndexCandidate, b: IndexCandidate, sorted: boolean): boolean {
  const order = compareRankPart(a.bounds.length > 0 ? 1 : 0, b.bounds.length > 0 ? 1 : 0)
    || compareRankPart(-(a.estimate ?? ESTIMATE_CAP), -(b.estimate ?? ESTIMATE_CAP))
    || compareRankPart(sorted && a.providesSort ? 1 : 0, sorted && b.providesSort ? 1 : 0)
    || compareRankPart(a.pointFields, b.pointFields)
    || compareRankPart(a.bounds.length, b.bounds.length)
    || compareRankPart(-a.index.fields.length, -b.index.fields.length);
  return order > 0;
}

function compareRankPart(a: number, b: number): number {
  return a === b ? 0 : a > b ? 1 : -1;
}

function estimateKeys(candidate: IndexCandidate): number {
  let count = 0;
  const entry: [IndexKey, true] = [{ parts: [], id: '' }, true];
  for (const [start, end] of indexBoxes(candidate.index, candidate.bounds)) {
    for (const pair of candidate.index.keysFrom(start, entry)) {
      if (candidate.index.compare(pair[0], end) > 0 || ++count >= ESTIMATE_CAP) break;
    }
    if (count >= ESTIMATE_CAP) break;
  }
  return count;
}

// ---------------------------------------------------------------------------------------------
// Index scans

function indexPlan(collection: Collection, candidate: IndexCandidate): QueryPlan {
  const { index, bounds, direction } = candidate;
  const plan = new IndexScanSummary(index, bounds, direction);
  return { docs: scanIndex(collection, index, bounds, direction, plan, index.unique && isSingleKey(index, candidate)), providesSort: candidate.providesSort, plan };
}

/**
 * An index scan's summary. Only explain reads the bounds as text, so they are written out when it
 * asks: through the class's getter, since a getter in an object literal is defined anew on every
 * plan, which cost more than the rest of a unique-key lookup's planning.
 */
class IndexScanSummary implements PlanSummary {
  readonly stage = 'IXSCAN';
  readonly indexName: string;
  readonly keyPattern: Document;
  readonly direction: 'forward' | 'backward';
  readonly isMultiKey: boolean;
  readonly isUnique: boolean;
  readonly isSparse: boolean;
  readonly isPartial: boolean;
  keysExamined = 0;
  docsExamined = 0;
  readonly #index: SecondaryIndex;
  readonly #bounds: Interval[][];
  readonly #direction: 1 | -1;

  constructor(index: SecondaryIndex, bounds: Interval[][], direction: 1 | -1) {
    this.indexName = index.name;
    this.keyPattern = index.spec.key;
    this.direction = direction < 0 ? 'backward' : 'forward';
    this.isMultiKey = index.isMultikey;
    this.isUnique = index.spec.unique === true;
    this.isSparse = index.sparse;
    this.isPartial = index.partial;
    this.#index = index;
    this.#bounds = bounds;
    this.#direction = direction;
  }

  get indexBounds(): Record<string, string[]> {
    return describeBounds(this.#index, this.#bounds, this.#direction);
  }
}

/** The bounds pin every field of the index to one value. */
function isSingleKey(index: SecondaryIndex, candidate: IndexCandidate): boolean {
  if (candidate.pointFields !== index.fields.length) return false;
  for (const intervals of candidate.bounds) if (intervals.length !== 1) return false;
  return true;
}

/** mongod's indexBounds: per field, its intervals in scan order, an unbounded field as [MinKey, MaxKey]. */
function describeBounds(index: SecondaryIndex, bounds: Interval[][], direction: 1 | -1): Record<string, string[]> {
  const described: Record<string, string[]> = {};
  index.fields.forEach((field, i) => {
    const list = bounds[i];
    const fieldDirection = index.directions[i]! * direction;
    described[field] = list
      ? (fieldDirection < 0 ? [...list].reverse() : list).map((interval) => describeInterval(interval, fieldDirection))
      : [fieldDirection < 0 ? '[MaxKey, MinKey]' : '[MinKey, MaxKey]'];
  });
  return described;
}

// ---------------------------------------------------------------------------------------------
// $or: one index scan per branch

/**
 * A top-level $or whose every branch (with the rest of the filter) has a bounded index scan is
 * answered by the union of those scans, as mongod's OR stage does; one unindexed branch means a
 * collection scan.
 */
function orPlan(collection: Collection, query: QueryShape): QueryPlan | undefined {
  const filter = query.filter;
  const branches = filter?.$or;
  if (!filter || !Array.isArray(branches) || branches.length === 0) return undefined;
  const { $or: _or, ...rest } = filter;
  const chosen: IndexCandidate[] = [];
  for (const branch of branches) {
    if (branch === null || typeof branch !== 'object' || Array.isArray(branch)) return undefined;
    const branchQuery: QueryShape = { ...query, filter: { $and: [rest, branch as Document] } };
    delete branchQuery.sort;
    const candidates = indexCandidates(collection, branchQuery, fieldPredicates(branchQuery.filter), undefined);
    const best = chooseCandidate(candidates, false, false);
    if (!best) return undefined;
    chosen.push(best);
  }
  const inputs = chosen.map((candidate) => indexPlan(collection, candidate));
  const plan: PlanSummary = { stage: 'OR', direction: 'forward', inputs: inputs.map((input) => input.plan), keysExamined: 0, docsExamined: 0 };
  return { docs: unionOf(inputs, plan), providesSort: query.sort === undefined, plan };
}

// ---------------------------------------------------------------------------------------------
// Collection scans

function collectionScan(collection: Collection, sort: SortField[] | undefined): QueryPlan {
  const backward = sort?.length === 1 && sort[0]!.field === '$natural';
  const plan: PlanSummary = { stage: 'COLLSCAN', direction: backward ? 'backward' : 'forward', keysExamined: 0, docsExamined: 0 };
  return { docs: scanCollection(collection, backward, plan), providesSort: sort === undefined || backward, plan };
}
