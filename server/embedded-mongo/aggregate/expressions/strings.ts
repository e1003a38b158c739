// String expression operators
// (https://www.mongodb.com/docs/v7.0/reference/operator/aggregation/#string-expression-operators).
// mongod works on UTF-8 bytes; "CP" operators count Unicode code points, "Bytes" ones UTF-8 bytes.
import { BSONRegExp, BSONSymbol, Code, Decimal128, Timestamp } from 'bson';
import type { Document } from 'bson';
import { CommandError } from '../../errors';
import { bsonType, isPlainObject } from '../../bson/index';
import { compileOperands, fixedArity, rangedArity } from './args';
import type { Evaluator, OperatorCompiler } from './compile';
import { describe } from './compile';
import { asBigInt, int32Value, isNullish, isNumberType, plainNumber, typeName } from './values';

/** mongod's coerceToString, used by $toLower, $toUpper, $strcasecmp, $substr*. */
export function coerceToString(value: unknown, op: string): string {
  if (isNullish(value)) return '';
  if (typeof value === 'string') return value;
  const type = bsonType(value);
  switch (type) {
    case 'int':
    case 'double':
      return formatDouble(plainNumber(value));
    case 'long':
      return asBigInt(value).toString();
    case 'decimal':
      return (value as Decimal128).toString();
    case 'date':
      return formatDateDefault(value as Date);
    case 'timestamp': {
      const ts = value as Timestamp;
      return `Timestamp(${ts.high >>> 0}, ${ts.low >>> 0})`;
    }
    case 'symbol':
      return (value as BSONSymbol).valueOf();
    case 'javascript':
      return (value as Code).code;
    default:
      throw new CommandError(16007, `can't convert from BSON type ${type} to String`, { op });
  }
}

/**
 * A double as mongod writes it ($toString, $concat of converted values): the shortest digits that
 * round-trip, in fixed notation when the decimal exponent is in [-4, 16), else as "1e+16" /
 * "1e-05" (fmt's "{}" format), and "Infinity", "-Infinity", "NaN", "-0" for the special values.
 */
export function formatDouble(n: number): string {
  if (Number.isNaN(n)) return 'NaN';
  if (n === Number.POSITIVE_INFINITY) return 'Infinity';
  if (n === Number.NEGATIVE_INFINITY) return '-Infinity';
  if (Object.is(n, -0)) return '-0';
  if (n === 0) return '0';
  const [mantissa, exponentText] = n.toExponential().split('e') as [string, string];
  const exponent = Number(exponentText);
  // In this range JS's own shortest form is already fixed notation.
  if (exponent >= -4 && exponent < 16) return String(n);
  const sign = exponent < 0 ? '-' : '+';
  return `${mantissa}e${sign}${String(Math.abs(exponent)).padStart(2, '0')}`;
}

/** "%Y-%m-%dT%H:%M:%S.%LZ" in UTC, the default rendering of a date as a string. */
export function formatDateDefault(date: Date): string {
  const ms = date.getTime();
  if (Number.isNaN(ms)) return 'invalid date';
  const year = date.getUTCFullYear();
  if (year >= 0 && year <= 9999) return date.toISOString();
  const pad = (n: number, w = 2): string => String(n).padStart(w, '0');
  return `${year}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())}T${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())}.${pad(date.getUTCMilliseconds(), 3)}Z`;
}

/** A value as mongod's Value::toString writes it in messages (strings quoted). */
function render(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Decimal128) return value.toString();
  if (isNumberType(bsonType(value))) return formatDouble(plainNumber(value));
  return describe(value);
}

const $concat: OperatorCompiler = (args, ctx) => {
  const operands = compileOperands(args, ctx);
  return (doc, vars) => {
    let out = '';
    for (const operand of operands) {
      const value = operand(doc, vars);
      if (isNullish(value)) return null;
      if (typeof value !== 'string') throw new CommandError(16702, `$concat only supports strings, not ${typeName(value)}`);
      out += value;
    }
    return out;
  };
};

function readStartOrEnd(value: unknown, name: string, which: 'starting' | 'ending'): number {
  const n = isNumberType(bsonType(value)) ? int32Value(value) : undefined;
  if (n === undefined) {
    // mongod's message has no space between the operator and "requires".
    throw new CommandError(40096, `${name}requires an integral ${which} index, found a value of type: ${typeName(value)}, with value: ${render(value)}`);
  }
  if (n < 0) throw new CommandError(40097, `${name} requires a nonnegative ${which} index, found: ${n}`);
  return n;
}

