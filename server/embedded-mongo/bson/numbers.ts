// Numbers across BSON's four numeric types: exact comparison, canonical keys and arithmetic
// with MongoDB's type promotion (int32 -> int64 -> double; any decimal makes a decimal).
import { Decimal128, type Long } from 'bson';
import { Dec, exactDecimalOfDouble, isExact, isExactQuotient, quantumOfDecimal128, quantumOfDouble, quantumOfInteger, toDecimal128, wide, type Quantum } from './decimal';
import { bsonTagOf, isInt32Number, makeDouble } from './types';

/** A numeric value reduced to one of four shapes; null for anything else. */
export type NumericView =
  | { kind: 'int'; value: number }
  | { kind: 'double'; value: number }
  | { kind: 'long'; value: bigint }
  | { kind: 'decimal'; value: Decimal128 };

export function numericView(value: unknown): NumericView | null {
  if (typeof value === 'number') return isInt32Number(value) ? { kind: 'int', value } : { kind: 'double', value };
  if (typeof value === 'bigint') return { kind: 'long', value };
  if (value === null || typeof value !== 'object') return null;
  switch (bsonTagOf(value)) {
    case 'Double':
      return { kind: 'double', value: (value as { value: number }).value };
    case 'Int32':
      return { kind: 'int', value: (value as { value: number }).value };
    case 'Long':
      return { kind: 'long', value: (value as Long).toBigInt() };
    case 'Decimal128':
      return { kind: 'decimal', value: value as Decimal128 };
    default:
      return null;
  }
}

/** Any numeric -> JS number (lossy for large longs and for decimals); NaN for non-numbers. */
export function toNumber(value: unknown): number {
  if (typeof value === 'number') return value;
  const view = numericView(value);
  return view ? asDouble(view) : Number.NaN;
}

const INT32_MIN = -(2n ** 31n);
const INT32_MAX = 2n ** 31n - 1n;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

export function fitsInt32(n: bigint): boolean {
  return n >= INT32_MIN && n <= INT32_MAX;
}

export function fitsInt64(n: bigint): boolean {
  return n >= INT64_MIN && n <= INT64_MAX;
}

function decimalOf(view: NumericView): Dec {
  switch (view.kind) {
    case 'decimal':
      return new Dec(view.value.toString());
    case 'long':
      return new Dec(view.value.toString());
    case 'int':
      return new Dec(view.value);
    case 'double':
      return exactDecimalOfDouble(view.value);
  }
}

function sign(n: number): number {
  return n < 0 ? -1 : n > 0 ? 1 : 0;
}

/** NaN sorts below every other number and equals itself, as in mongod. */
function compareWithNaN(aNaN: boolean, bNaN: boolean): number | undefined {
  if (aNaN && bNaN) return 0;
  if (aNaN) return -1;
  if (bNaN) return 1;
  return undefined;
}

function compareLongDouble(l: bigint, d: number): number {
  if (Number.isNaN(d)) return 1;
  if (d === Infinity) return -1;
  if (d === -Infinity) return 1;
  const floor = Math.floor(d);
  const floorBig = BigInt(floor);
  if (floorBig !== l) return floorBig < l ? 1 : -1; // d in [floor, floor+1): wholly on one side of l
  return d === floor ? 0 : -1;
}

/** Exact order of two numeric views (-1, 0, 1). */
export function compareNumericViews(a: NumericView, b: NumericView): number {
  if (a.kind === 'decimal' || b.kind === 'decimal') {
    const x = decimalOf(a);
    const y = decimalOf(b);
    const nan = compareWithNaN(x.isNaN(), y.isNaN());
    return nan ?? x.comparedTo(y);
  }
  if (a.kind === 'long' && b.kind === 'long') return a.value < b.value ? -1 : a.value > b.value ? 1 : 0;
  if (a.kind === 'long') return compareLongDouble(a.value, b.value as number);
  if (b.kind === 'long') return 0 - compareLongDouble(b.value, a.value) || 0;
  const nan = compareWithNaN(Number.isNaN(a.value), Number.isNaN(b.value));
  return nan ?? sign(a.value - b.value);
}

export function compareNumbers(a: unknown, b: unknown): number {
  const x = numericView(a);
  const y = numericView(b);
  if (!x || !y) throw new TypeError('compareNumbers needs two numbers');
  return compareNumericViews(x, y);
}

/**
 * A string equal for two numbers exactly when they compare equal: a number's key is its JS
 * form when a double holds it exactly, else an integer or decimal form that no double can equal.
 */
