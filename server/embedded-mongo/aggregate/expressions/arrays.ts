// Array expression operators
// (https://www.mongodb.com/docs/v7.0/reference/operator/aggregation/#array-expression-operators).
import type { Document } from 'bson';
import { CommandError } from '../../errors';
import { bsonType, compareValues, isPlainObject, valuesEqual } from '../../bson/index';
import type { Collator } from '../../bson/index';
import { compileOperands, fixedArity, rangedArity } from './args';
import type { Evaluator, OperatorCompiler } from './compile';
import { describe, validateVariableNameForWrite } from './compile';
import { withVariables } from './misc';
import { int32Value, isNullish, isNumberType, isTruthy, typeName, wholeNumber } from './values';

function renderValue(value: unknown): string {
  return typeof value === 'bigint' ? value.toString() : describe(value);
}

/** $arrayElemAt and its shorthands $first/$last share the index semantics. */
function elementAt(array: readonly unknown[], index: number): unknown {
  const at = index < 0 ? array.length + index : index;
  return at >= 0 && at < array.length ? array[at] : undefined;
}

const $arrayElemAt: OperatorCompiler = (args, ctx, name) => {
  const [arrayOf, indexOf] = fixedArity(name, args, 2, ctx) as [Evaluator, Evaluator];
  return (doc, vars) => {
    const array = arrayOf(doc, vars);
    const index = indexOf(doc, vars);
    if (isNullish(array) || isNullish(index)) return null;
    if (!Array.isArray(array)) throw new CommandError(28689, `$arrayElemAt's first argument must be an array, but is ${typeName(array)}`);
    if (!isNumberType(bsonType(index))) {
      throw new CommandError(28690, `$arrayElemAt's second argument must be a numeric value, but is ${typeName(index)}`);
    }
    const i = int32Value(index);
    if (i === undefined) {
      throw new CommandError(28691, `$arrayElemAt's second argument must be representable as a 32-bit integer: ${renderValue(index)}`);
    }
    return elementAt(array, i);
  };
};

function firstOrLast(position: 0 | -1): OperatorCompiler {
  return (args, ctx, name) => {
    const [arrayOf] = fixedArity(name, args, 1, ctx) as [Evaluator];
    return (doc, vars) => {
      const array = arrayOf(doc, vars);
      if (isNullish(array)) return null;
      if (!Array.isArray(array)) throw new CommandError(28689, `${name}'s argument must be an array, but is ${typeName(array)}`);
      return elementAt(array, position);
    };
  };
}

const $concatArrays: OperatorCompiler = (args, ctx) => {
  const operands = compileOperands(args, ctx);
  return (doc, vars) => {
    const out: unknown[] = [];
    for (const operand of operands) {
      const value = operand(doc, vars);
      if (isNullish(value)) return null;
      if (!Array.isArray(value)) throw new CommandError(28664, `$concatArrays only supports arrays, not ${typeName(value)}`);
      for (const element of value) out.push(element);
    }
    return out;
  };
};

/** Reads the `as` name of $map/$filter (default "this"). */
function loopVariable(spec: Document, fallback: string): string {
  if (!Object.hasOwn(spec, 'as')) return fallback;
  const name = spec.as;
  if (typeof name !== 'string') throw new CommandError('FailedToParse', 'empty variable names are not allowed');
  validateVariableNameForWrite(name);
  return name;
}

