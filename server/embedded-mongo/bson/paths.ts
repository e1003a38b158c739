// Dotted paths without array fan-out (the query matcher does its own array traversal).
import type { Document } from 'bson';
import { isPlainObject } from './types';

const ARRAY_INDEX = /^(?:0|[1-9]\d*)$/;

/** Whether a path component can index an array ("0", "12"; not "01" or "-1"). */
export function isArrayIndex(part: string): boolean {
  return ARRAY_INDEX.test(part);
}

/**
 * The value at a dotted path: numeric parts index arrays, any other part of an array is missing.
 * Undefined when the path reaches nothing.
 */
export function getField(doc: unknown, path: string): unknown {
  let current: unknown = doc;
  let start = 0;
  while (start <= path.length) {
    const dot = path.indexOf('.', start);
    const part = dot === -1 ? path.slice(start) : path.slice(start, dot);
    if (Array.isArray(current)) {
      if (!isArrayIndex(part)) return undefined;
      current = current[Number(part)];
    } else if (isPlainObject(current)) {
      current = Object.prototype.hasOwnProperty.call(current, part) ? (current as Document)[part] : undefined;
    } else {
      return undefined;
    }
    if (dot === -1) return current;
    start = dot + 1;
  }
  return current;
}
