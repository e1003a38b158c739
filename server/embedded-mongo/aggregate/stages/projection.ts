// $project, $addFields/$set and $unset: one projection tree, applied copy-on-write.
//
// Field order follows mongod: an inclusion projection copies the included fields in the order
// of the input document, then appends computed fields in the order of the specification (so
// `{ _id: 0, name: '$customer.name', spent: 1 }` gives `{ spent, name }`); $addFields replaces
// existing fields where they stand and appends new ones.
import type { Document } from 'bson';
import { bsonType, isPlainObject, toNumber } from '../../bson/index';
import { CommandError } from '../../errors';
import { compileExpression, type Evaluator, type Variables } from '../expressions/index';
import { mapDocuments, type Stream } from '../pause';
import type { CompiledStage, ParseContext } from '../stage';

type ProjectionNode =
  | { kind: 'include' }
  | { kind: 'exclude' }
  | { kind: 'computed'; evaluate: Evaluator }
  | { kind: 'tree'; children: Map<string, ProjectionNode> };

type Tree = Map<string, ProjectionNode>;

/** A value as error messages show it (int64 as NumberLong, as mongod prints it). */
function describeValue(value: unknown): string {
  if (typeof value === 'bigint') return `NumberLong(${value})`;
  try {
    return JSON.stringify(value, (_key, field: unknown) => (typeof field === 'bigint' ? `NumberLong(${field})` : field)) ?? String(value);
  } catch {
    return String(value);
  }
}

function checkFieldName(stage: string, path: string): string[] {
  if (path === '') throw new CommandError(40352, `Invalid ${stage} :: caused by :: FieldPath cannot be constructed with empty string`);
  const parts = path.split('.');
  for (const part of parts) {
    if (part === '') throw new CommandError(15998, `Invalid ${stage} :: caused by :: FieldPath field names may not be empty strings.`);
    if (part.startsWith('$')) {
      throw new CommandError(16410, `Invalid ${stage} :: caused by :: FieldPath field names may not start with '$'. Consider using $getField or $setField.`);
    }
  }
  return parts;
}

/** Places a leaf at a dotted path in the tree, refusing two specifications for one path. */
function place(tree: Tree, parts: readonly string[], node: ProjectionNode, stage: string, fullPath: string): void {
  let current = tree;
  for (let i = 0; i < parts.length - 1; i += 1) {
    const part = parts[i]!;
    let child = current.get(part);
    if (!child) {
      child = { kind: 'tree', children: new Map() };
      current.set(part, child);
    }
    if (child.kind !== 'tree') throw new CommandError(31250, `Invalid ${stage} :: caused by :: Path collision at ${fullPath}`);
    current = child.children;
  }
  const last = parts[parts.length - 1]!;
  const existing = current.get(last);
  if (existing) {
    if (existing.kind === 'tree' && node.kind === 'tree') {
      for (const [key, child] of node.children) place(existing.children, [key], child, stage, `${fullPath}.${key}`);
      return;
    }
    throw new CommandError(31250, `Invalid ${stage} :: caused by :: Path collision at ${fullPath}`);
  }
  current.set(last, node);
}

interface ParsedProjection {
  tree: Tree;
  mode: 'inclusion' | 'exclusion';
}

function isOperatorObject(value: unknown): value is Document {
  return isPlainObject(value) && Object.keys(value)[0]?.startsWith('$') === true;
}

