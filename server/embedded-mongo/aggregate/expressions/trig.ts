// Trigonometry expression operators: doubles in, doubles out; decimals in, decimals out
// (https://www.mongodb.com/docs/v7.0/reference/operator/aggregation/#trigonometry-expression-operators).
import { CommandError } from '../../errors';
import { bsonType } from '../../bson/index';
import { fixedArity } from './args';
import { singleNumeric } from './arithmetic';
import type { Evaluator, OperatorCompiler } from './compile';
import { Dec, doubleResult, fromDec, isNullish, isNumberType, plainNumber, toDec } from './values';
import type { Dec as DecValue } from './values';

type Bounds = { min: number; max: number; open: boolean } | undefined;

function renderBound(n: number): string {
  return n === Number.POSITIVE_INFINITY ? 'inf' : n === Number.NEGATIVE_INFINITY ? '-inf' : String(n);
}

function trig(compute: (n: number) => number, computeDecimal: (d: DecValue) => DecValue, bounds: Bounds): OperatorCompiler {
  return singleNumeric((value, type, name) => {
    const n = plainNumber(value);
    if (bounds && !Number.isNaN(n)) {
      const inside = bounds.open ? n > bounds.min && n < bounds.max : n >= bounds.min && n <= bounds.max;
      if (!inside) {
        const [open, close] = bounds.open ? ['(', ')'] : ['[', ']'];
        throw new CommandError(50989, `cannot apply ${name} to ${renderValue(value)}, value must be in ${open}${renderBound(bounds.min)},${renderBound(bounds.max)}${close}`);
      }
    }
    if (type === 'decimal') return fromDec(computeDecimal(toDec(value)));
    return doubleResult(compute(n));
  });
}

function renderValue(value: unknown): string {
  return bsonType(value) === 'decimal' ? String(value) : renderBound(plainNumber(value));
}

const UNBOUNDED_OPEN: Bounds = { min: Number.NEGATIVE_INFINITY, max: Number.POSITIVE_INFINITY, open: true };
const UNIT: Bounds = { min: -1, max: 1, open: false };

const PI = Dec.acos(-1);

const $atan2: OperatorCompiler = (args, ctx, name) => {
  const [yOf, xOf] = fixedArity(name, args, 2, ctx) as [Evaluator, Evaluator];
  return (doc, vars) => {
    // Each argument is checked (null, then type) before the next is evaluated, as in mongod.
    const y = yOf(doc, vars);
    if (isNullish(y)) return null;
    const ty = bsonType(y);
    if (!isNumberType(ty)) throw new CommandError(51044, `${name} only supports numeric types, not ${ty}`);
    const x = xOf(doc, vars);
    if (isNullish(x)) return null;
    const tx = bsonType(x);
    if (!isNumberType(tx)) throw new CommandError(51045, `${name} only supports numeric types, not ${tx}`);
    if (ty === 'decimal' || tx === 'decimal') return fromDec(Dec.atan2(toDec(y), toDec(x)));
    return doubleResult(Math.atan2(plainNumber(y), plainNumber(x)));
  };
};

export const trigOperators: Record<string, OperatorCompiler> = {
  $sin: trig(Math.sin, (d) => d.sin(), UNBOUNDED_OPEN),
  $cos: trig(Math.cos, (d) => d.cos(), UNBOUNDED_OPEN),
  $tan: trig(Math.tan, (d) => d.tan(), UNBOUNDED_OPEN),
  $asin: trig(Math.asin, (d) => d.asin(), UNIT),
  $acos: trig(Math.acos, (d) => d.acos(), UNIT),
  $atan: trig(Math.atan, (d) => d.atan(), undefined),
  $atan2,
  $sinh: trig(Math.sinh, (d) => d.sinh(), undefined),
  $cosh: trig(Math.cosh, (d) => d.cosh(), undefined),
  $tanh: trig(Math.tanh, (d) => d.tanh(), undefined),
  $asinh: trig(Math.asinh, (d) => d.asinh(), undefined),
  $acosh: trig(Math.acosh, (d) => d.acosh(), { min: 1, max: Number.POSITIVE_INFINITY, open: false }),
  $atanh: trig(Math.atanh, (d) => d.atanh(), UNIT),
  $degreesToRadians: trig((n) => (n * Math.PI) / 180, (d) => d.mul(PI).div(180), undefined),
  $radiansToDegrees: trig((n) => (n * 180) / Math.PI, (d) => d.mul(180).div(PI), undefined),
};
