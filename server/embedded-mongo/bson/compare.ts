// BSON comparison order (https://www.mongodb.com/docs/manual/reference/bson-type-comparison-order/):
// MinKey < missing < null < numbers < symbol, string < object < array < binData < objectId
// < bool < date < timestamp < regex < javascript < javascriptWithScope < maxKey.
// Missing ranks below null as in mongod's Value::compare (aggregation: {$lt: ['$nope', null]} is
// true); sort and the query matcher map missing to null themselves where MongoDB does.
import type { Binary, Code, Document, ObjectId, Timestamp } from 'bson';
import type { Collator } from './collation';
import { compareNumericViews, numericKey, numericView } from './numbers';
import { bsonTagOf, bsonType, isPlainObject, type BsonTypeName } from './types';

const TYPE_RANK: Record<BsonTypeName, number> = {
  minKey: -1, missing: 0, undefined: 0, null: 5,
  int: 10, long: 10, double: 10, decimal: 10,
  string: 15, symbol: 15,
  object: 20, array: 25, binData: 30, objectId: 35, bool: 40, date: 45, timestamp: 47, regex: 50,
  dbPointer: 55, javascript: 60, javascriptWithScope: 65, maxKey: 127,
};

/** The canonical type rank mongod sorts by; equal ranks compare by value. */
export function typeRank(value: unknown): number {
  return TYPE_RANK[bsonType(value)];
}

function sign(n: number): number {
  return n < 0 ? -1 : n > 0 ? 1 : 0;
}

/**
 * Orders strings by their UTF-8 bytes without encoding them: UTF-16 order differs from code
 * point order only between surrogates and U+E000..U+FFFF, so those units are shifted first.
 */
export function compareStringsBinary(a: string, b: string): number {
  if (a === b) return 0;
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x === y) continue;
    if (x >= 0xd800 && y >= 0xd800) {
      x = x >= 0xe000 ? x - 0x800 : x + 0x2000;
      y = y >= 0xe000 ? y - 0x800 : y + 0x2000;
    }
    return x < y ? -1 : 1;
  }
  return sign(a.length - b.length);
}

export function stringOf(value: unknown): string {
  return typeof value === 'string' ? value : String((value as { value?: unknown }).value ?? value);
}

export interface RegexParts {
  pattern: string;
  flags: string;
}

/** Pattern and flags of a BSONRegExp or a JS RegExp built in code; flags sorted as BSON stores them. */
export function regexParts(value: unknown): RegexParts {
  if (value instanceof RegExp) return { pattern: value.source, flags: [...value.flags].sort().join('') };
  const regex = value as { pattern: string; options: string };
  return { pattern: regex.pattern, flags: regex.options };
}

function bytesOf(binary: Binary): Uint8Array {
  return binary.buffer.subarray(0, binary.position);
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    if (a[i] !== b[i]) return a[i]! < b[i]! ? -1 : 1;
  }
  return sign(a.length - b.length);
}

/** Entries of an embedded document; DBRef objects compare as the { $ref, $id, $db } document BSON stores. */
function entriesOf(value: object): [string, unknown][] {
  if (bsonTagOf(value) === 'DBRef') {
    const ref = value as { collection: string; oid: unknown; db?: string; fields?: Document };
    const doc: Document = { $ref: ref.collection, $id: ref.oid };
    if (ref.db) doc.$db = ref.db;
    return [...Object.entries(doc), ...Object.entries(ref.fields ?? {})];
  }
  return Object.entries(value).filter(([, v]) => v !== undefined);
}

function compareDocuments(a: object, b: object, collator: Collator | undefined): number {
  const x = entriesOf(a);
  const y = entriesOf(b);
  const length = Math.min(x.length, y.length);
  for (let i = 0; i < length; i++) {
    const [keyA, valueA] = x[i]!;
    const [keyB, valueB] = y[i]!;
    // Within a document mongod compares each element's type first, then its name, then its value.
    const byType = sign(typeRank(valueA) - typeRank(valueB));
    if (byType !== 0) return byType;
    const byName = compareStringsBinary(keyA, keyB);
    if (byName !== 0) return byName;
    const byValue = compareValues(valueA, valueB, collator);
    if (byValue !== 0) return byValue;
  }
  return sign(x.length - y.length);
}

function compareArrays(a: readonly unknown[], b: readonly unknown[], collator: Collator | undefined): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const byType = sign(typeRank(a[i]) - typeRank(b[i]));
    if (byType !== 0) return byType;
    const byValue = compareValues(a[i], b[i], collator);
    if (byValue !== 0) return byValue;
  }
  return sign(a.length - b.length);
}

function timestampParts(value: Timestamp): [number, number] {
  return [value.high >>> 0, value.low >>> 0];
}