export function numericKey(view: NumericView): string {
  switch (view.kind) {
    case 'int':
    case 'double':
      return Number.isNaN(view.value) ? 'nNaN' : `n${view.value === 0 ? 0 : view.value}`;
    case 'long': {
      const asDouble = Number(view.value);
      return BigInt(asDouble) === view.value ? `n${asDouble}` : `L${view.value}`;
    }
    case 'decimal': {
      const d = new Dec(view.value.toString());
      if (d.isNaN()) return 'nNaN';
      if (!d.isFinite()) return `n${d.isNegative() ? -Infinity : Infinity}`;
      if (d.isZero()) return 'n0';
      const asDouble = d.toNumber();
      if (Number.isFinite(asDouble) && exactDecimalOfDouble(asDouble).eq(d)) return `n${asDouble}`;
      if (d.isInteger()) {
        const big = BigInt(d.toFixed(0));
        if (fitsInt64(big)) return `L${big}`;
      }
      return `D${d.toExponential()}`;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Arithmetic. Each function takes two numeric values (callers check types and zero divisors:
// the error messages differ per operator) and returns a value of the promoted type.

type Rank = 0 | 1 | 2 | 3; // int, long, double, decimal
const RANK: Record<NumericView['kind'], Rank> = { int: 0, long: 1, double: 2, decimal: 3 };

function views(a: unknown, b: unknown, operation: string): [NumericView, NumericView, Rank] {
  const x = numericView(a);
  const y = numericView(b);
  if (!x || !y) throw new TypeError(`${operation} needs two numbers`);
  return [x, y, Math.max(RANK[x.kind], RANK[y.kind]) as Rank];
}

function quantumOf(view: NumericView): Quantum {
  switch (view.kind) {
    case 'decimal':
      return quantumOfDecimal128(view.value);
    case 'double':
      return quantumOfDouble(view.value);
    default:
      return quantumOfInteger(view.value);
  }
}

/** A numeric view as a JS number (lossy for large longs and for decimals). */
export function asDouble(view: NumericView): number {
  return view.kind === 'long' ? Number(view.value) : view.kind === 'decimal' ? Number(view.value.toString()) : view.value;
}

function asBigInt(view: NumericView): bigint {
  return view.kind === 'long' ? view.value : BigInt(view.value as number);
}

/**
 * An integer result: int32 when it fits (and `fitsInt`, false once a long took part), else int64,
 * else (int64 overflow) a double.
 */
export function integerResult(exact: bigint, fitsInt: boolean, overflowDouble: () => number): unknown {
  if (fitsInt && fitsInt32(exact)) return Number(exact);
  if (fitsInt64(exact)) return exact;
  return makeDouble(overflowDouble());
}

function decimalBinary(x: NumericView, y: NumericView, compute: (a: Quantum, b: Quantum) => [Dec, number, boolean]): Decimal128 {
  const [value, ideal, exact] = compute(quantumOf(x), quantumOf(y));
  return toDecimal128(value, ideal, exact);
}

export function addNumbers(a: unknown, b: unknown): unknown {
  const [x, y, rank] = views(a, b, 'addNumbers');
  if (rank === 3) {
    return decimalBinary(x, y, (p, q) => {
      const sum = p.value.plus(q.value);
      return [sum, Math.min(p.exponent, q.exponent), isExact(sum, () => wide(p).plus(wide(q)))];
    });
  }
  if (rank === 2) return makeDouble(asDouble(x) + asDouble(y));
  return integerResult(asBigInt(x) + asBigInt(y), rank === 0, () => asDouble(x) + asDouble(y));
}

export function subtractNumbers(a: unknown, b: unknown): unknown {
  const [x, y, rank] = views(a, b, 'subtractNumbers');
  if (rank === 3) {
    return decimalBinary(x, y, (p, q) => {
      const difference = p.value.minus(q.value);
      return [difference, Math.min(p.exponent, q.exponent), isExact(difference, () => wide(p).minus(wide(q)))];
    });
  }
  if (rank === 2) return makeDouble(asDouble(x) - asDouble(y));
  return integerResult(asBigInt(x) - asBigInt(y), rank === 0, () => asDouble(x) - asDouble(y));
}

export function multiplyNumbers(a: unknown, b: unknown): unknown {
  const [x, y, rank] = views(a, b, 'multiplyNumbers');
  if (rank === 3) {
    return decimalBinary(x, y, (p, q) => {
      const product = p.value.times(q.value);
      return [product, p.exponent + q.exponent, isExact(product, () => wide(p).times(wide(q)))];
    });
  }
  if (rank === 2) return makeDouble(asDouble(x) * asDouble(y));
  return integerResult(asBigInt(x) * asBigInt(y), rank === 0, () => asDouble(x) * asDouble(y));
}

/** $divide: a double unless a decimal is involved (6 / 3 is the double 2). */
export function divideNumbers(a: unknown, b: unknown): unknown {
  const [x, y, rank] = views(a, b, 'divideNumbers');
  if (rank === 3) {
    return decimalBinary(x, y, (p, q) => {
      const quotient = p.value.dividedBy(q.value);
      return [quotient, p.exponent - q.exponent, isExactQuotient(quotient, p, q)];
    });
  }
  return makeDouble(asDouble(x) / asDouble(y));
}

/** $mod: truncated remainder with the dividend's sign, in the promoted type. */
export function modNumbers(a: unknown, b: unknown): unknown {
  const [x, y, rank] = views(a, b, 'modNumbers');
  if (rank === 3) {
    return decimalBinary(x, y, (p, q) => {
      const remainder = p.value.mod(q.value); // decimal.js's default modulo mode truncates, like fmod
      return [remainder, Math.min(p.exponent, q.exponent), true];
    });
  }
  if (rank === 2) return makeDouble(asDouble(x) % asDouble(y));
  const remainder = asBigInt(x) % asBigInt(y);
  return rank === 0 ? Number(remainder) : remainder;
}

export { Decimal128 };
