// Helpers over stored values for the storage layer: canonical keys, cloning and dotted-path
// reads. Keys and copies come from the value model (bson/), so there is one definition of each.
import type { Document } from 'bson';
import { cloneValue, hashKey, isPlainObject } from '../bson/index';

/**
 * A string that is equal for two values exactly when MongoDB's equality says they are equal
 * (1, 1.0, Long(1) and Decimal128("1") alike): the value model's hashKey. A missing value keys
 * like null, as index keys do.
 */
export function encodeValue(value: unknown): string {
  return hashKey(value === undefined ? null : value);
}

/** Encodes several key values as one string (compound index keys). */
export function encodeTuple(values: readonly unknown[]): string {
  if (values.length === 1) return encodeValue(values[0]);
  return JSON.stringify(values.map(encodeValue));
}

/** Deep copy of documents and arrays; BSON class instances are shared (see bson/wire.ts). */
export function cloneDocument<T>(value: T): T {
  return cloneValue(value);
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
