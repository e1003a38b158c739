// $push, $addToSet, $pop, $pull and $pullAll: operators on array fields.
import type { Document } from 'bson';
import { bsonType, compareValues, getField, isNumeric, isPlainObject, toNumber, valuesEqual } from '../../bson/index';
import { CommandError } from '../../errors';
import { compileFilter } from '../../query/index';
import { formatDocument, formatElement, formatIdOf } from '../format';
import { NOOP, type LeafContext, type LeafOperator, type LeafOutcome } from '../leaf';
import type { OperatorOptions } from './options';

const ARRAY_WRITER = { createsPath: true, allowsNonViablePath: false, insertOnly: false } as const;
const ARRAY_CULLER = { createsPath: false, allowsNonViablePath: false, insertOnly: false } as const;

function lastPart(context: LeafContext): string {
  return context.parts[context.parts.length - 1] ?? '';
}

function isIntegral(value: unknown): boolean {
  return isNumeric(value) && Number.isInteger(toNumber(value));
}

// ---------------------------------------------------------------- $push

interface PushSpec {
  values: unknown[];
  position: number | undefined;
  slice: number | undefined;
  sort: ((a: unknown, b: unknown) => number) | undefined;
}

const PUSH_CLAUSES = new Set(['$each', '$slice', '$sort', '$position']);

function parsePushSpec(argument: unknown, options: OperatorOptions): PushSpec {
  // Only an object that holds $each is the modifier form; any other value is pushed as it is.
  if (!isPlainObject(argument) || !Object.hasOwn(argument, '$each')) {
    return { values: [argument], position: undefined, slice: undefined, sort: undefined };
  }
  for (const key of Object.keys(argument)) {
    if (!PUSH_CLAUSES.has(key)) throw new CommandError('BadValue', `Unrecognized clause in $push: ${key}`);
  }
  const each = argument.$each;
  if (!Array.isArray(each)) {
    throw new CommandError('BadValue', `The argument to $each in $push must be an array but it was of type: ${bsonType(each)}`);
  }
  const spec: PushSpec = { values: each, position: undefined, slice: undefined, sort: undefined };
  if (argument.$slice !== undefined) {
    if (!isIntegral(argument.$slice)) {
      throw new CommandError('BadValue', `The value for $slice must be an integer value but was given type: ${bsonType(argument.$slice)}`);
    }
    spec.slice = toNumber(argument.$slice);
  }
  if (argument.$position !== undefined) {
    if (!isIntegral(argument.$position)) {
      throw new CommandError('BadValue', `The value for $position must be an integer value, not of type: ${bsonType(argument.$position)}`);
    }
    spec.position = toNumber(argument.$position);
  }
  if (argument.$sort !== undefined) spec.sort = parsePushSort(argument.$sort, options);
  return spec;
}

const SORT_DIRECTION_MESSAGE = 'The $sort element value must be either 1 or -1';

function directionOf(value: unknown): 1 | -1 {
  if (!isNumeric(value)) throw new CommandError('BadValue', SORT_DIRECTION_MESSAGE);
  const n = toNumber(value);
  if (n !== 1 && n !== -1) throw new CommandError('BadValue', SORT_DIRECTION_MESSAGE);
  return n;
}

function parsePushSort(sort: unknown, options: OperatorOptions): (a: unknown, b: unknown) => number {
  if (isNumeric(sort)) {
    const direction = directionOf(sort);
    return (a, b) => direction * compareValues(a, b, options.collator);
  }
  if (!isPlainObject(sort)) {
    throw new CommandError('BadValue', 'The $sort is invalid: use 1/-1 to sort the whole element, or {field:1/-1} to sort embedded fields');
  }
  const keys = Object.entries(sort).map(([path, value]) => {
    if (path.length === 0 || path.split('.').some((part) => part.length === 0)) {
      throw new CommandError('BadValue', `The $sort field is a dotted field but has an empty part: ${path}`);
    }
    return { path, direction: directionOf(value) };
  });
  if (keys.length === 0) throw new CommandError('BadValue', 'The $sort pattern is empty when it should be a set of fields.');
  // Elements that are not documents have none of the fields: they compare as null.
  const keyOf = (element: unknown, path: string): unknown => {
    const value = isPlainObject(element) ? getField(element, path) : undefined;
    return value === undefined ? null : value;
  };
  return (a, b) => {
    for (const { path, direction } of keys) {
      const order = compareValues(keyOf(a, path), keyOf(b, path), options.collator);
      if (order !== 0) return direction * order;
    }
    return 0;
  };
}

/** The array after the push, and whether mongod counts it as a change (push_node.cpp). */
function pushInto(array: readonly unknown[], spec: PushSpec): { array: unknown[]; changed: boolean } {
  const result = [...array];
  let at = result.length;
  if (spec.position !== undefined) {
    at = spec.position >= 0 ? Math.min(spec.position, result.length) : Math.max(0, result.length + spec.position);
  }
  result.splice(at, 0, ...spec.values);
  // A $sort counts as a change even when the order stays the same, as in mongod.
  let changed = spec.values.length > 0 || spec.sort !== undefined;
  if (spec.sort) result.sort(spec.sort);
  if (spec.slice !== undefined && result.length > Math.abs(spec.slice)) {
    changed = true;
    return { array: spec.slice >= 0 ? result.slice(0, spec.slice) : result.slice(result.length + spec.slice), changed };
  }
  return { array: result, changed };
}