/** Parses a $project specification (inclusion, exclusion, computed fields, nested forms). */
export function parseProjection(spec: unknown, parse: ParseContext, stage = '$project'): ParsedProjection {
  if (!isPlainObject(spec)) throw new CommandError(15969, `${stage} specification must be an object`);
  if (Object.keys(spec).length === 0) {
    throw new CommandError(51272, `Invalid ${stage} :: caused by :: projection specification must have at least one field`);
  }
  const tree: Tree = new Map();
  // The mode is set by the first field that decides it, as mongod parses in order: a later
  // field of the other kind is the one named in the error.
  let mode: 'inclusion' | 'exclusion' | undefined;
  let idNode: ProjectionNode | undefined;
  const decide = (kind: 'include' | 'exclude' | 'computed', path: string): void => {
    if (path === '_id' && kind !== 'computed') return;
    if (kind === 'exclude') {
      if (mode === 'inclusion') throw new CommandError(31254, `Invalid ${stage} :: caused by :: Cannot do exclusion on field ${path} in inclusion projection`);
      mode = 'exclusion';
      return;
    }
    if (mode === 'exclusion') {
      if (kind === 'include') throw new CommandError(31253, `Invalid ${stage} :: caused by :: Cannot do inclusion on field ${path} in exclusion projection`);
      throw new CommandError(31252, `Invalid ${stage} :: caused by :: Cannot use expression other than $meta in exclusion projection`);
    }
    mode = 'inclusion';
  };
  const walk = (object: Document, prefix: string, target: Tree): void => {
    for (const [key, value] of Object.entries(object)) {
      const path = prefix ? `${prefix}.${key}` : key;
      const parts = checkFieldName(stage, key);
      const type = bsonType(value);
      let node: ProjectionNode;
      if (type === 'bool' || type === 'int' || type === 'long' || type === 'double' || type === 'decimal') {
        const truthy = type === 'bool' ? value === true : toNumber(value) !== 0;
        node = { kind: truthy ? 'include' : 'exclude' };
        decide(node.kind as 'include' | 'exclude', path);
      } else if (isPlainObject(value) && !isOperatorObject(value)) {
        if (Object.keys(value).length === 0) {
          throw new CommandError(51270, `Invalid ${stage} :: caused by :: An empty sub-projection is not a valid value. Found empty object at path`);
        }
        const children: Tree = new Map();
        walk(value, path, children);
        node = { kind: 'tree', children };
      } else {
        node = { kind: 'computed', evaluate: compileExpression(value, { collator: parse.collator, variableNames: parse.variableNames }) };
        decide('computed', path);
      }
      if (path === '_id') idNode = node;
      place(target, parts, node, stage, path);
    }
  };
  walk(spec, '', tree);
  // `{ _id: 0 }` alone is an exclusion, `{ _id: 1 }` alone an inclusion.
  mode ??= idNode?.kind === 'exclude' ? 'exclusion' : 'inclusion';
  if (mode === 'exclusion') return { tree, mode };
  if (!tree.has('_id')) tree.set('_id', { kind: 'include' });
  else {
    // `_id` leads the output in mongod whether or not it leads the specification.
    const id = tree.get('_id')!;
    tree.delete('_id');
    const reordered: Tree = new Map([['_id', id], ...tree]);
    tree.clear();
    for (const [key, node] of reordered) tree.set(key, node);
  }
  return { tree, mode: 'inclusion' };
}

function hasComputed(tree: Tree): boolean {
  for (const node of tree.values()) {
    if (node.kind === 'computed') return true;
    if (node.kind === 'tree' && hasComputed(node.children)) return true;
  }
  return false;
}

function applyInclusion(doc: Document, tree: Tree, root: Document, vars: Variables): Document {
  const out: Document = {};
  for (const key of Object.keys(doc)) {
    const node = tree.get(key);
    if (!node) continue;
    const value = doc[key];
    if (node.kind === 'include') {
      if (value !== undefined) out[key] = value;
    } else if (node.kind === 'tree') {
      if (isPlainObject(value)) out[key] = applyInclusion(value, node.children, root, vars);
      else if (Array.isArray(value)) out[key] = includeInArray(value, node.children, root, vars);
    }
  }
  for (const [key, node] of tree) {
    if (node.kind === 'computed') {
      const value = node.evaluate(root, vars);
      if (value !== undefined) out[key] = value;
      else delete out[key];
    } else if (node.kind === 'tree' && !(key in out) && hasComputed(node.children)) {
      out[key] = applyInclusion({}, node.children, root, vars);
    }
  }
  return out;
}

function includeInArray(values: unknown[], tree: Tree, root: Document, vars: Variables): unknown[] {
  const out: unknown[] = [];
  const computed = hasComputed(tree);
  for (const element of values) {
    if (isPlainObject(element)) out.push(applyInclusion(element, tree, root, vars));
    else if (Array.isArray(element)) out.push(includeInArray(element, tree, root, vars));
    else if (computed) out.push(applyInclusion({}, tree, root, vars));
  }
  return out;
}

