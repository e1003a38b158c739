// compileUpdate: an update document (operators or a replacement) parsed once, applied to many
// documents. Application never changes its input: it works on a copy and says whether anything
// changed, which is what `nModified` counts.
import { calculateObjectSize, type Document } from 'bson';
import { bsonType, cloneValue, compareValues, isPlainObject, type Collator } from '../bson/index';
import { CommandError } from '../errors';
import type { Matcher } from '../query/index';
import { parseArrayFilters, type ArrayFilter } from './array-filters';
import { formatDocument, formatElement, formatValue } from './format';
import { sameBsonValue, sameDocument, type ApplyState, type LeafOperator } from './leaf';
import { parseArithmetic, parseBit } from './operators/arithmetic';
import { parseAddToSet, parsePop, parsePull, parsePullAll, parsePush } from './operators/arrays';
import { parseCompare, parseCurrentDate, parseSet, parseSetOnInsert, parseUnset } from './operators/fields';
import type { OperatorOptions } from './operators/options';
import { identifierOf, isArrayFilterPart, isDynamicPath, isPositional, parseUpdatePath } from './paths';
import { applyNode, checkIdStorable, newArrayNode, newObjectNode, type ObjectNode, type UpdateNode } from './tree';

/** BSONObjMaxUserSize. */
export const MAX_DOCUMENT_SIZE = 16 * 1024 * 1024;

export interface UpdateOptions {
  arrayFilters?: unknown;
  collator?: Collator;
  /** The statement may insert: replacements then keep the query's `_id`. */
  isUpsert?: boolean;
}

export interface ApplyOptions {
  /** True when the update builds a new document for an upsert ($setOnInsert applies). */
  inserting: boolean;
  /** The statement's query matcher, for the positional `$`. */
  matcher?: Matcher;
}

export interface UpdateResult {
  doc: Document;
  modified: boolean;
}

export interface CompiledUpdate {
  /** 'pipeline' is built by the command layer around the pipeline runner (an upsert seeds it like operators). */
  readonly kind: 'modifier' | 'replacement' | 'pipeline';
  apply(doc: Document, options: ApplyOptions): UpdateResult;
}

type OperatorParser = (path: string, argument: unknown, options: OperatorOptions) => LeafOperator;

const OPERATORS: Readonly<Record<string, OperatorParser>> = {
  $set: (path, argument) => parseSet(path, argument),
  $setOnInsert: (path, argument) => parseSetOnInsert(path, argument),
  $unset: () => parseUnset(),
  $inc: (path, argument) => parseArithmetic('$inc', path, argument),
  $mul: (path, argument) => parseArithmetic('$mul', path, argument),
  $min: (_path, argument, options) => parseCompare('$min', argument, options),
  $max: (_path, argument, options) => parseCompare('$max', argument, options),
  $currentDate: (_path, argument) => parseCurrentDate(argument),
  $bit: (_path, argument) => parseBit(argument),
  $push: (_path, argument, options) => parsePush(argument, options),
  $addToSet: (_path, argument, options) => parseAddToSet(argument, options),
  $pop: (path, argument) => parsePop(path, argument),
  $pull: (_path, argument, options) => parsePull(argument, options),
  $pullAll: (_path, argument, options) => parsePullAll(argument, options),
};

/** An update whose first field is an operator is an operator update; otherwise a replacement. */
export function isOperatorUpdate(update: Document): boolean {
  return (Object.keys(update)[0] ?? '').startsWith('$');
}

export function compileUpdate(update: Document, options: UpdateOptions = {}): CompiledUpdate {
  const filters = parseArrayFilters(options.arrayFilters, options.collator);
  if (!isOperatorUpdate(update)) {
    checkAllFiltersUsed(filters, new Set(), update);
    return compileReplacement(update);
  }
  return compileOperators(update, filters, options.collator);
}

// ---------------------------------------------------------------- operator updates

interface ParseState {
  readonly root: ObjectNode;
  readonly filters: ReadonlyMap<string, ArrayFilter>;
  readonly usedIdentifiers: Set<string>;
  usesPositional: boolean;
}

