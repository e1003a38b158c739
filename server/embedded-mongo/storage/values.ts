// Helpers over deserialized BSON values: canonical keys, cloning and dotted-path reads.
import type { Document } from 'bson';

type BsonObject = { _bsontype?: string; toHexString?: () => string; toString(): string };

function isPlainObject(value: unknown): value is Document {
  if (value === null || typeof value !== 'object') return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/**
 * A string that is equal for two values exactly when MongoDB's equality says they are equal
 * (1, 1.0 and Long(1) compare equal), so index maps can be plain JS Maps.
 */
export function encodeValue(value: unknown): string {
  if (value === null || value === undefined) return 'z';
  switch (typeof value) {
    case 'number':
      return Number.isNaN(value) ? 'N' : `n${value === 0 ? 0 : value}`;
    case 'bigint':
      return `n${value}`;
    case 'string':
      return `s${value}`;
    case 'boolean':
      return value ? 'T' : 'F';
    default:
      break;
  }
  if (value instanceof Date) return `d${value.getTime()}`;
  if (value instanceof RegExp) return `r${String(value)}`;
  if (Array.isArray(value)) return `[${JSON.stringify(value.map(encodeValue))}`;
  if (isPlainObject(value)) {
    return `{${JSON.stringify(Object.keys(value).map((key) => [key, encodeValue(value[key])]))}`;
  }
  const bson = value as BsonObject;
  switch (bson._bsontype) {
    case 'ObjectId':
      return `o${bson.toHexString!()}`;
    case 'Long':
    case 'Int32':
    case 'Double':
    case 'Decimal128':
      return `n${Number(bson.toString())}`;
    case 'Binary': {
      const binary = value as { sub_type: number; buffer: Uint8Array };
      return `x${binary.sub_type}:${Buffer.from(binary.buffer).toString('base64')}`;
    }
    default:
      return `${bson._bsontype ?? 'u'}:${bson.toString()}`;
  }
}

/** Encodes several key values as one string (compound index keys). */
export function encodeTuple(values: readonly unknown[]): string {
  if (values.length === 1) return encodeValue(values[0]);
  return JSON.stringify(values.map(encodeValue));
}

/**
 * Deep copy that keeps BSON class instances (ObjectId, Binary...) by reference: they are
 * immutable in practice, and structuredClone would strip their prototypes.
 */
export function cloneDocument<T>(value: T): T {
  if (Array.isArray(value)) return value.map(cloneDocument) as T;
  if (value instanceof Date) return new Date(value.getTime()) as T;
  if (isPlainObject(value)) {
    const copy: Document = {};
    for (const key of Object.keys(value)) copy[key] = cloneDocument(value[key]);
    return copy as T;
  }
  return value;
}

/**
 * All values a dotted path reaches, descending into arrays the way MongoDB's multikey indexes do.
 * A path that reaches nothing yields [undefined] (indexed like null).
 */
export function valuesAtPath(doc: unknown, path: string): unknown[] {
  const out: unknown[] = [];
  collect(doc, path.split('.'), 0, out);
  return out.length === 0 ? [undefined] : out;
}

function collect(current: unknown, parts: string[], depth: number, out: unknown[]): void {
  if (depth === parts.length) {
    if (Array.isArray(current)) {
      // The array itself (for whole-array equality) plus each element (for element equality).
      out.push(current);
      if (current.length === 0) out.push(undefined);
      for (const element of current) out.push(element);
    } else {
      out.push(current);
    }
    return;
  }
  const part = parts[depth]!;
  if (Array.isArray(current)) {
    if (/^\d+$/.test(part)) collect(current[Number(part)], parts, depth + 1, out);
    for (const element of current) {
      if (element !== null && typeof element === 'object' && !Array.isArray(element)) collect(element, parts, depth, out);
    }
    return;
  }
  if (current !== null && typeof current === 'object') {
    const next = (current as Document)[part];
    if (next === undefined && depth > 0) {
      out.push(undefined);
      return;
    }
    collect(next, parts, depth + 1, out);
    return;
  }
  out.push(undefined);
}

/** Reads one value at a dotted path without array expansion (for building keyValue in errors). */
export function valueAtPath(doc: Document, path: string): unknown {
  let current: unknown = doc;
  for (const part of path.split('.')) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Document)[part];
  }
  return current;
}

export function setAtPath(doc: Document, path: string, value: unknown): void {
  const parts = path.split('.');
  let current: Document = doc;
  for (const part of parts.slice(0, -1)) {
    if (!isPlainObject(current[part])) current[part] = {};
    current = current[part] as Document;
  }
  current[parts[parts.length - 1]!] = value;
}

export { isPlainObject };
