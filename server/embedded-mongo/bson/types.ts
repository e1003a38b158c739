// The store's value model (decision 0004): which BSON type an in-memory value stands for.
// bson's wrapper classes (Int32, Double, Long) are read as their types too: values built in code
// rather than read off the wire (tests, handlers) may still use them.
import { Double, type Document } from 'bson';

export type BsonTypeName =
  | 'double' | 'string' | 'object' | 'array' | 'binData' | 'undefined' | 'objectId' | 'bool' | 'date' | 'null'
  | 'regex' | 'dbPointer' | 'javascript' | 'symbol' | 'javascriptWithScope' | 'int' | 'timestamp' | 'long'
  | 'decimal' | 'minKey' | 'maxKey' | 'missing';

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;

/** True for a JS number that the value model stores as int32. */
export function isInt32Number(n: number): boolean {
  return Number.isInteger(n) && n >= INT32_MIN && n <= INT32_MAX && !Object.is(n, -0);
}

export function bsonTagOf(value: object): string | undefined {
  return (value as { _bsontype?: string })._bsontype;
}

export function bsonType(value: unknown): BsonTypeName {
  switch (typeof value) {
    case 'undefined':
      return 'missing';
    case 'number':
      return isInt32Number(value) ? 'int' : 'double';
    case 'bigint':
      return 'long';
    case 'string':
      return 'string';
    case 'boolean':
      return 'bool';
    case 'object':
      break;
    default:
      // Functions and symbols never come out of BSON; treat them as objects so nothing crashes.
      return 'object';
  }
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (value instanceof Date) return 'date';
  if (value instanceof RegExp) return 'regex';
  switch (bsonTagOf(value)) {
    case undefined:
      return value instanceof Uint8Array ? 'binData' : 'object';
    case 'Double':
      return 'double';
    case 'Int32':
      return 'int';
    case 'Long':
      return 'long';
    case 'Decimal128':
      return 'decimal';
    case 'ObjectId':
    case 'ObjectID':
      return 'objectId';
    case 'Binary':
      return 'binData';
    case 'Timestamp':
      return 'timestamp';
    case 'BSONRegExp':
      return 'regex';
    case 'MinKey':
      return 'minKey';
    case 'MaxKey':
      return 'maxKey';
    case 'BSONSymbol':
    case 'Symbol':
      return 'symbol';
    case 'Code':
      return (value as { scope?: unknown }).scope ? 'javascriptWithScope' : 'javascript';
    default:
      // DBRef is an ordinary embedded document in BSON ({ $ref, $id, $db }).
      return 'object';
  }
}

const NUMERIC_TYPES = new Set<BsonTypeName>(['int', 'long', 'double', 'decimal']);

export function isNumeric(value: unknown): boolean {
  return NUMERIC_TYPES.has(bsonType(value));
}

/**
 * The double `n` in the value model: a plain number unless it would read back as an int32
 * (integer-valued inside the int32 range), in which case a bson Double keeps its type.
 */
export function makeDouble(n: number): number | Double {
  return isInt32Number(n) ? new Double(n) : n;
}

export function isPlainObject(value: unknown): value is Document {
  if (value === null || typeof value !== 'object') return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/** The numeric codes of $type, by alias (https://www.mongodb.com/docs/manual/reference/bson-types/). */
export const BSON_TYPE_CODES: Readonly<Record<Exclude<BsonTypeName, 'missing'>, number>> = {
  double: 1, string: 2, object: 3, array: 4, binData: 5, undefined: 6, objectId: 7, bool: 8, date: 9, null: 10,
  regex: 11, dbPointer: 12, javascript: 13, symbol: 14, javascriptWithScope: 15, int: 16, timestamp: 17, long: 18,
  decimal: 19, minKey: -1, maxKey: 127,
};
