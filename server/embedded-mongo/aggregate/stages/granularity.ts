// The preferred-number series $bucketAuto rounds its boundaries to ('granularity'), rounded
// as mongod rounds them: up to the smallest series number strictly greater than the value, down
// to the greatest strictly smaller one, computed in doubles (series * a power of ten reached by
// repeated multiplication), so results match mongod's to the last bit.
import { Decimal128 } from 'bson';
import { bsonType, makeDouble, toNumber } from '../../bson/index';
import { CommandError } from '../../errors';

/** The series as mongod holds them (Renard, 1-2-5 and E series; R40 exactly as mongod lists it). */
const SERIES: Record<string, readonly number[]> = {
  R5: [10, 16, 25, 40, 63],
  R10: [100, 125, 160, 200, 250, 315, 400, 500, 630, 800],
  R20: [100, 112, 125, 140, 160, 180, 200, 224, 250, 280, 315, 355, 400, 450, 500, 560, 630, 710, 800, 900],
  R40: [
    100, 106, 112, 118, 125, 132, 140, 150, 160, 170, 180, 190, 200, 212, 224, 236, 250, 265, 280, 300,
    315, 355, 375, 400, 425, 450, 475, 500, 530, 560, 600, 630, 670, 710, 750, 800, 850, 900, 950,
  ],
  R80: [
    103, 109, 115, 122, 128, 136, 145, 155, 165, 175, 185, 195, 206, 218, 230, 243, 258, 272, 290, 307,
    325, 345, 365, 387, 412, 437, 462, 487, 515, 545, 575, 615, 650, 690, 730, 775, 825, 875, 925, 975,
  ],
  '1-2-5': [10, 20, 50],
  E6: [10, 15, 22, 33, 47, 68],
  E12: [10, 12, 15, 18, 22, 27, 33, 39, 47, 56, 68, 82],
  E24: [10, 11, 12, 13, 15, 16, 18, 20, 22, 24, 27, 30, 33, 36, 39, 43, 47, 51, 56, 62, 68, 75, 82, 91],
  E48: [
    100, 105, 110, 115, 121, 127, 133, 140, 147, 154, 162, 169, 178, 187, 196, 205, 215, 226, 237, 249, 261, 274, 287, 301,
    316, 332, 348, 365, 383, 402, 422, 442, 464, 487, 511, 536, 562, 590, 619, 649, 681, 715, 750, 787, 825, 866, 909, 953,
  ],
  E96: [
    100, 102, 105, 107, 110, 113, 115, 118, 121, 124, 127, 130, 133, 137, 140, 143, 147, 150, 154, 158, 162, 165, 169, 174,
    178, 182, 187, 191, 196, 200, 205, 210, 215, 221, 226, 232, 237, 243, 249, 255, 261, 267, 274, 280, 287, 294, 301, 309,
    316, 324, 332, 340, 348, 357, 365, 374, 383, 392, 402, 412, 422, 432, 442, 453, 464, 475, 487, 499, 511, 523, 536, 549,
    562, 576, 590, 604, 619, 634, 649, 665, 681, 698, 715, 732, 750, 768, 787, 806, 825, 845, 866, 887, 909, 931, 953, 976,
  ],
  E192: [
    100, 101, 102, 104, 105, 106, 107, 109, 110, 111, 113, 114, 115, 117, 118, 120, 121, 123, 124, 126, 127, 129, 130, 132,
    133, 135, 137, 138, 140, 142, 143, 145, 147, 149, 150, 152, 154, 156, 158, 160, 162, 164, 165, 167, 169, 172, 174, 176,
    178, 180, 182, 184, 187, 189, 191, 193, 196, 198, 200, 203, 205, 208, 210, 213, 215, 218, 221, 223, 226, 229, 232, 234,
    237, 240, 243, 246, 249, 252, 255, 258, 261, 264, 267, 271, 274, 277, 280, 284, 287, 291, 294, 298, 301, 305, 309, 312,
    316, 320, 324, 328, 332, 336, 340, 344, 348, 352, 357, 361, 365, 370, 374, 379, 383, 388, 392, 397, 402, 407, 412, 417,
    422, 427, 432, 437, 442, 448, 453, 459, 464, 470, 475, 481, 487, 493, 499, 505, 511, 517, 523, 530, 536, 542, 549, 556,
    562, 569, 576, 583, 590, 597, 604, 612, 619, 626, 634, 642, 649, 657, 665, 673, 681, 690, 698, 706, 715, 723, 732, 741,
    750, 759, 768, 777, 787, 796, 806, 816, 825, 835, 845, 856, 866, 876, 887, 898, 909, 920, 931, 942, 953, 965, 976, 988,
  ],
};

