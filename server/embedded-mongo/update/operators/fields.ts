// $set, $setOnInsert, $unset, $min, $max and $currentDate: operators that write one field.
import { Timestamp } from 'bson';
import { bsonType, compareValues, isPlainObject } from '../../bson/index';
import { CommandError } from '../../errors';
import { NOOP, sameBsonValue, type LeafOperator, type LeafOutcome } from '../leaf';
import type { OperatorOptions } from './options';

const WRITER = { createsPath: true, allowsNonViablePath: false, insertOnly: false } as const;

// The operators below are methods, not arrow-function properties: every update statement builds
// them, and the TypeScript loader names each arrow function one by one as it is made (keepNames).
export function parseSet(_path: string, value: unknown): LeafOperator {
  return {
    ...WRITER,
    operatorName: '$set',
    updateExisting(current) {
      return sameBsonValue(current, value) ? NOOP : { kind: 'set', value };
    },
    valueForNewElement() {
      return value;
    },
  };
}

export function parseSetOnInsert(path: string, value: unknown): LeafOperator {
  return { ...parseSet(path, value), operatorName: '$setOnInsert', insertOnly: true };
}

export function parseUnset(): LeafOperator {
  return {
    operatorName: '$unset',
    createsPath: false,
    allowsNonViablePath: true,
   
    insertOnly: false,
    // Inside an array the element becomes null (the tree decides): arrays keep their length.
    updateExisting() {
      return { kind: 'remove' };
    },
    valueForNewElement() {
      return undefined;
    },
  };
}

/** $min and $max: replace when the new value sorts before (after) the current one, in BSON order. */
export function parseCompare(operatorName: '$min' | '$max', value: unknown, options: OperatorOptions): LeafOperator {
  return {
    ...WRITER,
    operatorName,
   
    updateExisting: (current): LeafOutcome => {
      const order = compareValues(value, current, options.collator);
      const replaces = operatorName === '$min' ? order < 0 : order > 0;
      return replaces ? { kind: 'set', value } : NOOP;
    },
    valueForNewElement: () => value,
  };
}

const TYPE_REQUIRED = "The '$type' string field is required to be 'date' or 'timestamp': {$currentDate: {field : {$type: 'date'}}}";

export function parseCurrentDate(argument: unknown): LeafOperator {
  const asTimestamp = currentDateIsTimestamp(argument);
  const valueNow = (now: Date): unknown =>
    asTimestamp ? new Timestamp({ t: Math.floor(now.getTime() / 1000), i: nextIncrement() }) : new Date(now.getTime());
  return {
    ...WRITER,
    operatorName: '$currentDate',
   
    // A fresh clock reading always changes the field, as in mongod.
    updateExisting: (_current, context) => ({ kind: 'set', value: valueNow(context.state.now) }),
    valueForNewElement: (context) => valueNow(context.state.now),
  };
}

/** mongod's CurrentDateNode::init: a boolean, or a document whose valid `$type` decides. */
function currentDateIsTimestamp(argument: unknown): boolean {
  if (typeof argument === 'boolean') return false;
  if (!isPlainObject(argument)) {
    throw new CommandError(
      'BadValue',
      `${bsonType(argument)} is not valid type for $currentDate. Please use a boolean ('true') or a $type expression ({$type: 'timestamp/date'}).`,
    );
  }
  let timestamp: boolean | undefined;
  for (const [key, value] of Object.entries(argument)) {
    if (key !== '$type') throw new CommandError('BadValue', `Unrecognized $currentDate option: ${key}`);
    if (value === 'date' || value === 'timestamp') timestamp = value === 'timestamp';
  }
  if (timestamp === undefined) throw new CommandError('BadValue', TYPE_REQUIRED);
  return timestamp;
}

/** Timestamps handed out in the same second stay distinct and increasing, as cluster times are. */
let lastSecond = 0;
let increment = 0;
function nextIncrement(): number {
  const second = Math.floor(Date.now() / 1000);
  if (second !== lastSecond) {
    lastSecond = second;
    increment = 0;
  }
  increment += 1;
  return increment;
}