function indexOf(unit: 'bytes' | 'cp'): OperatorCompiler {
  return (args, ctx, name) => {
    const [stringOf, searchOf, startOf, endOf] = rangedArity(name, args, 2, 4, ctx) as [Evaluator, Evaluator, Evaluator?, Evaluator?];
    const [firstCode, secondCode] = unit === 'bytes' ? [40091, 40092] : [40093, 40094];
    return (doc, vars) => {
      const input = stringOf(doc, vars);
      if (isNullish(input)) return null;
      if (typeof input !== 'string') throw new CommandError(firstCode, `${name} requires a string as the first argument, found: ${typeName(input)}`);
      const search = searchOf(doc, vars);
      if (typeof search !== 'string') throw new CommandError(secondCode, `${name} requires a string as the second argument, found: ${typeName(search)}`);
      const units = unit === 'bytes' ? Buffer.from(input, 'utf8') : Array.from(input);
      const needle = unit === 'bytes' ? Buffer.from(search, 'utf8') : Array.from(search);
      const start = startOf ? readStartOrEnd(startOf(doc, vars), name, 'starting') : 0;
      const end = endOf ? Math.min(readStartOrEnd(endOf(doc, vars), name, 'ending'), units.length) : units.length;
      if (start > end) return -1;
      for (let i = start; i + needle.length <= end; i += 1) {
        let matched = true;
        for (let j = 0; j < needle.length; j += 1) {
          if (units[i + j] !== needle[j]) {
            matched = false;
            break;
          }
        }
        if (matched) return i;
      }
      return -1;
    };
  };
}

function stringLength(unit: 'bytes' | 'cp'): OperatorCompiler {
  return (args, ctx, name) => {
    const [operand] = fixedArity(name, args, 1, ctx) as [Evaluator];
    const code = unit === 'bytes' ? 34473 : 34471;
    return (doc, vars) => {
      const value = operand(doc, vars);
      if (typeof value !== 'string') throw new CommandError(code, `${name} requires a string argument, found: ${typeName(value)}`);
      return unit === 'bytes' ? Buffer.byteLength(value, 'utf8') : countCodePoints(value);
    };
  };
}

function countCodePoints(value: string): number {
  let count = 0;
  for (let i = 0; i < value.length; i += 1) {
    const c = value.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < value.length) i += 1;
    count += 1;
  }
  return count;
}

const $strcasecmp: OperatorCompiler = (args, ctx, name) => {
  const [left, right] = fixedArity(name, args, 2, ctx) as [Evaluator, Evaluator];
  return (doc, vars) => {
    const a = Buffer.from(asciiUpper(coerceToString(left(doc, vars), name)), 'utf8');
    const b = Buffer.from(asciiUpper(coerceToString(right(doc, vars), name)), 'utf8');
    return Math.sign(Buffer.compare(a, b));
  };
};

/** mongod changes the case of ASCII letters only. */
function asciiUpper(value: string): string {
  return value.replace(/[a-z]+/g, (letters) => letters.toUpperCase());
}
function asciiLower(value: string): string {
  return value.replace(/[A-Z]+/g, (letters) => letters.toLowerCase());
}

function caseChange(change: (value: string) => string): OperatorCompiler {
  return (args, ctx, name) => {
    const [operand] = fixedArity(name, args, 1, ctx) as [Evaluator];
    return (doc, vars) => change(coerceToString(operand(doc, vars), name));
  };
}

const $substrBytes: OperatorCompiler = (args, ctx, name) => {
  const [stringOf, startOf, lengthOf] = fixedArity(name, args, 3, ctx) as [Evaluator, Evaluator, Evaluator];
  return (doc, vars) => {
    const input = coerceToString(stringOf(doc, vars), name);
    const startValue = startOf(doc, vars);
    const lengthValue = lengthOf(doc, vars);
    if (!isNumberType(bsonType(startValue))) {
      throw new CommandError(16034, `${name}:  starting index must be a numeric type (is BSON type ${typeName(startValue)})`);
    }
    if (!isNumberType(bsonType(lengthValue))) {
      throw new CommandError(16035, `${name}:  length must be a numeric type (is BSON type ${typeName(lengthValue)})`);
    }
    const bytes = Buffer.from(input, 'utf8');
    // mongod truncates the operands to integers; a negative start gives "" and a negative length "to the end".
    const start = Math.trunc(plainNumber(startValue));
    const length = Math.trunc(plainNumber(lengthValue));
    if (start < 0) throw new CommandError(50752, `${name}:  starting index must be non-negative (got: ${start})`);
    if (start >= bytes.length) return '';
    if (isContinuationByte(bytes[start])) {
      throw new CommandError(28656, `${name}:  Invalid range, starting index is a UTF-8 continuation byte.`);
    }
    const end = length < 0 ? bytes.length : Math.min(start + length, bytes.length);
    if (end < bytes.length && isContinuationByte(bytes[end])) {
      throw new CommandError(28657, `${name}:  Invalid range, ending index is in the middle of a UTF-8 character.`);
    }
    return bytes.subarray(start, end).toString('utf8');
  };
};

