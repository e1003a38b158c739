// Query filters (https://www.mongodb.com/docs/manual/reference/operator/query/): compiled once
// into a tree of predicates over the store's exact BSON values.
import type { Document } from 'bson';
import { asDouble, BSON_TYPE_CODES, bsonType, compareValues, isNumeric, isPlainObject, numericView, regexParts, toNumber, typeRank, type BsonTypeName, type Collator } from '../bson/index';
import { compileExpression } from '../aggregate/expressions/index';
import { CommandError } from '../errors';
import { compileJsonSchema } from './json-schema';
import { compileRegex, regexMatches, regexOfValue, validateRegexOptions } from './regex';
import { someReached } from './traverse';

export interface FilterOptions {
  collator?: Collator;
  /** `let` variables of the command, reachable from $expr as $$name. */
  variables?: Record<string, unknown>;
}

export interface Matcher {
  test(doc: Document): boolean;
  /** Index into the first array that matched, for the positional $ operator. */
  firstArrayIndex(doc: Document): number | undefined;
}

/** Per-document state: the array index the positional operator will use. */
interface MatchState {
  arrayIndex: number | undefined;
}

type Node = (doc: Document, state: MatchState) => boolean;
/**
 * A predicate on one value reached by a path (undefined = missing). Tests that look inside an
 * array themselves ($elemMatch) report the matching element's index through `found`.
 */
export type ValueTest = (value: unknown, found?: (index: number) => void) => boolean;

interface Context {
  collator: Collator | undefined;
  variables: Record<string, unknown>;
  /** Inside $elemMatch some top-level operators are refused. */
  inElemMatch: boolean;
  /**
   * Whether an array at the end of a path is also tested element by element. False for the
   * operators of a value-form $elemMatch, which test each element as it is ({ $elemMatch:
   * { $gt: 5 } } does not match [[6]]).
   */
  expandLeaf: boolean;
}

function badValue(message: string): CommandError {
  return new CommandError('BadValue', message);
}

export function compileFilter(filter: Document | undefined, options: FilterOptions = {}): Matcher {
  const context: Context = { collator: options.collator, variables: options.variables ?? {}, inElemMatch: false, expandLeaf: true };
  const root = filter === undefined || filter === null ? alwaysTrue : compileDocument(filter, context);
  // Matching is synchronous and never re-enters a matcher, so one state serves every test.
  const state: MatchState = { arrayIndex: undefined };
  return {
    test(doc) {
      state.arrayIndex = undefined;
      return root(doc, state);
    },
    firstArrayIndex(doc) {
      state.arrayIndex = undefined;
      return root(doc, state) ? state.arrayIndex : undefined;
    },
  };
}

const alwaysTrue: Node = () => true;
const alwaysFalse: Node = () => false;

function and(nodes: Node[]): Node {
  if (nodes.length === 0) return alwaysTrue;
  if (nodes.length === 1) return nodes[0]!;
  return (doc, state) => {
    for (const node of nodes) if (!node(doc, state)) return false;
    return true;
  };
}

function compileDocument(filter: unknown, context: Context): Node {
  if (!isPlainObject(filter)) throw badValue('query filter must be an object');
  const nodes: Node[] = [];
  for (const [key, value] of Object.entries(filter)) {
    if (key.startsWith('$')) nodes.push(compileTopLevel(key, value, context));
    else nodes.push(compileField(key, value, context));
  }
  return and(nodes);
}

function compileLogicalList(operator: string, value: unknown, context: Context): Node[] {
  if (!Array.isArray(value)) throw badValue(`${operator} must be an array`);
  if (value.length === 0) throw badValue('$and/$or/$nor must be a nonempty array');
  return value.map((entry) => {
    if (!isPlainObject(entry)) throw badValue('$or/$and/$nor entries need to be full objects');
    return compileDocument(entry, context);
  });
}

function truthy(value: unknown): boolean {
  if (value === undefined || value === null || value === false) return false;
  if (isNumeric(value)) {
    const view = numericView(value)!;
    if (view.kind === 'decimal') return !view.value.toString().match(/^-?0(\.0*)?(E[+-]?\d+)?$/i);
    return view.kind === 'long' ? view.value !== 0n : view.value !== 0;
  }
  return true;
}

