// Literal, variable, object, field, size and miscellaneous operators, and the operators the
// store refuses (server-side JavaScript, text/search metadata).
import { BSON } from 'bson';
import type { Binary, Document } from 'bson';
import { CommandError } from '../../errors';
import { bsonType, isPlainObject } from '../../bson/index';
import { compileOperands, fixedArity } from './args';
import type { Evaluator, OperatorCompiler, Variables } from './compile';
import { describe, validateVariableNameForWrite } from './compile';
import { doubleResult, isNullish, typeName } from './values';

const $literal: OperatorCompiler = (args) => () => args;

/**
 * Runs `body` with `names` bound in `vars`, then puts the previous values back. Evaluation is
 * synchronous, so binding in place is safe, and it is much faster than a scope object per call:
 * V8 gives each prototype chain (or spread copy with an added key) its own hidden class, which
 * made loops over many documents megamorphic and several times slower.
 */
export function withVariables<T>(vars: Variables, names: readonly string[], values: readonly unknown[], body: () => T): T {
  const saved = names.map((name) => vars[name]);
  for (let i = 0; i < names.length; i += 1) vars[names[i] as string] = values[i];
  try {
    return body();
  } finally {
    for (let i = 0; i < names.length; i += 1) vars[names[i] as string] = saved[i];
  }
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
    if (currentIndex < 0) return withVariables(vars, names, bound, () => body(doc, vars));
    // Rebinding CURRENT changes what "$field" paths read; $$ROOT must still name the document.
    const root = vars.ROOT === undefined ? doc : vars.ROOT;
    return withVariables(vars, [...names, 'ROOT'], [...bound, root], () => body(bound[currentIndex] as Document, vars));
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

/** A literal in the expression itself: a plain (non-$) scalar, or a $literal / $const wrapper. */
function literalValue(expression: unknown): { value: unknown } | undefined {
  if (typeof expression === 'string') return expression.startsWith('$') ? undefined : { value: expression };
  if (isPlainObject(expression)) {
    const keys = Object.keys(expression);
    if (keys.length === 1 && (keys[0] === '$literal' || keys[0] === '$const')) return { value: expression[keys[0]] };
    return undefined;
  }
  if (Array.isArray(expression)) return undefined;
  return { value: expression };
}

/**
 * $setField and $unsetField need `field` to be a constant string in the expression itself
 * (mongod does not fold {$concat: [...]} for this check).
 */
function constantFieldName(op: string, field: unknown): string {
  if (typeof field === 'string' && field.startsWith('$')) {
    const path = field.startsWith('$$') ? field : `$CURRENT.${field.slice(1)}`;
    throw new CommandError(
      4161108,
      `'${path}' is a field path reference which is not allowed in this context. Did you mean {$literal: '${path}'}?`,
    );
  }
  const literal = literalValue(field);
  if (!literal) throw new CommandError(4161107, `${op} requires 'field' to evaluate to a constant, but got a non-constant argument`);
  if (typeof literal.value !== 'string') {
    throw new CommandError(4161106, `${op} requires 'field' to evaluate to type String, but got ${typeName(literal.value)}`);
  }
  return literal.value;
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
    // The shorthand { $getField: "name" } reads from $$CURRENT.
    fieldSpec = args;
  }
  const literal = literalValue(fieldSpec);
  if (literal && typeof literal.value !== 'string') {
    throw new CommandError(5654602, `${name} requires 'field' to evaluate to type String, but got ${typeName(literal.value)}`);
  }
  const fieldOf: Evaluator = literal ? () => literal.value : ctx.compile(fieldSpec);
  return (doc, vars) => {
    const field = fieldOf(doc, vars);
    if (typeof field !== 'string') {
      throw new CommandError(3041704, `${name} requires 'field' to evaluate to type String, but got ${typeName(field)}`);
    }
    const input = inputOf(doc, vars);
    // Missing input gives missing, null gives null, and any other non-document gives missing.
    if (input === null) return null;
    if (!isPlainObject(input)) return undefined;
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
    // mongod asks for field, then value, then input.
    if (!Object.hasOwn(args, 'field')) throw new CommandError(4161102, `${name} requires 'field' to be specified`);
    if (!remove && !Object.hasOwn(args, 'value')) throw new CommandError(4161103, `${name} requires 'value' to be specified`);
    if (!Object.hasOwn(args, 'input')) throw new CommandError(4161109, `${name} requires 'input' to be specified`);
    const field = constantFieldName(name, args.field);
    const inputOf = ctx.compile(args.input);
    const valueOf = remove ? () => undefined : ctx.compile(args.value);
    return (doc, vars) => {
      const input = inputOf(doc, vars);
      if (isNullish(input)) return null;
      if (!isPlainObject(input)) {
        // $unsetField runs as a $setField of $$REMOVE, so mongod names $setField here.
        throw new CommandError(4161105, "$setField requires 'input' to evaluate to type Object");
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
  // $const is the name mongod itself serializes literals with.
  $const: $literal,
  $let,
  $mergeObjects,
  $getField,
  $setField: fieldUpdate(false),
  $unsetField: fieldUpdate(true),
  $rand,
  $binarySize,
  $bsonSize,
  // $accumulator (a $group accumulator) and $where (a query operator) are not expressions:
  // mongod answers "Unrecognized expression" (168) for them here, and so does this registry.
  $function: refused('it runs no server-side JavaScript'),
  $meta: refused('it keeps no text-search or search metadata'),
  $toHashedIndexKey: refused('it has no hashed indexes'),
};
