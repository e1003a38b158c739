// The update tree, shaped like mongod's (UpdateObjectNode / UpdateArrayNode / leaves): every
// operator's path is merged into one tree, which is how conflicts are found at parse time and
// why fields are processed in one order across operators (numeric names numerically, others
// lexicographically; MongoDB 5.0+).
import type { Document } from 'bson';
import { bsonType, cloneValue, isPlainObject } from '../bson/index';
import { CommandError } from '../errors';
import { formatElement } from './format';
import { parseSet } from './operators/fields';
import type { ApplyState, LeafContext, LeafOperator } from './leaf';
import { arrayIndexOf, childOf, compareFieldNames, resolvePath, setOwnField } from './paths';

export interface ObjectNode {
  readonly kind: 'object';
  readonly children: Map<string, UpdateNode>;
  /** The child under `$`, resolved at apply time to the index the query matched. */
  positional: UpdateNode | undefined;
}

/** The node above `$[]` / `$[<id>]`: children keyed by identifier ('' for `$[]`). */
export interface ArrayNode {
  readonly kind: 'array';
  readonly children: Map<string, UpdateNode>;
}

export interface LeafNode {
  readonly kind: 'leaf';
  readonly operator: LeafOperator;
}

/** $rename sits at its destination; its source holds a placeholder so conflicts are seen. */
export interface RenameNode {
  readonly kind: 'rename';
  readonly from: readonly string[];
}

export interface PlaceholderNode {
  readonly kind: 'placeholder';
}

export type UpdateNode = ObjectNode | ArrayNode | LeafNode | RenameNode | PlaceholderNode;

export function newObjectNode(): ObjectNode {
  return { kind: 'object', children: new Map(), positional: undefined };
}

export function newArrayNode(): ArrayNode {
  return { kind: 'array', children: new Map() };
}

/** Array filters by identifier: whether an array element is selected by `$[<id>]`. */
export type ArrayFilterTests = ReadonlyMap<string, (element: unknown) => boolean>;

/**
 * Merges two nodes that reach the same element at apply time (`$` and the matched index, or two
 * identifiers selecting one element). Two leaves on one element are a conflict, as in mongod.
 */
function mergeNodes(left: UpdateNode, right: UpdateNode, parts: readonly string[]): UpdateNode {
  if (left.kind === 'object' && right.kind === 'object') {
    const merged = newObjectNode();
    mergeChildren(merged.children, left.children, right.children, parts);
    merged.positional = left.positional && right.positional
      ? mergeNodes(left.positional, right.positional, [...parts, '$'])
      : (left.positional ?? right.positional);
    return merged;
  }
  if (left.kind === 'array' && right.kind === 'array') {
    const merged = newArrayNode();
    mergeChildren(merged.children, left.children, right.children, parts);
    return merged;
  }
  throw new CommandError('ConflictingUpdateOperators', `Update created a conflict at '${parts.join('.')}'`);
}

function mergeChildren(target: Map<string, UpdateNode>, left: ReadonlyMap<string, UpdateNode>, right: ReadonlyMap<string, UpdateNode>, parts: readonly string[]): void {
  for (const [name, node] of left) target.set(name, node);
  for (const [name, node] of right) {
    const existing = target.get(name);
    target.set(name, existing ? mergeNodes(existing, node, [...parts, name]) : node);
  }
}

export function applyNode(node: UpdateNode, parts: readonly string[], state: ApplyState, filters: ArrayFilterTests): void {
  switch (node.kind) {
    case 'object':
      applyObjectNode(node, parts, state, filters);
      return;
    case 'array':
      applyArrayNode(node, parts, state, filters);
      return;
    case 'leaf':
      applyLeaf(node.operator, parts, state);
      return;
    case 'rename':
      applyRename(node, parts, state);
      return;
    case 'placeholder':
      return;
  }
}

function applyObjectNode(node: ObjectNode, parts: readonly string[], state: ApplyState, filters: ArrayFilterTests): void {
  const children = new Map(node.children);
  if (node.positional) {
    const index = state.matchedIndex;
    if (index === undefined) throw new CommandError('BadValue', 'The positional operator did not find the match needed from the query.');
    const sibling = children.get(index);
    children.set(index, sibling ? mergeNodes(sibling, node.positional, [...parts, index]) : node.positional);
  }
  const names = [...children.keys()].sort(compareFieldNames);
  for (const name of names) applyNode(children.get(name)!, [...parts, name], state, filters);
}

