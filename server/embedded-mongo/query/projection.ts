// Find projections (https://www.mongodb.com/docs/manual/reference/method/db.collection.find/#projection):
// inclusion or exclusion (never both, except _id), nested paths, $slice, $elemMatch, the
// positional `.$`, and aggregation expressions for computed fields (inclusion mode).
// Output order as mongod gives it: kept fields in the document's order, computed fields after
// them in the projection's order, and $elemMatch fields last.
import type { Document } from 'bson';
import { bsonType, isNumeric, isPlainObject, toNumber } from '../bson/index';
import { compileExpression, type Evaluator } from '../aggregate/expressions/index';
import { CommandError } from '../errors';
import { compileFilter, type FilterOptions, type Matcher } from './filter';

type Entry =
  | { type: 'include' }
  | { type: 'exclude' }
  | { type: 'computed'; evaluate: Evaluator }
  | { type: 'slice'; skip: number | undefined; limit: number }
  | { type: 'elemMatch'; matcher: Matcher }
  | { type: 'positional' }
  | { type: 'nested'; children: Tree };
type Tree = Map<string, Entry>;

type Mode = 'inclusion' | 'exclusion' | undefined;

interface Parser {
  mode: Mode;
  positional: boolean;
  /** $slice and $elemMatch leave the mode open; they decide it only when nothing else does. */
  hasSlice: boolean;
  hasElemMatch: boolean;
  options: FilterOptions;
}

function truthyFlag(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (isNumeric(value)) return toNumber(value) !== 0;
  return undefined;
}

function setMode(parser: Parser, mode: 'inclusion' | 'exclusion', path: string): void {
  if (parser.mode === undefined) parser.mode = mode;
  else if (parser.mode !== mode) {
    if (mode === 'exclusion') throw new CommandError(31254, `Cannot do exclusion on field ${path} in inclusion projection`);
    throw new CommandError(31253, `Cannot do inclusion on field ${path} in exclusion projection`);
  }
}

function insert(tree: Tree, parts: readonly string[], entry: Entry, fullPath: string): void {
  let node = tree;
  for (let i = 0; i < parts.length - 1; i++) {
    const part = parts[i]!;
    const existing = node.get(part);
    if (existing === undefined) {
      const children: Tree = new Map();
      node.set(part, { type: 'nested', children });
      node = children;
    } else if (existing.type === 'nested') {
      node = existing.children;
    } else {
      // mongod names the path without its first component (FieldPath::tail).
      throw new CommandError(31249, `Path collision at ${fullPath} remaining portion ${parts.slice(1).join('.')}`);
    }
  }
  const last = parts[parts.length - 1]!;
  if (node.has(last)) throw new CommandError(31250, `Path collision at ${fullPath}`);
  node.set(last, entry);
}

function sliceEntry(spec: unknown): Entry {
  if (isNumeric(spec)) return { type: 'slice', skip: undefined, limit: Math.trunc(toNumber(spec)) };
  if (!Array.isArray(spec)) throw new CommandError(31273, '$slice only supports numbers and [skip, limit] arrays');
  if (spec.length !== 2) throw new CommandError(31272, '$slice array argument should be of form [skip, limit]');
  const [skip, limit] = spec as [unknown, unknown];
  if (!isNumeric(skip)) throw new CommandError(31257, `$slice expects the skip argument to be a number, got ${bsonType(skip)}`);
  if (!isNumeric(limit)) throw new CommandError(31258, `$slice expects the limit argument to be a number, got ${bsonType(limit)}`);
  const count = Math.trunc(toNumber(limit));
  if (count <= 0) throw new CommandError(31259, `$slice limit must be positive, got ${count}`);
  return { type: 'slice', skip: Math.trunc(toNumber(skip)), limit: count };
}