function isContinuationByte(byte: number | undefined): boolean {
  return byte !== undefined && (byte & 0xc0) === 0x80;
}

const $substrCP: OperatorCompiler = (args, ctx, name) => {
  const [stringOf, startOf, lengthOf] = fixedArity(name, args, 3, ctx) as [Evaluator, Evaluator, Evaluator];
  return (doc, vars) => {
    const input = coerceToString(stringOf(doc, vars), name);
    const startValue = startOf(doc, vars);
    const lengthValue = lengthOf(doc, vars);
    if (!isNumberType(bsonType(startValue))) {
      throw new CommandError(34450, `${name}: starting index must be a numeric type (is BSON type ${typeName(startValue)})`);
    }
    const start = int32Value(startValue);
    if (start === undefined) throw new CommandError(34451, `${name}: starting index cannot be represented as a 32-bit integral value: ${render(startValue)}`);
    if (!isNumberType(bsonType(lengthValue))) {
      throw new CommandError(34452, `${name}: length must be a numeric type (is BSON type ${typeName(lengthValue)})`);
    }
    const length = int32Value(lengthValue);
    if (length === undefined) throw new CommandError(34453, `${name}: length cannot be represented as a 32-bit integral value: ${render(lengthValue)}`);
    if (start < 0) throw new CommandError(34455, `${name}: the starting index must be nonnegative integer.`);
    if (length < 0) throw new CommandError(34454, `${name}: length must be a nonnegative integer.`);
    return Array.from(input).slice(start, start + length).join('');
  };
};

/** The characters $trim removes by default (https://www.mongodb.com/docs/v7.0/reference/operator/aggregation/trim/). */
const DEFAULT_TRIM = new Set([
  '\0', ' ', '\t', '\n', '\v', '\f', '\r', '\u00a0', '\u1680',
  '\u2000', '\u2001', '\u2002', '\u2003', '\u2004', '\u2005', '\u2006', '\u2007', '\u2008', '\u2009', '\u200a',
  '\u2028', '\u2029', '\u202f', '\u205f', '\u3000',
]);

function trim(left: boolean, right: boolean): OperatorCompiler {
  return (args, ctx, name) => {
    if (!isPlainObject(args)) throw new CommandError(50696, `${name} only supports an object as an argument, found ${typeName(args)}`);
    for (const key of Object.keys(args)) {
      if (key !== 'input' && key !== 'chars') throw new CommandError(50694, `${name} found an unknown argument: ${key}`);
    }
    if (!Object.hasOwn(args, 'input')) throw new CommandError(50695, `${name} requires an 'input' field`);
    const inputOf = ctx.compile(args.input);
    const charsOf = Object.hasOwn(args, 'chars') ? ctx.compile(args.chars) : undefined;
    return (doc, vars) => {
      const input = inputOf(doc, vars);
      if (isNullish(input)) return null;
      if (typeof input !== 'string') {
        throw new CommandError(50699, `${name} requires its input to be a string, got ${render(input)} (of type ${typeName(input)}) instead.`);
      }
      let chars = DEFAULT_TRIM;
      if (charsOf) {
        const value = charsOf(doc, vars);
        if (isNullish(value)) return null;
        if (typeof value !== 'string') {
          throw new CommandError(50700, `${name} requires 'chars' to be a string, got ${render(value)} (of type ${typeName(value)}) instead.`);
        }
        chars = new Set(Array.from(value));
      }
      const points = Array.from(input);
      let start = 0;
      let end = points.length;
      if (left) while (start < end && chars.has(points[start] as string)) start += 1;
      if (right) while (end > start && chars.has(points[end - 1] as string)) end -= 1;
      return points.slice(start, end).join('');
    };
  };
}

