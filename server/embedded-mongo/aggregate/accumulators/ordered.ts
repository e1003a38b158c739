// $top $bottom $topN $bottomN $firstN $lastN $maxN $minN: the n first values in some order.
import type { Document } from 'bson';
import { bsonType, compareValues, isPlainObject, toNumber } from '../../bson/index';
import { CommandError } from '../../errors';
import { compileSort } from '../../query/index';
import { compileExpression, describe, type Evaluator, type Variables } from '../expressions/index';
import type { Accumulator, AccumulatorOptions, AccumulatorParser } from './accumulator';

type Arguments = Record<string, unknown>;

function objectArgument(argument: unknown, operator: string, allowed: readonly string[], required: readonly string[]): Arguments {
  if (!isPlainObject(argument)) throw new CommandError(5787801, `specification must be an object; found ${describe(argument)}`);
  for (const key of Object.keys(argument)) {
    if (!allowed.includes(key)) throw new CommandError(5787901, `Unknown argument for '${operator}' operator: '${key}'`);
  }
  for (const key of required) {
    if (!(key in argument)) throw new CommandError(5787906, `Missing value for '${key}'`);
  }
  return argument;
}

function compile(expression: unknown, options: AccumulatorOptions): Evaluator {
  return compileExpression(expression, { collator: options.collator, variableNames: options.variableNames });
}

/** 'n' may be an expression, evaluated once per group; it must be a positive integer. */
function readN(evaluate: Evaluator, doc: Document, vars: Variables): number {
  const value = evaluate(doc, vars);
  const type = bsonType(value);
  const n = type === 'int' || type === 'long' || type === 'double' || type === 'decimal' ? toNumber(value) : Number.NaN;
  if (!Number.isInteger(n)) throw new CommandError(5787902, `Value for 'n' must be of integral type, but found ${describe(value)}`);
  if (n <= 0) throw new CommandError(5787908, `'n' must be greater than 0, found ${n}`);
  return n;
}

/**
 * Keeps the n smallest entries under `compare` without holding the whole group: entries are
 * buffered and the buffer is cut back to n whenever it doubles.
 */
class BoundedBest<T> {
  private entries: T[] = [];
  constructor(
    private readonly compare: (a: T, b: T) => number,
    private readonly limit: () => number,
  ) {}

  add(entry: T): void {
    this.entries.push(entry);
    const n = this.limit();
    if (this.entries.length >= 2 * n + 64) this.cut(n);
  }

  result(): T[] {
    this.cut(this.limit());
    return this.entries;
  }

  private cut(n: number): void {
    this.entries.sort(this.compare);
    if (this.entries.length > n) this.entries.length = n;
  }
}

/** $top/$bottom/$topN/$bottomN: output values of the first (or last) documents in sortBy order. */
function sorted(single: boolean, fromBottom: boolean): AccumulatorParser {
  return (argument, options, operator) => {
    const keys = single ? ['sortBy', 'output'] : ['n', 'sortBy', 'output'];
    const args = objectArgument(argument, operator, keys, keys);
    if (!isPlainObject(args.sortBy)) throw new CommandError(5788604, `${operator} requires 'sortBy' to be an object`);
    const byDocument = compileSort(args.sortBy, { collator: options.collator });
    const compare = fromBottom
      ? (a: { doc: Document }, b: { doc: Document }) => byDocument(b.doc, a.doc)
      : (a: { doc: Document }, b: { doc: Document }) => byDocument(a.doc, b.doc);
    const output = compile(args.output, options);
    const nExpression = single ? undefined : compile(args.n, options);
    return {
      operator,
      create: (): Accumulator => {
        let n = 1;
        const best = new BoundedBest<{ doc: Document; value: unknown }>(compare, () => n);
        let started = false;
        return {
          add: (doc, vars) => {
            if (!started && nExpression) n = readN(nExpression, doc, vars);
            started = true;
            best.add({ doc, value: output(doc, vars) ?? null });
          },
          result: () => {
            // $bottomN lists the last n documents in sortBy order too, not from the end.
            const values = best.result().map((entry) => entry.value);
            if (fromBottom) values.reverse();
            return single ? (values[values.length - 1] ?? null) : values;
          },
        };
      },
    };
  };
}

export const top = sorted(true, false);
export const bottom = sorted(true, true);
export const topN = sorted(false, false);
export const bottomN = sorted(false, true);

/** $firstN/$lastN keep nulls (a missing value counts as null). */
function inOrder(fromEnd: boolean): AccumulatorParser {
  return (argument, options, operator) => {
    const args = objectArgument(argument, operator, ['input', 'n'], ['input', 'n']);
    const input = compile(args.input, options);
    const nExpression = compile(args.n, options);
    return {
      operator,
      create: (): Accumulator => {
        let n = 0;
        let values: unknown[] = [];
        return {
          add: (doc, vars) => {
            if (n === 0) n = readN(nExpression, doc, vars);
            if (!fromEnd && values.length >= n) return;
            values.push(input(doc, vars) ?? null);
            if (fromEnd && values.length >= 2 * n + 64) values = values.slice(-n);
          },
          result: () => (fromEnd ? values.slice(-n) : values),
        };
      },
    };
  };
}

export const firstN = inOrder(false);
export const lastN = inOrder(true);

/** $maxN/$minN skip null and missing values; the result is ordered from the best value. */
function extremes(direction: 1 | -1): AccumulatorParser {
  return (argument, options, operator) => {
    const args = objectArgument(argument, operator, ['input', 'n'], ['input', 'n']);
    const input = compile(args.input, options);
    const nExpression = compile(args.n, options);
    const compare = (a: unknown, b: unknown): number => -direction * compareValues(a, b, options.collator);
    return {
      operator,
      create: (): Accumulator => {
        let n = 0;
        const best = new BoundedBest<unknown>(compare, () => n);
        return {
          add: (doc, vars) => {
            if (n === 0) n = readN(nExpression, doc, vars);
            const value = input(doc, vars);
            if (value !== undefined && value !== null) best.add(value);
          },
          result: () => best.result(),
        };
      },
    };
  };
}

export const maxN = extremes(1);
export const minN = extremes(-1);