function compileTopLevel(operator: string, value: unknown, context: Context): Node {
  switch (operator) {
    case '$and': {
      const nodes = compileLogicalList(operator, value, context);
      return and(nodes);
    }
    case '$or': {
      const nodes = compileLogicalList(operator, value, context);
      return (doc, state) => nodes.some((node) => node(doc, state));
    }
    case '$nor': {
      const nodes = compileLogicalList(operator, value, context);
      return (doc) => !nodes.some((node) => node(doc, { arrayIndex: undefined }));
    }
    case '$comment':
      return alwaysTrue;
    case '$alwaysTrue':
    case '$alwaysFalse':
      if (!(isNumeric(value) && toNumber(value) === 1)) throw new CommandError('FailedToParse', `${operator} must be an integer value of 1`);
      return operator === '$alwaysTrue' ? alwaysTrue : alwaysFalse;
    case '$expr':
      if (context.inElemMatch) throw badValue('$expr can only be applied to the top-level document');
      return compileExprNode(value, context);
    case '$jsonSchema': {
      if (context.inElemMatch) throw badValue('$jsonSchema can only be applied to the top-level document');
      const schema = compileJsonSchema(value);
      return (doc) => schema(doc);
    }
    case '$text':
      throw new CommandError('IndexNotFound', 'text index required for $text query');
    case '$where':
      throw new CommandError('NotImplemented', '$where (server-side JavaScript) is not supported by the embedded store');
    case '$sampleRate': {
      if (context.inElemMatch) throw badValue('$sampleRate can only be applied to the top-level document');
      if (!isNumeric(value)) throw badValue('argument to $sampleRate must be a numeric type');
      const rate = toNumber(value);
      if (!(rate >= 0 && rate <= 1)) throw badValue('numeric argument to $sampleRate must be in [0, 1]');
      return () => Math.random() < rate;
    }
    default: {
      const hint = operator === '$not' ? 'If you are trying to negate an entire expression, use $nor.' : "If you have a field name that starts with a '$' symbol, consider using $getField or $setField.";
      throw badValue(`unknown top level operator: ${operator}. ${hint}`);
    }
  }
}

function compileExprNode(expression: unknown, context: Context): Node {
  const evaluate = compileExpression(expression, { collator: context.collator, variableNames: Object.keys(context.variables) });
  const now = new Date();
  return (doc) => truthy(evaluate(doc, { NOW: now, ...context.variables, ROOT: doc, CURRENT: doc }));
}

/**
 * Whether an object given as a field's value is a set of operators rather than a document: its
 * first key starts with '$', unless it is a DBRef ({ $ref, $id }; inside $elemMatch any of
 * $ref, $id or $db is enough), which is compared by equality (mongod's isExpressionDocument).
 */
function isOperatorObject(value: unknown, allowIncompleteDBRef = false): value is Document {
  if (!isPlainObject(value)) return false;
  const keys = Object.keys(value);
  if (keys.length === 0 || !keys[0]!.startsWith('$')) return false;
  const has = (key: string): boolean => keys.includes(key);
  const isDBRef = allowIncompleteDBRef ? has('$ref') || has('$id') || has('$db') : has('$ref') && has('$id');
  return !isDBRef;
}

function compileField(path: string, value: unknown, context: Context): Node {
  const parts = path.split('.');
  if (isOperatorObject(value)) return compileOperators(parts, value, context);
  if (bsonType(value) === 'regex') return pathTest(parts, regexOrEqualTest(value, context), true);
  return pathTest(parts, equalityTest(value, context), true);
}

function pathTest(parts: readonly string[], test: ValueTest, expandLeafArray: boolean): Node {
  // The callbacks and their state are made once per compiled test, not per document: a test
  // runs to its end before it runs again (matching never re-enters the node it is in). Methods
  // of an object rather than named arrow functions, which the TypeScript loader would rename
  // one by one (esbuild's keepNames).
  const path = {
    index: undefined as number | undefined,
    inner: undefined as number | undefined,
    found(i: number): void {
      path.inner = i;
    },
    reached(value: unknown, arrayIndex: number | undefined): boolean {
      path.inner = undefined;
      if (!test(value, path.found)) return false;
      path.index = arrayIndex ?? path.inner;
      return true;
    },
    options: { expandLeafArray },
  };
  return (doc, state) => {
    path.index = undefined;
    if (!someReached(doc, parts, path.reached, path.options)) return false;
    if (path.index !== undefined) state.arrayIndex = path.index;
    return true;
  };
}

