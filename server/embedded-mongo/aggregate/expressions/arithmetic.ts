// Arithmetic expression operators ($add ... $trunc), with MongoDB's numeric type promotion
// (https://www.mongodb.com/docs/v7.0/reference/operator/aggregation-arithmetic/).
import { Decimal128 } from 'bson';
import { CommandError } from '../../errors';
import { addNumbers, bsonType, divideNumbers, fitsInt64, modNumbers, multiplyNumbers, subtractNumbers } from '../../bson/index';
import { fixedArity, compileOperands, rangedArity } from './args';
import type { Evaluator, OperatorCompiler } from './compile';
import {
  Dec,
  asBigInt,
  doubleResult,
  fromDec,
  intOrLong,
  isNullish,
  isNumberType,
  plainNumber,
  toDec,
} from './values';
import type { Dec as DecValue } from './values';
import { isInt32Value } from './values';
import type { Decimal } from 'decimal.js';

const $add: OperatorCompiler = (args, ctx) => {
  const operands = compileOperands(args, ctx);
  return (doc, vars) => {
    // Left to right, as mongod: the first null or missing operand ends it before later operands are checked.
    let total: unknown = 0;
    let dateMs: number | undefined;
    for (const operand of operands) {
      const value = operand(doc, vars);
      if (isNullish(value)) return null;
      const type = bsonType(value);
      if (isNumberType(type)) {
        total = fastAdd(total, value) ?? addNumbers(total, value);
      } else if (type === 'date') {
        if (dateMs !== undefined) throw new CommandError(16612, 'only one date allowed in an $add expression');
        dateMs = (value as Date).getTime();
      } else {
        throw new CommandError('TypeMismatch', `$add only supports numeric or date types, not ${type}`);
      }
    }
    if (dateMs === undefined) return total;
    return dateFromMillis(dateMs + roundHalfAwayFromZero(plainNumber(total)));
  };
};

/**
 * The common case of two plain JS numbers, without bson/'s general promotion: int32 + int32 stays
 * int32 or widens to int64; anything with a double is a double. undefined when not applicable.
 */
function fastAdd(a: unknown, b: unknown): unknown {
  if (typeof a !== 'number' || typeof b !== 'number') return undefined;
  if (isInt32Value(a) && isInt32Value(b)) {
    const sum = a + b;
    return isInt32Value(sum) ? sum : BigInt(sum);
  }
  // Any JS number outside int32 is a double in the value model, so this is a double sum.
  return doubleResult(a + b);
}

function fastMultiply(a: unknown, b: unknown): unknown {
  if (typeof a !== 'number' || typeof b !== 'number') return undefined;
  if (isInt32Value(a) && isInt32Value(b)) {
    const product = a * b;
    if (isInt32Value(product)) return product;
    return Number.isSafeInteger(product) ? BigInt(product) : undefined;
  }
  return doubleResult(a * b);
}

function dateFromMillis(ms: number): Date {
  if (!Number.isFinite(ms) || Math.abs(ms) > 8.64e15) throw new CommandError('Overflow', 'date overflow');
  return new Date(ms);
}

/** C's llround, which mongod uses to add a double number of milliseconds to a date. */
function roundHalfAwayFromZero(n: number): number {
  return Math.sign(n) * Math.round(Math.abs(n));
}

const $subtract: OperatorCompiler = (args, ctx, name) => {
  const [left, right] = fixedArity(name, args, 2, ctx) as [Evaluator, Evaluator];
  return (doc, vars) => {
    const a = left(doc, vars);
    const b = right(doc, vars);
    const ta = bsonType(a);
    const tb = bsonType(b);
    if (isNumberType(ta) && isNumberType(tb)) return subtractNumbers(a, b);
    if (isNullish(a) || isNullish(b)) return null;
    if (ta === 'date') {
      if (tb === 'date') return BigInt((a as Date).getTime() - (b as Date).getTime());
      if (isNumberType(tb)) return dateFromMillis((a as Date).getTime() - roundHalfAwayFromZero(plainNumber(b)));
      // mongod names the left side "Date" here.
      throw new CommandError('TypeMismatch', `can't $subtract ${tb} from Date`);
    }
    throw new CommandError('TypeMismatch', `can't $subtract ${tb} from ${ta}`);
  };
};

