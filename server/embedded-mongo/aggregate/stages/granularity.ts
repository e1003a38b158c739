// The preferred-number series $bucketAuto rounds its boundaries to ('granularity').
import { bsonType, makeDouble, toNumber } from '../../bson/index';
import { CommandError } from '../../errors';

/** Each series as three-digit mantissas of one decade: 160 stands for 1.6 (and 16, 0.16...). */
const SERIES: Record<string, readonly number[]> = {
  R5: [100, 160, 250, 400, 630],
  R10: [100, 125, 160, 200, 250, 315, 400, 500, 630, 800],
  R20: [100, 112, 125, 140, 160, 180, 200, 224, 250, 280, 315, 355, 400, 450, 500, 560, 630, 710, 800, 900],
  R40: [
    100, 106, 112, 118, 125, 132, 140, 150, 160, 170, 180, 190, 200, 212, 224, 236, 250, 265, 280, 300,
    315, 335, 355, 375, 400, 425, 450, 475, 500, 530, 560, 600, 630, 670, 710, 750, 800, 850, 900, 950,
  ],
  '1-2-5': [100, 200, 500],
  E6: [100, 150, 220, 330, 470, 680],
  E12: [100, 120, 150, 180, 220, 270, 330, 390, 470, 560, 680, 820],
  E24: [100, 110, 120, 130, 150, 160, 180, 200, 220, 240, 270, 300, 330, 360, 390, 430, 470, 510, 560, 620, 680, 750, 820, 910],
  E48: [
    100, 105, 110, 115, 121, 127, 133, 140, 147, 154, 162, 169, 178, 187, 196, 205, 215, 226, 237, 249, 261, 274, 287, 301,
    316, 332, 348, 365, 383, 402, 422, 442, 464, 487, 511, 536, 562, 590, 619, 649, 681, 715, 750, 787, 825, 866, 909, 953,
  ],
};

const KNOWN = ['R5', 'R10', 'R20', 'R40', 'R80', '1-2-5', 'E6', 'E12', 'E24', 'E48', 'E96', 'E192', 'POWERSOF2'];

export interface GranularityRounder {
  roundUp(value: unknown): unknown;
  roundDown(value: unknown): unknown;
}

/** mantissa * 10^exponent, computed so that exact decimals come out as the nearest double. */
function scaled(mantissa: number, exponent: number): number {
  return exponent >= 0 ? mantissa * 10 ** exponent : mantissa / 10 ** -exponent;
}

function checkedNumber(value: unknown): number {
  const type = bsonType(value);
  if (type !== 'int' && type !== 'long' && type !== 'double' && type !== 'decimal') {
    throw new CommandError(40258, `$bucketAuto can specify a 'granularity' with numeric boundaries only, but found a value with type: ${type}`);
  }
  const n = toNumber(value);
  if (n < 0) throw new CommandError(40260, `A granularity rounder cannot round a negative value`);
  if (Number.isNaN(n)) throw new CommandError(40259, 'A granularity rounder cannot round NaN');
  return n;
}

function seriesRounder(series: readonly number[]): GranularityRounder {
  /** The series values around n: every decade from one below n's to one above. */
  const candidates = (n: number): number[] => {
    const decade = Math.floor(Math.log10(n)) - 2;
    const out: number[] = [];
    for (let exponent = decade - 1; exponent <= decade + 1; exponent += 1) {
      for (const mantissa of series) out.push(scaled(mantissa, exponent));
    }
    return out;
  };
  return {
    roundUp(value) {
      const n = checkedNumber(value);
      if (n === 0) return makeDouble(0);
      return makeDouble(candidates(n).find((candidate) => candidate > n)!);
    },
    roundDown(value) {
      const n = checkedNumber(value);
      if (n === 0) return makeDouble(0);
      const below = candidates(n).filter((candidate) => candidate < n);
      return makeDouble(below[below.length - 1]!);
    },
  };
}

const powersOfTwo: GranularityRounder = {
  roundUp(value) {
    const n = checkedNumber(value);
    if (n === 0) return value;
    let power = 2 ** Math.floor(Math.log2(n));
    while (power <= n) power *= 2;
    return bsonType(value) === 'double' ? makeDouble(power) : power;
  },
  roundDown(value) {
    const n = checkedNumber(value);
    if (n === 0) return value;
    let power = 2 ** Math.ceil(Math.log2(n));
    while (power >= n) power /= 2;
    return bsonType(value) === 'double' ? makeDouble(power) : power;
  },
};

export function granularityRounder(name: unknown): GranularityRounder {
  if (typeof name !== 'string' || !KNOWN.includes(name)) {
    throw new CommandError(40257, `Unknown rounding granularity '${String(name)}'`);
  }
  if (name === 'POWERSOF2') return powersOfTwo;
  const series = SERIES[name];
  if (!series) throw new CommandError('NotImplemented', `granularity '${name}' is not supported by the embedded store`);
  return seriesRounder(series);
}