function applyExclusion(doc: Document, tree: Tree): Document {
  const out: Document = {};
  for (const [key, value] of Object.entries(doc)) {
    const node = tree.get(key);
    if (!node || node.kind === 'include') out[key] = value;
    else if (node.kind === 'tree') {
      if (isPlainObject(value)) out[key] = applyExclusion(value, node.children);
      else if (Array.isArray(value)) out[key] = excludeInArray(value, node.children);
      else out[key] = value;
    }
  }
  return out;
}

function excludeInArray(values: unknown[], tree: Tree): unknown[] {
  return values.map((element) => {
    if (isPlainObject(element)) return applyExclusion(element, tree);
    if (Array.isArray(element)) return excludeInArray(element, tree);
    return element;
  });
}

function mapStream(name: string, spec: unknown, transform: (doc: Document, vars: Variables) => Document): CompiledStage {
  return {
    name,
    spec,
    run(input: Stream, context): Stream {
      return mapDocuments(input, (doc) => transform(doc, context.variables));
    },
  };
}

export function parseProject(spec: unknown, parse: ParseContext): CompiledStage {
  const { tree, mode } = parseProjection(spec, parse);
  if (mode === 'exclusion') return mapStream('$project', spec, (doc) => applyExclusion(doc, tree));
  return mapStream('$project', spec, (doc, vars) => applyInclusion(doc, tree, doc, vars));
}

export function parseUnset(spec: unknown): CompiledStage {
  const paths = typeof spec === 'string' ? [spec] : spec;
  if (!Array.isArray(paths)) throw new CommandError(31002, '$unset specification must be a string or an array');
  if (paths.length === 0 || !paths.every((path) => typeof path === 'string')) {
    throw new CommandError(31119, '$unset specification must be a string or an array containing only string values');
  }
  const tree: Tree = new Map();
  for (const path of paths as string[]) place(tree, checkFieldName('$unset', path), { kind: 'exclude' }, '$unset', path);
  return mapStream('$unset', spec, (doc) => applyExclusion(doc, tree));
}

/** $addFields/$set: every value is an expression; a nested plain object sets fields inside. */
export function parseAddFields(spec: unknown, parse: ParseContext, name: '$addFields' | '$set'): CompiledStage {
  if (!isPlainObject(spec)) {
    throw new CommandError(40272, `${name} specification stage must be an object, got ${bsonType(spec)}`);
  }
  if (Object.keys(spec).length === 0) {
    throw new CommandError(40177, `Invalid ${name} :: caused by :: specification must have at least one field`);
  }
  const tree: Tree = new Map();
  const walk = (object: Document, prefix: string, target: Tree): void => {
    for (const [key, value] of Object.entries(object)) {
      const path = prefix ? `${prefix}.${key}` : key;
      const parts = checkFieldName(name, key);
      let node: ProjectionNode;
      if (isPlainObject(value) && !isOperatorObject(value) && Object.keys(value).length > 0) {
        const children: Tree = new Map();
        walk(value, path, children);
        node = { kind: 'tree', children };
      } else {
        node = { kind: 'computed', evaluate: compileExpression(value, { collator: parse.collator, variableNames: parse.variableNames }) };
      }
      place(target, parts, node, name, path);
    }
  };
  walk(spec, '', tree);
  return mapStream(name, spec, (doc, vars) => applyAddFields(doc, tree, doc, vars));
}

function applyAddFields(doc: Document, tree: Tree, root: Document, vars: Variables): Document {
  const out: Document = { ...doc };
  for (const [key, node] of tree) {
    if (node.kind === 'computed') {
      const value = node.evaluate(root, vars);
      if (value === undefined) delete out[key];
      else out[key] = value;
    } else if (node.kind === 'tree') {
      out[key] = addFieldsInValue(doc[key], node.children, root, vars);
    }
  }
  return out;
}

function addFieldsInValue(value: unknown, tree: Tree, root: Document, vars: Variables): unknown {
  if (Array.isArray(value)) return value.map((element) => addFieldsInValue(element, tree, root, vars));
  return applyAddFields(isPlainObject(value) ? value : {}, tree, root, vars);
}

export { describeValue };
