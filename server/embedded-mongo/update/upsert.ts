// The document an upsert starts from (manual, "Upsert with Operator Expressions"): the equality
// clauses of the query, including those inside $and, with dotted paths built as embedded
// documents. A replacement takes only `_id` from the query.
import type { Document } from 'bson';
import { bsonType, cloneValue, isPlainObject, valuesEqual } from '../bson/index';
import { CommandError } from '../errors';
import { setOwnField } from './paths';

/** path -> value of every equality the query pins down. */
function collectEqualities(query: Document, out: Map<string, unknown>): void {
  for (const [key, condition] of Object.entries(query)) {
    if (key === '$and' || key === '$or') {
      // A one-clause $or is the clause itself to mongod's canonicaliser; a longer one pins nothing.
      if (!Array.isArray(condition) || (key === '$or' && condition.length !== 1)) continue;
      for (const clause of condition) if (isPlainObject(clause)) collectEqualities(clause, out);
      continue;
    }
    if (key.startsWith('$')) continue;
    if (isPlainObject(condition) && (Object.keys(condition)[0] ?? '').startsWith('$')) {
      if (Object.hasOwn(condition, '$eq')) addEquality(out, key, condition.$eq);
      // mongod rewrites a one-element $in into an equality before it seeds the document.
      const within = condition.$in;
      if (Array.isArray(within) && within.length === 1 && bsonType(within[0]) !== 'regex') addEquality(out, key, within[0]);
      continue;
    }
    // A regex literal is a pattern match, not an equality.
    if (bsonType(condition) === 'regex') continue;
    addEquality(out, key, condition);
  }
}

function addEquality(out: Map<string, unknown>, path: string, value: unknown): void {
  const existing = out.get(path);
  if (out.has(path)) {
    if (valuesEqual(existing, value)) return;
    throw new CommandError('NotSingleValueField', `cannot infer query fields to set, path '${path}' is matched twice`);
  }
  for (const other of out.keys()) {
    if (other.startsWith(`${path}.`) || path.startsWith(`${other}.`)) {
      throw new CommandError('NotSingleValueField', `cannot infer query fields to set, both paths '${path}' and '${other}' are matched`);
    }
  }
  out.set(path, value);
}

export function upsertSeed(query: Document | undefined, replacementStyle: boolean): Document {
  const equalities = new Map<string, unknown>();
  if (query) collectEqualities(query, equalities);
  const seed: Document = {};
  // mongod keeps its equalities in an ordered map: the seed's fields come in path order.
  const paths = [...equalities.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  for (const path of paths) {
    if (replacementStyle && path !== '_id') continue;
    setPath(seed, path.split('.'), cloneValue(equalities.get(path)));
  }
  return seed;
}

function setPath(doc: Document, parts: readonly string[], value: unknown): void {
  let current = doc;
  for (const part of parts.slice(0, -1)) {
    if (!isPlainObject(Object.hasOwn(current, part) ? current[part] : undefined)) setOwnField(current, part, {});
    current = current[part] as Document;
  }
  setOwnField(current, parts[parts.length - 1]!, value);
}