export interface GranularityRounder {
  roundUp(value: unknown): unknown;
  roundDown(value: unknown): unknown;
}

function isNumber(value: unknown): boolean {
  const type = bsonType(value);
  return type === 'int' || type === 'long' || type === 'double' || type === 'decimal';
}

/** mongod checks each value to round, with codes that differ between the two kinds of rounder. */
function checkedNumber(value: unknown, codes: readonly [number, number, number]): number {
  if (!isNumber(value)) throw new CommandError(codes[0], `A granularity rounder can only round numeric values, but found type: ${bsonType(value)}`);
  const n = toNumber(value);
  if (Number.isNaN(n)) throw new CommandError(codes[1], 'A granularity rounder cannot round NaN');
  if (n < 0) throw new CommandError(codes[2], 'A granularity rounder can only round non-negative numbers');
  return n;
}

const SERIES_CODES = [40262, 40263, 40268] as const;
const POWERS_CODES = [40265, 40266, 40267] as const;

function seriesRounder(series: readonly number[]): GranularityRounder {
  const first = series[0]!;
  const last = series[series.length - 1]!;
  return {
    roundUp(value) {
      const n = checkedNumber(value, SERIES_CODES);
      if (n === 0) return value;
      let multiplier = 1;
      while (n >= last * multiplier) multiplier *= 10;
      while (n < first * multiplier) {
        const previousMin = first * multiplier;
        multiplier /= 10;
        // Between one decade's top and the next one's bottom: up to that bottom.
        if (n >= last * multiplier) return makeDouble(previousMin);
      }
      const above = series.find((entry) => n < entry * multiplier)!;
      return makeDouble(above * multiplier);
    },
    roundDown(value) {
      const n = checkedNumber(value, SERIES_CODES);
      if (n === 0) return value;
      let multiplier = 1;
      while (n <= first * multiplier) multiplier /= 10;
      while (n > last * multiplier) {
        const previousMax = last * multiplier;
        multiplier *= 10;
        if (n <= first * multiplier) return makeDouble(previousMax);
      }
      // The greatest series number strictly below n.
      let index = series.findIndex((entry) => !(entry * multiplier < n));
      if (index < 0) index = series.length;
      return makeDouble(series[index - 1]! * multiplier);
    },
  };
}

/** 2 to an integral power, typed as mongod's $pow of two integers types it. */
function powerOfTwo(exponent: number, decimal: boolean): unknown {
  const result = 2 ** exponent;
  if (decimal) return Decimal128.fromString(String(result));
  if (exponent < 0) return result;
  if (exponent < 31) return result;
  if (exponent < 63) return 2n ** BigInt(exponent);
  return makeDouble(result);
}

const powersOfTwo: GranularityRounder = {
  roundUp(value) {
    const n = checkedNumber(value, POWERS_CODES);
    if (n === 0) return value;
    const type = bsonType(value);
    if (type === 'int' || type === 'long') {
      // One past the highest set bit.
      const bits = BigInt(Math.trunc(n)).toString(2).length;
      return powerOfTwo(bits, false);
    }
    return powerOfTwo(Math.floor(Math.log2(n)) + 1, type === 'decimal');
  },
  roundDown(value) {
    const n = checkedNumber(value, POWERS_CODES);
    if (n === 0) return value;
    const type = bsonType(value);
    if (type === 'int' || type === 'long') {
      const bits = BigInt(Math.trunc(n)).toString(2);
      const isPower = /^10*$/.test(bits);
      return powerOfTwo(isPower ? bits.length - 2 : bits.length - 1, false);
    }
    return powerOfTwo(Math.ceil(Math.log2(n)) - 1, type === 'decimal');
  },
};

export function granularityRounder(name: string): GranularityRounder {
  if (name === 'POWERSOF2') return powersOfTwo;
  const series = SERIES[name];
  if (!series) throw new CommandError(40257, `Unknown rounding granularity '${name}'`);
  return seriesRounder(series);
}
