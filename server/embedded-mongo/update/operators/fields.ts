// $set, $setOnInsert, $unset, $min, $max and $currentDate: operators that write one field.
import { Timestamp } from 'bson';
import { bsonType, compareValues, isPlainObject } from '../../bson/index';
import { CommandError } from '../../errors';
import { NOOP, sameBsonValue, type LeafOperator, type LeafOutcome } from '../leaf';
import type { OperatorOptions } from './options';

// The operators below are plain object literals with methods: every update statement builds
// them, and both a spread of shared fields (V8 copies it slowly, some 2 µs an operator, measured)
// and arrow-function properties (which the TypeScript loader renames one by one, keepNames) cost
// far more than the operator's own work.
export function parseSet(_path: string, value: unknown): LeafOperator {
  return setter('$set', false, value);
}

export function parseSetOnInsert(_path: string, value: unknown): LeafOperator {
  return setter('$setOnInsert', true, value);
}

function setter(operatorName: '$set' | '$setOnInsert', insertOnly: boolean, value: unknown): LeafOperator {
  return {
    operatorName,
    createsPath: true,
    allowsNonViablePath: false,
    insertOnly,
    updateExisting(current) {
      return sameBsonValue(current, value) ? NOOP : { kind: 'set', value };
    },
    valueForNewElement() {
      return value;
    },
  };
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
    operatorName,
    createsPath: true,
    allowsNonViablePath: false,
    insertOnly: false,
    updateExisting(current): LeafOutcome {
      const order = compareValues(value, current, options.collator);
      const replaces = operatorName === '$min' ? order < 0 : order > 0;
      return replaces ? { kind: 'set', value } : NOOP;
    },
    valueForNewElement() {
      return value;
    },
  };
}

const TYPE_REQUIRED = "The '$type' string field is required to be 'date' or 'timestamp': {$currentDate: {field : {$type: 'date'}}}";

export function parseCurrentDate(argument: unknown): LeafOperator {
  const asTimestamp = currentDateIsTimestamp(argument);
  const valueNow = (now: Date): unknown =>
    asTimestamp ? new Timestamp({ t: Math.floor(now.getTime() / 1000), i: nextIncrement() }) : new Date(now.getTime());
  return {
    operatorName: '$currentDate',
    createsPath: true,
    allowsNonViablePath: false,
    insertOnly: false,
    // A fresh clock reading always changes the field, as in mongod.
    updateExisting(_current, context) {
      return { kind: 'set', value: valueNow(context.state.now) };
    },
    valueForNewElement(context) {
      return valueNow(context.state.now);
    },
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
