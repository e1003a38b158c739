// The expression compiler: turns an aggregation expression into an Evaluator once, so that
// evaluating it per document does no parsing. Operators register in ./index.ts; this file
// handles the forms every expression can take (field paths, variables, literals, expression
// objects and arrays) and the variable scopes.
import type { Document } from 'bson';
import { Timestamp } from 'bson';
import { CommandError } from '../../errors';
import { isPlainObject } from '../../bson/index';
import type { Collator } from '../../bson/index';

export type Variables = Record<string, unknown>;
export interface ExpressionOptions {
  collator?: Collator;
  /** Names defined by `let` (command or stage), so that `$$name` compiles. */
  variableNames?: readonly string[];
}
/** Evaluates a compiled expression; `undefined` means "missing". `doc` is $$CURRENT. */
export type Evaluator = (doc: Document, vars: Variables) => unknown;

/** What an operator's compiler receives besides its arguments. */
export interface CompileContext {
  readonly collator: Collator | undefined;
  compile(expression: unknown): Evaluator;
  /** A context in which `names` are also defined (for $let, $map, $filter, $reduce...). */
  withVariables(names: readonly string[]): CompileContext;
}

export type OperatorCompiler = (args: unknown, ctx: CompileContext, name: string) => Evaluator;

let registry: ReadonlyMap<string, OperatorCompiler> | undefined;

/** Set once by ./index.ts; kept apart so operator modules can import this file without a cycle. */
export function registerOperators(operators: ReadonlyMap<string, OperatorCompiler>): void {
  registry = operators;
}

export function compileExpression(expression: unknown, options: ExpressionOptions = {}): Evaluator {
  const ctx = new Context(options.collator, new Set(options.variableNames ?? []));
  return ctx.compile(expression);
}

class Context implements CompileContext {
  constructor(
    readonly collator: Collator | undefined,
    private readonly names: ReadonlySet<string>,
  ) {}

  compile(expression: unknown): Evaluator {
    if (typeof expression === 'string') {
      if (expression.startsWith('$$')) return this.compileVariable(expression.slice(2));
      if (expression.startsWith('$')) return compileFieldPath(expression.slice(1), expression);
      return constant(expression);
    }
    if (Array.isArray(expression)) return this.compileArray(expression);
    if (isPlainObject(expression)) return this.compileObject(expression);
    return constant(expression);
  }

  withVariables(names: readonly string[]): CompileContext {
    return new Context(this.collator, new Set([...this.names, ...names]));
  }

  private compileVariable(path: string): Evaluator {
    const dot = path.indexOf('.');
    const name = dot < 0 ? path : path.slice(0, dot);
    const rest = dot < 0 ? undefined : path.slice(dot + 1);
    validateVariableNameForRead(name);
    const base = this.variableReader(name);
    if (rest === undefined) return base;
    const parts = splitFieldPath(rest, `$$${path}`);
    return (doc, vars) => walkPath(base(doc, vars), parts, 0);
  }

  private variableReader(name: string): Evaluator {
    if (this.names.has(name) && name !== 'CURRENT' && name !== 'ROOT') {
      return (_doc, vars) => vars[name];
    }
    switch (name) {
      case 'CURRENT':
        return (doc) => doc;
      case 'ROOT':
        return (doc, vars) => (vars.ROOT === undefined ? doc : vars.ROOT);
      case 'REMOVE':
        return () => undefined;
      case 'NOW':
        return (_doc, vars) => {
          // The caller fixes NOW once per command; a bare call still gets a stable-looking date.
          if (vars.NOW === undefined) vars.NOW = new Date();
          return vars.NOW;
        };
      case 'CLUSTER_TIME':
        return (_doc, vars) => {
          if (vars.CLUSTER_TIME instanceof Timestamp) return vars.CLUSTER_TIME;
          // A standalone mongod has no cluster time (SERVER-100712 documents the error).
          throw new CommandError(51144, "Builtin variable '$$CLUSTER_TIME' is not available");
        };
      default:
        throw new CommandError(17276, `Use of undefined variable: ${name}`);
    }
  }

  private compileArray(items: readonly unknown[]): Evaluator {
    const evaluators = items.map((item) => this.compile(item));
    return (doc, vars) => {
      const out: unknown[] = [];
      for (const evaluate of evaluators) {
        const value = evaluate(doc, vars);
        // A missing element becomes null inside an array expression, as in mongod.
        out.push(value === undefined ? null : value);
      }
      return out;
    };
  }

  private compileObject(object: Document): Evaluator {
    const keys = Object.keys(object);
    if (keys.length === 0) return () => ({});
    const first = keys[0] as string;
    if (first.startsWith('$')) {
      if (keys.length !== 1) {
        throw new CommandError(
          15983,
          `An object representing an expression must have exactly one field: ${describe(object)}`,
        );
      }
      return this.compileOperator(first, object[first]);
    }
    const fields: Array<[string, Evaluator]> = [];
    for (const key of keys) {
      validateFieldName(key);
      fields.push([key, this.compile(object[key])]);
    }
    return (doc, vars) => {
      const out: Document = {};
      for (const [key, evaluate] of fields) {
        const value = evaluate(doc, vars);
        if (value !== undefined) out[key] = value;
      }
      return out;
    };
  }

