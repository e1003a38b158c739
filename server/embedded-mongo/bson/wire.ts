// Between the wire and the value model: bson's wrapper classes become the model's plain values.
import type { DeserializeOptions, Document } from 'bson';
import { bsonTagOf, isPlainObject, makeDouble } from './types';

/** Keeps every type distinguishable: Int32, Double and Long stay wrapped until fromWire. */
export const WIRE_DESERIALIZE_OPTIONS: DeserializeOptions = Object.freeze({ promoteValues: false, promoteBuffers: false, bsonRegExp: true });

function convert(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) value[i] = convert(value[i]);
    return value;
  }
  if (isPlainObject(value)) {
    for (const key of Object.keys(value)) value[key] = convert(value[key]);
    return value;
  }
  switch (bsonTagOf(value)) {
    case 'Int32':
      return (value as { value: number }).value;
    case 'Double':
      return makeDouble((value as { value: number }).value);
    case 'Long':
      return (value as { toBigInt(): bigint }).toBigInt();
    default:
      return value;
  }
}

/**
 * Turns a freshly deserialized value into the value model (Int32 -> number, Double -> number or
 * Double, Long -> bigint), converting arrays and documents in place: the input is a message
 * just read off the wire, and values already in the model are left as they are.
 */
export function fromWire<T>(value: T): T {
  return convert(value) as T;
}

/**
 * Deep copy of documents and arrays (and Dates, which are mutable); other BSON class instances
 * are shared: nothing in the store mutates them.
 */
export function cloneValue<T>(value: T): T {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(cloneValue) as T;
  if (value instanceof Date) return new Date(value.getTime()) as T;
  if (isPlainObject(value)) {
    const copy: Document = {};
    for (const key of Object.keys(value)) setOwnField(copy, key, cloneValue((value as Document)[key]));
    return copy as T;
  }
  return value;
}

/**
 * Writes a field as an own property: a document may hold a field named "__proto__", which a
 * plain assignment would turn into a prototype change instead.
 */
export function setOwnField(doc: Document, name: string, value: unknown): void {
  if (name === '__proto__') Object.defineProperty(doc, name, { value, writable: true, enumerable: true, configurable: true });
  else doc[name] = value;
}