function applyArrayNode(node: ArrayNode, parts: readonly string[], state: ApplyState, filters: ArrayFilterTests): void {
  const { value } = resolvePath(state.doc, parts);
  const path = parts.join('.');
  if (value === undefined) throw new CommandError('BadValue', `The path '${path}' must exist in the document in order to apply array updates.`);
  if (!Array.isArray(value)) {
    throw new CommandError('BadValue', `Cannot apply array updates to non-array element ${formatElement(parts[parts.length - 1] ?? '', value)}`);
  }
  const length = value.length;
  for (let index = 0; index < length; index += 1) {
    const element: unknown = value[index];
    let selected: UpdateNode | undefined;
    for (const [identifier, child] of node.children) {
      const matches = identifier === '' || (filters.get(identifier)?.(element) ?? false);
      if (!matches) continue;
      selected = selected ? mergeNodes(selected, child, [...parts, String(index)]) : child;
    }
    if (selected) applyNode(selected, [...parts, String(index)], state, filters);
  }
}

// ---------------------------------------------------------------- leaves

function applyLeaf(operator: LeafOperator, parts: readonly string[], state: ApplyState): void {
  if (operator.insertOnly && !state.inserting) return;
  const resolved = resolvePath(state.doc, parts);
  const context: LeafContext = { state, parts };
  if (resolved.depth === parts.length) {
    const outcome = operator.updateExisting(resolved.value, context);
    if (outcome.kind === 'noop') return;
    checkIdNotModified(parts);
    if (outcome.kind === 'remove') removeAt(state.doc, parts);
    else writeAt(state.doc, parts, outcome.value);
    state.modified = true;
    return;
  }
  const missingPart = parts[resolved.depth]!;
  const nearest = resolved.nearest;
  if (!operator.createsPath) {
    if (operator.allowsNonViablePath) return;
    // A missing field under a document, or a missing index of an array, is simply not there.
    if (isPlainObject(nearest) || (Array.isArray(nearest) && arrayIndexOf(missingPart) !== undefined)) return;
    throw new CommandError(
      'PathNotViable',
      `Cannot use the part (${missingPart}) of (${parts.join('.')}) to traverse the element ({${formatElement(parts[resolved.depth - 1] ?? '', nearest)}})`,
    );
  }
  createPath(parts, resolved.depth, nearest, operator.valueForNewElement(context));
  state.modified = true;
}

/**
 * `_id` may not change. A write that leaves it equal is a no-op and never gets here, which is
 * why `$set: { _id: <its current value> }` is accepted (connect-mongo relies on it). mongod's
 * other wording ("Updating the path ... to ...") only applies to a strict prefix of `_id`, which
 * an existing element's path cannot be.
 */
function checkIdNotModified(parts: readonly string[]): void {
  if (parts[0] !== '_id') return;
  throw new CommandError('ImmutableField', `Performing an update on the path '${parts.join('.')}' would modify the immutable field '_id'`);
}

function parentOf(doc: Document, parts: readonly string[]): unknown {
  return parts.length === 1 ? doc : resolvePath(doc, parts.slice(0, -1)).value;
}

function writeAt(doc: Document, parts: readonly string[], value: unknown): void {
  const parent = parentOf(doc, parts);
  const name = parts[parts.length - 1]!;
  if (Array.isArray(parent)) parent[arrayIndexOf(name)!] = cloneValue(value);
  else setOwnField(parent as Document, name, cloneValue(value));
}

/** $unset removes a field, but an array element becomes null: arrays keep their positions. */
function removeAt(doc: Document, parts: readonly string[]): void {
  const parent = parentOf(doc, parts);
  const name = parts[parts.length - 1]!;
  if (Array.isArray(parent)) parent[arrayIndexOf(name)!] = null;
  else delete (parent as Document)[name];
}

/** mongod refuses to pad an array by more than this many nulls. */
const MAX_BACKFILL = 1_500_000;