export function parsePush(argument: unknown, options: OperatorOptions): LeafOperator {
  const spec = parsePushSpec(argument, options);
  return {
    ...ARRAY_WRITER,
    operatorName: '$push',
    updateExisting: (current, context): LeafOutcome => {
      if (!Array.isArray(current)) {
        throw new CommandError(
          'BadValue',
          `The field '${context.parts.join('.')}' must be an array but is of type ${bsonType(current)} in document ${formatIdOf(context.state.original)}`,
        );
      }
      const next = pushInto(current, spec);
      return next.changed ? { kind: 'set', value: next.array } : NOOP;
    },
    valueForNewElement: () => pushInto([], spec).array,
  };
}

// ---------------------------------------------------------------- $addToSet

export function parseAddToSet(argument: unknown, options: OperatorOptions): LeafOperator {
  let candidates: unknown[] = [argument];
  if (isPlainObject(argument) && Object.keys(argument)[0] === '$each') {
    const each = argument.$each;
    if (!Array.isArray(each)) {
      throw new CommandError('BadValue', `The argument to $each in $addToSet must be an array but it was of type ${bsonType(each)}`);
    }
    if (Object.keys(argument).length > 1) {
      throw new CommandError('BadValue', `Found unexpected fields after $each in $addToSet: ${formatDocument(argument)}`);
    }
    candidates = each;
  }
  // The values to add are deduplicated first: the first of equal values wins.
  const values: unknown[] = [];
  for (const candidate of candidates) {
    if (!values.some((value) => valuesEqual(value, candidate, options.collator))) values.push(candidate);
  }
  return {
    ...ARRAY_WRITER,
    operatorName: '$addToSet',
    updateExisting: (current, context): LeafOutcome => {
      if (!Array.isArray(current)) {
        throw new CommandError(
          'BadValue',
          `Cannot apply $addToSet to non-array field. Field named '${lastPart(context)}' has non-array type ${bsonType(current)}`,
        );
      }
      const missing = values.filter((value) => !current.some((element) => valuesEqual(element, value, options.collator)));
      return missing.length === 0 ? NOOP : { kind: 'set', value: [...current, ...missing] };
    },
    valueForNewElement: () => [...values],
  };
}

// ---------------------------------------------------------------- $pop

export function parsePop(path: string, argument: unknown): LeafOperator {
  if (!isNumeric(argument)) throw new CommandError('FailedToParse', `Expected a number in: ${formatElement(path, argument)}`);
  const n = toNumber(argument);
  if (n !== 1 && n !== -1) throw new CommandError('FailedToParse', `$pop expects 1 or -1, found: ${String(n)}`);
  const fromFront = n === -1;
  return {
    ...ARRAY_CULLER,
    operatorName: '$pop',
    updateExisting: (current, context): LeafOutcome => {
      if (!Array.isArray(current)) {
        throw new CommandError('TypeMismatch', `Path '${context.parts.join('.')}' contains an element of non-array type '${bsonType(current)}'`);
      }
      if (current.length === 0) return NOOP;
      return { kind: 'set', value: fromFront ? current.slice(1) : current.slice(0, -1) };
    },
    valueForNewElement: () => undefined,
  };
}

// ---------------------------------------------------------------- $pull, $pullAll

function cull(current: unknown, removes: (element: unknown) => boolean): LeafOutcome {
  if (!Array.isArray(current)) throw new CommandError('BadValue', 'Cannot apply $pull to a non-array value');
  const kept = current.filter((element) => !removes(element));
  return kept.length === current.length ? NOOP : { kind: 'set', value: kept };
}

/**
 * How $pull decides that an element goes (mongod's pull_node): a document whose first field is
 * not an operator is a query on document elements; an operator document ({$gte: 6}) or a
 * regex is a condition on the element itself; anything else is compared for equality.
 */
/** Top-level query operators: a $pull condition starting with one of them is a document query. */
const DOCUMENT_QUERY_OPERATORS = new Set(['$and', '$or', '$nor', '$expr', '$where', '$comment', '$text', '$jsonSchema', '$alwaysTrue', '$alwaysFalse']);

function pullPredicate(argument: unknown, options: OperatorOptions): (element: unknown) => boolean {
  const collator = options.collator;
  const isRegex = bsonType(argument) === 'regex';
  const first = isPlainObject(argument) ? (Object.keys(argument)[0] ?? '') : '';
  if (isPlainObject(argument) && (!first.startsWith('$') || DOCUMENT_QUERY_OPERATORS.has(first))) {
    const matcher = compileFilter(argument, { collator });
    return (element) => isPlainObject(element) && matcher.test(element);
  }
  if (isRegex || isPlainObject(argument)) {
    // The element is wrapped in a one-field document so the query engine sees it as a value.
    const matcher = compileFilter({ value: argument } as Document, { collator });
    return (element) => matcher.test({ value: element });
  }
  return (element) => valuesEqual(element, argument, collator);
}

export function parsePull(argument: unknown, options: OperatorOptions): LeafOperator {
  const removes = pullPredicate(argument, options);
  return { ...ARRAY_CULLER, operatorName: '$pull', updateExisting: (current) => cull(current, removes), valueForNewElement: () => undefined };
}

export function parsePullAll(argument: unknown, options: OperatorOptions): LeafOperator {
  if (!Array.isArray(argument)) {
    throw new CommandError('BadValue', `$pullAll requires an array argument but was given a ${bsonType(argument)}`);
  }
  const removes = (element: unknown): boolean => argument.some((value) => valuesEqual(element, value, options.collator));
  return { ...ARRAY_CULLER, operatorName: '$pullAll', updateExisting: (current) => cull(current, removes), valueForNewElement: () => undefined };
}