const $filter: OperatorCompiler = (args, ctx) => {
  if (!isPlainObject(args)) throw new CommandError(28646, '$filter only supports an object as its argument');
  for (const key of Object.keys(args)) {
    if (!['input', 'as', 'cond', 'limit'].includes(key)) throw new CommandError(28647, `Unrecognized parameter to $filter: ${key}`);
  }
  if (!Object.hasOwn(args, 'input')) throw new CommandError(28648, "Missing 'input' parameter to $filter");
  if (!Object.hasOwn(args, 'cond')) throw new CommandError(28650, "Missing 'cond' parameter to $filter");
  const as = loopVariable(args, 'this');
  const inputOf = ctx.compile(args.input);
  const condOf = ctx.withVariables([as]).compile(args.cond);
  const limitOf = Object.hasOwn(args, 'limit') ? ctx.compile(args.limit) : undefined;
  return (doc, vars) => {
    // mongod checks the input first, and an empty input returns before the limit is looked at.
    const input = inputOf(doc, vars);
    if (isNullish(input)) return null;
    if (!Array.isArray(input)) throw new CommandError(28651, `input to $filter must be an array not ${typeName(input)}`);
    if (input.length === 0) return [];
    let limit = Number.POSITIVE_INFINITY;
    if (limitOf) {
      const value = limitOf(doc, vars);
      if (!isNullish(value)) {
        const n = isNumberType(bsonType(value)) ? int32Value(value) : undefined;
        if (n === undefined) {
          throw new CommandError(327391, `$filter: limit must be represented as a 32-bit integral value: ${renderValue(value)}`);
        }
        if (n < 1) throw new CommandError(327392, `$filter: limit must be greater than 0: ${n}`);
        limit = n;
      }
    }
    const out: unknown[] = [];
    return withVariables(vars, [as], [undefined], () => {
      for (const element of input) {
        if (out.length >= limit) break;
        vars[as] = element;
        if (isTruthy(condOf(doc, vars))) out.push(element);
      }
      return out;
    });
  };
};

const $map: OperatorCompiler = (args, ctx) => {
  if (!isPlainObject(args)) throw new CommandError(16878, '$map only supports an object as its argument');
  for (const key of Object.keys(args)) {
    if (!['input', 'as', 'in'].includes(key)) throw new CommandError(16879, `Unrecognized parameter to $map: ${key}`);
  }
  if (!Object.hasOwn(args, 'input')) throw new CommandError(16880, "Missing 'input' parameter to $map");
  if (!Object.hasOwn(args, 'in')) throw new CommandError(16882, "Missing 'in' parameter to $map");
  const as = loopVariable(args, 'this');
  const inputOf = ctx.compile(args.input);
  const inOf = ctx.withVariables([as]).compile(args.in);
  return (doc, vars) => {
    const input = inputOf(doc, vars);
    if (isNullish(input)) return null;
    if (!Array.isArray(input)) throw new CommandError(16883, `input to $map must be an array not ${typeName(input)}`);
    return withVariables(vars, [as], [undefined], () =>
      input.map((element) => {
        vars[as] = element;
        const value = inOf(doc, vars);
        return value === undefined ? null : value;
      }),
    );
  };
};

const $reduce: OperatorCompiler = (args, ctx) => {
  if (!isPlainObject(args)) throw new CommandError(40075, `$reduce requires an object as an argument, found: ${typeName(args)}`);
  for (const key of Object.keys(args)) {
    if (!['input', 'initialValue', 'in'].includes(key)) throw new CommandError(40076, `$reduce found an unknown argument: ${key}`);
  }
  if (!Object.hasOwn(args, 'input')) throw new CommandError(40077, "$reduce requires 'input' to be specified");
  if (!Object.hasOwn(args, 'initialValue')) throw new CommandError(40078, "$reduce requires 'initialValue' to be specified");
  if (!Object.hasOwn(args, 'in')) throw new CommandError(40079, "$reduce requires 'in' to be specified");
  const inputOf = ctx.compile(args.input);
  const initialOf = ctx.compile(args.initialValue);
  const inOf = ctx.withVariables(['this', 'value']).compile(args.in);
  return (doc, vars) => {
    const input = inputOf(doc, vars);
    if (isNullish(input)) return null;
    // This message names the value itself, not its type.
    if (!Array.isArray(input)) throw new CommandError(40080, `$reduce requires that 'input' be an array, found: ${renderValue(input)}`);
    let accumulated = initialOf(doc, vars);
    return withVariables(vars, ['this', 'value'], [undefined, undefined], () => {
      for (const element of input) {
        vars.this = element;
        vars.value = accumulated;
        accumulated = inOf(doc, vars);
      }
      return accumulated;
    });
  };
};

const $in: OperatorCompiler = (args, ctx, name) => {
  const [valueOf, arrayOf] = fixedArity(name, args, 2, ctx) as [Evaluator, Evaluator];
  const collator = ctx.collator;
  return (doc, vars) => {
    const value = valueOf(doc, vars);
    const array = arrayOf(doc, vars);
    if (!Array.isArray(array)) throw new CommandError(40081, `$in requires an array as a second argument, found: ${typeName(array)}`);
    return array.some((element) => equalsMissingAware(element, value, collator));
  };
};