function createPath(parts: readonly string[], depth: number, nearest: unknown, value: unknown): void {
  const name = parts[depth]!;
  const nearestName = parts[depth - 1] ?? '';
  const index = arrayIndexOf(name);
  const viable = isPlainObject(nearest) || (Array.isArray(nearest) && index !== undefined);
  if (!viable) throw new CommandError('PathNotViable', `Cannot create field '${name}' in element {${formatElement(nearestName, nearest)}}`);
  if (depth > 0 && parts[0] === '_id') {
    // Creating a field inside an existing _id changes _id.
    throw new CommandError('ImmutableField', `Updating the path '${parts.slice(0, depth).join('.')}' to ${formatElement(nearestName, nearest)} would modify the immutable field '_id'`);
  }
  if (depth === 0 && name.startsWith('$')) {
    // mongod validates top-level field names of what an update writes (storage_validation).
    throw new CommandError(
      'DollarPrefixedFieldName',
      `The dollar ($) prefixed field '${name}' in '${name}' is not allowed in the context of an update's replacement document. Consider using an aggregation pipeline with $replaceWith.`,
    );
  }
  // The rest of the path is made of documents, numeric names included ({a: {'0': ...}}).
  let built = cloneValue(value);
  for (let i = parts.length - 1; i > depth; i -= 1) built = { [parts[i]!]: built };
  if (Array.isArray(nearest)) {
    if (index! - nearest.length > MAX_BACKFILL) throw new CommandError('BadValue', `can't backfill more than ${MAX_BACKFILL} elements`);
    while (nearest.length < index!) nearest.push(null);
    nearest[index!] = built;
    return;
  }
  setOwnField(nearest as Document, name, built);
}

// ---------------------------------------------------------------- $rename

function applyRename(node: RenameNode, to: readonly string[], state: ApplyState): void {
  const source = resolvePath(state.doc, node.from);
  if (source.depth !== node.from.length) return;
  const id = formatElement('_id', state.original._id);
  let current: unknown = state.doc;
  for (const part of node.from.slice(0, -1)) {
    current = childOf(current, part);
    if (Array.isArray(current)) {
      throw new CommandError('BadValue', `The source field cannot be an array element, '${node.from.join('.')}' in doc with ${id} has an array field called '${part}'`);
    }
  }
  current = state.doc;
  for (const part of to.slice(0, -1)) {
    current = childOf(current, part);
    if (current === undefined) break;
    if (Array.isArray(current)) {
      throw new CommandError('BadValue', `The destination field cannot be an array element, '${to.join('.')}' in doc with ${id} has an array field called '${part}'`);
    }
  }
  if (node.from[0] === '_id') {
    throw new CommandError('ImmutableField', `Performing an update on the path '${node.from.join('.')}' would modify the immutable field '_id'`);
  }
  applyLeaf(parseSet(to.join('.'), source.value), to, state);
  // The source goes once the destination holds its value.
  if (resolvePath(state.doc, node.from).depth === node.from.length) removeAt(state.doc, node.from);
  state.modified = true;
}

/**
 * The `_id` a stored document may hold (mongod's storage_validation::storageValidIdField, used by
 * inserts, upserts and updates alike): not a regex, an array or undefined, and no `$`-prefixed
 * field inside (a DBRef's $ref/$id/$db excepted).
 */
export function checkStorableId(id: unknown): void {
  const type = bsonType(id);
  if (type === 'regex' || type === 'array' || type === 'undefined') {
    throw new CommandError('InvalidIdField', `The '_id' value cannot be of type ${type}`);
  }
  if (type === 'object') checkNoDollarFields(id);
}

function checkNoDollarFields(value: unknown): void {
  if (Array.isArray(value)) {
    for (const element of value) checkNoDollarFields(element);
    return;
  }
  if (!isPlainObject(value)) return;
  const keys = Object.keys(value);
  keys.forEach((key, index) => {
    const inDbRef = keys[0] === '$ref' && keys[1] === '$id' && ((key === '$ref' && index === 0) || (key === '$id' && index === 1) || (key === '$db' && index === 2));
    if (key.startsWith('$') && !inDbRef) {
      throw new CommandError('DollarPrefixedFieldName', `_id fields may not contain '$'-prefixed fields: ${key} is not valid for storage.`);
    }
    checkNoDollarFields(value[key]);
  });
}

export function checkIdStorable(doc: Document): void {
  if (doc._id !== undefined) checkStorableId(doc._id);
}
