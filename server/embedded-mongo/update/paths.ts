// Update paths: their validation at parse time (mongod's fieldchecker) and the walk over a
// document that finds how much of a path exists.
import type { Document } from 'bson';
import { CommandError } from '../errors';
import { isPlainObject } from '../bson/index';

export function isPositional(part: string): boolean {
  return part === '$';
}

/** `$[]` or `$[<identifier>]`. */
export function isArrayFilterPart(part: string): boolean {
  return part.startsWith('$[') && part.endsWith(']');
}

/** The identifier inside `$[<identifier>]`; '' for `$[]`. */
export function identifierOf(part: string): string {
  return part.slice(2, -1);
}

/** A path component that names an array element: digits only, as mongod parses indexes. */
export function arrayIndexOf(part: string): number | undefined {
  if (!/^\d+$/.test(part)) return undefined;
  const index = Number(part);
  return Number.isSafeInteger(index) ? index : undefined;
}

/** Splits and checks a path the way mongod's fieldchecker::isUpdatable does. */
export function parseUpdatePath(path: string): string[] {
  if (path.length === 0) throw new CommandError('EmptyFieldName', 'An empty update path is not valid.');
  const parts = path.split('.');
  if (parts.some((part) => part.length === 0)) {
    throw new CommandError('EmptyFieldName', `The update path '${path}' contains an empty field name, which is not allowed.`);
  }
  const positionalAt = parts.flatMap((part, index) => (isPositional(part) ? [index] : []));
  if (positionalAt.length > 1) {
    throw new CommandError('BadValue', `Too many positional (i.e. '$') elements found in path '${path}'`);
  }
  if (positionalAt[0] === 0) {
    throw new CommandError('BadValue', `Cannot have positional (i.e. '$') element in the first position in path '${path}'`);
  }
  if (parts[0] !== undefined && isArrayFilterPart(parts[0])) {
    throw new CommandError('BadValue', `Cannot have array filter identifier (i.e. '$[<id>]') element in the first position in path '${path}'`);
  }
  return parts;
}

/** True when the path uses `$`, `$[]` or `$[<id>]` anywhere. */
export function isDynamicPath(parts: readonly string[]): boolean {
  return parts.some((part) => isPositional(part) || isArrayFilterPart(part));
}

/**
 * mongod 5.0+ applies sibling fields in this order: numeric names numerically, others
 * lexicographically (by bytes; UTF-16 order agrees with UTF-8 byte order outside surrogates).
 */
export function compareFieldNames(a: string, b: string): number {
  const ai = arrayIndexOf(a);
  const bi = arrayIndexOf(b);
  if (ai !== undefined && bi !== undefined) return ai - bi;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The child of an object or array named by `part`, or undefined. */
export function childOf(container: unknown, part: string): unknown {
  if (Array.isArray(container)) {
    const index = arrayIndexOf(part);
    return index === undefined ? undefined : container[index];
  }
  if (isPlainObject(container)) return Object.hasOwn(container, part) ? container[part] : undefined;
  return undefined;
}

export interface ResolvedPath {
  /** The value at the full path, or undefined when it does not exist. */
  value: unknown;
  /** How many leading parts exist: the deepest existing element is at `parts.slice(0, depth)`. */
  depth: number;
  /** That deepest existing element (the document itself when depth is 0). */
  nearest: unknown;
}

export function resolvePath(doc: Document, parts: readonly string[]): ResolvedPath {
  let current: unknown = doc;
  for (let depth = 0; depth < parts.length; depth += 1) {
    const next = childOf(current, parts[depth]!);
    if (next === undefined) return { value: undefined, depth, nearest: current };
    current = next;
  }
  return { value: current, depth: parts.length, nearest: current };
}

export { setOwnField } from '../bson/index';
