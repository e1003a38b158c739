// $median and $percentile (MongoDB 7.0, method 'approximate').
//
// mongod 7.0 answers with a value taken from the data, never an interpolation between two
// values: the p-th percentile of n sorted values is the one at rank ceil(p * n) - 1 (clamped to
// the data), so the median of [1, 2, 3, 4] is 2. Non-numeric values are ignored; with no numeric
// value the result is null. We keep every value, so the answer is the exact discrete percentile,
// which is what mongod's t-digest gives on the small inputs tests use.
import { bsonType, compareValues, isPlainObject, makeDouble, toNumber } from '../../bson/index';
import { CommandError } from '../../errors';
import { compileExpression, describe } from '../expressions/index';
import type { Accumulator, AccumulatorParser } from './accumulator';
import { discretePercentile } from './statistics';

function isNumber(value: unknown): boolean {
  const type = bsonType(value);
  return type === 'int' || type === 'long' || type === 'double' || type === 'decimal';
}

function checkedArguments(argument: unknown, operator: string, keys: readonly string[]): Record<string, unknown> {
  if (!isPlainObject(argument)) throw new CommandError(7436200, `specification must be an object, found ${describe(argument)}`);
  for (const key of Object.keys(argument)) {
    if (!keys.includes(key)) throw new CommandError(40415, `BSON field '${operator}.${key}' is an unknown field.`);
  }
  for (const key of keys) {
    if (!(key in argument)) throw new CommandError(40414, `BSON field '${operator}.${key}' is missing but a required field`);
  }
  if (argument.method !== 'approximate') {
    throw new CommandError(7766600, "Currently only 'approximate' can be used as percentile 'method'.");
  }
  return argument;
}

function percentiles(single: boolean): AccumulatorParser {
  return (argument, options, operator) => {
    const args = checkedArguments(argument, operator, single ? ['input', 'method'] : ['input', 'p', 'method']);
    const ps = single ? [0.5] : readPList(args.p, operator);
    const input = compileExpression(args.input, { collator: options.collator, variableNames: options.variableNames });
    return {
      operator,
      create: (): Accumulator => {
        const values: unknown[] = [];
        return {
          add: (doc, vars) => {
            const value = input(doc, vars);
            if (isNumber(value)) values.push(value);
          },
          result: () => {
            if (values.length === 0) return single ? null : ps.map(() => null);
            const sortedValues = [...values].sort((a, b) => compareValues(a, b)).map(toNumber);
            const results = ps.map((p) => makeDouble(discretePercentile(sortedValues, p)));
            return single ? results[0] : results;
          },
        };
      },
    };
  };
}

function readPList(value: unknown, operator: string): number[] {
  const valid = Array.isArray(value) && value.length > 0 && value.every((p) => isNumber(p) && toNumber(p) >= 0 && toNumber(p) <= 1);
  if (!valid) {
    throw new CommandError(7750301, `The ${operator} 'p' field must be an array of numbers from [0.0, 1.0], but found: ${describe(value)}`);
  }
  return (value as unknown[]).map(toNumber);
}

export const median = percentiles(true);
export const percentile = percentiles(false);