function parseInto(tree: Tree, prefix: string, spec: Document, parser: Parser): void {
  for (const [key, value] of Object.entries(spec)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (key === '') throw new CommandError(31252, 'Empty field names are not allowed in a projection');
    if (key.startsWith('$')) {
      throw new CommandError(31252, `Projection fields cannot start with '$': ${key}`);
    }
    const parts = path.split('.');
    if (parts.includes('$')) {
      if (parts.indexOf('$') !== parts.length - 1) throw new CommandError(31394, "As of 4.4, it's illegal to specify positional operator in the middle of a path.Positional projection may only be used at the end, for example: a.b.$. If the query previously used a form like a.b.$.d, remove the parts following the '$' and the results will be equivalent.");
      if (parser.positional) throw new CommandError(31276, 'Cannot specify more than one positional projection per query.');
      if (parser.hasElemMatch) throw new CommandError(31256, 'Cannot specify positional operator and $elemMatch.');
      if (truthyFlag(value) === false) throw new CommandError(31395, 'positional projection cannot be used with exclusion');
      parser.positional = true;
      setMode(parser, 'inclusion', path);
      insert(tree, parts.slice(0, -1), { type: 'positional' }, path);
      continue;
    }
    const flag = truthyFlag(value);
    if (flag !== undefined) {
      // Only an excluded _id leaves the mode open; `_id: 1` is an inclusion like any other field.
      if (flag || path !== '_id') setMode(parser, flag ? 'inclusion' : 'exclusion', path);
      insert(tree, parts, { type: flag ? 'include' : 'exclude' }, path);
      continue;
    }
    if (isPlainObject(value)) {
      const keys = Object.keys(value);
      const operator = keys[0];
      if (operator === '$slice') {
        insert(tree, parts, sliceEntry(value.$slice), path);
        parser.hasSlice = true;
        continue;
      }
      if (operator === '$elemMatch') {
        if (!isPlainObject(value.$elemMatch)) throw new CommandError(31274, `elemMatch: Invalid argument, object required, but got ${bsonType(value.$elemMatch)}`);
        if (parser.positional) throw new CommandError(31255, 'Cannot specify positional operator and $elemMatch.');
        if (parts.length > 1) throw new CommandError(31275, 'Cannot use $elemMatch projection on a nested field.');
        parser.hasElemMatch = true;
        const matcher = compileFilter({ [path]: { $elemMatch: value.$elemMatch } }, parser.options);
        insert(tree, parts, { type: 'elemMatch', matcher }, path);
        continue;
      }
      if (operator === '$meta') throw new CommandError('NotImplemented', `$meta projection (${String(value.$meta)}) is not supported by the embedded store`);
      if (operator !== undefined && operator.startsWith('$')) {
        if (parser.mode === 'exclusion') throw new CommandError(31252, 'Cannot use expression other than $meta in exclusion projection');
        setMode(parser, 'inclusion', path);
        insert(tree, parts, { type: 'computed', evaluate: compileComputed(value, parser) }, path);
        continue;
      }
      if (keys.length === 0) throw new CommandError(51270, `An empty sub-projection is not a valid value. Found empty object at path`);
      // { a: { b: 1 } } is the same as { 'a.b': 1 }.
      parseInto(tree, path, value, parser);
      continue;
    }
    // Any other value (a string, an array, null...) is an expression computing the field.
    if (parser.mode === 'exclusion') throw new CommandError(31252, 'Cannot use expression other than $meta in exclusion projection');
    setMode(parser, 'inclusion', path);
    insert(tree, parts, { type: 'computed', evaluate: compileComputed(value, parser) }, path);
  }
}

function compileComputed(expression: unknown, parser: Parser): Evaluator {
  return compileExpression(expression, { collator: parser.options.collator, variableNames: Object.keys(parser.options.variables ?? {}) });
}

function parse(spec: Document, options: FilterOptions): { tree: Tree; mode: 'inclusion' | 'exclusion' } {
  const parser: Parser = { mode: undefined, positional: false, hasSlice: false, hasElemMatch: false, options };
  const tree: Tree = new Map();
  parseInto(tree, '', spec, parser);
  // find's defaults when no field decided (mongod's projection_parser): $slice alone keeps the
  // other fields, $elemMatch alone returns only _id and the matched element.
  if (parser.mode === undefined) parser.mode = parser.hasSlice ? 'exclusion' : parser.hasElemMatch ? 'inclusion' : 'exclusion';
  if (parser.mode === 'inclusion' && !tree.has('_id')) tree.set('_id', { type: 'include' });
  return { tree, mode: parser.mode };
}

function slice(value: unknown, entry: { skip: number | undefined; limit: number }): unknown {
  if (!Array.isArray(value)) return value;
  if (entry.skip === undefined) {
    return entry.limit >= 0 ? value.slice(0, entry.limit) : value.slice(Math.max(0, value.length + entry.limit));
  }
  const start = entry.skip >= 0 ? Math.min(entry.skip, value.length) : Math.max(0, value.length + entry.skip);
  return value.slice(start, start + entry.limit);
}

interface ApplyContext {
  root: Document;
  vars: Record<string, unknown>;
  positionalIndex: () => number | undefined;
}

