// Type expression operators: $convert and its shorthands, $type, $isNumber
// (https://www.mongodb.com/docs/v7.0/reference/operator/aggregation/convert/).
import { Decimal128, ObjectId, Timestamp } from 'bson';
import { CommandError } from '../../errors';
import { BSON_TYPE_CODES, bsonType, fitsInt32, fitsInt64, isPlainObject } from '../../bson/index';
import type { BsonTypeName } from '../../bson/index';
import { fixedArity } from './args';
import type { Evaluator, OperatorCompiler } from './compile';
import { parseDateString } from './date-parse';
import { coerceToString } from './strings';
import { Dec, asBigInt, doubleResult, fromDec, isNullish, isNumberType, plainNumber, toDec, typeName } from './values';


type Target = 'double' | 'string' | 'objectId' | 'bool' | 'date' | 'int' | 'long' | 'decimal';
const TARGETS: ReadonlySet<string> = new Set<Target>(['double', 'string', 'objectId', 'bool', 'date', 'int', 'long', 'decimal']);

const CODE_TO_TYPE = new Map<number, BsonTypeName>(
  Object.entries(BSON_TYPE_CODES).map(([name, code]) => [code, name as BsonTypeName]),
);

/** Reads the `to` argument: a type name or a numeric type code. */
function readTarget(to: unknown): Target {
  let name: string;
  if (typeof to === 'string') {
    name = to;
    if (!CODE_TO_TYPE_NAMES.has(name)) throw new CommandError('BadValue', `Unknown type name: ${to}`);
  } else if (isNumberType(bsonType(to))) {
    const n = plainNumber(to);
    if (!Number.isInteger(n)) throw new CommandError('FailedToParse', "In $convert, numeric 'to' argument is not an integer");
    const found = CODE_TO_TYPE.get(n);
    if (found === undefined) {
      throw new CommandError('FailedToParse', `In $convert, numeric value for 'to' does not correspond to a BSON type: ${n}`);
    }
    name = found;
  } else {
    throw new CommandError('FailedToParse', `$convert's 'to' argument must be a string or number, but is ${typeName(to)}`);
  }
  if (!TARGETS.has(name)) throw new UnsupportedTarget(name);
  return name as Target;
}

/** Type names `to` accepts; "missing" is an alias mongod knows but cannot convert to. */
const CODE_TO_TYPE_NAMES = new Set<string>([...Object.keys(BSON_TYPE_CODES), 'missing']);

/** A valid type the conversion table has no column for (e.g. "array"): every input is unsupported. */
class UnsupportedTarget extends Error {
  constructor(readonly target: string) {
    super(target);
  }
}

/** A conversion that mongod refuses; turned into onError's value or a ConversionFailure. */
class ConversionError extends Error {}

function unsupported(from: string, to: string): ConversionError {
  return new ConversionError(`Unsupported conversion from ${from} to ${to} in $convert with no onError value`);
}

function failedToParse(kind: string, input: string, reason: string): ConversionError {
  return new ConversionError(`Failed to parse ${kind} '${input}' in $convert with no onError value: ${reason}`);
}

const OVERFLOW = 'Conversion would overflow target type in $convert with no onError value';

/** Converts a non-null value; throws ConversionError when mongod would. */
export function convertValue(value: unknown, target: Target): unknown {
  const from = bsonType(value);
  switch (target) {
    case 'double':
      return toDouble(value, from);
    case 'string':
      return toStringValue(value, from);
    case 'objectId':
      return toObjectId(value, from);
    case 'bool':
      return toBool(value, from);
    case 'date':
      return toDate(value, from);
    case 'int':
      return toInt(value, from);
    case 'long':
      return toLong(value, from);
    case 'decimal':
      return toDecimal(value, from);
  }
}

function toDouble(value: unknown, from: BsonTypeName): unknown {
  switch (from) {
    case 'double':
      return value;
    case 'int':
    case 'long':
      return doubleResult(plainNumber(value));
    case 'bool':
      return doubleResult(value ? 1 : 0);
    case 'decimal': {
      const d = toDec(value);
      const n = d.toNumber();
      if (d.isFinite() && !Number.isFinite(n)) throw new ConversionError(OVERFLOW);
      return doubleResult(n);
    }
    case 'date':
      return doubleResult((value as Date).getTime());
    case 'string':
      return doubleResult(parseDoubleString(value as string));
    default:
      throw unsupported(from, 'double');
  }
}

/** mongod refuses hexadecimal strings before parsing any number. */
function refuseHex(text: string): void {
  if (text.startsWith('0x') || text.startsWith('0X')) {
    throw new ConversionError(`Illegal hexadecimal input in $convert with no onError value: ${text}`);
  }
}

function parseDoubleString(text: string): number {
  refuseHex(text);
  const lowered = text.toLowerCase();
  if (['nan', '-nan', '+nan'].includes(lowered)) return Number.NaN;
  if (['inf', 'infinity', '+inf', '+infinity'].includes(lowered)) return Number.POSITIVE_INFINITY;
  if (['-inf', '-infinity'].includes(lowered)) return Number.NEGATIVE_INFINITY;
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text)) {
    throw failedToParse('number', text, 'Did not consume whole string.');
  }
  const n = Number(text);
  if (!Number.isFinite(n)) throw failedToParse('number', text, 'Out of range');
  return n;
}