function not(node: Node): Node {
  return (doc) => !node(doc, { arrayIndex: undefined });
}

function compileOperators(parts: readonly string[], operators: Document, context: Context): Node {
  const nodes: Node[] = [];
  const entries = Object.entries(operators);
  const hasRegex = '$regex' in operators;
  if ('$options' in operators && !hasRegex) throw badValue('$options needs a $regex');
  for (const [operator, operand] of entries) {
    if (operator === '$options') continue;
    if (operator === '$regex') {
      nodes.push(pathTest(parts, regexOperatorTest(operators), context.expandLeaf));
      continue;
    }
    nodes.push(compileOperator(parts, operator, operand, context));
  }
  return and(nodes);
}

function compileOperator(parts: readonly string[], operator: string, operand: unknown, context: Context): Node {
  switch (operator) {
    case '$eq':
      return pathTest(parts, equalityTest(operand, context), context.expandLeaf);
    case '$ne':
      if (bsonType(operand) === 'regex') throw badValue("Can't have regex as arg to $ne.");
      return not(pathTest(parts, equalityTest(operand, context), context.expandLeaf));
    case '$gt':
    case '$gte':
    case '$lt':
    case '$lte':
      if (bsonType(operand) === 'regex') throw badValue(`Can't have RegEx as arg to predicate over field '${parts.join('.')}'.`);
      return pathTest(parts, comparisonTest(operator, operand, context), context.expandLeaf);
    case '$in':
      return pathTest(parts, inTest(operator, operand, context), context.expandLeaf);
    case '$nin':
      return not(pathTest(parts, inTest(operator, operand, context), context.expandLeaf));
    case '$exists': {
      const exists = pathTest(parts, (value) => value !== undefined, false);
      return truthy(operand) ? exists : not(exists);
    }
    case '$type':
      return pathTest(parts, typeTest(operand, parts.join('.')), context.expandLeaf);
    case '$mod':
      return pathTest(parts, modTest(operand), context.expandLeaf);
    case '$size':
      return pathTest(parts, sizeTest(operand), false);
    case '$all':
      return compileAll(parts, operand, context);
    case '$elemMatch':
      return pathTest(parts, elemMatchTest(operand, context), false);
    case '$not':
      return not(compileNot(parts, operand, context));
    case '$bitsAllSet':
    case '$bitsAnySet':
    case '$bitsAllClear':
    case '$bitsAnyClear':
      return pathTest(parts, bitsTest(operator, operand), context.expandLeaf);
    case '$comment':
      return alwaysTrue;
    case '$near':
    case '$nearSphere':
    case '$geoWithin':
    case '$geoIntersects':
    case '$within':
      throw new CommandError('NotImplemented', `${operator} (geospatial queries) is not supported by the embedded store`);
    case '$where':
      throw badValue('$where cannot be applied to a field');
    case '$text':
    case '$expr':
    case '$and':
    case '$or':
    case '$nor':
    case '$jsonSchema':
    default:
      throw badValue(`unknown operator: ${operator}`);
  }
}

function compileNot(parts: readonly string[], operand: unknown, context: Context): Node {
  if (bsonType(operand) === 'regex') return pathTest(parts, regexTest(regexOfValue(operand)), context.expandLeaf);
  if (!isPlainObject(operand)) throw badValue('$not needs a regex or a document');
  if (Object.keys(operand).length === 0) throw badValue('$not cannot be empty');
  if (!isOperatorObject(operand)) throw badValue(`unknown operator: ${Object.keys(operand)[0]}`);
  return compileOperators(parts, operand, context);
}

// ---------------------------------------------------------------------------------------------
// Value tests

function equalityTest(operand: unknown, context: Context): ValueTest {
  if (operand === null) return (value) => value === null || value === undefined || bsonType(value) === 'undefined';
  if (operand === undefined) throw badValue('cannot compare to undefined');
  const rank = typeRank(operand);
  return (value) => value !== undefined && typeRank(value) === rank && compareValues(value, operand, context.collator) === 0;
}

function regexTest(regex: RegExp): ValueTest {
  return (value) => regexMatches(regex, value);
}

