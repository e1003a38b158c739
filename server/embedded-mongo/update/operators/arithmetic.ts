// $inc, $mul and $bit: arithmetic with MongoDB's type promotion (int32 overflow becomes int64,
// int64 overflow becomes double, a double makes a double, a decimal makes a decimal).
import { addNumbers, bsonType, isNumeric, isPlainObject, multiplyNumbers, numericView } from '../../bson/index';
import { CommandError } from '../../errors';
import { formatElement, formatIdOf } from '../format';
import { NOOP, sameBsonValue, type LeafOperator, type LeafOutcome } from '../leaf';

export function parseArithmetic(operatorName: '$inc' | '$mul', path: string, argument: unknown): LeafOperator {
  if (!isNumeric(argument)) {
    const verb = operatorName === '$inc' ? 'increment' : 'multiply';
    throw new CommandError('TypeMismatch', `Cannot ${verb} with non-numeric argument: {${formatElement(path, argument)}}`);
  }
  const combine = operatorName === '$inc' ? addNumbers : multiplyNumbers;
  return {
    operatorName,
    createsPath: true,
    allowsNonViablePath: false,
   
    insertOnly: false,
    // Methods rather than arrow functions, which the TypeScript loader would name one by one (keepNames).
    updateExisting(current, context): LeafOutcome {
      if (!isNumeric(current)) {
        const field = context.parts[context.parts.length - 1] ?? '';
        throw new CommandError(
          'TypeMismatch',
          `Cannot apply ${operatorName} to a value of non-numeric type. ${formatIdOf(context.state.original)} has the field '${field}' of non-numeric type ${bsonType(current)}`,
        );
      }
      const result = combine(current, argument);
      return sameBsonValue(result, current) ? NOOP : { kind: 'set', value: result };
    },
    // $mul on a missing field writes a zero of the multiplier's type (manual, $mul "Missing Field").
    valueForNewElement() {
      return operatorName === '$inc' ? argument : multiplyNumbers(argument, 0);
    },
  };
}

type BitOperation = 'and' | 'or' | 'xor';
const BIT_FORMAT = '{$bit: {field: {and/or/xor: #}}';

/** An int32 as a number or an int64 as a bigint, the two types $bit accepts. */
type Integral = { kind: 'int'; value: number } | { kind: 'long'; value: bigint };

function integralOf(value: unknown): Integral | undefined {
  const view = numericView(value);
  if (view?.kind === 'int' || view?.kind === 'long') return view;
  return undefined;
}

export function parseBit(argument: unknown): LeafOperator {
  if (!isPlainObject(argument)) {
    throw new CommandError('BadValue', `The $bit modifier is not compatible with a ${bsonType(argument)}. You must pass in an embedded document: ${BIT_FORMAT}`);
  }
  const operations: Array<{ operation: BitOperation; operand: Integral }> = [];
  for (const [name, value] of Object.entries(argument)) {
    if (name !== 'and' && name !== 'or' && name !== 'xor') {
      throw new CommandError('BadValue', `The $bit modifier only supports 'and', 'or', and 'xor', not '${name}' which is an unknown operator: {${formatElement(name, value)}}`);
    }
    const operand = integralOf(value);
    if (!operand) {
      throw new CommandError('BadValue', `The $bit modifier field must be an Integer(32/64 bit); a '${bsonType(value)}' is not supported here: {${formatElement(name, value)}}`);
    }
    operations.push({ operation: name, operand });
  }
  if (operations.length === 0) {
    throw new CommandError('BadValue', `You must pass in at least one bitwise operation. The format is: ${BIT_FORMAT}`);
  }
  const applyAll = (start: Integral): unknown => {
    let result = start;
    for (const { operation, operand } of operations) result = applyBit(result, operation, operand);
    return result.value;
  };
  return {
    operatorName: '$bit',
    createsPath: true,
    allowsNonViablePath: false,
   
    insertOnly: false,
    updateExisting: (current, context): LeafOutcome => {
      const integral = integralOf(current);
      if (!integral) {
        const field = context.parts[context.parts.length - 1] ?? '';
        // mongod's message has no space after "type.", no braces around _id, no quotes around the field.
        throw new CommandError(
          'BadValue',
          `Cannot apply $bit to a value of non-integral type.${formatElement('_id', context.state.original._id)} has the field ${field} of non-integer type ${bsonType(current)}`,
        );
      }
      const result = applyAll(integral);
      return sameBsonValue(result, current) ? NOOP : { kind: 'set', value: result };
    },
    // A missing field starts from int32 zero.
    valueForNewElement: () => applyAll({ kind: 'int', value: 0 }),
  };
}

/** int op int stays int32; with a long on either side the result is a long. */
function applyBit(left: Integral, operation: BitOperation, right: Integral): Integral {
  if (left.kind === 'int' && right.kind === 'int') {
    const value = operation === 'and' ? left.value & right.value : operation === 'or' ? left.value | right.value : left.value ^ right.value;
    return { kind: 'int', value };
  }
  const a = BigInt(left.value);
  const b = BigInt(right.value);
  const value = operation === 'and' ? a & b : operation === 'or' ? a | b : a ^ b;
  return { kind: 'long', value: BigInt.asIntN(64, value) };
}

