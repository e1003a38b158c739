// Values written the way mongod writes them into error messages (BSONElement::toString), so a
// caller that matches on an errmsg sees the same text as against a real server:
// `{_id: ObjectId('...')}`, `a: [ 1, 2 ]`, `{ $set: { a.$[i]: 5 } }`.
import type { Document } from 'bson';
import { bsonType } from '../bson/index';

export function formatValue(value: unknown): string {
  const type = bsonType(value);
  switch (type) {
    case 'missing':
    case 'undefined':
      return 'undefined';
    case 'null':
      return 'null';
    case 'int':
      return String(Number(value));
    case 'long':
      return String(typeof value === 'bigint' ? value : (value as { toString(): string }).toString());
    case 'double':
      return formatDouble(Number(typeof value === 'number' ? value : (value as { valueOf(): number }).valueOf()));
    case 'decimal':
      return `NumberDecimal("${String(value)}")`;
    case 'string':
      return JSON.stringify(value);
    case 'bool':
      return String(value);
    case 'date':
      return `new Date(${(value as Date).getTime()})`;
    case 'objectId':
      return `ObjectId('${(value as { toHexString(): string }).toHexString()}')`;
    case 'array':
      return formatArray(value as unknown[]);
    case 'object':
      return formatDocument(value as Document);
    case 'regex': {
      const regex = value as { pattern?: string; options?: string; source?: string; flags?: string };
      return `/${regex.pattern ?? regex.source ?? ''}/${regex.options ?? regex.flags ?? ''}`;
    }
    case 'timestamp': {
      const ts = value as { t?: number; i?: number; high?: number; low?: number };
      return `Timestamp(${ts.t ?? ts.high ?? 0}, ${ts.i ?? ts.low ?? 0})`;
    }
    case 'binData': {
      const binary = value as { sub_type?: number; buffer?: Uint8Array };
      const bytes = binary.buffer ?? (value as Uint8Array);
      return `BinData(${binary.sub_type ?? 0}, ${Buffer.from(bytes).toString('hex').toUpperCase()})`;
    }
    case 'minKey':
      return 'MinKey';
    case 'maxKey':
      return 'MaxKey';
    default:
      return String(value);
  }
}

/** mongod writes an integral double with a trailing ".0" so it reads apart from an int. */
function formatDouble(n: number): string {
  if (Number.isNaN(n)) return 'nan.0';
  if (n === Infinity) return 'inf.0';
  if (n === -Infinity) return '-inf.0';
  if (Object.is(n, -0)) return '-0.0';
  return Number.isInteger(n) && Math.abs(n) < 1e21 ? `${n}.0` : String(n);
}

function formatArray(values: unknown[]): string {
  if (values.length === 0) return '[]';
  return `[ ${values.map(formatValue).join(', ')} ]`;
}

/** `{ a: 1, b: "x" }`, the spacing mongod uses for embedded documents. */
export function formatDocument(doc: Document): string {
  const keys = Object.keys(doc).filter((key) => doc[key] !== undefined);
  if (keys.length === 0) return '{}';
  return `{ ${keys.map((key) => `${key}: ${formatValue(doc[key])}`).join(', ')} }`;
}

/** One element with its name: `a: 1`. */
export function formatElement(name: string, value: unknown): string {
  return `${name}: ${formatValue(value)}`;
}

/** The document identity mongod puts in update errors: `{_id: 1}` (no inner spaces). */
export function formatIdOf(doc: Document): string {
  return doc._id === undefined ? '{}' : `{${formatElement('_id', doc._id)}}`;
}
