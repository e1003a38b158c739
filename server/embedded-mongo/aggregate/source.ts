// Reading a collection as a stream of documents.
import type { Document } from 'bson';
import type { Collator } from '../bson/index';
import type { Catalog } from '../storage/catalog';
import { planQuery } from '../storage/planner';
import type { Pause, Stream } from './pause';

export interface ScanOptions {
  /** Lets an index narrow the candidates; the caller still tests every document. */
  filter?: Document;
  /** Asks for this order; `ordered` tells whether the plan gives it. */
  sort?: Document;
  /** How many documents the caller needs at most. */
  limit?: number;
  collator?: Collator;
  /** The command's `hint`: an index name or key pattern, or `{ $natural: 1 }`. */
  hint?: string | Document;
}

export interface Scan {
  stream: Stream;
  /** The documents come in the order asked for. */
  ordered: boolean;
}

/** The documents of a collection (none if it does not exist), through the planner, pausing as it scans. */
export function scanCollection(catalog: Catalog, db: string, name: string, options: ScanOptions = {}): Scan {
  const collection = catalog.getCollection(db, name);
  const plan = planQuery(collection, {
    ...(options.filter ? { filter: options.filter } : {}),
    ...(options.sort ? { sort: options.sort } : {}),
    ...(options.limit !== undefined ? { limit: options.limit } : {}),
    ...(options.collator ? { collator: options.collator } : {}),
    ...(options.hint !== undefined ? { hint: options.hint } : {}),
  });
  return { stream: streamFrom(plan.docs), ordered: options.sort !== undefined && plan.providesSort };
}

function* streamFrom(items: Iterable<Document | Pause>): Stream {
  yield* items;
}

/** Every value at a dotted path, array elements fanned out (what $lookup and $graphLookup match on). */
export function valuesAlongPath(value: unknown, parts: readonly string[], depth = 0, out: unknown[] = []): unknown[] {
  if (depth === parts.length) {
    if (Array.isArray(value)) out.push(...value);
    else out.push(value);
    return out;
  }
  if (Array.isArray(value)) {
    for (const element of value) {
      if (element !== null && typeof element === 'object' && !Array.isArray(element)) valuesAlongPath(element, parts, depth, out);
    }
    return out;
  }
  if (value === null || typeof value !== 'object') return out;
  const next = (value as Document)[parts[depth]!];
  if (next === undefined) return out;
  return valuesAlongPath(next, parts, depth + 1, out);
}