function equalsMissingAware(a: unknown, b: unknown, collator: Collator | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return valuesEqual(a, b, collator);
}

const $indexOfArray: OperatorCompiler = (args, ctx, name) => {
  const [arrayOf, searchOf, startOf, endOf] = rangedArity(name, args, 2, 4, ctx) as [Evaluator, Evaluator, Evaluator?, Evaluator?];
  const collator = ctx.collator;
  return (doc, vars) => {
    const array = arrayOf(doc, vars);
    if (isNullish(array)) return null;
    if (!Array.isArray(array)) throw new CommandError(40090, `$indexOfArray requires an array as a first argument, found: ${typeName(array)}`);
    const search = searchOf(doc, vars);
    const start = startOf ? readIndex(startOf(doc, vars), 'starting') : 0;
    const end = endOf ? Math.min(readIndex(endOf(doc, vars), 'ending'), array.length) : array.length;
    for (let i = start; i < end; i += 1) {
      if (equalsMissingAware(array[i], search, collator)) return i;
    }
    return -1;
  };
};

function readIndex(value: unknown, which: 'starting' | 'ending'): number {
  const n = isNumberType(bsonType(value)) ? int32Value(value) : undefined;
  if (n === undefined) {
    throw new CommandError(40096, `$indexOfArrayrequires an integral ${which} index, found a value of type: ${typeName(value)}, with value: ${renderValue(value)}`);
  }
  if (n < 0) throw new CommandError(40097, `$indexOfArray requires a nonnegative ${which} index, found: ${n}`);
  return n;
}

const $isArray: OperatorCompiler = (args, ctx, name) => {
  const [operand] = fixedArity(name, args, 1, ctx) as [Evaluator];
  return (doc, vars) => Array.isArray(operand(doc, vars));
};

const $objectToArray: OperatorCompiler = (args, ctx, name) => {
  const [operand] = fixedArity(name, args, 1, ctx) as [Evaluator];
  return (doc, vars) => {
    const value = operand(doc, vars);
    if (isNullish(value)) return null;
    if (!isPlainObject(value)) throw new CommandError(40390, `$objectToArray requires a document input, found: ${typeName(value)}`);
    return Object.keys(value)
      .filter((key) => value[key] !== undefined)
      .map((key) => ({ k: key, v: value[key] }));
  };
};

const $arrayToObject: OperatorCompiler = (args, ctx, name) => {
  const [operand] = fixedArity(name, args, 1, ctx) as [Evaluator];
  return (doc, vars) => {
    const value = operand(doc, vars);
    if (isNullish(value)) return null;
    if (!Array.isArray(value)) throw new CommandError(40386, `$arrayToObject requires an array input, found: ${typeName(value)}`);
    const out: Document = {};
    if (value.length === 0) return out;
    // The first element decides the format for all of them.
    const pairsAreArrays = Array.isArray(value[0]);
    if (!pairsAreArrays && !isPlainObject(value[0])) {
      throw new CommandError(40398, `Unrecognised input type format for $arrayToObject: ${typeName(value[0])}`);
    }
    for (const element of value) {
      let key: unknown;
      let field: unknown;
      if (pairsAreArrays) {
        if (!Array.isArray(element)) {
          throw new CommandError(40396, `$arrayToObject requires a consistent input format. Elements mustall be arrays or all be objects. Array was detected, now found: ${typeName(element)}`);
        }
        if (element.length !== 2) throw new CommandError(40397, `$arrayToObject requires an array of size 2 arrays,found array of size: ${element.length}`);
        [key, field] = element;
        if (typeof key !== 'string') {
          throw new CommandError(40395, `$arrayToObject requires an array of key-value pairs, where the key must be of type string. Found key type: ${typeName(key)}`);
        }
      } else {
        if (!isPlainObject(element)) {
          throw new CommandError(40391, `$arrayToObject requires a consistent input format. Elements mustall be arrays or all be objects. Object was detected, now found: ${typeName(element)}`);
        }
        const keys = Object.keys(element);
        if (keys.length !== 2) throw new CommandError(40392, `$arrayToObject requires an object keys of 'k' and 'v'. Found incorrect number of keys:${keys.length}`);
        if (!Object.hasOwn(element, 'k') || !Object.hasOwn(element, 'v')) {
          throw new CommandError(40393, `$arrayToObject requires an object with keys 'k' and 'v'. Missing either or both keys from: ${describe(element)}`);
        }
        key = element.k;
        field = element.v;
        if (typeof key !== 'string') {
          throw new CommandError(40394, `$arrayToObject requires an object with keys 'k' and 'v', where the value of 'k' must be of type string. Found type: ${typeName(key)}`);
        }
      }
      if ((key as string).includes('\0')) throw new CommandError(4940400, "Key field cannot contain an embedded null byte");
      out[key as string] = field;
    }
    return out;
  };
};

