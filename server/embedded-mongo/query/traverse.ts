// How a query path reaches values in a document (MongoDB's implicit array traversal):
// - a non-numeric part descends into every document element of an array (nested arrays and
//   scalars contribute nothing); a numeric part also takes the element at that offset as the
//   next step (offered as it is when the path ends there), as mongod's BSONElementIterator does;
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

function walk(value: unknown, parts: readonly string[], depth: number, arrayIndex: number | undefined, test: ReachedTest, options: TraverseOptions, expandLeaf = options.expandLeafArray): boolean {
  if (depth === parts.length) {
    if (Array.isArray(value) && expandLeaf) {
      for (let i = 0; i < value.length; i++) {
        if (test(value[i], arrayIndex ?? i)) return true;
      }
    }
    return test(value, arrayIndex);
  }
  const part = parts[depth]!;
  if (Array.isArray(value)) {
    const offset = isArrayIndex(part) ? Number(part) : -1;
    for (let i = 0; i < value.length; i++) {
      const element = value[i];
      if (isPlainObject(element)) {
        // A document element is searched for the part itself (even a numeric one: { '0': ... })...
        if (walk(element, parts, depth, arrayIndex ?? i, test, options)) return true;
        // ...and, at the offset a numeric part names, the element is also the path's next step.
        if (i === offset && walk(element, parts, depth + 1, arrayIndex, test, options)) return true;
      } else if (i === offset) {
        // The path ends at this element: it is offered as it is, a nested array not expanded.
        if (depth + 1 === parts.length) {
          if (test(element, arrayIndex)) return true;
        } else if (Array.isArray(element) && walk(element, parts, depth + 1, arrayIndex, test, options)) {
          return true;
        }
      }
    }
    return false;
  }
  if (isPlainObject(value)) {
    const next = Object.prototype.hasOwnProperty.call(value, part) ? value[part] : undefined;
    return walk(next, parts, depth + 1, arrayIndex, test, options);
  }
  return test(undefined, arrayIndex);
}