const $multiply: OperatorCompiler = (args, ctx) => {
  const operands = compileOperands(args, ctx);
  return (doc, vars) => {
    let product: unknown = 1;
    for (const operand of operands) {
      const value = operand(doc, vars);
      if (isNullish(value)) return null;
      const type = bsonType(value);
      if (!isNumberType(type)) throw new CommandError('TypeMismatch', `$multiply only supports numeric types, not ${type}`);
      product = fastMultiply(product, value) ?? multiplyNumbers(product, value);
    }
    return product;
  };
};

function isZero(value: unknown): boolean {
  const type = bsonType(value);
  if (type === 'decimal') return toDec(value).isZero();
  if (type === 'long') return asBigInt(value) === 0n;
  return plainNumber(value) === 0;
}

const $divide: OperatorCompiler = (args, ctx, name) => {
  const [left, right] = fixedArity(name, args, 2, ctx) as [Evaluator, Evaluator];
  return (doc, vars) => {
    const a = left(doc, vars);
    const b = right(doc, vars);
    if (isNullish(a) || isNullish(b)) return null;
    const ta = bsonType(a);
    const tb = bsonType(b);
    if (!isNumberType(ta) || !isNumberType(tb)) {
      throw new CommandError('TypeMismatch', `$divide only supports numeric types, not ${ta} and ${tb}`);
    }
    if (isZero(b)) throw new CommandError('BadValue', "can't $divide by zero");
    return divideNumbers(a, b);
  };
};

const $mod: OperatorCompiler = (args, ctx, name) => {
  const [left, right] = fixedArity(name, args, 2, ctx) as [Evaluator, Evaluator];
  return (doc, vars) => {
    const a = left(doc, vars);
    const b = right(doc, vars);
    const ta = bsonType(a);
    const tb = bsonType(b);
    if (!isNumberType(ta) || !isNumberType(tb)) {
      if (isNullish(a) || isNullish(b)) return null;
      throw new CommandError(16611, `$mod only supports numeric types, not ${ta} and ${tb}`);
    }
    if (isZero(b)) throw new CommandError(ta === 'decimal' || tb === 'decimal' ? 5733415 : 16610, "can't $mod by zero");
    return modNumbers(a, b);
  };
};

/** A one-operand numeric operator: null/missing give null, other non-numbers 28765. */
export function singleNumeric(apply: (value: unknown, type: string, name: string) => unknown): OperatorCompiler {
  return (args, ctx, name) => {
    const [operand] = fixedArity(name, args, 1, ctx) as [Evaluator];
    return (doc, vars) => {
      const value = operand(doc, vars);
      if (isNullish(value)) return null;
      const type = bsonType(value);
      if (!isNumberType(type)) throw new CommandError(28765, `${name} only supports numeric types, not ${type}`);
      return apply(value, type, name);
    };
  };
}

const $abs = singleNumeric((value, type) => {
  if (type === 'double') return doubleResult(Math.abs(plainNumber(value)));
  if (type === 'decimal') return fromDec(toDec(value).abs());
  const n = asBigInt(type === 'int' ? plainNumber(value) : value);
  if (n === -(2n ** 63n)) throw new CommandError(28680, "can't take $abs of long long min");
  const abs = n < 0n ? -n : n;
  return type === 'long' ? abs : intOrLong(abs);
});

function integralRounding(rounding: Decimal.Rounding, round: (n: number) => number): (value: unknown, type: string) => unknown {
  return (value, type) => {
    if (type === 'int' || type === 'long') return value;
    if (type === 'decimal') return fromDec(toDec(value).toDecimalPlaces(0, rounding));
    return doubleResult(round(plainNumber(value)));
  };
}

const $ceil = singleNumeric(integralRounding(Dec.ROUND_CEIL, Math.ceil));
const $floor = singleNumeric(integralRounding(Dec.ROUND_FLOOR, Math.floor));

/** For operators whose result is a double (or a decimal for a decimal input). */
function doubleMath(
  compute: (n: number) => number,
  computeDecimal: (d: DecValue) => DecValue,
  check?: (d: DecValue, value: unknown, name: string) => void,
) {
  return singleNumeric((value, type, name) => {
    const d = toDec(value);
    check?.(d, value, name);
    if (type === 'decimal') return fromDec(computeDecimal(d));
    return doubleResult(compute(plainNumber(value)));
  });
}

function renderNumber(value: unknown): string {
  if (value instanceof Decimal128) return value.toString();
  if (typeof value === 'bigint') return value.toString();
  return String(plainNumber(value));
}