function compileOperators(update: Document, filters: ReadonlyMap<string, ArrayFilter>, collator: Collator | undefined): CompiledUpdate {
  const parse: ParseState = { root: newObjectNode(), filters, usedIdentifiers: new Set(), usesPositional: false };
  const operatorOptions: OperatorOptions = { collator };
  for (const [operatorName, fields] of Object.entries(update)) {
    const parser = Object.hasOwn(OPERATORS, operatorName) ? OPERATORS[operatorName] : undefined;
    if (!parser && operatorName !== '$rename') {
      throw new CommandError('FailedToParse', `Unknown modifier: ${operatorName}. Expected a valid update modifier or pipeline-style update specified as an array`);
    }
    if (!isPlainObject(fields)) {
      throw new CommandError(
        'FailedToParse',
        `Modifiers operate on fields but we found type ${bsonType(fields)} instead. For example: {$mod: {<field>: ...}} not {${formatElement(operatorName, fields)}}`,
      );
    }
    for (const [path, argument] of Object.entries(fields)) {
      if (operatorName === '$rename') addRename(parse, path, argument);
      else addToTree(parse, path, { kind: 'leaf', operator: parser!(path, argument, operatorOptions) });
    }
  }
  checkAllFiltersUsed(filters, parse.usedIdentifiers, update);
  const filterTests = filters.size === 0 ? NO_FILTER_TESTS : new Map([...filters].map(([identifier, filter]) => [identifier, filter.test]));
  const root = parse.root;
  const usesPositional = parse.usesPositional;

  return {
    kind: 'modifier',
    apply(doc, applyOptions) {
      const working = cloneValue(doc);
      // An upsert's insert has no query match to take `$` from; mongod then refuses `$`.
      const matchedIndex = usesPositional && !applyOptions.inserting ? applyOptions.matcher?.firstArrayIndex(doc) : undefined;
      const state: ApplyState = {
        original: doc,
        doc: working,
        inserting: applyOptions.inserting,
        collator,
        now: new Date(),
        matchedIndex: matchedIndex === undefined ? undefined : String(matchedIndex),
        modified: false,
      };
      applyNode(root, [], state, filterTests);
      if (!state.modified) return { doc, modified: false };
      if (!sameBsonValue(working._id, doc._id)) checkIdStorable(working);
      if (!applyOptions.inserting) checkResultSize(working);
      return { doc: working, modified: true };
    },
  };
}

/** Most updates have no arrayFilters: one empty map serves them all. */
const NO_FILTER_TESTS: ReadonlyMap<string, ArrayFilter['test']> = new Map();

function addRename(parse: ParseState, from: string, to: unknown): void {
  // The source gets a placeholder first, so `$rename: {a: 'b'}, $set: {a: 1}` is a conflict.
  addToTree(parse, from, { kind: 'placeholder' });
  if (typeof to !== 'string') {
    throw new CommandError('BadValue', `The 'to' field for $rename must be a string: ${formatElement(from, to)}`);
  }
  const fromParts = parseUpdatePath(from);
  const toParts = parseUpdatePath(to);
  if (isDynamicPath(fromParts)) throw new CommandError('BadValue', `The source field for $rename may not be dynamic: ${from}`);
  if (isDynamicPath(toParts)) throw new CommandError('BadValue', `The destination field for $rename may not be dynamic: ${to}`);
  if (from === to) throw new CommandError('BadValue', `The source and target field for $rename must differ: ${formatElement(from, to)}`);
  if (to.startsWith(`${from}.`) || from.startsWith(`${to}.`)) {
    throw new CommandError('BadValue', `The source and target field for $rename must not be on the same path: ${formatElement(from, to)}`);
  }
  addToTree(parse, to, { kind: 'rename', from: fromParts });
}

