// Decimal128 values as (value, quantum exponent) pairs so arithmetic keeps IEEE 754-2008's
// preferred exponents as mongod does (NumberDecimal("1.0") + NumberDecimal("1.00") is "2.00"),
// computed with decimal.js at Decimal128's 34 significant digits, rounding half to even.
import { Decimal128 } from 'bson';
import DecimalJs from 'decimal.js';

export const Dec = DecimalJs.clone({ precision: 34, rounding: DecimalJs.ROUND_HALF_EVEN, toExpNeg: -7, toExpPos: 21, minE: -9e15, maxE: 9e15 });
export type Dec = InstanceType<typeof Dec>;
/** Enough digits to tell whether a 34-digit result was exact. */
const Wide = DecimalJs.clone({ precision: 200, rounding: DecimalJs.ROUND_HALF_EVEN });

const DIGITS = 34;
const MAX_EXPONENT = 6111;
const MIN_EXPONENT = -6176;

export interface Quantum {
  value: Dec;
  /** The exponent of the coefficient's last digit; NaN for NaN and infinities. */
  exponent: number;
}

const DECIMAL_STRING = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;

/** Parses "1.00", "1.00E+5", "0.100000000000000", "NaN", "-Infinity" keeping the exponent. */
export function parseQuantum(text: string): Quantum {
  const match = DECIMAL_STRING.exec(text);
  if (!match) return { value: new Dec(text), exponent: Number.NaN };
  const fraction = match[3] ?? '';
  return { value: new Dec(text), exponent: Number(match[4] ?? 0) - fraction.length };
}

export function quantumOfDecimal128(value: Decimal128): Quantum {
  return parseQuantum(value.toString());
}

/** mongod turns a double into a decimal with 15 significant digits in arithmetic (Decimal128(double)). */
export function quantumOfDouble(n: number): Quantum {
  if (!Number.isFinite(n)) return { value: new Dec(n), exponent: Number.NaN };
  return parseQuantum(n.toPrecision(15));
}

export function quantumOfInteger(n: bigint | number): Quantum {
  return { value: new Dec(n.toString()), exponent: 0 };
}

/** Writes `value` with the ideal exponent when it is exact there within 34 digits, else rounded. */
export function toDecimal128(value: Dec, idealExponent: number, exact = true): Decimal128 {
  if (value.isNaN()) return Decimal128.fromString('NaN');
  if (!value.isFinite()) return Decimal128.fromString(value.isNegative() ? '-Infinity' : 'Infinity');
  const sign = value.isNegative() ? '-' : '';
  if (value.isZero()) {
    const exponent = Number.isFinite(idealExponent) ? Math.min(MAX_EXPONENT, Math.max(MIN_EXPONENT, idealExponent)) : 0;
    return Decimal128.fromString(`${sign}0E${exponent}`);
  }
  const abs = value.abs().toSignificantDigits(DIGITS);
  const smallest = abs.e - (DIGITS - 1); // the least exponent that keeps 34 digits
  const lastDigit = abs.e - abs.sd() + 1; // the greatest exponent that still writes the value exactly
  let exponent: number;
  if (!exact || !Number.isFinite(idealExponent)) exponent = exact ? Math.max(smallest, lastDigit) : smallest;
  // Exact: the representable exponent closest to the ideal one (IEEE 754-2008, 5.2).
  else exponent = Math.max(smallest, Math.min(idealExponent, lastDigit));
  const coefficient = abs.times(new Dec(10).pow(-exponent)).toFixed(0);
  return fromParts(sign, coefficient, exponent);
}

function fromParts(sign: string, coefficient: string, exponent: number): Decimal128 {
  let digits = coefficient;
  let e = exponent;
  if (e > MAX_EXPONENT) {
    // Clamp by padding the coefficient with zeros while it still fits (IEEE "fold-down").
    const pad = e - MAX_EXPONENT;
    if (digits.length + pad > DIGITS) return Decimal128.fromString(`${sign}Infinity`);
    digits += '0'.repeat(pad);
    e = MAX_EXPONENT;
  }
  if (e < MIN_EXPONENT) {
    const drop = MIN_EXPONENT - e;
    const kept = new Dec(`${digits}E-${drop}`).toDecimalPlaces(0, DecimalJs.ROUND_HALF_EVEN);
    digits = kept.toFixed(0);
    e = MIN_EXPONENT;
  }
  return Decimal128.fromString(`${sign}${digits}E${e}`);
}

/** True when `value`, computed at 34 digits, equals the exact result of `check` at 200 digits. */
export function isExact(value: Dec, exactValue: () => InstanceType<typeof Wide>): boolean {
  if (!value.isFinite()) return true;
  return new Wide(value.toString()).eq(exactValue());
}

export function isExactQuotient(quotient: Dec, dividend: Quantum, divisor: Quantum): boolean {
  if (!quotient.isFinite()) return true;
  return new Wide(quotient.toString()).times(wide(divisor)).eq(wide(dividend));
}

export function wide(q: Quantum): InstanceType<typeof Wide> {
  return new Wide(q.value.toString());
}

/**
 * The exact decimal expansion of a double, rounded to 34 digits: how mongod compares a double
 * with a decimal (so Decimal128("0.1") is not equal to the double 0.1).
 */
export function exactDecimalOfDouble(n: number): Dec {
  if (!Number.isFinite(n) || Number.isInteger(n)) return new Dec(Number.isInteger(n) ? BigInt(n).toString() : n);
  // n = mantissa * 2^exponent exactly; write it as mantissa * 5^-exponent / 10^-exponent.
  const buffer = new DataView(new ArrayBuffer(8));
  buffer.setFloat64(0, n);
  const bits = buffer.getBigUint64(0);
  const biasedExponent = Number((bits >> 52n) & 0x7ffn);
  const fraction = bits & ((1n << 52n) - 1n);
  const mantissa = biasedExponent === 0 ? fraction : fraction | (1n << 52n);
  const exponent = (biasedExponent === 0 ? 1 : biasedExponent) - 1075; // negative for non-integers
  const scaled = mantissa * 5n ** BigInt(-exponent);
  const text = `${n < 0 ? '-' : ''}${scaled}E${exponent}`;
  return new Dec(text).toSignificantDigits(DIGITS);
}
