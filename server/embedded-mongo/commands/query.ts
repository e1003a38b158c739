// Query execution for find, count, distinct and the write commands' matching: the planner's
// candidates (an index or a scan, storage/planner.ts), tested by the engine's matcher (query/),
// then sorted (unless the planner's order already serves the sort),
// skipped, limited and projected. Runs as a generator that yields PAUSE between batches so a
// long scan lets other clients in (decision 0004).
import type { Document } from 'bson';
import { isPlainObject, parseCollation, type Collator } from '../bson/index';
import { CommandError } from '../errors';
import { compileFilter, compileProjection, compileSort, type Matcher } from '../query/index';
import type { Collection } from '../storage/collection';
import { planQuery, type QueryPlan } from '../storage/planner';
import { PAUSE, type Pause } from './context';
import { evaluateLet } from './let-variables';

export interface FindOptions {
  filter?: Document;
  sort?: Document;
  projection?: Document;
  skip?: number;
  limit?: number;
  /** The command's collation document (validated here), or an already parsed collator. */
  collation?: Document | Collator;
  /** The command's `let` document: constants reachable as $$name from $expr and expressions. */
  let?: Document;
  /** An index name or key pattern for the planner, or `{ $natural: ±1 }`. */
  hint?: unknown;
}

/** Matches tested between pauses. */
const PAUSE_EVERY = 512;

/** The collator of a command: its own collation, else the collection's default one. */
export function collatorFor(collation: Document | Collator | undefined, collection: Collection | undefined): Collator | undefined {
  if (collation !== undefined && collation !== null) {
    if (typeof (collation as Collator).compare === 'function' && typeof (collation as Collator).key === 'function') return collation as Collator;
    return parseCollation(collation);
  }
  // The collection's default collation governs queries that name none (read off its _id index).
  return collection?.idIndex.collator;
}

export interface CompiledQuery {
  matcher: Matcher;
  collator: Collator | undefined;
  variables: Record<string, unknown>;
}

export function compileQuery(collection: Collection | undefined, filter: unknown, collation: Document | Collator | undefined, letSpec?: Document): CompiledQuery {
  if (filter !== undefined && filter !== null && !isPlainObject(filter)) {
    throw new CommandError('TypeMismatch', "BSON field 'filter' is the wrong type, expected type 'object'");
  }
  const collator = collatorFor(collation, collection);
  const variables = evaluateLet(letSpec, 'find');
  return { matcher: compileFilter(filter as Document | undefined, { collator, variables }), collator, variables };
}

export interface MatchOptions {
  sort?: Document;
  /** How many documents the caller needs at most (skip + limit), for the planner. */
  limit?: number;
  hint?: unknown;
  /** The command's skip and projection: they only make part of its plan cache key. */
  skip?: number;
  projection?: Document;
}

export interface Matches {
  docs: Document[];
  /** The planner served the sort: the documents already come in the order asked for. */
  sorted: boolean;
}

/** The matching documents in the planner's order (an index or a scan), pausing between batches. */
export function* matchingRun(
  collection: Collection | undefined,
  filter: Document | undefined,
  query: Pick<CompiledQuery, 'matcher' | 'collator'>,
  options: MatchOptions = {},
): Generator<Pause, Matches, void> {
  if (!collection) return { docs: [], sorted: true };
  const plan = planQuery(collection, {
    filter,
    sort: options.sort,
    collator: query.collator,
    limit: options.limit,
    hint: options.hint as string | Document | undefined,
    cache: true,
    skip: options.skip,
    projection: options.projection,
  });
  return yield* planMatches(plan, query.matcher, options);
}

/**
 * The documents of a plan its matcher accepts, pausing between batches. When they already come in
 * the order asked for, the first `limit` matches are the answer: it stops there, so a sorted limit
 * on an index costs O(log n + k).
 */
export function* planMatches(plan: QueryPlan, matcher: Matcher, options: Pick<MatchOptions, 'sort' | 'limit'>): Generator<Pause, Matches, void> {
  const docs: Document[] = [];
  const enough = options.limit !== undefined && options.limit > 0 && (!options.sort || plan.providesSort) ? options.limit : Infinity;
  let tested = 0;
  for (const item of plan.docs) {
    if (item === PAUSE) {
      yield PAUSE;
      continue;
    }
    if (matcher.test(item)) {
      plan.countMatch?.();
      docs.push(item);
      if (docs.length >= enough) break;
    }
    if (++tested % PAUSE_EVERY === 0) yield PAUSE;
  }
  return { docs, sorted: plan.providesSort };
}

/** find's work: match, sort, skip, limit, project. Projected documents are fresh objects. */
export function* findRun(collection: Collection | undefined, options: FindOptions): Generator<Pause, Document[], void> {
  const query = compileQuery(collection, options.filter, options.collation, options.let);
  const hasSort = options.sort !== undefined && Object.keys(options.sort).length > 0;
  const sort = hasSort ? compileSort(options.sort!, { collator: query.collator }) : undefined;
  const projection = options.projection && Object.keys(options.projection).length > 0
    ? compileProjection(options.projection, { collator: query.collator, variables: query.variables })
    : undefined;
  const skip = options.skip ?? 0;
  const limit = options.limit ? Math.abs(options.limit) : undefined;
  const matches = yield* matchingRun(collection, options.filter, query, {
    sort: hasSort ? options.sort : undefined,
    limit: limit === undefined ? undefined : skip + limit,
    hint: options.hint,
    skip,
    projection: projection ? options.projection : undefined,
  });
  let docs = matches.docs;
  if (sort && !matches.sorted) {
    const wanted = limit === undefined ? Infinity : skip + limit;
    // A small limit keeps only the best `wanted` documents (mongod's top-k sort); otherwise a full
    // sort. Both are stable: ties keep the scan's order.
    docs = wanted < docs.length / 4 ? smallest(docs, sort, wanted) : docs.sort(sort);
  }
  if (skip > 0 || limit !== undefined) docs = docs.slice(skip, limit === undefined ? undefined : skip + limit);
  if (!projection) return docs;
  const out: Document[] = [];
  try {
    for (const doc of docs) out.push(projection(doc, query.matcher));
  } catch (error) {
    // Errors met while producing results carry the executor's prefix in mongod's replies.
    if (error instanceof CommandError) throw new CommandError(error.code, `Executor error during find command :: caused by :: ${error.message}`, error.extra);
    throw error;
  }
  return out;
}

/** The first `k` documents in `compare` order, stably, without sorting all of them. */
export function smallest(docs: readonly Document[], compare: (a: Document, b: Document) => number, k: number): Document[] {
  const best: Document[] = [];
  for (const doc of docs) {
    if (best.length === k && compare(doc, best[k - 1]!) >= 0) continue;
    // Insert after every equal element (upper bound), which keeps ties in arrival order.
    let lo = 0;
    let hi = best.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (compare(doc, best[mid]!) < 0) hi = mid;
      else lo = mid + 1;
    }
    best.splice(lo, 0, doc);
    if (best.length > k) best.pop();
  }
  return best;
}
