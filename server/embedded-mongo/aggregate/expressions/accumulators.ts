// Accumulators in their expression form: $sum, $avg, $max, $min, $stdDevPop, $stdDevSamp over
// one array argument or over several arguments, and $median / $percentile over an input
// (https://www.mongodb.com/docs/v7.0/reference/operator/aggregation/sum/#use-in-project-stage, etc.).
import { CommandError } from '../../errors';
import { addNumbers, bsonType, compareValues, isPlainObject } from '../../bson/index';
import { compileOperands } from './args';
import type { Evaluator, OperatorCompiler } from './compile';
import { describe } from './compile';
import { doubleResult, fromDec, isNullish, isNumberType, plainNumber, toDec } from './values';
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

export function sumValues(values: readonly unknown[]): unknown {
  let total: unknown = 0;
  for (const value of numbersIn(values)) total = addNumbers(total, value);
  return total;
}

export function averageValues(values: readonly unknown[]): unknown {
  const numbers = numbersIn(values);
  if (numbers.length === 0) return null;
  if (numbers.some((value) => bsonType(value) === 'decimal')) {
    let total: Dec = toDec(0);
    for (const value of numbers) total = total.plus(toDec(value));
    return fromDec(total.div(numbers.length));
  }
  // A long total can exceed 2^53: sum exactly before dividing, as mongod does.
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

function readMethod(spec: Record<string, unknown>, name: string): void {
  if (!Object.hasOwn(spec, 'method')) throw new CommandError(40414, `BSON field '${name.slice(1)}.method' is missing but a required field`);
  if (spec.method !== 'approximate') {
    throw new CommandError('BadValue', `Currently only 'approximate' can be used as percentile 'method'`);
  }
}

function sortedNumbers(value: unknown): number[] {
  const values = Array.isArray(value) ? value : [value];
  return numbersIn(values)
    .map((number) => plainNumber(number))
    .sort((a, b) => a - b);
}

const $median: OperatorCompiler = (args, ctx, name) => {
  if (!isPlainObject(args)) throw new CommandError(7436100, `${name} must be an object, found type ${bsonType(args)}`);
  for (const key of Object.keys(args)) {
    if (key !== 'input' && key !== 'method') throw new CommandError(40415, `BSON field '$median.${key}' is an unknown field.`);
  }
  if (!Object.hasOwn(args, 'input')) throw new CommandError(40414, "BSON field '$median.input' is missing but a required field");
  readMethod(args, name);
  const inputOf = ctx.compile(args.input);
  return (doc, vars) => {
    const sorted = sortedNumbers(inputOf(doc, vars));
    return sorted.length === 0 ? null : doubleResult(discretePercentile(sorted, 0.5));
  };
};

const $percentile: OperatorCompiler = (args, ctx, name) => {
  if (!isPlainObject(args)) throw new CommandError(7429700, `${name} must be an object, found type ${bsonType(args)}`);
  for (const key of Object.keys(args)) {
    if (!['input', 'p', 'method'].includes(key)) throw new CommandError(40415, `BSON field '$percentile.${key}' is an unknown field.`);
  }
  if (!Object.hasOwn(args, 'input')) throw new CommandError(40414, "BSON field '$percentile.input' is missing but a required field");
  if (!Object.hasOwn(args, 'p')) throw new CommandError(40414, "BSON field '$percentile.p' is missing but a required field");
  readMethod(args, name);
  const inputOf = ctx.compile(args.input);
  const pOf = ctx.compile(args.p);
  return (doc, vars) => {
    const pValue = pOf(doc, vars);
    const ps = readPercentiles(pValue);
    const sorted = sortedNumbers(inputOf(doc, vars));
    if (sorted.length === 0) return ps.map(() => null);
    return ps.map((p) => doubleResult(discretePercentile(sorted, p)));
  };
};

function readPercentiles(value: unknown): number[] {
  const invalid = (): CommandError =>
    new CommandError(7750301, `The $percentile 'p' field must be an array of numbers from [0.0, 1.0], but found: ${describe(value)}`);
  if (!Array.isArray(value) || value.length === 0) throw invalid();
  return value.map((p) => {
    if (!isNumberType(bsonType(p))) throw invalid();
    const n = plainNumber(p);
    if (!(n >= 0 && n <= 1)) throw invalid();
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