function toStringValue(value: unknown, from: BsonTypeName): unknown {
  switch (from) {
    case 'string':
      return value;
    case 'bool':
      return value ? 'true' : 'false';
    case 'objectId':
      return (value as ObjectId).toHexString();
    case 'int':
    case 'double':
    case 'long':
    case 'decimal':
    case 'date':
      // Numbers and dates read as strings the way every string operator reads them.
      return coerceToString(value, '$convert');
    default:
      throw unsupported(from, 'string');
  }
}

function toObjectId(value: unknown, from: BsonTypeName): unknown {
  if (from === 'objectId') return value;
  if (from !== 'string') throw unsupported(from, 'objectId');
  const text = value as string;
  if (text.length !== 24) {
    throw failedToParse('objectId', text, `Invalid string length for parsing to OID, expected 24 but found ${text.length}`);
  }
  const bad = /[^0-9a-fA-F]/.exec(text);
  if (bad) throw failedToParse('objectId', text, `Invalid character found in hex string: '${bad[0]}'`);
  return ObjectId.createFromHexString(text.toLowerCase());
}

function toBool(value: unknown, from: BsonTypeName): unknown {
  switch (from) {
    case 'bool':
      return value;
    case 'int':
    case 'double':
      return plainNumber(value) !== 0;
    case 'long':
      return asBigInt(value) !== 0n;
    case 'decimal':
      return !toDec(value).isZero();
    default:
      // Every other type (strings, even empty, objects, arrays, dates, MinKey...) is true.
      return true;
  }
}

function toDate(value: unknown, from: BsonTypeName): unknown {
  switch (from) {
    case 'date':
      return value;
    case 'double':
    case 'decimal': {
      const d = toDec(value);
      if (d.isNaN()) throw new ConversionError('Attempt to convert NaN value to Date in $convert with no onError value');
      if (!d.isFinite()) throw new ConversionError('Attempt to convert infinity value to Date in $convert with no onError value');
      const ms = d.toDecimalPlaces(0, Dec.ROUND_DOWN).toNumber();
      if (Math.abs(ms) > 8.64e15) throw new ConversionError(OVERFLOW);
      return new Date(ms);
    }
    case 'long': {
      const ms = Number(asBigInt(value));
      if (Math.abs(ms) > 8.64e15) throw new ConversionError(OVERFLOW);
      return new Date(ms);
    }
    case 'string': {
      const parsed = parseDateString(value as string, undefined, undefined);
      if (parsed instanceof Error) throw new ConversionError(parsed.message);
      return parsed;
    }
    case 'objectId':
      return (value as ObjectId).getTimestamp();
    case 'timestamp':
      return new Date((value as Timestamp).high * 1000);
    default:
      throw unsupported(from, 'date');
  }
}

/** Integral conversions truncate doubles and decimals toward zero, refusing NaN, infinities and overflow. */
function truncatedInteger(value: unknown): bigint {
  const d = toDec(value);
  if (d.isNaN()) throw new ConversionError('Attempt to convert NaN value to integer type in $convert with no onError value');
  if (!d.isFinite()) throw new ConversionError('Attempt to convert infinity value to integer type in $convert with no onError value');
  return BigInt(d.toDecimalPlaces(0, Dec.ROUND_DOWN).toFixed(0));
}

function parseIntegerString(text: string, target: 'int' | 'long'): bigint {
  refuseHex(text);
  if (!/^[+-]?\d+$/.test(text)) {
    const bad = /[^0-9+-]/.exec(text);
    const reason = bad ? `Bad digit "${bad[0]}" while parsing ${text}` : 'Did not consume whole string.';
    throw failedToParse('number', text, reason);
  }
  const n = BigInt(text);
  const fits = target === 'int' ? fitsInt32(n) : fitsInt64(n);
  if (!fits) throw failedToParse('number', text, 'Overflow');
  return n;
}

function toInt(value: unknown, from: BsonTypeName): unknown {
  let n: bigint;
  switch (from) {
    case 'int':
      return value;
    case 'bool':
      return value ? 1 : 0;
    case 'long':
      n = asBigInt(value);
      break;
    case 'double':
    case 'decimal':
      n = truncatedInteger(value);
      break;
    case 'string':
      return Number(parseIntegerString(value as string, 'int'));
    default:
      throw unsupported(from, 'int');
  }
  if (!fitsInt32(n)) throw new ConversionError(OVERFLOW);
  return Number(n);
}

function toLong(value: unknown, from: BsonTypeName): unknown {
  switch (from) {
    case 'long':
      return asBigInt(value);
    case 'int':
      return BigInt(plainNumber(value));
    case 'bool':
      return value ? 1n : 0n;
    case 'double':
    case 'decimal': {
      const n = truncatedInteger(value);
      if (!fitsInt64(n)) throw new ConversionError(OVERFLOW);
      return n;
    }
    case 'date':
      return BigInt((value as Date).getTime());
    case 'string':
      return parseIntegerString(value as string, 'long');
    default:
      throw unsupported(from, 'long');
  }
}