  private compileOperator(name: string, args: unknown): Evaluator {
    const operator = registry?.get(name);
    if (operator === undefined) {
      throw new CommandError('InvalidPipelineOperator', `Unrecognized expression '${name}'`);
    }
    return operator(args, this, name);
  }
}

function constant(value: unknown): Evaluator {
  return () => value;
}

function validateFieldName(key: string): void {
  if (key.startsWith('$')) {
    throw new CommandError(16410, `FieldPath field names may not start with '$'. Consider using $getField or $setField.`);
  }
  if (key.includes('.')) throw new CommandError(16412, `FieldPath field names may not contain '.'. Consider using $getField or $setField.`);
  if (key === '') throw new CommandError(15998, 'FieldPath field names may not be empty strings.');
  if (key.includes('\0')) throw new CommandError(16411, "FieldPath field names may not contain '\\0'.");
}

/**
 * Checks a variable name read as `$$name` the way mongod 7.0 does before looking it up (all of
 * these are FailedToParse, as jstests/aggregation/expressions/let.js expects).
 */
function validateVariableNameForRead(name: string): void {
  checkVariableName(name, true);
}

/** Checks a name being defined ($let vars, `as` of $map/$filter...). */
export function validateVariableNameForWrite(name: string): void {
  if (name === 'CURRENT') return; // the one system variable a user may rebind
  // An uppercase first letter is kept for system variables: a user may read them, not define them.
  checkVariableName(name, false);
}

/** Not empty; a letter (or any non-ASCII character) first; then letters, digits, '_' or non-ASCII. */
function checkVariableName(name: string, mayStartUppercase: boolean): void {
  if (name === '') throw new CommandError('FailedToParse', 'empty variable names are not allowed');
  const first = name.charCodeAt(0);
  const isLower = first >= 97 && first <= 122;
  const isUpper = first >= 65 && first <= 90;
  if (!isLower && !(mayStartUppercase && isUpper) && first < 128) {
    throw new CommandError('FailedToParse', `'${name}' starts with an invalid character for a user variable name`);
  }
  for (let i = 1; i < name.length; i += 1) {
    const c = name.charCodeAt(i);
    const ok = (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c >= 128;
    if (!ok) {
      throw new CommandError('FailedToParse', `'${name}' contains an invalid character for a variable name: '${name[i]}'`);
    }
  }
}

function splitFieldPath(path: string, original: string): string[] {
  if (path === '') throw new CommandError(16872, `'${original}' is not a valid field path expression`);
  if (path.includes('\0')) throw new CommandError(16419, 'field path must not contain embedded null characters');
  const parts = path.split('.');
  for (const part of parts) {
    if (part === '') throw new CommandError(15998, 'FieldPath field names may not be empty strings.');
    if (part.startsWith('$')) throw new CommandError(16410, "FieldPath field names may not start with '$'. Consider using $getField or $setField.");
  }
  return parts;
}

function compileFieldPath(path: string, original: string): Evaluator {
  if (path === '') throw new CommandError(16872, "'$' by itself is not a valid FieldPath");
  const parts = splitFieldPath(path, original);
  if (parts.length === 1) {
    const field = parts[0] as string;
    return (doc) => readField(doc, field);
  }
  return (doc) => walkPath(doc, parts, 0);
}

function readField(value: unknown, field: string): unknown {
  if (!isPlainObject(value)) return undefined;
  return Object.hasOwn(value, field) ? value[field] : undefined;
}

/**
 * Resolves a field path the way aggregation does: through subdocuments, and over arrays by
 * collecting the path's value in each subdocument element (elements without it, scalars and
 * nested arrays are left out). Numeric parts are field names here, never array indexes.
 */
export function walkPath(value: unknown, parts: readonly string[], index: number): unknown {
  if (index >= parts.length) return value;
  if (Array.isArray(value)) return walkArray(value, parts, index);
  if (!isPlainObject(value)) return undefined;
  const field = parts[index] as string;
  if (!Object.hasOwn(value, field)) return undefined;
  return walkPath(value[field], parts, index + 1);
}

function walkArray(values: readonly unknown[], parts: readonly string[], index: number): unknown[] {
  const out: unknown[] = [];
  for (const element of values) {
    // Only subdocuments are searched: scalars and nested arrays are skipped (mongod's evaluatePathArray).
    if (!isPlainObject(element)) continue;
    const found = walkPath(element, parts, index);
    if (found !== undefined) out.push(found);
  }
  return out;
}

/**
 * A value rendered as mongod renders values in error messages (BSON's toString):
 * `{ a: 1, b: "x" }`, `[ 1, 2 ]`, strings quoted.
 */
export function describe(value: unknown): string {
  if (value === undefined) return 'missing';
  if (value === null) return 'null';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'bigint') return value.toString();
  if (Array.isArray(value)) return value.length === 0 ? '[]' : `[ ${value.map(describe).join(', ')} ]`;
  if (isPlainObject(value)) {
    const entries = Object.entries(value).filter(([, field]) => field !== undefined);
    return entries.length === 0 ? '{}' : `{ ${entries.map(([key, field]) => `${key}: ${describe(field)}`).join(', ')} }`;
  }
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? 'invalid date' : value.toISOString();
  return String(value);
}
