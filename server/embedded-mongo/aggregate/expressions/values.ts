// Value helpers the expression operators share: truthiness, nullishness, numeric views and
// Decimal128 arithmetic through decimal.js. The value model itself (types, comparison,
// promotion) lives in bson/; these only adapt it to how expressions read their operands.
import { Decimal128, Double, Int32, Long } from 'bson';
import Decimal from 'decimal.js';
import { bsonType, fitsInt32, fitsInt64, isInt32Number, makeDouble } from '../../bson/index';
import type { BsonTypeName } from '../../bson/index';

/** decimal.js configured like IEEE 754-2008 decimal128: 34 digits, round half to even. */
export const Dec = Decimal.clone({ precision: 34, rounding: Decimal.ROUND_HALF_EVEN, toExpNeg: -7, toExpPos: 34 });
export type Dec = InstanceType<typeof Dec>;

/** null, missing and BSON undefined all count as "nullish" for expressions. */
export function isNullish(value: unknown): value is null | undefined {
  return value === null || value === undefined;
}

/** Truthiness as mongod's coerceToBool: false, null, missing and numeric zero are false. */
export function isTruthy(value: unknown): boolean {
  if (value === undefined || value === null || value === false) return false;
  if (value === true) return true;
  switch (typeof value) {
    case 'number':
      return value !== 0;
    case 'bigint':
      return value !== 0n;
    case 'string':
      return true;
    default:
      break;
  }
  if (value instanceof Double || value instanceof Int32) return value.valueOf() !== 0;
  if (value instanceof Long) return !value.isZero();
  if (value instanceof Decimal128) {
    const d = toDec(value);
    return d.isNaN() || !d.isZero();
  }
  return true;
}

/** The type name mongod prints in messages ("string", "double", "missing"...). */
export function typeName(value: unknown): BsonTypeName {
  return bsonType(value);
}

export function isNumberType(type: BsonTypeName): boolean {
  return type === 'int' || type === 'long' || type === 'double' || type === 'decimal';
}

/** A JS number from an int, double or Double (not long/decimal). */
export function plainNumber(value: unknown): number {
  if (typeof value === 'number') return value;
  if (value instanceof Double || value instanceof Int32) return value.valueOf();
  if (typeof value === 'bigint') return Number(value);
  if (value instanceof Long) return value.toNumber();
  if (value instanceof Decimal128) return Number(value.toString());
  return Number.NaN;
}

/** int64 value of a long (bigint or legacy Long). */
export function asBigInt(value: unknown): bigint {
  if (typeof value === 'bigint') return value;
  if (value instanceof Long) return BigInt(value.toString());
  if (typeof value === 'number') return BigInt(value);
  if (value instanceof Int32) return BigInt(value.value);
  throw new TypeError('not an integer value');
}

/** Any numeric value as decimal.js (exact for int, long and decimal; doubles by their shortest repr). */
export function toDec(value: unknown): Dec {
  if (value instanceof Decimal128) return decimalFromString(value.toString());
  if (typeof value === 'bigint') return new Dec(value.toString());
  if (value instanceof Long) return new Dec(value.toString());
  const n = plainNumber(value);
  if (Object.is(n, -0)) return new Dec('-0');
  return new Dec(n);
}

function decimalFromString(text: string): Dec {
  if (text === 'NaN') return new Dec(Number.NaN);
  if (text === 'Infinity') return new Dec(Number.POSITIVE_INFINITY);
  if (text === '-Infinity') return new Dec(Number.NEGATIVE_INFINITY);
  return new Dec(text);
}

/** A decimal.js value as a Decimal128 (rounded to 34 digits). */
export function fromDec(value: Dec): Decimal128 {
  if (value.isNaN()) return Decimal128.fromString('NaN');
  if (!value.isFinite()) return Decimal128.fromString(value.isNegative() ? '-Infinity' : 'Infinity');
  return Decimal128.fromStringWithRounding(value.toString());
}

/** A double result in the value model (integral values inside int32 range become Double). */
export function doubleResult(n: number): unknown {
  return makeDouble(n);
}

/** An integer as int32 when it fits, else int64 (mongod's createIntOrLong). */
export function intOrLong(n: bigint): number | bigint {
  return fitsInt32(n) ? Number(n) : n;
}

/** Whether a double holds an integer that int64 can represent (mongod's "representable as long"). */
export function doubleFitsLong(n: number): boolean {
  return Number.isInteger(n) && n >= -9223372036854775808 && n < 9223372036854775808;
}

/**
 * The integral value of a numeric operand when it is a whole number representable as int64
 * (mongod accepts 2, 2.0, Long(2) and Decimal 2 wherever it wants an integer), else undefined.
 */
export function wholeNumber(value: unknown): bigint | undefined {
  const type = bsonType(value);
  if (type === 'int') return BigInt(plainNumber(value));
  if (type === 'long') return asBigInt(value);
  if (type === 'double') {
    const n = plainNumber(value);
    return doubleFitsLong(n) ? BigInt(n) : undefined;
  }
  if (type === 'decimal') {
    const d = toDec(value);
    if (!d.isFinite() || !d.isInteger()) return undefined;
    const b = BigInt(d.toFixed(0));
    return fitsInt64(b) ? b : undefined;
  }
  return undefined;
}

/** Whether a numeric value is integral and fits in int32 (mongod's "integral" check for indexes/counts). */
export function int32Value(value: unknown): number | undefined {
  const whole = wholeNumber(value);
  if (whole === undefined) return undefined;
  return fitsInt32(whole) ? Number(whole) : undefined;
}

/** A JS number that the value model reads as int32. */
export function isInt32Value(value: unknown): value is number {
  return typeof value === 'number' && isInt32Number(value);
}
