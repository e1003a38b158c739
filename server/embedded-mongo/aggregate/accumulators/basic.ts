// $sum $avg $count $min $max $first $last $push $addToSet $mergeObjects $stdDevPop $stdDevSamp.
import type { Document } from 'bson';
import { bsonType, compareValues, hashKey, isNumeric, isPlainObject, toNumber } from '../../bson/index';
import { CommandError } from '../../errors';
import { compileExpression, describe, type Evaluator, type Variables } from '../expressions/index';
import type { Accumulator, AccumulatorOptions, AccumulatorParser, AccumulatorSpec } from './accumulator';
import { ExactSum } from './exact-sum';
import { RunningDeviation } from './statistics';

/** Compiles the single argument of a unary accumulator ($group refuses an array of arguments). */
export function unaryArgument(argument: unknown, options: AccumulatorOptions, operator: string): Evaluator {
  if (Array.isArray(argument)) throw new CommandError(40237, `The ${operator} accumulator is a unary operator`);
  return compileExpression(argument, { collator: options.collator, variableNames: options.variableNames });
}

function unary(make: (evaluate: Evaluator, options: AccumulatorOptions) => () => Accumulator): AccumulatorParser {
  return (argument, options, operator): AccumulatorSpec => {
    const evaluate = unaryArgument(argument, options, operator);
    return { operator, create: make(evaluate, options) };
  };
}

export const sum = unary((evaluate) => () => {
  const total = new ExactSum();
  return {
    add: (doc: Document, vars: Variables) => void total.add(evaluate(doc, vars)),
    result: () => total.total(),
  };
});

export const avg = unary((evaluate) => () => {
  const total = new ExactSum();
  return {
    add: (doc: Document, vars: Variables) => void total.add(evaluate(doc, vars)),
    result: () => total.mean(),
  };
});

export const count: AccumulatorParser = (argument, _options, operator) => {
  if (!isPlainObject(argument) || Object.keys(argument).length > 0) {
    throw new CommandError(40145, '$count takes no arguments, i.e. $count:{}');
  }
  return {
    operator,
    create: () => {
      let n = 0;
      return { add: () => void (n += 1), result: () => (n <= 2147483647 ? n : BigInt(n)) };
    },
  };
};

/** $min and $max skip null and missing values, and compare whole values in BSON order. */
function extreme(direction: 1 | -1): AccumulatorParser {
  return unary((evaluate, options) => () => {
    let best: unknown = undefined;
    return {
      add: (doc: Document, vars: Variables) => {
        const value = evaluate(doc, vars);
        if (value === undefined || value === null) return;
        if (best === undefined || compareValues(value, best, options.collator) * direction > 0) best = value;
      },
      result: () => (best === undefined ? null : best),
    };
  });
}

export const max = extreme(1);
export const min = extreme(-1);

/** $first and $last give null for a missing value, as mongod does. */
export const first = unary((evaluate) => () => {
  let seen = false;
  let value: unknown = null;
  return {
    add: (doc: Document, vars: Variables) => {
      if (seen) return;
      seen = true;
      value = evaluate(doc, vars) ?? null;
    },
    result: () => value,
  };
});

export const last = unary((evaluate) => () => {
  let value: unknown = null;
  return {
    add: (doc: Document, vars: Variables) => void (value = evaluate(doc, vars) ?? null),
    result: () => value,
  };
});

/** $push keeps nulls but not missing values. */
export const push = unary((evaluate) => () => {
  const values: unknown[] = [];
  return {
    add: (doc: Document, vars: Variables) => {
      const value = evaluate(doc, vars);
      if (value !== undefined) values.push(value);
    },
    result: () => values,
  };
});

/** $addToSet: distinct values (equal under the collation), in the order first seen. */
export const addToSet = unary((evaluate, options) => () => {
  const values = new Map<string, unknown>();
  return {
    add: (doc: Document, vars: Variables) => {
      const value = evaluate(doc, vars);
      if (value === undefined) return;
      const key = hashKey(value, options.collator);
      if (!values.has(key)) values.set(key, value);
    },
    result: () => [...values.values()],
  };
});

export const mergeObjects = unary((evaluate) => () => {
  let merged: Document = {};
  return {
    add: (doc: Document, vars: Variables) => {
      const value = evaluate(doc, vars);
      if (value === undefined || value === null) return;
      if (!isPlainObject(value)) {
        throw new CommandError(40400, `$mergeObjects requires object inputs, but input ${describe(value)} is of type ${bsonType(value)}`);
      }
      merged = { ...merged };
      for (const [key, field] of Object.entries(value)) if (field !== undefined) merged[key] = field;
    },
    result: () => merged,
  };
});

/** Only numeric values count (RunningDeviation). */
function standardDeviation(sample: boolean): AccumulatorParser {
  return unary((evaluate) => () => {
    const deviation = new RunningDeviation();
    return {
      add: (doc: Document, vars: Variables) => {
        const value = evaluate(doc, vars);
        if (isNumeric(value)) deviation.add(toNumber(value));
      },
      result: () => deviation.result(sample),
    };
  });
}

export const stdDevPop = standardDeviation(false);
export const stdDevSamp = standardDeviation(true);
