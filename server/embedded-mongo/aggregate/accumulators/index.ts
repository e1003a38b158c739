// The accumulators of $group, $bucket and $bucketAuto, by operator name.
import { isPlainObject } from '../../bson/index';
import { CommandError } from '../../errors';
import type { AccumulatorOptions, AccumulatorParser, AccumulatorSpec } from './accumulator';
import { addToSet, avg, count, first, last, max, mergeObjects, min, push, stdDevPop, stdDevSamp, sum } from './basic';
import { bottom, bottomN, firstN, lastN, maxN, minN, top, topN } from './ordered';
import { median, percentile } from './percentile';

export type { Accumulator, AccumulatorOptions, AccumulatorSpec } from './accumulator';

const ACCUMULATORS: Record<string, AccumulatorParser> = {
  $sum: sum,
  $avg: avg,
  $count: count,
  $min: min,
  $max: max,
  $first: first,
  $last: last,
  $push: push,
  $addToSet: addToSet,
  $mergeObjects: mergeObjects,
  $stdDevPop: stdDevPop,
  $stdDevSamp: stdDevSamp,
  $top: top,
  $bottom: bottom,
  $topN: topN,
  $bottomN: bottomN,
  $firstN: firstN,
  $lastN: lastN,
  $maxN: maxN,
  $minN: minN,
  $median: median,
  $percentile: percentile,
};

/** Parses `{ <field>: { <$accumulator>: <argument> } }` as $group gives it, with mongod's errors. */
export function parseAccumulatorField(field: string, spec: unknown, options: AccumulatorOptions): AccumulatorSpec {
  if (!isPlainObject(spec) || Object.keys(spec)[0]?.startsWith('$') !== true) {
    throw new CommandError(40234, `The field '${field}' must be an accumulator object`);
  }
  const keys = Object.keys(spec);
  if (keys.length !== 1) throw new CommandError(40238, `The field '${field}' must specify one accumulator`);
  const operator = keys[0]!;
  if (operator === '$accumulator') {
    throw new CommandError('NotImplemented', '$accumulator (server-side JavaScript) is not supported by the embedded store');
  }
  const parse = ACCUMULATORS[operator];
  if (!parse) throw new CommandError(15952, `unknown group operator '${operator}'`);
  return parse(spec[operator], options, operator);
}
