// Copy-on-write writes into documents. Stage inputs may be the stored documents themselves, so
// a stage never changes an object it was given: it copies each object along the path it writes.
import type { Document } from 'bson';
import { isPlainObject } from '../bson/index';

/**
 * A copy of `doc` with `parts` set to `value` (removed when `value` is undefined). Objects on the
 * path are copied; a missing or non-object step becomes a new object. Arrays on the path are
 * not traversed: callers that need MongoDB's per-element semantics use `setFieldThroughArrays`.
 */
export function withField(doc: Document, parts: readonly string[], value: unknown, depth = 0): Document {
  const key = parts[depth]!;
  const copy: Document = { ...doc };
  if (depth === parts.length - 1) {
    if (value === undefined) delete copy[key];
    else copy[key] = value;
    return copy;
  }
  const child = doc[key];
  if (isPlainObject(child)) copy[key] = withField(child, parts, value, depth + 1);
  else if (value !== undefined) copy[key] = withField({}, parts, value, depth + 1);
  return copy;
}

/**
 * $addFields/$set semantics for a dotted path: through an array, the rest of the path is set in
 * every element (elements that are not objects are replaced by a new object).
 */
export function setFieldThroughArrays(value: unknown, parts: readonly string[], depth: number, compute: () => unknown): unknown {
  if (Array.isArray(value)) return value.map((element) => setFieldThroughArrays(element, parts, depth, compute));
  const base: Document = isPlainObject(value) ? value : {};
  const key = parts[depth]!;
  const copy: Document = { ...base };
  if (depth === parts.length - 1) {
    const computed = compute();
    if (computed === undefined) delete copy[key];
    else copy[key] = computed;
    return copy;
  }
  copy[key] = setFieldThroughArrays(base[key], parts, depth + 1, compute);
  return copy;
}