function hasComputed(tree: Tree): boolean {
  for (const entry of tree.values()) {
    if (entry.type === 'computed') return true;
    if (entry.type === 'nested' && hasComputed(entry.children)) return true;
  }
  return false;
}

function includeValue(value: unknown, tree: Tree, context: ApplyContext): unknown {
  if (isPlainObject(value)) return applyInclusion(value, tree, context);
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    for (const element of value) {
      // Inside an array, an inclusion keeps only the documents (and arrays) it can project into.
      if (isPlainObject(element) || Array.isArray(element)) out.push(includeValue(element, tree, context));
    }
    return out;
  }
  return undefined;
}

function applyInclusion(doc: Document, tree: Tree, context: ApplyContext): Document {
  const out: Document = {};
  const elemMatches: [string, Entry & { type: 'elemMatch' }][] = [];
  for (const [key, value] of Object.entries(doc)) {
    const entry = tree.get(key);
    if (!entry || value === undefined) continue;
    switch (entry.type) {
      case 'include':
        out[key] = value;
        break;
      case 'slice':
        out[key] = slice(value, entry);
        break;
      case 'nested': {
        const projected = includeValue(value, entry.children, context);
        if (projected !== undefined) out[key] = projected;
        break;
      }
      case 'positional':
        out[key] = positional(value, context);
        break;
      default:
        break;
    }
  }
  for (const [key, entry] of tree) {
    if (entry.type === 'computed') {
      const value = entry.evaluate(context.root, context.vars);
      if (value !== undefined) out[key] = value;
      else delete out[key];
    } else if (entry.type === 'nested' && !(key in doc) && hasComputed(entry.children)) {
      const created = applyInclusion({}, entry.children, context);
      if (Object.keys(created).length > 0) out[key] = created;
    } else if (entry.type === 'elemMatch') {
      elemMatches.push([key, entry]);
    }
  }
  for (const [key, entry] of elemMatches) addElemMatch(out, doc, key, entry.matcher);
  return out;
}

function positional(value: unknown, context: ApplyContext): unknown {
  const index = context.positionalIndex();
  if (!Array.isArray(value) || index === undefined || index >= value.length) {
    throw new CommandError(51246, "positional operator '.$' couldn't find a matching element in the array");
  }
  return [value[index]];
}

function addElemMatch(out: Document, doc: Document, key: string, matcher: Matcher): void {
  const value = doc[key];
  if (!Array.isArray(value)) return;
  const index = matcher.firstArrayIndex({ [key]: value });
  if (index !== undefined) out[key] = [value[index]];
}

function excludeValue(value: unknown, tree: Tree): unknown {
  if (isPlainObject(value)) return applyExclusion(value, tree);
  if (Array.isArray(value)) return value.map((element) => (isPlainObject(element) || Array.isArray(element) ? excludeValue(element, tree) : element));
  return value;
}

function applyExclusion(doc: Document, tree: Tree): Document {
  const out: Document = {};
  const elemMatches: [string, Matcher][] = [];
  for (const [key, value] of Object.entries(doc)) {
    const entry = tree.get(key);
    if (!entry) {
      out[key] = value;
      continue;
    }
    switch (entry.type) {
      case 'exclude':
        break;
      case 'include':
        out[key] = value; // only _id: 1 in an exclusion projection
        break;
      case 'slice':
        out[key] = slice(value, entry);
        break;
      case 'nested':
        out[key] = excludeValue(value, entry.children);
        break;
      case 'elemMatch':
        elemMatches.push([key, entry.matcher]);
        break;
      default:
        break;
    }
  }
  for (const [key, matcher] of elemMatches) addElemMatch(out, doc, key, matcher);
  return out;
}

/**
 * Compiles a find projection. The returned function needs the query's matcher only for a
 * positional projection (`'grades.$': 1`).
 */
export function compileProjection(projection: Document, options: FilterOptions = {}): (doc: Document, matcher?: Matcher) => Document {
  if (!isPlainObject(projection)) throw new CommandError('TypeMismatch', "Expected field projection to be of type object");
  if (Object.keys(projection).length === 0) return (doc) => doc;
  const { tree, mode } = parse(projection, options);
  const now = new Date();
  return (doc, matcher) => {
    if (mode === 'exclusion') return applyExclusion(doc, tree);
    const context: ApplyContext = {
      root: doc,
      vars: { NOW: now, ...(options.variables ?? {}), ROOT: doc, CURRENT: doc },
      positionalIndex: () => matcher?.firstArrayIndex(doc),
    };
    return applyInclusion(doc, tree, context);
  };
}
