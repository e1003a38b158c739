// The order of index keys. A stored key is the tuple of a document's values for the index's
// fields plus the document's record id (so equal values still make distinct, ordered entries).
// Scan bounds are keys too, built from sentinels that sort below, between or above real values.
import { bsonType, compareValues, type BsonTypeName, type Collator } from '../../bson/index';

/** Below (MIN_BOUND) or above (MAX_BOUND) every value, including BSON MinKey/MaxKey. */
export const MIN_BOUND: unique symbol = Symbol('index.minBound');
export const MAX_BOUND: unique symbol = Symbol('index.maxBound');

/**
 * The key mongod gives an empty array (BSON undefined): it must differ from the key of a
 * missing field (null), or `{a: []}` and a missing `a` would collide in a unique index.
 */
export const EMPTY_ARRAY_KEY: unique symbol = Symbol('index.emptyArray');

/** The start or end of one type bracket (all numbers, all strings...), for range bounds. */
export class BracketEdge {
  constructor(
    readonly rank: number,
    readonly end: boolean,
  ) {}
}

export type KeyPart = unknown;

/** Record ids below/above every real id, so a bound can sit before or after all entries with equal values. */
export const LOW_ID: unique symbol = Symbol('index.lowId');
export const HIGH_ID: unique symbol = Symbol('index.highId');
export type KeyId = string | typeof LOW_ID | typeof HIGH_ID;

export interface IndexKey {
  readonly parts: readonly KeyPart[];
  readonly id: KeyId;
}

// BSON comparison order of types (MongoDB manual, "Comparison/Sort Order"): numbers are one
// bracket, strings and symbols another. The empty-array key sits just below null, as BSON
// undefined does in mongod's key string encoding.
const TYPE_RANK: Record<BsonTypeName, number> = {
  minKey: 1,
  undefined: 3,
  missing: 3,
  null: 3,
  int: 4,
  long: 4,
  double: 4,
  decimal: 4,
  string: 5,
  symbol: 5,
  object: 6,
  array: 7,
  binData: 8,
  objectId: 9,
  bool: 10,
  date: 11,
  timestamp: 12,
  regex: 13,
  dbPointer: 14,
  javascript: 15,
  javascriptWithScope: 16,
  maxKey: 17,
};
const EMPTY_ARRAY_RANK = 2;

export function typeRank(value: unknown): number {
  if (value === EMPTY_ARRAY_KEY) return EMPTY_ARRAY_RANK;
  return TYPE_RANK[bsonType(value)];
}

/** Rank of the bracket a range bound on this value covers, or undefined when ranges on it are not indexed. */
export function rangeBracket(value: unknown): number | undefined {
  switch (bsonType(value)) {
    case 'int':
    case 'long':
    case 'double':
    case 'decimal':
    case 'string':
    case 'symbol':
    case 'binData':
    case 'objectId':
    case 'bool':
    case 'date':
    case 'timestamp':
      return typeRank(value);
    default:
      return undefined;
  }
}

function isSentinel(part: KeyPart): boolean {
  return typeof part === 'symbol' || part instanceof BracketEdge;
}

/** Where a sentinel sits on a scale where a real value of rank r sits at 2r. */
function sentinelPosition(part: KeyPart): number {
  if (part === MIN_BOUND) return -Infinity;
  if (part === MAX_BOUND) return Infinity;
  if (part instanceof BracketEdge) return 2 * part.rank + (part.end ? 1 : -1);
  return 2 * EMPTY_ARRAY_RANK;
}

/** Compares two key parts in ascending BSON order (strings under the index's collation). */
export function compareKeyParts(a: KeyPart, b: KeyPart, collator: Collator | undefined): number {
  if (a === b) return 0;
  // Fast path for the common keys (and no sentinel is a string or a number).
  const typeA = typeof a;
  if ((typeA === 'string' || typeA === 'number') && typeA === typeof b) return compareValues(a, b, collator);
  if (isSentinel(a) || isSentinel(b)) {
    const left = isSentinel(a) ? sentinelPosition(a) : 2 * typeRank(a);
    const right = isSentinel(b) ? sentinelPosition(b) : 2 * typeRank(b);
    return left < right ? -1 : left > right ? 1 : 0;
  }
  return compareValues(a, b, collator);
}

function compareIds(a: KeyId, b: KeyId): number {
  if (a === b) return 0;
  if (a === LOW_ID || b === HIGH_ID) return -1;
  if (a === HIGH_ID || b === LOW_ID) return 1;
  return a < b ? -1 : 1;
}

/** The comparator of one index: per-field direction, then record id. */
export function keyComparator(directions: readonly number[], collator: Collator | undefined): (a: IndexKey, b: IndexKey) => number {
  return (a, b) => {
    const c = comparePartsOnly(a.parts, b.parts, directions, collator);
    return c !== 0 ? c : compareIds(a.id, b.id);
  };
}

export function comparePartsOnly(a: readonly KeyPart[], b: readonly KeyPart[], directions: readonly number[], collator: Collator | undefined): number {
  for (let i = 0; i < directions.length; i += 1) {
    const c = compareKeyParts(a[i], b[i], collator);
    if (c !== 0) return directions[i]! < 0 ? -c : c;
  }
  return 0;
}
