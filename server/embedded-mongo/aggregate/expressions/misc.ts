// Literal, variable, object, field, size and miscellaneous operators, and the operators the
// store refuses (server-side JavaScript, text/search metadata).
import { BSON } from 'bson';
import type { Binary, Document } from 'bson';
import { CommandError } from '../../errors';
import { bsonType, isPlainObject } from '../../bson/index';
import { compileOperands, fixedArity } from './args';
import type { CompileContext, Evaluator, OperatorCompiler, Variables } from './compile';
import { describe, validateVariableNameForWrite } from './compile';
import { doubleResult, isNullish, typeName } from './values';

const $literal: OperatorCompiler = (args) => () => args;

/** A child scope: reads fall through to the enclosing variables. */
export function bindVariables(vars: Variables, names: readonly string[], values: readonly unknown[]): Variables {
  const scope = Object.create(vars) as Variables;
  for (let i = 0; i < names.length; i += 1) scope[names[i] as string] = values[i];
  return scope;
}

const $let: OperatorCompiler = (args, ctx) => {
  if (!isPlainObject(args)) throw new CommandError(16874, '$let only supports an object as its argument');
  for (const key of Object.keys(args)) {
    if (key !== 'vars' && key !== 'in') throw new CommandError(16875, `Unrecognized parameter to $let: ${key}`);
  }
  if (!Object.hasOwn(args, 'vars')) throw new CommandError(16876, "Missing 'vars' parameter to $let");
  if (!Object.hasOwn(args, 'in')) throw new CommandError(16877, "Missing 'in' parameter to $let");
  const definitions = args.vars;
  if (!isPlainObject(definitions)) throw new CommandError(10065, 'invalid parameter: expected an object (vars)');
  const names = Object.keys(definitions);
  for (const name of names) validateVariableNameForWrite(name);
  // Definitions see only the enclosing scope; the body sees the new names.
  const values = names.map((name) => ctx.compile(definitions[name]));
  const body = ctx.withVariables(names).compile(args.in);
  const currentIndex = names.indexOf('CURRENT');
  return (doc, vars) => {
    const bound = values.map((value) => value(doc, vars));
    const scope = bindVariables(vars, names, bound);
    // Rebinding CURRENT changes what "$field" paths read.
    const current = currentIndex >= 0 ? (bound[currentIndex] as Document) : doc;
    return body(current, scope);
  };
};

const $mergeObjects: OperatorCompiler = (args, ctx) => {
  const operands = compileOperands(args, ctx);
  return (doc, vars) => {
    const out: Document = {};
    for (const operand of operands) {
      const value = operand(doc, vars);
      if (isNullish(value)) continue;
      if (!isPlainObject(value)) {
        throw new CommandError(40400, `$mergeObjects requires object inputs, but input ${describe(value)} is of type ${typeName(value)}`);
      }
      for (const key of Object.keys(value)) {
        const field = value[key];
        if (field !== undefined) out[key] = field;
      }
    }
    return out;
  };
};

/** $getField/$setField/$unsetField take `field` as a constant string (or an expression that is one). */
function constantFieldName(op: string, field: unknown, ctx: CompileContext): string {
  if (typeof field === 'string') {
    if (field.startsWith('$')) {
      throw new CommandError(5654602, `A string literal 'field' to ${op} must not start with a dollar sign. Use $literal instead.`);
    }
    return field;
  }
  if (isPlainObject(field) && Object.keys(field).length === 1 && Object.hasOwn(field, '$literal')) {
    const literal = field.$literal;
    if (typeof literal === 'string') return literal;
  }
  const evaluated = tryConstant(field, ctx);
  if (typeof evaluated === 'string') return evaluated;
  throw new CommandError(5654601, `${op} requires 'field' to evaluate to a constant, but got a non-constant argument`);
}

function tryConstant(expression: unknown, ctx: CompileContext): unknown {
  if (isPlainObject(expression) || Array.isArray(expression)) {
    try {
      return ctx.compile(expression)({}, {});
    } catch {
      return undefined;
    }
  }
  return undefined;
}

