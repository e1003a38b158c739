// Index bounds: for one field, an ordered list of disjoint intervals in ascending value order
// (mongod's "ordered interval list"). Bounds are conservative: they hold every key a matching
// document can have, and the matcher removes the rest.
import { bsonType, regexParts, type Collator } from '../../bson/index';
import { BracketEdge, compareKeyParts, EMPTY_ARRAY_KEY, MAX_BOUND, MIN_BOUND, rangeBracket, typeRank, type KeyPart } from './key-order';
import type { Predicate } from './predicates';

export interface Interval {
  lo: KeyPart;
  loInclusive: boolean;
  hi: KeyPart;
  hiInclusive: boolean;
}

export interface BoundsContext {
  /** The index's collation, which orders its string keys. */
  collator: Collator | undefined;
  /** The query's collation equals the index's, so bounds on string values are valid. */
  stringsComparable: boolean;
}

export function pointInterval(value: KeyPart): Interval {
  return { lo: value, loInclusive: true, hi: value, hiInclusive: true };
}

export function isPoint(interval: Interval, collator: Collator | undefined): boolean {
  return interval.loInclusive && interval.hiInclusive && compareKeyParts(interval.lo, interval.hi, collator) === 0;
}

/** Whether comparing this value involves string comparison (so a collation changes its order). */
export function involvesStrings(value: unknown): boolean {
  switch (bsonType(value)) {
    case 'string':
    case 'symbol':
      return true;
    case 'array':
      return (value as unknown[]).some(involvesStrings);
    case 'object':
      return Object.values(value as object).some(involvesStrings);
    default:
      return false;
  }
}

/** The intervals a predicate allows, or undefined when it gives no bounds. */
export function intervalsFor(predicate: Predicate, context: BoundsContext): Interval[] | undefined {
  switch (predicate.kind) {
    case 'eq':
      return equalityIntervals(predicate.value, context);
    case 'in': {
      const all: Interval[] = [];
      for (const value of predicate.values) {
        const intervals = bsonType(value) === 'regex' ? regexIntervals(value, context) : equalityIntervals(value, context);
        if (!intervals) return undefined;
        all.push(...intervals);
      }
      return normalize(all, context.collator);
    }
    case 'range':
      return rangeIntervals(predicate.op, predicate.value, context);
    case 'regex':
      return regexIntervals(predicate.value, context);
    case 'element': {
      // The element that matches meets every condition, so its key lies in all of their bounds.
      let result: Interval[] = [ALL_KEYS];
      for (const condition of predicate.conditions) {
        const intervals = intervalsFor(condition, context);
        if (intervals) result = intersect(result, normalize(intervals, context.collator), context.collator);
      }
      return result;
    }
    default:
      return [ALL_KEYS];
  }
}

/** Every key of the index: mongod's [MinKey, MaxKey]. */
export const ALL_KEYS: Interval = { lo: MIN_BOUND, loInclusive: true, hi: MAX_BOUND, hiInclusive: true };

export function isAllKeys(intervals: readonly Interval[]): boolean {
  return intervals.length === 1 && intervals[0]!.lo === MIN_BOUND && intervals[0]!.hi === MAX_BOUND;
}

function equalityIntervals(value: unknown, context: BoundsContext): Interval[] | undefined {
  if (!context.stringsComparable && involvesStrings(value)) return undefined;
  if (value === undefined || value === null) return [pointInterval(null)];
  if (Array.isArray(value)) {
    // A document equal to the array has its first element as a key (or the empty-array key);
    // one holding the array as an element has the array itself as a key.
    const first: KeyPart = value.length === 0 ? EMPTY_ARRAY_KEY : value[0];
    return normalize([pointInterval(value), pointInterval(first === undefined ? null : first)], context.collator);
  }
  return [pointInterval(value)];
}

function rangeIntervals(op: string, value: unknown, context: BoundsContext): Interval[] | undefined {
  const rank = rangeBracket(value);
  if (rank === undefined) return undefined;
  if (typeof value === 'number' && Number.isNaN(value)) return undefined;
  if (bsonType(value) === 'decimal' && Number.isNaN(Number(String(value)))) return undefined;
  if (!context.stringsComparable && involvesStrings(value)) return undefined;
  const start = new BracketEdge(rank, false);
  const end = new BracketEdge(rank, true);
  switch (op) {
    case '$gt':
      return [{ lo: value, loInclusive: false, hi: end, hiInclusive: true }];
    case '$gte':
      return [{ lo: value, loInclusive: true, hi: end, hiInclusive: true }];
    case '$lt':
      return [{ lo: start, loInclusive: true, hi: value, hiInclusive: false }];
    default:
      return [{ lo: start, loInclusive: true, hi: value, hiInclusive: true }];
  }
}

const STRING_RANK = typeRank('');
const REGEX_RANK = typeRank(/x/);

function regexIntervals(value: unknown, context: BoundsContext): Interval[] {
  const regexValues: Interval = { lo: new BracketEdge(REGEX_RANK, false), loInclusive: true, hi: new BracketEdge(REGEX_RANK, true), hiInclusive: true };
  const prefix = context.collator ? undefined : literalPrefix(value);
  const strings: Interval = prefix
    ? { lo: prefix, loInclusive: true, hi: prefix.slice(0, -1) + String.fromCharCode(prefix.charCodeAt(prefix.length - 1) + 1), hiInclusive: false }
    : { lo: new BracketEdge(STRING_RANK, false), loInclusive: true, hi: new BracketEdge(STRING_RANK, true), hiInclusive: true };
  return [strings, regexValues];
}

