// The values a sort (or an index) sees at a path: arrays are expanded at every level, a missing
// field reads as null, and an empty array at the end of the path reads as "before null"
// (undefined, which compareValues ranks between MinKey and null).
import { isArrayIndex, isPlainObject } from '../bson/index';

export function collectSortValues(doc: unknown, parts: readonly string[]): unknown[] {
  const out: unknown[] = [];
  collect(doc, parts, 0, out);
  return out.length === 0 ? [null] : out;
}

function collect(value: unknown, parts: readonly string[], depth: number, out: unknown[]): void {
  if (depth === parts.length) {
    if (Array.isArray(value)) {
      if (value.length === 0) out.push(undefined);
      else for (const element of value) out.push(element === undefined ? null : element);
    } else {
      out.push(value === undefined ? null : value);
    }
    return;
  }
  const part = parts[depth]!;
  if (Array.isArray(value)) {
    if (isArrayIndex(part) && Number(part) < value.length) {
      collect(value[Number(part)], parts, depth + 1, out);
      return;
    }
    if (value.length === 0) {
      out.push(undefined);
      return;
    }
    for (const element of value) collect(element, parts, depth, out);
    return;
  }
  if (isPlainObject(value)) {
    collect(Object.prototype.hasOwnProperty.call(value, part) ? value[part] : undefined, parts, depth + 1, out);
    return;
  }
  out.push(null);
}
