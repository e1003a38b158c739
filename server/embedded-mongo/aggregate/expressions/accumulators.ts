// Accumulators in their expression form: $sum, $avg, $max, $min, $stdDevPop, $stdDevSamp over
// one array argument or over several arguments, and $median / $percentile over an input
// (https://www.mongodb.com/docs/v7.0/reference/operator/aggregation/sum/#use-in-project-stage, etc.).
import { CommandError } from '../../errors';
import { addNumbers, bsonType, compareValues, isPlainObject } from '../../bson/index';
import { compileOperands } from './args';
import type { Evaluator, OperatorCompiler } from './compile';
import { describe } from './compile';
import { asBigInt, doubleResult, fromDec, isNullish, isNumberType, plainNumber, toDec } from './values';
import type { Dec } from './values';

/** With exactly one argument that is an array, the operator runs over its elements; otherwise over the arguments. */
function inputsOf(operands: readonly Evaluator[]): (doc: Parameters<Evaluator>[0], vars: Parameters<Evaluator>[1]) => unknown[] {
  if (operands.length === 1) {
    const only = operands[0] as Evaluator;
    return (doc, vars) => {
      const value = only(doc, vars);
      return Array.isArray(value) ? value : [value];
    };
  }
  return (doc, vars) => operands.map((operand) => operand(doc, vars));
}

function numbersIn(values: readonly unknown[]): unknown[] {
  return values.filter((value) => isNumberType(bsonType(value)));
}

/**
 * Sums like mongod's $sum: ints and longs exactly (int while it fits, then long, then double);
 * any double makes a double, added with compensation (mongod keeps a double-double total, so
 * 0.1 + 0.2 + 0.3 is 0.6); any decimal makes a decimal.
 */
export function sumValues(values: readonly unknown[]): unknown {
  const numbers = numbersIn(values);
  const types = new Set(numbers.map((value) => bsonType(value)));
  if (types.has('decimal')) {
    let total: unknown = 0;
    for (const value of numbers) total = addNumbers(total, value);
    return total;
  }
  if (types.has('double')) return doubleResult(compensatedSum(numbers));
  let total = 0n;
  for (const value of numbers) total += asBigInt(bsonType(value) === 'int' ? plainNumber(value) : value);
  if (!types.has('long') && total >= -2147483648n && total <= 2147483647n) return Number(total);
  if (total >= -(2n ** 63n) && total < 2n ** 63n) return total;
  return doubleResult(Number(total));
}

/** Neumaier's compensated summation: the correctly rounded sum in all but pathological cases. */
function compensatedSum(numbers: readonly unknown[]): number {
  let sum = 0;
  let compensation = 0;
  for (const value of numbers) {
    const x = plainNumber(value);
    const t = sum + x;
    if (Number.isFinite(t)) {
      compensation += Math.abs(sum) >= Math.abs(x) ? sum - t + x : x - t + sum;
    }
    sum = t;
  }
  return Number.isFinite(sum) ? sum + compensation : sum;
}

export function averageValues(values: readonly unknown[]): unknown {
  const numbers = numbersIn(values);
  if (numbers.length === 0) return null;
  if (numbers.some((value) => bsonType(value) === 'decimal')) {
    let total: Dec = toDec(0);
    for (const value of numbers) total = total.plus(toDec(value));
    return fromDec(total.div(numbers.length));
  }
  // Sum exactly (or compensated) before dividing, as mongod does.
  const total = sumValues(numbers);
  return doubleResult(plainNumber(total) / numbers.length);
}

function extreme(direction: 1 | -1): OperatorCompiler {
  return (args, ctx) => {
    const collect = inputsOf(compileOperands(args, ctx));
    const collator = ctx.collator;
    return (doc, vars) => {
      let best: unknown;
      for (const value of collect(doc, vars)) {
        if (isNullish(value)) continue;
        if (best === undefined || direction * compareValues(value, best, collator) > 0) best = value;
      }
      return best === undefined ? null : best;
    };
  };
}

export function standardDeviation(values: readonly unknown[], sample: boolean): unknown {
  let count = 0;
  let mean = 0;
  let m2 = 0;
  for (const value of numbersIn(values)) {
    const x = plainNumber(value);
    count += 1;
    const delta = x - mean;
    mean += delta / count;
    m2 += delta * (x - mean);
  }
  if (count === 0 || (sample && count < 2)) return null;
  return doubleResult(Math.sqrt(m2 / (sample ? count - 1 : count)));
}