const $range: OperatorCompiler = (args, ctx, name) => {
  const [startOf, endOf, stepOf] = rangedArity(name, args, 2, 3, ctx) as [Evaluator, Evaluator, Evaluator?];
  return (doc, vars) => {
    const start = rangeBound(startOf(doc, vars), 'starting', 34443, 34444);
    const end = rangeBound(endOf(doc, vars), 'ending', 34445, 34446);
    const step = stepOf ? rangeBound(stepOf(doc, vars), 'step', 34447, 34448) : 1;
    if (step === 0) throw new CommandError(34449, '$range requires a non-zero step value');
    const out: number[] = [];
    for (let i = start; step > 0 ? i < end : i > end; i += step) out.push(i);
    return out;
  };
};

function rangeBound(value: unknown, which: 'starting' | 'ending' | 'step', typeCode: number, rangeCode: number): number {
  const label = which === 'step' ? 'step value' : `${which} value`;
  if (!isNumberType(bsonType(value))) {
    // mongod's step message has no space after the colon.
    const separator = which === 'step' ? ':' : ': ';
    throw new CommandError(typeCode, `$range requires a numeric ${label}, found value of type${separator}${typeName(value)}`);
  }
  const n = int32Value(value);
  if (n === undefined) {
    const article = which === 'step' ? 'a step value' : `${which === 'starting' ? 'a starting' : 'an ending'} value`;
    throw new CommandError(rangeCode, `$range requires ${article} that can be represented as a 32-bit integer, found value: ${renderValue(value)}`);
  }
  return n;
}

const $reverseArray: OperatorCompiler = (args, ctx, name) => {
  const [operand] = fixedArity(name, args, 1, ctx) as [Evaluator];
  return (doc, vars) => {
    const value = operand(doc, vars);
    if (isNullish(value)) return null;
    if (!Array.isArray(value)) throw new CommandError(34435, `The argument to $reverseArray must be an array, but was of type: ${typeName(value)}`);
    return [...value].reverse();
  };
};

const $size: OperatorCompiler = (args, ctx, name) => {
  const [operand] = fixedArity(name, args, 1, ctx) as [Evaluator];
  return (doc, vars) => {
    const value = operand(doc, vars);
    if (!Array.isArray(value)) throw new CommandError(17124, `The argument to $size must be an array, but was of type: ${typeName(value)}`);
    return value.length;
  };
};

const $slice: OperatorCompiler = (args, ctx, name) => {
  const operands = rangedArity(name, args, 2, 3, ctx);
  const [arrayOf, secondOf, thirdOf] = operands as [Evaluator, Evaluator, Evaluator?];
  return (doc, vars) => {
    const array = arrayOf(doc, vars);
    const second = secondOf(doc, vars);
    const third = thirdOf ? thirdOf(doc, vars) : undefined;
    if (isNullish(array) || isNullish(second) || (thirdOf && isNullish(third))) return null;
    if (!Array.isArray(array)) throw new CommandError(28724, `First argument to $slice must be an array, but is of type: ${typeName(array)}`);
    if (!isNumberType(bsonType(second))) {
      throw new CommandError(28725, `Second argument to $slice must be a numeric value, but is of type: ${typeName(second)}`);
    }
    const n2 = int32Value(second);
    if (n2 === undefined) throw new CommandError(28726, `Second argument to $slice can't be represented as a 32-bit integer: ${renderValue(second)}`);
    if (!thirdOf) {
      return n2 >= 0 ? array.slice(0, n2) : array.slice(Math.max(array.length + n2, 0));
    }
    if (!isNumberType(bsonType(third))) {
      throw new CommandError(28727, `Third argument to $slice must be numeric, but is of type: ${typeName(third)}`);
    }
    const n3 = int32Value(third);
    if (n3 === undefined) throw new CommandError(28728, `Third argument to $slice can't be represented as a 32-bit integer: ${renderValue(third)}`);
    if (n3 <= 0) throw new CommandError(28729, `Third argument to $slice must be positive: ${n3}`);
    const start = n2 >= 0 ? Math.min(n2, array.length) : Math.max(array.length + n2, 0);
    return array.slice(start, start + n3);
  };
};