/** mongod's UpdateObjectNode::parseAndMerge: one path into the tree, or a conflict. */
function addToTree(parse: ParseState, path: string, leaf: UpdateNode): void {
  const parts = parseUpdatePath(path);
  if (parts.some(isPositional)) parse.usesPositional = true;
  let current: ObjectNode | ReturnType<typeof newArrayNode> = parse.root;
  for (let i = 0; i < parts.length; i += 1) {
    const name = childName(parse, parts, i);
    const last = i === parts.length - 1;
    const existing = getChild(current, name);
    if (last) {
      if (existing) throw conflictAt(path, parts, i);
      setChild(current, name, leaf);
      return;
    }
    const wantsArrayNode = isArrayFilterPart(parts[i + 1]!);
    if (existing) {
      if (existing.kind !== (wantsArrayNode ? 'array' : 'object')) throw conflictAt(path, parts, i);
      current = existing as ObjectNode;
      continue;
    }
    const created = wantsArrayNode ? newArrayNode() : newObjectNode();
    setChild(current, name, created);
    current = created;
  }
}

function conflictAt(path: string, parts: readonly string[], at: number): CommandError {
  return new CommandError('ConflictingUpdateOperators', `Updating the path '${path}' would create a conflict at '${parts.slice(0, at + 1).join('.')}'`);
}

function childName(parse: ParseState, parts: readonly string[], index: number): string {
  const part = parts[index]!;
  if (!isArrayFilterPart(part)) return part;
  const identifier = identifierOf(part);
  if (identifier !== '' && !parse.filters.has(identifier)) {
    throw new CommandError('BadValue', `No array filter found for identifier '${identifier}' in path '${parts.join('.')}'`);
  }
  if (identifier !== '') parse.usedIdentifiers.add(identifier);
  return identifier;
}

function getChild(node: ObjectNode | ReturnType<typeof newArrayNode>, name: string): UpdateNode | undefined {
  if (node.kind === 'object' && isPositional(name)) return node.positional;
  return node.children.get(name);
}

function setChild(node: ObjectNode | ReturnType<typeof newArrayNode>, name: string, child: UpdateNode): void {
  if (node.kind === 'object' && isPositional(name)) node.positional = child;
  else node.children.set(name, child);
}

function checkAllFiltersUsed(filters: ReadonlyMap<string, ArrayFilter>, used: ReadonlySet<string>, update: Document): void {
  for (const identifier of filters.keys()) {
    if (!used.has(identifier)) {
      throw new CommandError('FailedToParse', `The array filter for identifier '${identifier}' was not used in the update ${formatDocument(update)}`);
    }
  }
}

function checkResultSize(doc: Document): void {
  if (calculateObjectSize(doc) > MAX_DOCUMENT_SIZE) {
    throw new CommandError(17419, `Resulting document after update is larger than ${MAX_DOCUMENT_SIZE}`);
  }
}

// ---------------------------------------------------------------- replacements

/**
 * A replacement keeps the stored `_id` (it may repeat it, never change it) and may not have
 * `$`-prefixed top-level fields: those are operators, so mixing them in is a mistake.
 */
function compileReplacement(replacement: Document): CompiledUpdate {
  return {
    kind: 'replacement',
    apply(doc, applyOptions) {
      for (const key of Object.keys(replacement)) {
        if (key.startsWith('$')) {
          throw new CommandError(
            'DollarPrefixedFieldName',
            `The dollar ($) prefixed field '${key}' in '${key}' is not allowed in the context of an update's replacement document. Consider using an aggregation pipeline with $replaceWith.`,
          );
        }
      }
      const next = cloneValue(replacement);
      let result: Document;
      if (next._id === undefined) {
        result = doc._id === undefined ? next : { _id: doc._id, ...next };
      } else {
        if (doc._id !== undefined && compareValues(next._id, doc._id) !== 0) {
          throw new CommandError('ImmutableField', `After applying the update, the (immutable) field '_id' was found to have been altered to _id: ${formatValue(next._id)}`);
        }
        const { _id, ...rest } = next;
        result = { _id, ...rest };
      }
      checkIdStorable(result);
      if (!applyOptions.inserting) checkResultSize(result);
      const modified = !sameDocument(result, doc);
      return modified ? { doc: result, modified } : { doc, modified };
    },
  };
}
