// Boolean, comparison and conditional operators
// (https://www.mongodb.com/docs/v7.0/reference/operator/aggregation/#boolean-expression-operators,
// #comparison-expression-operators, #conditional-expression-operators).
import { CommandError } from '../../errors';
import { compareValues, isPlainObject, type Document } from '../../bson/index';
import { compileOperands, fixedArity } from './args';
import type { Evaluator, OperatorCompiler } from './compile';
import { isNullish, isTruthy, typeName } from './values';

const $and: OperatorCompiler = (args, ctx) => {
  const operands = compileOperands(args, ctx);
  return (doc, vars) => {
    for (const operand of operands) if (!isTruthy(operand(doc, vars))) return false;
    return true;
  };
};

const $or: OperatorCompiler = (args, ctx) => {
  const operands = compileOperands(args, ctx);
  return (doc, vars) => {
    for (const operand of operands) if (isTruthy(operand(doc, vars))) return true;
    return false;
  };
};

const $not: OperatorCompiler = (args, ctx, name) => {
  const [operand] = fixedArity(name, args, 1, ctx) as [Evaluator];
  return (doc, vars) => !isTruthy(operand(doc, vars));
};

/** Comparison operators compare whole values in BSON order; missing compares as less than null. */
function comparison(result: (order: number) => boolean | number): OperatorCompiler {
  return (args, ctx, name) => {
    const [left, right] = fixedArity(name, args, 2, ctx) as [Evaluator, Evaluator];
    const collator = ctx.collator;
    return (doc, vars) => result(compareMissingFirst(left(doc, vars), right(doc, vars), collator));
  };
}

/** mongod's Value::compare puts missing (EOO) below null; bson/ treats it as null in queries. */
function compareMissingFirst(a: unknown, b: unknown, collator: Parameters<typeof compareValues>[2]): number {
  // Fast path for two plain JS numbers (int32 or double); NaN sorts below every other number.
  if (typeof a === 'number' && typeof b === 'number') {
    if (a === b) return 0;
    if (a !== a) return b !== b ? 0 : -1;
    if (b !== b) return 1;
    return a < b ? -1 : 1;
  }
  if (a === undefined || b === undefined) {
    if (a === undefined && b === undefined) return 0;
    return a === undefined ? -1 : 1;
  }
  return compareValues(a, b, collator);
}

/** $cond takes `[if, then, else]` or `{ if, then, else }`. */
const $cond: OperatorCompiler = (args, ctx, name) => {
  const parts = isPlainObject(args) ? namedCondParts(args) : args;
  const [test, then, otherwise] = fixedArity(name, parts, 3, ctx) as [Evaluator, Evaluator, Evaluator];
  return (doc, vars) => (isTruthy(test(doc, vars)) ? then(doc, vars) : otherwise(doc, vars));
};

function namedCondParts(args: Document): unknown[] {
  for (const key of Object.keys(args)) {
    if (key !== 'if' && key !== 'then' && key !== 'else') throw new CommandError(17083, `Unrecognized parameter to $cond: ${key}`);
  }
  if (!Object.hasOwn(args, 'if')) throw new CommandError(17080, "Missing 'if' parameter to $cond");
  if (!Object.hasOwn(args, 'then')) throw new CommandError(17081, "Missing 'then' parameter to $cond");
  if (!Object.hasOwn(args, 'else')) throw new CommandError(17082, "Missing 'else' parameter to $cond");
  return [args.if, args.then, args.else];
}

const $ifNull: OperatorCompiler = (args, ctx) => {
  const operands = compileOperands(args, ctx);
  if (operands.length < 2) {
    throw new CommandError(1257300, `$ifNull needs at least two arguments, had: ${operands.length}`);
  }
  return (doc, vars) => {
    const last = operands.length - 1;
    for (let i = 0; i < last; i += 1) {
      const value = (operands[i] as Evaluator)(doc, vars);
      if (!isNullish(value)) return value;
    }
    return (operands[last] as Evaluator)(doc, vars);
  };
};

const $switch: OperatorCompiler = (args, ctx) => {
  if (!isPlainObject(args)) throw new CommandError(40060, `$switch requires an object as an argument, found: ${typeName(args)}`);
  const branches: Array<[Evaluator, Evaluator]> = [];
  let fallback: Evaluator | undefined;
  for (const [key, value] of Object.entries(args)) {
    if (key === 'branches') {
      if (!Array.isArray(value)) throw new CommandError(40061, `$switch expected an array for 'branches', found: ${typeName(value)}`);
      for (const branch of value) {
        if (!isPlainObject(branch)) throw new CommandError(40062, `$switch expected each branch to be an object, found: ${typeName(branch)}`);
        let caseOf: Evaluator | undefined;
        let thenOf: Evaluator | undefined;
        for (const [field, expression] of Object.entries(branch)) {
          if (field === 'case') caseOf = ctx.compile(expression);
          else if (field === 'then') thenOf = ctx.compile(expression);
          else throw new CommandError(40063, `$switch found an unknown argument to a branch: ${field}`);
        }
        if (!caseOf) throw new CommandError(40064, "$switch requires each branch have a 'case' expression");
        if (!thenOf) throw new CommandError(40065, "$switch requires each branch have a 'then' expression.");
        branches.push([caseOf, thenOf]);
      }
    } else if (key === 'default') {
      fallback = ctx.compile(value);
    } else {
      throw new CommandError(40067, `$switch found an unknown argument: ${key}`);
    }
  }
  if (branches.length === 0) throw new CommandError(40068, '$switch requires at least one branch.');
  return (doc, vars) => {
    for (const [caseOf, thenOf] of branches) if (isTruthy(caseOf(doc, vars))) return thenOf(doc, vars);
    if (!fallback) {
      throw new CommandError(40066, '$switch could not find a matching branch for an input, and no default was specified.');
    }
    return fallback(doc, vars);
  };
};

export const logicOperators: Record<string, OperatorCompiler> = {
  $and,
  $or,
  $not,
  $cmp: comparison(Math.sign),
  $eq: comparison((order) => order === 0),
  $ne: comparison((order) => order !== 0),
  $gt: comparison((order) => order > 0),
  $gte: comparison((order) => order >= 0),
  $lt: comparison((order) => order < 0),
  $lte: comparison((order) => order <= 0),
  $cond,
  $ifNull,
  $switch,
};
