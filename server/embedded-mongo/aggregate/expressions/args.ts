// Argument parsing shared by the operators: positional operand lists with mongod's arity messages.
import { CommandError } from '../../errors';
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