/** { a: /x/ } matches strings the regex matches, and regex values equal to it. */
function regexOrEqualTest(operand: unknown, context: Context): ValueTest {
  const regex = regexOfValue(operand);
  const equal = equalityTest(operand, context);
  return (value) => regexMatches(regex, value) || equal(value);
}

/** { $regex, $options } read in document order, as mongod's parseRegexDocument does. */
function regexOperatorTest(operators: Document): ValueTest {
  let pattern: string | undefined;
  let options = '';
  for (const [key, value] of Object.entries(operators)) {
    if (key === '$regex') {
      if (typeof value === 'string') pattern = value;
      else if (bsonType(value) === 'regex') {
        const parts = regexParts(value);
        pattern = parts.pattern;
        if (parts.flags.length > 0) {
          if (options.length > 0) throw new CommandError(51074, 'options set in both $regex and $options');
          options = parts.flags;
        }
      } else throw badValue('$regex has to be a string');
    } else if (key === '$options') {
      if (typeof value !== 'string') throw badValue('$options has to be a string');
      if (options.length > 0) throw new CommandError(51075, 'options set in both $regex and $options');
      options = value;
    }
  }
  if (pattern!.includes('\0')) throw badValue('Regular expression cannot contain an embedded null byte');
  validateRegexOptions(options);
  return regexTest(compileRegex(pattern!, options));
}

const NULLISH_RANK = 5;

function isNaNValue(value: unknown): boolean {
  const view = numericView(value);
  if (!view) return false;
  if (view.kind === 'double') return Number.isNaN(view.value);
  if (view.kind === 'decimal') return view.value.toString() === 'NaN';
  return false;
}

function comparisonTest(operator: string, operand: unknown, context: Context): ValueTest {
  if (operand === undefined) throw badValue('cannot compare to undefined');
  const inclusive = operator === '$gte' || operator === '$lte';
  const wantsGreater = operator === '$gt' || operator === '$gte';
  const operandType = bsonType(operand);
  const operandRank = typeRank(operand);
  const operandNaN = isNaNValue(operand);
  return (value) => {
    const valueRank = value === undefined ? NULLISH_RANK : typeRank(value);
    if (valueRank !== operandRank) {
      // Comparisons never cross types, except that MinKey and MaxKey bound everything.
      if (operandType === 'maxKey') return !wantsGreater;
      if (operandType === 'minKey') return wantsGreater;
      return false;
    }
    if (operandRank === NULLISH_RANK) return inclusive; // null and missing are equal to null
    // NaN equals NaN and is neither greater nor less than any number in a query.
    if (operandNaN || isNaNValue(value)) return inclusive && operandNaN && isNaNValue(value);
    const order = compareValues(value, operand, context.collator);
    if (order === 0) return inclusive;
    return wantsGreater ? order > 0 : order < 0;
  };
}

function inTest(operator: string, operand: unknown, context: Context): ValueTest {
  if (!Array.isArray(operand)) throw badValue(`${operator} needs an array`);
  const tests: ValueTest[] = operand.map((entry) => {
    if (isOperatorObject(entry)) throw badValue(`cannot nest $ under ${operator}`);
    if (bsonType(entry) === 'regex') return regexOrEqualTest(entry, context);
    return equalityTest(entry, context);
  });
  return (value) => tests.some((test) => test(value));
}

const TYPE_ALIASES = new Set<string>([...Object.keys(BSON_TYPE_CODES), 'number']);
const TYPE_BY_CODE = new Map<number, BsonTypeName>(Object.entries(BSON_TYPE_CODES).map(([name, code]) => [code, name as BsonTypeName]));

function typeMatcher(spec: unknown): (type: BsonTypeName) => boolean {
  if (typeof spec === 'string') {
    if (!TYPE_ALIASES.has(spec)) throw badValue(`Unknown type name alias: ${spec}`);
    if (spec === 'number') return (type) => type === 'int' || type === 'long' || type === 'double' || type === 'decimal';
    return (type) => type === spec;
  }
  if (isNumeric(spec)) {
    const code = toNumber(spec);
    const name = Number.isInteger(code) ? TYPE_BY_CODE.get(code) : undefined;
    if (!name) throw badValue(`Invalid numerical type code: ${String(numericView(spec)!.value)}`);
    return (type) => type === name;
  }
  throw badValue(`type must be represented as a number or a string`);
}

