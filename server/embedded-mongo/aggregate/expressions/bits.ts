// Bitwise operators ($bitAnd, $bitOr, $bitXor, $bitNot; MongoDB 6.3+) and the timestamp parts
// ($tsSecond, $tsIncrement; 5.1+): on int and long only
// (https://www.mongodb.com/docs/v7.0/reference/operator/aggregation/#bitwise-operators).
import type { Timestamp } from 'bson';
import { CommandError } from '../../errors';
import { bsonType } from '../../bson/index';
import { compileOperands, fixedArity } from './args';
import { singleNumeric } from './arithmetic';
import type { Evaluator, OperatorCompiler } from './compile';
import { asBigInt, isNullish, plainNumber } from './values';

const INT64_MASK = (1n << 64n) - 1n;

/** Wraps a bigint to int64 two's complement, as C++ bitwise operations on long long do. */
function toInt64(n: bigint): bigint {
  const wrapped = n & INT64_MASK;
  return wrapped >= 1n << 63n ? wrapped - (1n << 64n) : wrapped;
}

/** n-ary bitwise operation: int if every operand is an int, long if any is; null for any nullish operand. */
function bitwise(identity: bigint, apply: (a: bigint, b: bigint) => bigint): OperatorCompiler {
  return (args, ctx, name) => {
    const operands = compileOperands(args, ctx);
    return (doc, vars) => {
      let result = identity;
      let isLong = false;
      for (const operand of operands) {
        const value = operand(doc, vars);
        if (isNullish(value)) return null;
        const type = bsonType(value);
        if (type !== 'int' && type !== 'long') throw new CommandError('TypeMismatch', `${name} only supports int and long operands.`);
        if (type === 'long') isLong = true;
        result = toInt64(apply(result, asBigInt(type === 'int' ? plainNumber(value) : value)));
      }
      return isLong ? result : Number(BigInt.asIntN(32, result));
    };
  };
}

const $bitNot = singleNumeric((value, type, name) => {
  if (type === 'int') return ~plainNumber(value);
  if (type === 'long') return toInt64(~asBigInt(value));
  throw new CommandError('TypeMismatch', `${name} only supports int and long, not: ${type}.`);
});

function timestampPart(part: 'seconds' | 'increment'): OperatorCompiler {
  return (args, ctx, name) => {
    const [operand] = fixedArity(name, args, 1, ctx) as [Evaluator];
    return (doc, vars) => {
      const value = operand(doc, vars);
      if (isNullish(value)) return null;
      const type = bsonType(value);
      if (type !== 'timestamp') {
        throw new CommandError(part === 'seconds' ? 5687301 : 5687302, ` Argument to ${name} must be a timestamp, but is ${type}`);
      }
      const ts = value as Timestamp;
      // Both parts come back as longs.
      return BigInt(part === 'seconds' ? ts.high >>> 0 : ts.low >>> 0);
    };
  };
}

export const bitOperators: Record<string, OperatorCompiler> = {
  $bitAnd: bitwise(-1n, (a, b) => a & b),
  $bitNot,
  $bitOr: bitwise(0n, (a, b) => a | b),
  $bitXor: bitwise(0n, (a, b) => a ^ b),
  $tsIncrement: timestampPart('increment'),
  $tsSecond: timestampPart('seconds'),
};

