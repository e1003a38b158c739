// Which keys a document gets in an index, following mongod's key generation: a path through
// arrays fans out (one key per element), an array at the end of the path gives one key per
// element, an empty array gives the empty-array key, and a missing field is keyed as null.
import type { Document } from 'bson';
import { hashKey, isPlainObject, type Collator } from '../../bson/index';
import { CommandError } from '../../errors';
import { EMPTY_ARRAY_KEY, type KeyPart } from './key-order';

export interface FieldKeys {
  /** Distinct key values for this field. */
  values: KeyPart[];
  /** The path crossed an array, so the index is multikey on this field. */
  multikey: boolean;
  /** The path reached a value (null included): what a sparse index asks. */
  present: boolean;
}

/** `parts`: the path split on dots (indexes split their paths once, not per document). */
export function keysForField(doc: Document, parts: readonly string[], collator: Collator | undefined): FieldKeys {
  const state = { values: [] as KeyPart[], multikey: false, present: false };
  collect(doc, parts, 0, state);
  if (state.values.length === 0) state.values.push(null);
  if (state.values.length === 1) return state;
  // Values equal under the index's order (1 and 1.0, or "a" and "A" at strength 2) are one key.
  const seen = new Set<string>();
  const distinct: KeyPart[] = [];
  for (const value of state.values) {
    const key = value === EMPTY_ARRAY_KEY ? '\u0000emptyArray' : hashKey(value, collator);
    if (seen.has(key)) continue;
    seen.add(key);
    distinct.push(value);
  }
  return { values: distinct, multikey: state.multikey, present: state.present };
}

interface CollectState {
  values: KeyPart[];
  multikey: boolean;
  present: boolean;
}

function collect(current: unknown, parts: readonly string[], depth: number, state: CollectState): void {
  if (depth === parts.length) {
    if (current === undefined) {
      state.values.push(null);
      return;
    }
    state.present = true;
    if (Array.isArray(current)) {
      state.multikey = true;
      if (current.length === 0) state.values.push(EMPTY_ARRAY_KEY);
      for (const element of current) state.values.push(element === undefined ? null : element);
      return;
    }
    state.values.push(current);
    return;
  }
  const part = parts[depth]!;
  if (Array.isArray(current)) {
    state.multikey = true;
    // A numeric component names a position ("a.0"), and may also be a field of an element.
    if (/^\d+$/.test(part) && Number(part) < current.length) collect(current[Number(part)], parts, depth + 1, state);
    for (const element of current) {
      if (isPlainObject(element)) collect(element, parts, depth, state);
      // Elements that cannot hold the field key as null, so `{"a.b": null}` finds them.
      else state.values.push(null);
    }
    if (current.length === 0) state.values.push(null);
    return;
  }
  if (isPlainObject(current)) {
    collect(current[part], parts, depth + 1, state);
    return;
  }
  state.values.push(null);
}

/**
 * Index keys of a document: the cartesian product of its per-field keys. mongod refuses two
 * arrays on different paths of one compound index ("parallel arrays"), so only fields under a
 * shared array multiply; the product over-approximates mongod's element-wise pairing there,
 * which keeps every lookup complete.
 */
export function keyTuples(paths: readonly string[], fields: readonly FieldKeys[]): KeyPart[][] {
  // The common case, one value per field: the one tuple, without the product's lists.
  let single = true;
  for (const field of fields) if (field.values.length !== 1) single = false;
  if (single && !fields.some((field) => field.multikey)) return [fields.map((field) => field.values[0])];
  const multikeyPaths = paths.filter((_, i) => fields[i]!.multikey);
  for (let i = 1; i < multikeyPaths.length; i += 1) {
    const first = multikeyPaths[0]!;
    const other = multikeyPaths[i]!;
    if (first.split('.')[0] !== other.split('.')[0]) {
      throw new CommandError('CannotIndexParallelArrays', `cannot index parallel arrays [${other.split('.')[0]!}] [${first.split('.')[0]!}]`);
    }
  }
  let tuples: KeyPart[][] = [[]];
  for (const field of fields) {
    const next: KeyPart[][] = [];
    for (const tuple of tuples) for (const value of field.values) next.push([...tuple, value]);
    tuples = next;
  }
  return tuples;
}