function typeTest(operand: unknown, path: string): ValueTest {
  const specs = Array.isArray(operand) ? operand : [operand];
  if (specs.length === 0) throw new CommandError('FailedToParse', `${path} must match at least one type`);
  const matchers = specs.map(typeMatcher);
  return (value) => {
    if (value === undefined) return false;
    const type = bsonType(value);
    return matchers.some((matches) => matches(type));
  };
}

/** A numeric operand of $mod, truncated towards zero to a 64-bit integer as mongod does. */
function modOperand(value: unknown, what: string): bigint {
  if (!isNumeric(value)) throw badValue(`malformed mod, ${what} not a number`);
  const view = numericView(value)!;
  if (view.kind === 'long') return view.value;
  const n = asDouble(view);
  if (!Number.isFinite(n)) throw badValue(`malformed mod, ${what} value is invalid :: caused by :: Unable to coerce NaN/Inf to integral type`);
  if (Math.abs(n) >= 2 ** 63) throw badValue(`malformed mod, ${what} value is invalid :: caused by :: Out of bounds coercing to integral value`);
  return BigInt(Math.trunc(n));
}

function modTest(operand: unknown): ValueTest {
  if (!Array.isArray(operand)) throw badValue('malformed mod, needs to be an array');
  // Checked element by element, in mongod's order.
  if (operand.length < 1) throw badValue('malformed mod, not enough elements');
  if (!isNumeric(operand[0])) throw badValue('malformed mod, divisor not a number');
  if (operand.length < 2) throw badValue('malformed mod, not enough elements');
  if (!isNumeric(operand[1])) throw badValue('malformed mod, remainder not a number');
  if (operand.length > 2) throw badValue('malformed mod, too many elements');
  const divisor = modOperand(operand[0], 'divisor');
  const remainder = modOperand(operand[1], 'remainder');
  if (divisor === 0n) throw badValue('divisor cannot be 0');
  return (value) => {
    const view = numericView(value);
    if (!view) return false;
    let n: bigint;
    if (view.kind === 'long') n = view.value;
    else {
      const x = asDouble(view);
      if (!Number.isFinite(x)) return false;
      n = BigInt(Math.trunc(x));
    }
    return n % divisor === remainder;
  };
}

/** How mongod prints an operator's element in parse errors: `$size: -1`. */
function describeElement(name: string, value: unknown): string {
  return `${name}: ${typeof value === 'string' ? JSON.stringify(value) : String(isNumeric(value) ? toNumber(value) : value)}`;
}

function sizeTest(operand: unknown): ValueTest {
  // mongod: "Failed to parse $size. " + parseIntegerElementToNonNegativeInt's reason.
  if (!isNumeric(operand)) throw badValue(`Failed to parse $size. Expected a number in: ${describeElement('$size', operand)}`);
  const size = toNumber(operand);
  if (!Number.isInteger(size)) throw badValue(`Failed to parse $size. Expected an integer: ${describeElement('$size', operand)}`);
  if (size < 0) throw badValue(`Failed to parse $size. Expected a positive number in: ${describeElement('$size', operand)}`);
  return (value) => Array.isArray(value) && value.length === size;
}

function compileAll(parts: readonly string[], operand: unknown, context: Context): Node {
  if (!Array.isArray(operand)) throw badValue('$all needs an array');
  if (operand.length === 0) return alwaysFalse;
  const isElemMatch = (entry: unknown): boolean => isPlainObject(entry) && Object.keys(entry)[0] === '$elemMatch';
  // As in mongod, the first element decides whether this is an $all of $elemMatch clauses.
  const ofElemMatches = isElemMatch(operand[0]);
  if (ofElemMatches && !operand.every(isElemMatch)) throw badValue('$all/$elemMatch has to be consistent');
  const nodes = operand.map((entry): Node => {
    if (ofElemMatches) return pathTest(parts, elemMatchTest((entry as Document).$elemMatch, context), false);
    if (isOperatorObject(entry)) throw badValue('no $ expressions in $all');
    if (bsonType(entry) === 'regex') return pathTest(parts, regexOrEqualTest(entry, context), true);
    return pathTest(parts, equalityTest(entry, context), true);
  });
  return and(nodes);
}