const $sortArray: OperatorCompiler = (args, ctx) => {
  if (!isPlainObject(args)) throw new CommandError(2942500, `$sortArray requires an object as an argument, found: ${typeName(args)}`);
  for (const key of Object.keys(args)) {
    if (key !== 'input' && key !== 'sortBy') throw new CommandError(2942501, `$sortArray found an unknown argument: ${key}`);
  }
  if (!Object.hasOwn(args, 'input')) throw new CommandError(2942502, "$sortArray requires 'input' to be specified");
  if (!Object.hasOwn(args, 'sortBy')) throw new CommandError(2942503, "$sortArray requires 'sortBy' to be specified");
  const inputOf = ctx.compile(args.input);
  const compare = compileArraySort(args.sortBy, ctx.collator);
  return (doc, vars) => {
    const input = inputOf(doc, vars);
    if (isNullish(input)) return null;
    if (!Array.isArray(input)) {
      throw new CommandError(2942504, `The input argument to $sortArray must be an array, but was of type: ${typeName(input)}`);
    }
    // Array.prototype.sort is stable, as $sortArray is.
    return [...input].sort(compare);
  };
};

function sortDirection(value: unknown): 1 | -1 {
  if (isNumberType(bsonType(value))) {
    const n = int32Value(value);
    if (n === 1 || n === -1) return n;
  }
  throw new CommandError(2942506, 'The $sort element value must be either 1 or -1');
}

function compileArraySort(sortBy: unknown, collator: Collator | undefined): (a: unknown, b: unknown) => number {
  if (!isPlainObject(sortBy)) {
    const direction = sortDirection(sortBy);
    return (a, b) => direction * compareValues(a, b, collator);
  }
  const keys = Object.entries(sortBy).map(([path, direction]) => ({ parts: path.split('.'), direction: sortDirection(direction) }));
  if (keys.length === 0) throw new CommandError(15976, '$sortArray sortBy must not be empty');
  return (a, b) => {
    for (const { parts, direction } of keys) {
      const order = compareValues(sortKey(a, parts, direction), sortKey(b, parts, direction), collator);
      if (order !== 0) return direction * order;
    }
    return 0;
  };
}

/** The value a document sorts by on a path: arrays sort by their least (ascending) or greatest element. */
function sortKey(value: unknown, parts: readonly string[], direction: 1 | -1): unknown {
  const candidates: unknown[] = [];
  collectPathValues(value, parts, 0, candidates);
  if (candidates.length === 0) return null;
  let best = candidates[0];
  for (const candidate of candidates) {
    const order = compareValues(candidate, best);
    if ((direction === 1 && order < 0) || (direction === -1 && order > 0)) best = candidate;
  }
  return best;
}

function collectPathValues(value: unknown, parts: readonly string[], index: number, out: unknown[]): void {
  if (index === parts.length) {
    if (Array.isArray(value)) {
      if (value.length === 0) out.push(undefined);
      else for (const element of value) out.push(element);
    } else {
      out.push(value === undefined ? null : value);
    }
    return;
  }
  if (Array.isArray(value)) {
    for (const element of value) collectPathValues(element, parts, index, out);
    return;
  }
  if (!isPlainObject(value)) {
    out.push(null);
    return;
  }
  collectPathValues(value[parts[index] as string], parts, index + 1, out);
}

