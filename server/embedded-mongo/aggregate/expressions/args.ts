// Argument parsing shared by the operators: positional operand lists with mongod's arity
// messages, and named-argument objects ({ input, as, in }) with its unknown/missing field errors.
import type { Document } from 'bson';
import { CommandError } from '../../errors';
import { isPlainObject } from '../../bson/index';
import type { CompileContext, Evaluator } from './compile';

/** `{ $op: [a, b] }` gives [a, b]; `{ $op: a }` gives [a] (mongod's ExpressionNary parsing). */
export function operandList(args: unknown): unknown[] {
  return Array.isArray(args) ? args : [args];
}

export function compileOperands(args: unknown, ctx: CompileContext): Evaluator[] {
  return operandList(args).map((operand) => ctx.compile(operand));
}

/** Exactly `count` operands, else 16020 "Expression $x takes exactly N arguments. M were passed in." */
export function fixedArity(name: string, args: unknown, count: number, ctx: CompileContext): Evaluator[] {
  const operands = operandList(args);
  if (operands.length !== count) {
    throw new CommandError(16020, `Expression ${name} takes exactly ${count} arguments. ${operands.length} were passed in.`);
  }
  return operands.map((operand) => ctx.compile(operand));
}

/** Between min and max operands, else 28667 (mongod's ExpressionRangedArity). */
export function rangedArity(name: string, args: unknown, min: number, max: number, ctx: CompileContext): Evaluator[] {
  const operands = operandList(args);
  if (operands.length < min || operands.length > max) {
    throw new CommandError(
      28667,
      `Expression ${name} takes at least ${min} arguments, and at most ${max}, but ${operands.length} were passed in.`,
    );
  }
  return operands.map((operand) => ctx.compile(operand));
}

/** At least `min` operands (16021 in mongod's ExpressionVariadic checks). */
export function minArity(name: string, args: unknown, min: number, ctx: CompileContext): Evaluator[] {
  const operands = operandList(args);
  if (operands.length < min) {
    throw new CommandError(16021, `Expression ${name} takes at least ${min} arguments. ${operands.length} were passed in.`);
  }
  return operands.map((operand) => ctx.compile(operand));
}

export interface NamedArgumentsSpec {
  /** The code and message when the argument is not an object. */
  notObject: [number, string];
  required?: readonly string[];
  optional?: readonly string[];
  /** The code and message for an unknown field; `{field}` is replaced by its name. */
  unknown: [number, string];
  /** The code and message for a missing required field; `{field}` is replaced. */
  missing: [number, string];
}

/** Reads an object of named arguments, refusing unknown fields and requiring the required ones. */
export function namedArguments(args: unknown, spec: NamedArgumentsSpec): Document {
  if (!isPlainObject(args)) throw new CommandError(spec.notObject[0], spec.notObject[1]);
  const allowed = new Set([...(spec.required ?? []), ...(spec.optional ?? [])]);
  for (const key of Object.keys(args)) {
    if (!allowed.has(key)) throw new CommandError(spec.unknown[0], spec.unknown[1].replaceAll('{field}', key));
  }
  for (const key of spec.required ?? []) {
    if (!Object.hasOwn(args, key)) throw new CommandError(spec.missing[0], spec.missing[1].replaceAll('{field}', key));
  }
  return args;
}