/** Total order of any two values in BSON's comparison order; strings by `collator` when given. */
export function compareValues(a: unknown, b: unknown, collator?: Collator): number {
  if (typeof a === 'number' && typeof b === 'number') {
    if (a === b) return 0;
    if (Number.isNaN(a)) return Number.isNaN(b) ? 0 : -1;
    if (Number.isNaN(b)) return 1;
    return a < b ? -1 : 1;
  }
  if (typeof a === 'string' && typeof b === 'string') {
    return collator ? sign(collator.compare(a, b)) : compareStringsBinary(a, b);
  }
  const typeA = bsonType(a);
  const typeB = bsonType(b);
  const byRank = sign(TYPE_RANK[typeA] - TYPE_RANK[typeB]);
  if (byRank !== 0) return byRank;
  switch (TYPE_RANK[typeA]) {
    case 10:
      return compareNumericViews(numericView(a)!, numericView(b)!);
    case 15: {
      const x = stringOf(a);
      const y = stringOf(b);
      return collator ? sign(collator.compare(x, y)) : compareStringsBinary(x, y);
    }
    case 20:
      return compareDocuments(a as object, b as object, collator);
    case 25:
      return compareArrays(a as unknown[], b as unknown[], collator);
    case 30: {
      const x = a instanceof Uint8Array ? a : bytesOf(a as Binary);
      const y = b instanceof Uint8Array ? b : bytesOf(b as Binary);
      if (x.length !== y.length) return sign(x.length - y.length);
      const subtypeA = a instanceof Uint8Array ? 0 : (a as Binary).sub_type;
      const subtypeB = b instanceof Uint8Array ? 0 : (b as Binary).sub_type;
      if (subtypeA !== subtypeB) return sign(subtypeA - subtypeB);
      return compareBytes(x, y);
    }
    case 35:
      return compareBytes((a as ObjectId).id, (b as ObjectId).id);
    case 40:
      return sign(Number(a) - Number(b));
    case 45:
      return sign((a as Date).getTime() - (b as Date).getTime());
    case 47: {
      const [highA, lowA] = timestampParts(a as Timestamp);
      const [highB, lowB] = timestampParts(b as Timestamp);
      return highA !== highB ? sign(highA - highB) : sign(lowA - lowB);
    }
    case 50: {
      const x = regexParts(a);
      const y = regexParts(b);
      return compareStringsBinary(x.pattern, y.pattern) || compareStringsBinary(x.flags, y.flags);
    }
    case 60:
    case 65: {
      const x = a as Code;
      const y = b as Code;
      const byCode = compareStringsBinary(String(x.code), String(y.code));
      if (byCode !== 0 || TYPE_RANK[typeA] === 60) return byCode;
      return compareDocuments(x.scope ?? {}, y.scope ?? {}, collator);
    }
    default:
      // minKey, maxKey, null, missing: one value each.
      return 0;
  }
}

export function valuesEqual(a: unknown, b: unknown, collator?: Collator): boolean {
  if (a === b) return true;
  return compareValues(a, b, collator) === 0;
}

/** A string that is equal for two values exactly when valuesEqual says they are equal. */
export function hashKey(value: unknown, collator?: Collator): string {
  switch (typeof value) {
    case 'number':
      return Number.isNaN(value) ? 'nNaN' : `n${value === 0 ? 0 : value}`;
    case 'string':
      return collator ? `s${collator.key(value)}` : `s${value}`;
    case 'boolean':
      return value ? 'T' : 'F';
    case 'undefined':
      return 'u';
    default:
      break;
  }
  const type = bsonType(value);
  switch (type) {
    case 'null':
      return 'z';
    case 'int':
    case 'long':
    case 'double':
    case 'decimal':
      return numericKey(numericView(value)!);
    case 'symbol':
      return hashKey(stringOf(value), collator);
    case 'array':
      return `[${(value as unknown[]).map((element) => JSON.stringify(hashKey(element, collator))).join(',')}]`;
    case 'object':
      return `{${entriesOf(value as object).map(([key, element]) => `${JSON.stringify(key)}:${JSON.stringify(hashKey(element, collator))}`).join(',')}}`;
    case 'binData': {
      const bytes = value instanceof Uint8Array ? value : bytesOf(value as Binary);
      const subtype = value instanceof Uint8Array ? 0 : (value as Binary).sub_type;
      return `x${subtype}:${Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64')}`;
    }
    case 'objectId':
      return `o${(value as ObjectId).toHexString()}`;
    case 'date':
      return `d${(value as Date).getTime()}`;
    case 'timestamp': {
      const [high, low] = timestampParts(value as Timestamp);
      return `t${high}:${low}`;
    }
    case 'regex': {
      const { pattern, flags } = regexParts(value);
      return `r${flags}/${pattern}`;
    }
    case 'javascript':
      return `j${String((value as Code).code)}`;
    case 'javascriptWithScope':
      return `J${String((value as Code).code)}${hashKey((value as Code).scope ?? {}, collator)}`;
    case 'minKey':
      return 'm';
    case 'maxKey':
      return 'M';
    default:
      return `?${type}`;
  }
}

export { isPlainObject };