function toDecimal(value: unknown, from: BsonTypeName): unknown {
  switch (from) {
    case 'decimal':
      return value;
    case 'int':
    case 'long':
      return Decimal128.fromString(asBigInt(from === 'int' ? plainNumber(value) : value).toString());
    case 'double': {
      // mongod converts a double to decimal with 15 significant digits.
      const n = plainNumber(value);
      if (Number.isNaN(n)) return Decimal128.fromString('NaN');
      if (!Number.isFinite(n)) return Decimal128.fromString(n > 0 ? 'Infinity' : '-Infinity');
      return fromDec(new Dec(n.toPrecision(15)));
    }
    case 'bool':
      return Decimal128.fromString(value ? '1' : '0');
    case 'date':
      return Decimal128.fromString(String((value as Date).getTime()));
    case 'string': {
      const text = value as string;
      refuseHex(text);
      if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text) && !/^[+-]?(inf|infinity|nan)$/i.test(text)) {
        throw failedToParse('number', text, 'Failed to parse string to decimal');
      }
      try {
        return Decimal128.fromStringWithRounding(text);
      } catch {
        throw failedToParse('number', text, 'Failed to parse string to decimal');
      }
    }
    default:
      throw unsupported(from, 'decimal');
  }
}

/** Runs one conversion with onNull/onError semantics. */
function runConversion(
  input: unknown,
  to: unknown,
  onError: (() => unknown) | undefined,
  onNull: (() => unknown) | undefined,
): unknown {
  // mongod parses `to` first (an unknown type name fails even for a null input), then a nullish
  // input answers onNull (even when `to` is nullish too), then a nullish `to` gives null.
  let target: Target | undefined;
  let unsupported: UnsupportedTarget | undefined;
  if (!isNullish(to)) {
    try {
      target = readTarget(to);
    } catch (error) {
      if (!(error instanceof UnsupportedTarget)) throw error;
      unsupported = error;
    }
  }
  if (isNullish(input)) return onNull ? onNull() : null;
  if (isNullish(to)) return null;
  if (unsupported || target === undefined) {
    if (onError) return onError();
    throw new CommandError(
      'ConversionFailure',
      `Unsupported conversion from ${typeName(input)} to ${unsupported?.target ?? 'missing'} in $convert with no onError value`,
    );
  }
  try {
    return convertValue(input, target);
  } catch (error) {
    if (!(error instanceof ConversionError)) throw error;
    if (onError) return onError();
    throw new CommandError('ConversionFailure', error.message);
  }
}

const $convert: OperatorCompiler = (args, ctx) => {
  if (!isPlainObject(args)) throw new CommandError('FailedToParse', `$convert expects an object of named arguments but found: ${typeName(args)}`);
  for (const key of Object.keys(args)) {
    if (!['input', 'to', 'onError', 'onNull'].includes(key)) throw new CommandError('FailedToParse', `$convert found an unknown argument: ${key}`);
  }
  if (!Object.hasOwn(args, 'input')) throw new CommandError('FailedToParse', "Missing 'input' parameter to $convert");
  if (!Object.hasOwn(args, 'to')) throw new CommandError('FailedToParse', "Missing 'to' parameter to $convert");
  const inputOf = ctx.compile(args.input);
  const toOf = ctx.compile(args.to);
  const onErrorOf = Object.hasOwn(args, 'onError') ? ctx.compile(args.onError) : undefined;
  const onNullOf = Object.hasOwn(args, 'onNull') ? ctx.compile(args.onNull) : undefined;
  return (doc, vars) =>
    runConversion(
      inputOf(doc, vars),
      toOf(doc, vars),
      onErrorOf && (() => onErrorOf(doc, vars)),
      onNullOf && (() => onNullOf(doc, vars)),
    );
};

function shorthand(target: Target): OperatorCompiler {
  return (args, ctx, name) => {
    const [operand] = fixedArity(name, args, 1, ctx) as [Evaluator];
    return (doc, vars) => runConversion(operand(doc, vars), target, undefined, undefined);
  };
}

const $type: OperatorCompiler = (args, ctx, name) => {
  const [operand] = fixedArity(name, args, 1, ctx) as [Evaluator];
  return (doc, vars) => bsonType(operand(doc, vars));
};

const $isNumber: OperatorCompiler = (args, ctx, name) => {
  const [operand] = fixedArity(name, args, 1, ctx) as [Evaluator];
  return (doc, vars) => isNumberType(bsonType(operand(doc, vars)));
};

export const typeOperators: Record<string, OperatorCompiler> = {
  $convert,
  $isNumber,
  $toBool: shorthand('bool'),
  $toDate: shorthand('date'),
  $toDecimal: shorthand('decimal'),
  $toDouble: shorthand('double'),
  $toInt: shorthand('int'),
  $toLong: shorthand('long'),
  $toObjectId: shorthand('objectId'),
  $toString: shorthand('string'),
  $type,
};
