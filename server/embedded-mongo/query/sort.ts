// Sort orders (https://www.mongodb.com/docs/manual/reference/method/cursor.sort/): BSON
// comparison order; an array sorts by its least element ascending and its greatest descending;
// a missing field sorts as null, and an empty array before null.
import type { Document } from 'bson';
import { compareValues, isNumeric, isPlainObject, toNumber, type Collator } from '../bson/index';
import { CommandError } from '../errors';
import { collectSortValues } from './sort-keys';

interface SortField {
  parts: readonly string[];
  direction: 1 | -1;
}

function directionOf(key: string, value: unknown): 1 | -1 | undefined {
  if (isNumeric(value)) {
    const n = toNumber(value);
    if (n === 1 || n === -1) return n;
    throw new CommandError(15975, '$sort key ordering must be 1 (for ascending) or -1 (for descending)');
  }
  if (isPlainObject(value) && '$meta' in value) {
    throw new CommandError('NotImplemented', `$meta sort (${String(value.$meta)}) is not supported by the embedded store`);
  }
  throw new CommandError(15974, `Illegal key in $sort specification: ${key}: ${JSON.stringify(value) ?? String(value)}`);
}

/** Parses a sort specification; `$natural` (natural order) contributes no key. */
function parseSort(sort: Document): SortField[] {
  if (!isPlainObject(sort)) throw new CommandError('TypeMismatch', "Expected field sort to be of type object");
  const fields: SortField[] = [];
  for (const [key, value] of Object.entries(sort)) {
    if (key === '$natural') {
      directionOf(key, value);
      continue;
    }
    if (key === '' || key.split('.').some((part) => part === '')) throw new CommandError(15998, 'FieldPath field names may not be empty strings.');
    const direction = directionOf(key, value);
    if (direction !== undefined) fields.push({ parts: key.split('.'), direction });
  }
  return fields;
}

/** The value a document sorts by for one field and direction. */
function sortKeyOf(doc: unknown, parts: readonly string[], direction: 1 | -1, collator?: Collator): unknown {
  const values = collectSortValues(doc, parts);
  let best = values[0];
  for (let i = 1; i < values.length; i++) {
    const order = compareValues(values[i], best, collator);
    if (direction === 1 ? order < 0 : order > 0) best = values[i];
  }
  return best;
}

/** A sort split in two: the keys a document sorts by (one per field), and the order of two documents' keys. */
export interface SortKeys {
  readonly fieldCount: number;
  keysOf(doc: Document): unknown[];
  compareKeys(a: readonly unknown[], b: readonly unknown[]): number;
}

export function compileSortKeys(sort: Document, collator?: Collator): SortKeys {
  const fields = parseSort(sort);
  return {
    fieldCount: fields.length,
    keysOf: (doc) => fields.map((field) => sortKeyOf(doc, field.parts, field.direction, collator)),
    compareKeys: (a, b) => {
      for (let i = 0; i < fields.length; i++) {
        const order = compareValues(a[i], b[i], collator);
        if (order !== 0) return order * fields[i]!.direction;
      }
      return 0;
    },
  };
}

export function compileSort(sort: Document, options: { collator?: Collator } = {}): (a: Document, b: Document) => number {
  const { fieldCount, keysOf, compareKeys } = compileSortKeys(sort, options.collator);
  if (fieldCount === 0) return () => 0;
  // Keys are computed once per document, not once per comparison.
  const cache = new WeakMap<Document, unknown[]>();
  const cachedKeysOf = (doc: Document): unknown[] => {
    let keys = cache.get(doc);
    if (!keys) {
      keys = keysOf(doc);
      if (typeof doc === 'object' && doc !== null) cache.set(doc, keys);
    }
    return keys;
  };
  return (a, b) => compareKeys(cachedKeysOf(a), cachedKeysOf(b));
}