const $exp = doubleMath(Math.exp, (d) => d.exp());
const $sqrt = doubleMath(Math.sqrt, (d) => d.sqrt(), (d, _value, name) => {
  if (d.isNegative() && !d.isZero()) throw new CommandError(28714, `${name}'s argument must be greater than or equal to 0`);
});
const $ln = doubleMath(Math.log, (d) => d.ln(), (d, value, name) => {
  if (!d.isNaN() && (d.isNegative() || d.isZero())) {
    throw new CommandError(28766, `${name}'s argument must be a positive number, but is ${renderNumber(value)}`);
  }
});
const $log10 = doubleMath(Math.log10, (d) => d.log(10), (d, value, name) => {
  if (!d.isNaN() && (d.isNegative() || d.isZero())) {
    throw new CommandError(28761, `${name}'s argument must be a positive number, but is ${renderNumber(value)}`);
  }
});

const $log: OperatorCompiler = (args, ctx, name) => {
  const [numberOf, baseOf] = fixedArity(name, args, 2, ctx) as [Evaluator, Evaluator];
  return (doc, vars) => {
    const value = numberOf(doc, vars);
    const base = baseOf(doc, vars);
    if (isNullish(value) || isNullish(base)) return null;
    const tv = bsonType(value);
    const tb = bsonType(base);
    if (!isNumberType(tv)) throw new CommandError(28756, `$log's argument must be numeric, not ${tv}`);
    if (!isNumberType(tb)) throw new CommandError(28757, `$log's base must be numeric, not ${tb}`);
    const d = toDec(value);
    const b = toDec(base);
    if (tv === 'decimal' || tb === 'decimal') {
      if (!d.isNaN() && !d.isPositive()) throw new CommandError(28758, `$log's argument must be a positive number, but is ${renderNumber(value)}`);
      if (!b.isNaN() && (!b.isPositive() || b.eq(1))) {
        throw new CommandError(28759, `$log's base must be a positive number not equal to 1, but is ${renderNumber(base)}`);
      }
      return fromDec(d.ln().div(b.ln()));
    }
    const x = plainNumber(value);
    const y = plainNumber(base);
    if (!(x > 0) && !Number.isNaN(x)) throw new CommandError(28758, `$log's argument must be a positive number, but is ${renderNumber(value)}`);
    if ((!(y > 0) || y === 1) && !Number.isNaN(y)) {
      throw new CommandError(28759, `$log's base must be a positive number not equal to 1, but is ${renderNumber(base)}`);
    }
    return doubleResult(Math.log(x) / Math.log(y));
  };
};

const $pow: OperatorCompiler = (args, ctx, name) => {
  const [baseOf, exponentOf] = fixedArity(name, args, 2, ctx) as [Evaluator, Evaluator];
  return (doc, vars) => {
    const base = baseOf(doc, vars);
    const exponent = exponentOf(doc, vars);
    if (isNullish(base) || isNullish(exponent)) return null;
    const tb = bsonType(base);
    const te = bsonType(exponent);
    if (!isNumberType(tb)) throw new CommandError(28762, `$pow's base must be numeric, not ${tb}`);
    if (!isNumberType(te)) throw new CommandError(28763, `$pow's exponent must be numeric, not ${te}`);
    if (isZero(base) && toDec(exponent).isNegative() && !isZero(exponent)) {
      throw new CommandError(28764, '$pow cannot take a base of 0 and a negative exponent');
    }
    if (tb === 'decimal' || te === 'decimal') return fromDec(toDec(base).pow(toDec(exponent)));
    if (tb === 'double' || te === 'double') return doubleResult(Math.pow(plainNumber(base), plainNumber(exponent)));
    return integerPower(asBigInt(tb === 'int' ? plainNumber(base) : base), asBigInt(te === 'int' ? plainNumber(exponent) : exponent), tb === 'int' && te === 'int');
  };
};

/** int/long powers stay integral while exact (mongod: int if both ints and it fits, else long, else double). */
function integerPower(base: bigint, exponent: bigint, bothInt: boolean): unknown {
  if (exponent < 0n) {
    if (base === 1n) return bothInt ? 1 : 1n;
    if (base === -1n) {
      const r = exponent % 2n === 0n ? 1n : -1n;
      return bothInt ? Number(r) : r;
    }
    return doubleResult(Math.pow(Number(base), Number(exponent)));
  }
  const small = base >= -1n && base <= 1n;
  if (!small && exponent > 64n) return doubleResult(Math.pow(Number(base), Number(exponent)));
  const result = small ? (base === -1n ? (exponent % 2n === 0n ? 1n : -1n) : base === 0n ? (exponent === 0n ? 1n : 0n) : 1n) : base ** exponent;
  if (!fitsInt64(result)) return doubleResult(Math.pow(Number(base), Number(exponent)));
  return bothInt ? intOrLong(result) : result;
}