const $zip: OperatorCompiler = (args, ctx) => {
  if (!isPlainObject(args)) throw new CommandError(34460, `$zip only supports an object as an argument, found ${typeName(args)}`);
  let inputs: Evaluator[] | undefined;
  let defaults: Evaluator[] | undefined;
  let useLongestLength = false;
  for (const [key, value] of Object.entries(args)) {
    if (key === 'inputs') {
      if (!Array.isArray(value)) throw new CommandError(34461, `inputs must be an array of expressions, found ${typeName(value)}`);
      inputs = value.map((input) => ctx.compile(input));
    } else if (key === 'defaults') {
      if (!Array.isArray(value)) throw new CommandError(34462, `defaults must be an array of expressions, found ${typeName(value)}`);
      defaults = value.map((input) => ctx.compile(input));
    } else if (key === 'useLongestLength') {
      if (typeof value !== 'boolean') throw new CommandError(34463, `useLongestLength must be a bool, found ${typeName(value)}`);
      useLongestLength = value;
    } else {
      throw new CommandError(34464, `$zip found an unknown argument: ${key}`);
    }
  }
  if (!inputs || inputs.length === 0) throw new CommandError(34465, '$zip requires at least one input array');
  if (defaults && !useLongestLength) throw new CommandError(34466, 'cannot specify defaults unless useLongestLength is true');
  if (defaults && defaults.length !== inputs.length) throw new CommandError(34467, 'defaults and inputs must have the same length');
  const inputEvaluators = inputs;
  return (doc, vars) => {
    const arrays: unknown[][] = [];
    for (const input of inputEvaluators) {
      const value = input(doc, vars);
      if (isNullish(value)) return null;
      if (!Array.isArray(value)) throw new CommandError(34468, `$zip found a non-array expression in input: ${describe(value)}`);
      arrays.push(value);
    }
    const fill = defaults ? defaults.map((d) => d(doc, vars)) : arrays.map(() => null);
    const lengths = arrays.map((array) => array.length);
    const length = useLongestLength ? Math.max(...lengths) : Math.min(...lengths);
    const out: unknown[][] = [];
    for (let i = 0; i < length; i += 1) {
      out.push(arrays.map((array, j) => (i < array.length ? array[i] : (fill[j] ?? null))));
    }
    return out;
  };
};

/** $firstN, $lastN, $maxN, $minN in their array-expression form: { n, input }. */
function nElements(
  notObjectCode: number,
  pick: (input: unknown[], n: number, collator: Collator | undefined) => unknown[],
): OperatorCompiler {
  return (args, ctx, name) => {
    if (!isPlainObject(args)) throw new CommandError(notObjectCode, `specification must be an object; found ${name}: ${describe(args)}`);
    for (const key of Object.keys(args)) {
      if (key !== 'n' && key !== 'input') throw new CommandError(5787901, `Unknown argument for 'n' operator: ${key}`);
    }
    if (!Object.hasOwn(args, 'n')) throw new CommandError(5787906, `Missing value for 'n'`);
    if (!Object.hasOwn(args, 'input')) throw new CommandError(5787907, `Missing value for 'input'`);
    const nOf = ctx.compile(args.n);
    const inputOf = ctx.compile(args.input);
    const collator = ctx.collator;
    return (doc, vars) => {
      const nValue = nOf(doc, vars);
      const whole = wholeNumber(nValue);
      if (whole === undefined) {
        throw new CommandError(5787902, `Value for 'n' must be of integral type, but found ${renderValue(nValue)}`);
      }
      const n = Number(whole);
      if (!(n > 0)) throw new CommandError(5787908, `'n' must be greater than 0, found ${n}`);
      const input = inputOf(doc, vars);
      if (!Array.isArray(input)) throw new CommandError(5788200, `Input must be an array`);
      return pick(input, n, collator);
    };
  };
}

function extremes(direction: 1 | -1): (input: unknown[], n: number, collator: Collator | undefined) => unknown[] {
  return (input, n, collator) =>
    input
      .filter((value) => !isNullish(value))
      .sort((a, b) => direction * compareValues(a, b, collator))
      .slice(0, n);
}

export const arrayOperators: Record<string, OperatorCompiler> = {
  $arrayElemAt,
  $arrayToObject,
  $concatArrays,
  $filter,
  $first: firstOrLast(0),
  $firstN: nElements(5787801, (input, n) => input.slice(0, n)),
  $in,
  $indexOfArray,
  $isArray,
  $last: firstOrLast(-1),
  $lastN: nElements(5787801, (input, n) => input.slice(Math.max(input.length - n, 0))),
  $map,
  $maxN: nElements(5787900, extremes(-1)),
  $minN: nElements(5787900, extremes(1)),
  $objectToArray,
  $range,
  $reduce,
  $reverseArray,
  $size,
  $slice,
  $sortArray,
  $zip,
};

