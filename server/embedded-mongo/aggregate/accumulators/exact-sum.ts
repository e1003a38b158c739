// Sums numbers as mongod's $sum does: integers exactly (int32 widening to int64, then to double
// on overflow), doubles with compensated summation (mongod keeps a double-double total, so
// summing 0.1 ten times gives exactly 1), and Decimal128 in decimal.
import { Decimal128 } from 'bson';
import { addNumbers, bsonType, divideNumbers, integerResult, makeDouble, toNumber } from '../../bson/index';

export class ExactSum {
  /** How many numeric values were added. */
  count = 0;
  private widest: 'int' | 'long' | 'double' | 'decimal' = 'int';
  private integerTotal = 0n;
  private doubleTotal = 0;
  private doubleCompensation = 0;
  private decimalTotal: unknown = undefined;

  /** Adds a value if it is numeric; returns whether it was. */
  add(value: unknown): boolean {
    const type = bsonType(value);
    switch (type) {
      case 'int':
        this.integerTotal += BigInt(toNumber(value));
        break;
      case 'long':
        this.integerTotal += toBigInt(value);
        if (this.widest === 'int') this.widest = 'long';
        break;
      case 'double':
        this.addDouble(toNumber(value));
        if (this.widest !== 'decimal') this.widest = 'double';
        break;
      case 'decimal':
        this.decimalTotal = this.decimalTotal === undefined ? value : addNumbers(this.decimalTotal, value);
        this.widest = 'decimal';
        break;
      default:
        return false;
    }
    this.count += 1;
    return true;
  }

  /** The total with the type mongod gives it. */
  total(): unknown {
    if (this.widest === 'decimal') {
      const rest = this.nonDecimalTotal();
      return addNumbers(this.decimalTotal ?? Decimal128.fromString('0'), rest);
    }
    if (this.widest === 'double') return makeDouble(this.doubleValue());
    const total = this.integerTotal;
    return integerResult(total, this.widest === 'int', () => Number(total));
  }

  /** The mean of the values added (null when none were numeric): a double, or a decimal. */
  mean(): unknown {
    if (this.count === 0) return null;
    if (this.widest === 'decimal') return divideNumbers(this.total(), this.count);
    return makeDouble(this.doubleValue() / this.count);
  }

  private nonDecimalTotal(): unknown {
    if (this.doubleTotal === 0 && this.doubleCompensation === 0) return this.integerTotal;
    return makeDouble(this.doubleValue());
  }

  private doubleValue(): number {
    const sum = this.doubleTotal + Number(this.integerTotal);
    if (!Number.isFinite(sum)) return sum;
    return sum + this.doubleCompensation;
  }

  /** Neumaier's compensated summation. */
  private addDouble(x: number): void {
    const sum = this.doubleTotal;
    const next = sum + x;
    if (Number.isFinite(next)) {
      this.doubleCompensation += Math.abs(sum) >= Math.abs(x) ? sum - next + x : x - next + sum;
    }
    this.doubleTotal = next;
  }
}

export function toBigInt(value: unknown): bigint {
  if (typeof value === 'bigint') return value;
  if (typeof value === 'number') return BigInt(value);
  return BigInt(String(value));
}