const $split: OperatorCompiler = (args, ctx, name) => {
  const [stringOf, delimiterOf] = fixedArity(name, args, 2, ctx) as [Evaluator, Evaluator];
  return (doc, vars) => {
    const input = stringOf(doc, vars);
    const delimiter = delimiterOf(doc, vars);
    if (isNullish(input) || isNullish(delimiter)) return null;
    if (typeof input !== 'string') {
      throw new CommandError(40085, `$split requires an expression that evaluates to a string as a first argument, found: ${typeName(input)}`);
    }
    if (typeof delimiter !== 'string') {
      throw new CommandError(40086, `$split requires an expression that evaluates to a string as a second argument, found: ${typeName(delimiter)}`);
    }
    if (delimiter === '') throw new CommandError(40087, '$split requires a non-empty separator');
    return input.split(delimiter);
  };
};

function replace(all: boolean): OperatorCompiler {
  return (args, ctx, name) => {
    if (!isPlainObject(args)) throw new CommandError(51751, `${name} requires an object as an argument, found: ${typeName(args)}`);
    for (const key of Object.keys(args)) {
      if (!['input', 'find', 'replacement'].includes(key)) throw new CommandError(51750, `${name} found an unknown argument: ${key}`);
    }
    const missingCodes: Record<string, number> = { input: 51749, find: 51748, replacement: 51747 };
    for (const key of ['input', 'find', 'replacement']) {
      if (!Object.hasOwn(args, key)) throw new CommandError(missingCodes[key] as number, `${name} requires '${key}' to be specified`);
    }
    const parts = [args.input, args.find, args.replacement].map((part) => ctx.compile(part)) as [Evaluator, Evaluator, Evaluator];
    const labels = ['input', 'find', 'replacement'];
    return (doc, vars) => {
      const values = parts.map((part) => part(doc, vars));
      let sawNull = false;
      values.forEach((value, i) => {
        if (isNullish(value)) sawNull = true;
        else if (typeof value !== 'string') {
          throw new CommandError(51746, `${name} requires that '${labels[i]}' be a string, found: ${render(value)}`);
        }
      });
      if (sawNull) return null;
      const [input, find, replacement] = values as [string, string, string];
      return all ? input.split(find).join(replacement) : replaceFirst(input, find, replacement);
    };
  };
}

function replaceFirst(input: string, find: string, replacement: string): string {
  const at = input.indexOf(find);
  return at < 0 ? input : input.slice(0, at) + replacement + input.slice(at + find.length);
}

type RegexMode = 'find' | 'findAll' | 'match';

function regexOperator(mode: RegexMode): OperatorCompiler {
  return (args, ctx, name) => {
    if (!isPlainObject(args)) throw new CommandError(51103, `${name} expects an object of named arguments but found: ${typeName(args)}`);
    for (const key of Object.keys(args)) {
      if (!['input', 'regex', 'options'].includes(key)) throw new CommandError(31024, `${name} found an unknown argument: ${key}`);
    }
    if (!Object.hasOwn(args, 'input')) throw new CommandError(31022, `${name} requires 'input' parameter`);
    if (!Object.hasOwn(args, 'regex')) throw new CommandError(31023, `${name} requires 'regex' parameter`);
    const inputOf = ctx.compile(args.input);
    const regexOf = ctx.compile(args.regex);
    const optionsOf = Object.hasOwn(args, 'options') ? ctx.compile(args.options) : undefined;
    const nullResult = mode === 'find' ? null : mode === 'findAll' ? [] : false;
    const cache = new Map<string, RegExp>();
    return (doc, vars) => {
      // mongod validates and compiles the regex and options before it looks at the input.
      const input = inputOf(doc, vars);
      const pattern = compileRegex(name, regexOf(doc, vars), optionsOf?.(doc, vars), cache);
      if (!isNullish(input) && typeof input !== 'string') throw new CommandError(51104, `${name} needs 'input' to be of type string`);
      if (pattern === null || isNullish(input)) return cloneNull(nullResult);
      if (mode === 'match') {
        pattern.lastIndex = 0;
        return pattern.test(input);
      }
      if (mode === 'find') {
        pattern.lastIndex = 0;
        const match = pattern.exec(input);
        return match ? describeMatch(input, match) : null;
      }
      return findAll(input, pattern);
    };
  };
}

function cloneNull(value: null | false | never[]): unknown {
  return Array.isArray(value) ? [] : value;
}

function describeMatch(input: string, match: RegExpExecArray): Document {
  return {
    match: match[0],
    idx: countCodePoints(input.slice(0, match.index)),
    captures: match.slice(1).map((capture) => (capture === undefined ? null : capture)),
  };
}

