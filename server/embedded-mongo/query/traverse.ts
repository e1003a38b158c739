// How a query path reaches values in a document (MongoDB's implicit array traversal):
// - a non-numeric part descends into every document element of an array (nested arrays and
//   scalars contribute nothing); a numeric part takes that element and also descends into
//   document elements having a field of that name;
// - at the end of the path an array is offered whole and, for most operators, element by element;
// - a path that stops at a missing field or a scalar offers `undefined` (missing), but an array
//   whose elements offer nothing offers nothing ({ 'ids.0': null } does not match { ids: [] }).
import { isArrayIndex, isPlainObject } from '../bson/index';

/** Tests one reached value; `arrayIndex` is the index in the first array the path crossed. */
export type ReachedTest = (value: unknown, arrayIndex: number | undefined) => boolean;

export interface TraverseOptions {
  /** Offer the elements of an array at the end of the path as well as the array itself. */
  expandLeafArray: boolean;
}

export function someReached(doc: unknown, parts: readonly string[], test: ReachedTest, options: TraverseOptions): boolean {
  return walk(doc, parts, 0, undefined, test, options);
}

function walk(value: unknown, parts: readonly string[], depth: number, arrayIndex: number | undefined, test: ReachedTest, options: TraverseOptions): boolean {
  if (depth === parts.length) {
    if (Array.isArray(value) && options.expandLeafArray) {
      for (let i = 0; i < value.length; i++) {
        if (test(value[i], arrayIndex ?? i)) return true;
      }
    }
    return test(value, arrayIndex);
  }
  const part = parts[depth]!;
  if (Array.isArray(value)) {
    const numeric = isArrayIndex(part);
    if (numeric) {
      const index = Number(part);
      if (index < value.length && walk(value[index], parts, depth + 1, arrayIndex, test, options)) return true;
    }
    for (let i = 0; i < value.length; i++) {
      const element = value[i];
      if (!isPlainObject(element)) continue;
      // Under a numeric part only elements that really have such a field are descended into.
      if (numeric && !Object.prototype.hasOwnProperty.call(element, part)) continue;
      if (walk(element, parts, depth, arrayIndex ?? i, test, options)) return true;
    }
    return false;
  }
  if (isPlainObject(value)) {
    const next = Object.prototype.hasOwnProperty.call(value, part) ? value[part] : undefined;
    return walk(next, parts, depth + 1, arrayIndex, test, options);
  }
  return test(undefined, arrayIndex);
}