function elemMatchTest(operand: unknown, context: Context): ValueTest {
  if (!isPlainObject(operand)) throw badValue('$elemMatch needs an Object');
  const inner: Context = { ...context, inElemMatch: true, expandLeaf: true };
  const keys = Object.keys(operand);
  const first = keys[0];
  const valueForm = isOperatorObject(operand, true) && first !== undefined && !['$and', '$or', '$nor', '$expr', '$where', '$jsonSchema', '$text', '$comment', '$alwaysTrue', '$alwaysFalse'].includes(first);
  if (valueForm) {
    // { $elemMatch: { $gte: 80, $lt: 85 } }: each operator applies to the element itself.
    const node = compileOperators([], operand, { ...inner, expandLeaf: false });
    return (value, found) => someElement(value, (element) => node(element as Document, { arrayIndex: undefined }), found);
  }
  const node = compileDocument(operand, inner);
  return (value, found) => someElement(value, (element) => (isPlainObject(element) || Array.isArray(element)) && node(element as Document, { arrayIndex: undefined }), found);
}

function someElement(value: unknown, test: (element: unknown) => boolean, found: ((index: number) => void) | undefined): boolean {
  if (!Array.isArray(value)) return false;
  for (let i = 0; i < value.length; i++) {
    if (test(value[i])) {
      found?.(i);
      return true;
    }
  }
  return false;
}

// Bitwise operators (https://www.mongodb.com/docs/manual/reference/operator/query-bitwise/).

function bitPositionsOf(operator: string, operand: unknown): number[] {
  if (Array.isArray(operand)) {
    return operand.map((position) => {
      const n = isNumeric(position) ? toNumber(position) : Number.NaN;
      if (!Number.isInteger(n)) throw badValue(`bit positions must be an integer but got: ${String(position)}`);
      if (n < 0) throw badValue(`bit positions must be >= 0 but got: ${n}`);
      return n;
    });
  }
  if (isNumeric(operand)) {
    const view = numericView(operand)!;
    let mask: bigint;
    if (view.kind === 'long') mask = view.value;
    else {
      const n = asDouble(view);
      if (!Number.isInteger(n)) throw badValue(`${operator} cannot take a non-integral double as a bitmask`);
      mask = BigInt(n);
    }
    if (mask < 0n) throw badValue(`${operator} cannot take a negative number as a bitmask`);
    const positions: number[] = [];
    for (let bit = 0; mask > 0n; bit++, mask >>= 1n) if (mask & 1n) positions.push(bit);
    return positions;
  }
  if (bsonType(operand) === 'binData') {
    const bytes = binaryBytes(operand);
    const positions: number[] = [];
    bytes.forEach((byte, index) => {
      for (let bit = 0; bit < 8; bit++) if (byte & (1 << bit)) positions.push(index * 8 + bit);
    });
    return positions;
  }
  throw badValue(`${operator} takes an Array, a number, or a BinData but received: ${String(operand)}`);
}

function binaryBytes(value: unknown): Uint8Array {
  const binary = value as { buffer: Uint8Array; position: number };
  return value instanceof Uint8Array ? value : binary.buffer.subarray(0, binary.position);
}

/** Reads bit `position` of a value: a 64-bit two's complement integer, or BinData bytes (little-endian). */
function bitReader(value: unknown): ((position: number) => boolean) | undefined {
  if (bsonType(value) === 'binData') {
    const bytes = binaryBytes(value);
    return (position) => ((bytes[position >> 3] ?? 0) & (1 << (position & 7))) !== 0;
  }
  const view = numericView(value);
  if (!view) return undefined;
  let n: bigint;
  if (view.kind === 'long') n = view.value;
  else {
    const x = asDouble(view);
    if (!Number.isInteger(x) || x < -(2 ** 63) || x >= 2 ** 63) return undefined;
    n = BigInt(x);
  }
  const word = BigInt.asUintN(64, n);
  return (position) => (position >= 64 ? n < 0n : ((word >> BigInt(position)) & 1n) === 1n);
}

function bitsTest(operator: string, operand: unknown): ValueTest {
  const positions = bitPositionsOf(operator, operand);
  const wantSet = operator === '$bitsAllSet' || operator === '$bitsAnySet';
  const all = operator === '$bitsAllSet' || operator === '$bitsAllClear';
  return (value) => {
    const read = bitReader(value);
    if (!read) return false;
    if (positions.length === 0) return all;
    const check = (position: number): boolean => read(position) === wantSet;
    return all ? positions.every(check) : positions.some(check);
  };
}