/** $round and $trunc: [number, place], place an integer in [-20, 100]. */
function roundOrTrunc(rounding: 'half-even' | 'down'): OperatorCompiler {
  return (args, ctx, name) => {
    const [numberOf, placeOf] = rangedArity(name, args, 1, 2, ctx) as [Evaluator, Evaluator | undefined];
    const decRounding = rounding === 'half-even' ? Dec.ROUND_HALF_EVEN : Dec.ROUND_DOWN;
    return (doc, vars) => {
      // mongod's order: the number (null, then type), then the place (null, then integral, then range).
      const value = numberOf(doc, vars);
      if (isNullish(value)) return null;
      const type = bsonType(value);
      if (!isNumberType(type)) throw new CommandError(51081, `${name} only supports numeric types, not ${type}`);
      const placeValue = placeOf ? placeOf(doc, vars) : 0;
      if (isNullish(placeValue)) return null;
      const place = readPlace(placeValue, name);
      if (type === 'int' || type === 'long') {
        if (place >= 0) return value;
        const whole = BigInt(roundDecimal(toDec(value), place, decRounding).toFixed(0));
        if (type === 'int') return intOrLong(whole);
        if (!fitsInt64(whole)) {
          throw new CommandError(51080, `invalid conversion from Decimal128 result in ${name} resulting from arguments: [${renderNumber(value)}, ${place}]`);
        }
        return whole;
      }
      // A double is first made a 34-digit decimal (so 2.675 rounds to 2.67, as its exact value is below 2.675).
      const d = type === 'double' ? doubleAsDecimal34(plainNumber(value)) : toDec(value);
      if (!d.isFinite()) return value;
      const rounded = roundDecimal(d, place, decRounding);
      if (type === 'double') return doubleResult(rounded.toNumber());
      return quantized(rounded, place);
    };
  };
}

/** The double's exact binary value rounded to 34 significant digits (Decimal128's kRoundTo34Digits). */
function doubleAsDecimal34(n: number): DecValue {
  if (!Number.isFinite(n)) return new Dec(n);
  if (n === 0) return new Dec(Object.is(n, -0) ? '-0' : '0');
  return new Dec(n.toPrecision(34));
}

/** A decimal result with the quantum mongod's quantize leaves: 5 rounded at 2 places is 5.00. */
function quantized(rounded: DecValue, place: number): Decimal128 {
  if (place >= 0) return Decimal128.fromString(rounded.toFixed(place));
  const coefficient = rounded.div(new Dec(10).pow(-place)).toFixed(0);
  return Decimal128.fromString(`${coefficient}E+${-place}`);
}

function roundDecimal(d: DecValue, place: number, rounding: Decimal.Rounding): DecValue {
  if (place >= 0) return d.toDecimalPlaces(place, rounding);
  const scale = new Dec(10).pow(-place);
  return d.div(scale).toDecimalPlaces(0, rounding).mul(scale);
}

function readPlace(value: unknown, name: string): number {
  const type = bsonType(value);
  // mongod converts the place to a long before checking it, which fails for non-numbers.
  if (!isNumberType(type)) throw new CommandError(16004, `can't convert from BSON type ${type} to long`);
  const d = toDec(value);
  if (!d.isInteger()) throw new CommandError(51082, `precision argument to  ${name} must be a integral value`);
  const place = d.toNumber();
  if (place < -20 || place > 100) {
    throw new CommandError(51083, `cannot apply ${name} with precision value ${place} value must be in [-20, 100]`);
  }
  return place;
}

export const arithmeticOperators: Record<string, OperatorCompiler> = {
  $abs,
  $add,
  $ceil,
  $divide,
  $exp,
  $floor,
  $ln,
  $log,
  $log10,
  $mod,
  $multiply,
  $pow,
  $round: roundOrTrunc('half-even'),
  $sqrt,
  $subtract,
  $trunc: roundOrTrunc('down'),
};