/**
 * The literal text every match must start with (/^abc/ → "abc"), when the pattern is a plain
 * anchored prefix. Limited to ASCII so "prefix + 1" bounds it in UTF-8 byte order too.
 */
function literalPrefix(value: unknown): string | undefined {
  let pattern: string;
  let flags: string;
  if (typeof value === 'string') {
    pattern = value;
    flags = '';
  } else {
    ({ pattern, flags } = regexParts(value));
  }
  if (/[imx]/.test(flags) || !pattern.startsWith('^') || pattern.includes('|')) return undefined;
  const match = /^\^([A-Za-z0-9 _\-:/,;'"<>=!@#%&~`]*)(.?)/.exec(pattern);
  if (!match) return undefined;
  let literal = match[1]!;
  // A quantifier after the last literal character makes that character optional.
  if (match[2] === '?' || match[2] === '*' || match[2] === '{') literal = literal.slice(0, -1);
  return literal.length > 0 ? literal : undefined;
}

function compareLo(a: Interval, b: Interval, collator: Collator | undefined): number {
  const c = compareKeyParts(a.lo, b.lo, collator);
  if (c !== 0) return c;
  if (a.loInclusive === b.loInclusive) return 0;
  return a.loInclusive ? -1 : 1;
}

/** Whether `a` ends before `b` starts with a gap between them. */
function endsBefore(a: Interval, b: Interval, collator: Collator | undefined): boolean {
  const c = compareKeyParts(a.hi, b.lo, collator);
  return c < 0 || (c === 0 && !a.hiInclusive && !b.loInclusive);
}

function maxHi(a: Interval, b: Interval, collator: Collator | undefined): Pick<Interval, 'hi' | 'hiInclusive'> {
  const c = compareKeyParts(a.hi, b.hi, collator);
  if (c > 0 || (c === 0 && a.hiInclusive)) return { hi: a.hi, hiInclusive: a.hiInclusive };
  return { hi: b.hi, hiInclusive: b.hiInclusive };
}

/** Sorts and merges overlapping intervals into an ordered, disjoint list. */
export function normalize(intervals: Interval[], collator: Collator | undefined): Interval[] {
  // One interval is already ordered and disjoint (the usual equality): handed back as it is.
  if (intervals.length <= 1) return intervals;
  const sorted = [...intervals].sort((a, b) => compareLo(a, b, collator));
  const out: Interval[] = [];
  for (const interval of sorted) {
    const last = out[out.length - 1];
    if (last && !endsBefore(last, interval, collator)) {
      out[out.length - 1] = { ...last, ...maxHi(last, interval, collator) };
    } else {
      out.push(interval);
    }
  }
  return out;
}

/** The values in both ordered lists (both already normalized). */
export function intersect(a: Interval[], b: Interval[], collator: Collator | undefined): Interval[] {
  const out: Interval[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const x = a[i]!;
    const y = b[j]!;
    const lo = compareLo(x, y, collator) >= 0 ? { lo: x.lo, loInclusive: x.loInclusive } : { lo: y.lo, loInclusive: y.loInclusive };
    const hiCompare = compareKeyParts(x.hi, y.hi, collator);
    const xEndsFirst = hiCompare < 0 || (hiCompare === 0 && !x.hiInclusive);
    const hi = xEndsFirst ? { hi: x.hi, hiInclusive: x.hiInclusive } : { hi: y.hi, hiInclusive: y.hiInclusive };
    const c = compareKeyParts(lo.lo, hi.hi, collator);
    if (c < 0 || (c === 0 && lo.loInclusive && hi.hiInclusive)) out.push({ ...lo, ...hi });
    if (xEndsFirst) i += 1;
    else j += 1;
  }
  return out;
}

/** mongod's display of an interval in explain: "[1, 1]", "(5, inf.0]", "[MinKey, MaxKey]". */
export function describeInterval(interval: Interval, direction: number): string {
  const [lo, loInclusive, hi, hiInclusive] = direction < 0
    ? [interval.hi, interval.hiInclusive, interval.lo, interval.loInclusive]
    : [interval.lo, interval.loInclusive, interval.hi, interval.hiInclusive];
  return `${loInclusive ? '[' : '('}${describePart(lo)}, ${describePart(hi)}${hiInclusive ? ']' : ')'}`;
}

const NUMBER_RANK = typeRank(0);
const DATE_RANK = typeRank(new Date(0));

/** How mongod prints a bound: type brackets by their extreme values, sentinels as MinKey/MaxKey. */
function describePart(part: KeyPart): string {
  if (part instanceof BracketEdge) {
    if (part.rank === NUMBER_RANK) return part.end ? 'inf.0' : '-inf.0';
    if (part.rank === STRING_RANK) return part.end ? '{}' : '""';
    if (part.rank === DATE_RANK) return part.end ? 'new Date(9223372036854775807)' : 'new Date(-9223372036854775808)';
    return part.end ? 'MaxKey' : 'MinKey';
  }
  if (part === MIN_BOUND) return 'MinKey';
  if (part === MAX_BOUND) return 'MaxKey';
  if (part === EMPTY_ARRAY_KEY) return 'undefined';
  if (typeof part === 'string') return JSON.stringify(part);
  if (part instanceof Date) return `new Date(${part.getTime()})`;
  if (typeof part === 'number' && !Number.isFinite(part)) return Number.isNaN(part) ? 'nan.0' : part > 0 ? 'inf.0' : '-inf.0';
  if (typeof part === 'bigint') return part.toString();
  if (part === null) return 'null';
  if (bsonType(part) === 'regex') {
    const { pattern, flags } = regexParts(part);
    return `/${pattern}/${flags}`;
  }
  try {
    return JSON.stringify(part) ?? String(part);
  } catch {
    return String(part);
  }
}