/** mongod's discrete percentile on sorted data: the value at rank ceil(p * n) - 1. */
export function discretePercentile(sorted: readonly number[], p: number): number {
  const rank = Math.max(Math.ceil(p * sorted.length) - 1, 0);
  return sorted[Math.min(rank, sorted.length - 1)] as number;
}

/**
 * $median and $percentile validate their spec in mongod's IDL field order: unknown fields, then
 * input, then p, then method (https://www.mongodb.com/docs/v7.0/reference/operator/aggregation/percentile/).
 */
function quantileSpec(args: unknown, name: string, notObjectCode: number, withP: boolean): Record<string, unknown> {
  if (!isPlainObject(args)) throw new CommandError(notObjectCode, `specification must be an object; found ${name}: ${describe(args)}`);
  const allowed = withP ? ['input', 'p', 'method'] : ['input', 'method'];
  for (const key of Object.keys(args)) {
    if (!allowed.includes(key)) throw new CommandError(40415, `BSON field '${name}.${key}' is an unknown field.`);
  }
  for (const key of allowed) {
    if (!Object.hasOwn(args, key)) throw new CommandError(40414, `BSON field '${name}.${key}' is missing but a required field`);
    // A constant p is checked while parsing, as mongod does; an expression when evaluated.
    if (key === 'p' && isConstantLiteral(args.p)) readPercentiles(args.p);
  }
  if (typeof args.method !== 'string') {
    throw new CommandError('TypeMismatch', `BSON field '${name}.method' is the wrong type '${bsonType(args.method)}', expected type 'string'`);
  }
  if (args.method !== 'approximate') {
    throw new CommandError('BadValue', "Currently only 'approximate' can be used as percentile 'method'.");
  }
  return args;
}

function isConstantLiteral(value: unknown): boolean {
  if (typeof value === 'string') return !value.startsWith('$');
  if (Array.isArray(value)) return value.every(isConstantLiteral);
  if (isPlainObject(value)) return Object.keys(value).every((key) => !key.startsWith('$')) && Object.values(value).every(isConstantLiteral);
  return true;
}

function sortedNumbers(value: unknown): number[] {
  const values = Array.isArray(value) ? value : [value];
  return numbersIn(values)
    .map((number) => plainNumber(number))
    .sort((a, b) => a - b);
}

const $median: OperatorCompiler = (args, ctx, name) => {
  const spec = quantileSpec(args, name, 7436201, false);
  const inputOf = ctx.compile(spec.input);
  return (doc, vars) => {
    const sorted = sortedNumbers(inputOf(doc, vars));
    return sorted.length === 0 ? null : doubleResult(discretePercentile(sorted, 0.5));
  };
};

const $percentile: OperatorCompiler = (args, ctx, name) => {
  const spec = quantileSpec(args, name, 7436200, true);
  const inputOf = ctx.compile(spec.input);
  const pOf = ctx.compile(spec.p);
  return (doc, vars) => {
    const ps = readPercentiles(pOf(doc, vars));
    const sorted = sortedNumbers(inputOf(doc, vars));
    if (sorted.length === 0) return ps.map(() => null);
    return ps.map((p) => doubleResult(discretePercentile(sorted, p)));
  };
};

/** p: a non-empty array of numbers in [0, 1]; 7750301 for the array, 7750302/7750303 for an element. */
function readPercentiles(value: unknown): number[] {
  const message = (found: unknown): string =>
    `The $percentile 'p' field must be an array of numbers from [0.0, 1.0], but found: ${describe(found)}`;
  if (!Array.isArray(value) || value.length === 0) throw new CommandError(7750301, message(value));
  return value.map((p) => {
    if (!isNumberType(bsonType(p))) throw new CommandError(7750302, message(p));
    const n = plainNumber(p);
    if (!(n >= 0 && n <= 1)) throw new CommandError(7750303, message(p));
    return n;
  });
}

function overInputs(reduce: (values: unknown[]) => unknown): OperatorCompiler {
  return (args, ctx) => {
    const collect = inputsOf(compileOperands(args, ctx));
    return (doc, vars) => reduce(collect(doc, vars));
  };
}

export const accumulatorOperators: Record<string, OperatorCompiler> = {
  $avg: overInputs(averageValues),
  $max: extreme(1),
  $median,
  $min: extreme(-1),
  $percentile,
  $stdDevPop: overInputs((values) => standardDeviation(values, false)),
  $stdDevSamp: overInputs((values) => standardDeviation(values, true)),
  $sum: overInputs(sumValues),
};