function findAll(input: string, pattern: RegExp): Document[] {
  const global = new RegExp(pattern.source, pattern.flags.includes('g') ? pattern.flags : `${pattern.flags}g`);
  const out: Document[] = [];
  let position = 0;
  // mongod searches again only while the next start is inside the input, so an empty match at
  // the very end is reported only for an empty input; after an empty match it steps one code point.
  do {
    global.lastIndex = position;
    const match = global.exec(input);
    if (!match) break;
    out.push(describeMatch(input, match));
    if (match[0] === '') {
      const code = input.codePointAt(match.index);
      position = match.index + (code !== undefined && code > 0xffff ? 2 : 1);
    } else {
      position = match.index + match[0].length;
    }
  } while (position < input.length);
  return out;
}

const REGEX_FLAGS = new Set(['i', 'm', 's', 'x', 'u']);

function compileRegex(name: string, regex: unknown, options: unknown, cache: Map<string, RegExp>): RegExp | null {
  if (!isNullish(options) && typeof options !== 'string') throw new CommandError(51106, `${name} needs 'options' to be of type string`);
  if (typeof options === 'string' && options.includes('\0')) {
    throw new CommandError(51110, `${name}: regular expression options cannot contain an embedded null byte`);
  }
  if (isNullish(regex)) return null;
  let source: string;
  let flags = '';
  if (typeof regex === 'string') {
    source = regex;
  } else if (regex instanceof BSONRegExp) {
    source = regex.pattern;
    flags = regex.options;
  } else if (regex instanceof RegExp) {
    source = regex.source;
    flags = regex.flags.replace(/[gyd]/g, '');
  } else {
    throw new CommandError(51105, `${name} needs 'regex' to be of type string or regex`);
  }
  if (typeof options === 'string') {
    // A regex with its own flags may not be given options at all, not even "".
    if (flags !== '') throw new CommandError(51107, `${name}: found regex option(s) specified in both 'regex' and 'option' fields`);
    flags = options;
  }
  if (source.includes('\0')) throw new CommandError(51109, `${name}: regular expression cannot contain an embedded null byte`);
  const key = `${flags}/${source}`;
  const cached = cache.get(key);
  if (cached) return cached;
  let jsFlags = '';
  let extended = false;
  for (const flag of flags) {
    if (!REGEX_FLAGS.has(flag)) throw new CommandError(51108, `${name} invalid flag in regex options: ${flag}`);
    if (flag === 'x') extended = true;
    else if (!jsFlags.includes(flag)) jsFlags += flag;
  }
  let compiled: RegExp;
  try {
    compiled = new RegExp(extended ? stripExtendedWhitespace(source) : source, jsFlags);
  } catch (error) {
    throw new CommandError(51111, `Invalid Regex in ${name}: ${(error as Error).message}`);
  }
  cache.set(key, compiled);
  return compiled;
}

/** PCRE's "x" flag: unescaped whitespace and #-comments outside character classes are ignored. */
function stripExtendedWhitespace(source: string): string {
  let out = '';
  let inClass = false;
  for (let i = 0; i < source.length; i += 1) {
    const c = source[i] as string;
    if (c === '\\') {
      out += c + (source[i + 1] ?? '');
      i += 1;
    } else if (inClass) {
      if (c === ']') inClass = false;
      out += c;
    } else if (c === '[') {
      inClass = true;
      out += c;
    } else if (c === '#') {
      while (i < source.length && source[i] !== '\n') i += 1;
    } else if (!/\s/.test(c)) {
      out += c;
    }
  }
  return out;
}

export const stringOperators: Record<string, OperatorCompiler> = {
  $concat,
  $indexOfBytes: indexOf('bytes'),
  $indexOfCP: indexOf('cp'),
  $ltrim: trim(true, false),
  $rtrim: trim(false, true),
  $trim: trim(true, true),
  $regexFind: regexOperator('find'),
  $regexFindAll: regexOperator('findAll'),
  $regexMatch: regexOperator('match'),
  $replaceOne: replace(false),
  $replaceAll: replace(true),
  $split,
  $strLenBytes: stringLength('bytes'),
  $strLenCP: stringLength('cp'),
  $strcasecmp,
  $substr: $substrBytes,
  $substrBytes,
  $substrCP,
  $toLower: caseChange(asciiLower),
  $toUpper: caseChange(asciiUpper),
};

