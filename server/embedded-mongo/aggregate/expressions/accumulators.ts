// Accumulators in their expression form: $sum, $avg, $max, $min, $stdDevPop, $stdDevSamp over
// one array argument or over several arguments, and $median / $percentile over an input
// (https://www.mongodb.com/docs/v7.0/reference/operator/aggregation/sum/#use-in-project-stage, etc.).
import { CommandError } from '../../errors';
import { bsonType, compareValues, isPlainObject } from '../../bson/index';
import { compileOperands } from './args';
import type { Evaluator, OperatorCompiler } from './compile';
import { describe } from './compile';
import { ExactSum } from '../accumulators/exact-sum';
import { discretePercentile, RunningDeviation } from '../accumulators/statistics';
import { doubleResult, isNullish, isNumberType, plainNumber } from './values';

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

/** The numbers among the values summed as mongod's $sum and $avg accumulators sum them. */
function exactSumOf(values: readonly unknown[]): ExactSum {
  const total = new ExactSum();
  for (const value of values) total.add(value);
  return total;
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
  const deviation = new RunningDeviation();
  for (const value of numbersIn(values)) deviation.add(plainNumber(value));
  return deviation.result(sample);
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
  $avg: overInputs((values) => exactSumOf(values).mean()),
  $max: extreme(1),
  $median,
  $min: extreme(-1),
  $percentile,
  $stdDevPop: overInputs((values) => standardDeviation(values, false)),
  $stdDevSamp: overInputs((values) => standardDeviation(values, true)),
  $sum: overInputs((values) => exactSumOf(values).total()),
};