const $getField: OperatorCompiler = (args, ctx, name) => {
  let fieldSpec: unknown;
  let inputOf: Evaluator = (doc) => doc;
  if (isPlainObject(args) && !Object.keys(args)[0]?.startsWith('$')) {
    for (const key of Object.keys(args)) {
      if (key !== 'field' && key !== 'input') throw new CommandError(3041701, `${name} found an unknown argument: ${key}`);
    }
    if (!Object.hasOwn(args, 'field')) throw new CommandError(3041702, `${name} requires 'field' to be specified`);
    fieldSpec = args.field;
    if (Object.hasOwn(args, 'input')) inputOf = ctx.compile(args.input);
  } else {
    fieldSpec = args;
  }
  const field = constantFieldName(name, fieldSpec, ctx);
  return (doc, vars) => {
    const input = inputOf(doc, vars);
    // https://www.mongodb.com/docs/v7.0/reference/operator/aggregation/getField/#behavior
    if (isNullish(input)) return null;
    if (!isPlainObject(input)) {
      throw new CommandError(3041705, `${name} requires 'input' to evaluate to type Object, but got ${typeName(input)}`);
    }
    return Object.hasOwn(input, field) ? input[field] : undefined;
  };
};

function fieldUpdate(remove: boolean): OperatorCompiler {
  return (args, ctx, name) => {
    if (!isPlainObject(args)) throw new CommandError(4161100, `${name} only supports an object as its argument`);
    const allowed = remove ? ['field', 'input'] : ['field', 'input', 'value'];
    for (const key of Object.keys(args)) {
      if (!allowed.includes(key)) throw new CommandError(4161101, `${name} found an unknown argument: ${key}`);
    }
    for (const key of allowed) {
      if (!Object.hasOwn(args, key)) throw new CommandError(4161102, `${name} requires '${key}' to be specified`);
    }
    const field = constantFieldName(name, args.field, ctx);
    const inputOf = ctx.compile(args.input);
    const valueOf = remove ? () => undefined : ctx.compile(args.value);
    return (doc, vars) => {
      const input = inputOf(doc, vars);
      if (isNullish(input)) return null;
      if (!isPlainObject(input)) {
        throw new CommandError(4161105, `${name} requires 'input' to evaluate to type Object`);
      }
      const value = valueOf(doc, vars);
      const out: Document = { ...input };
      if (value === undefined) delete out[field];
      else out[field] = value;
      return out;
    };
  };
}

const $rand: OperatorCompiler = (args) => {
  if (!isPlainObject(args) || Object.keys(args).length > 0) {
    throw new CommandError(3040501, '$rand not supported with arguments');
  }
  return () => doubleResult(Math.random());
};

const $binarySize: OperatorCompiler = (args, ctx, name) => {
  const [operand] = fixedArity(name, args, 1, ctx) as [Evaluator];
  return (doc, vars) => {
    const value = operand(doc, vars);
    if (isNullish(value)) return null;
    if (typeof value === 'string') return Buffer.byteLength(value, 'utf8');
    if (bsonType(value) === 'binData') return (value as Binary).length();
    throw new CommandError(51276, `$binarySize requires a string or BinData argument, found: ${typeName(value)}`);
  };
};

const $bsonSize: OperatorCompiler = (args, ctx, name) => {
  const [operand] = fixedArity(name, args, 1, ctx) as [Evaluator];
  return (doc, vars) => {
    const value = operand(doc, vars);
    if (isNullish(value)) return null;
    if (!isPlainObject(value)) throw new CommandError(31393, `$bsonSize requires a document input, found: ${typeName(value)}`);
    return BSON.calculateObjectSize(value);
  };
};

function refused(reason: string): OperatorCompiler {
  return (_args, _ctx, name) => {
    throw new CommandError('NotImplemented', `${name} is not supported by the embedded store: ${reason}`);
  };
}

export const miscOperators: Record<string, OperatorCompiler> = {
  $literal,
  $let,
  $mergeObjects,
  $getField,
  $setField: fieldUpdate(false),
  $unsetField: fieldUpdate(true),
  $rand,
  $binarySize,
  $bsonSize,
  $function: refused('it runs no server-side JavaScript'),
  $accumulator: refused('it runs no server-side JavaScript'),
  $where: refused('it runs no server-side JavaScript'),
  $meta: refused('it keeps no text-search or search metadata'),
  $toHashedIndexKey: refused('it has no hashed indexes'),
};
