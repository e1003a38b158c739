// $bucket and $bucketAuto.
import type { Document } from 'bson';
import { bsonType, compareValues, isPlainObject, toNumber } from '../../bson/index';
import { CommandError } from '../../errors';
import { compileExpression, type Evaluator } from '../expressions/index';
import { collect, DOCUMENTS_PER_PAUSE, mapDocuments, PAUSE, type Stream } from '../pause';
import type { CompiledStage, ParseContext, PipelineContext } from '../stage';
import { emitGroups, groupDocuments, parseOutputFields, type OutputField } from './group';
import { granularityRounder, type GranularityRounder } from './granularity';
import { sortStream } from './sort';
import { describeValue } from './projection';

const DEFAULT_OUTPUT: Document = { count: { $sum: 1 } };

function isGroupByExpression(value: unknown): boolean {
  if (typeof value === 'string') return value.startsWith('$');
  return isPlainObject(value) && Object.keys(value).length === 1 && Object.keys(value)[0]!.startsWith('$');
}

/** Numbers of every type share one "canonical type" for the same-type rule on boundaries. */
function canonicalType(value: unknown): string {
  const type = bsonType(value);
  return type === 'int' || type === 'long' || type === 'double' || type === 'decimal' ? 'number' : type;
}

function parseOutput(output: unknown, parse: ParseContext, stage: string): OutputField[] {
  if (output === undefined) return parseOutputFields(Object.entries(DEFAULT_OUTPUT), parse);
  if (!isPlainObject(output)) {
    throw new CommandError(stage === '$bucket' ? 40196 : 40244, `The $${stage.slice(1)} 'output' field must be an object, but found type: ${bsonType(output)}.`);
  }
  return parseOutputFields(Object.entries(output), parse);
}

/**
 * $bucket: each boundary pair is [lower, upper): a value equal to a boundary goes to the bucket
 * that boundary starts. Values outside go to `default`, or fail the command without one.
 */
export function parseBucket(spec: unknown, parse: ParseContext): CompiledStage {
  if (!isPlainObject(spec)) throw new CommandError(40201, `Argument to $bucket stage must be an object, but found type: ${bsonType(spec)}.`);
  for (const key of Object.keys(spec)) {
    if (!['groupBy', 'boundaries', 'default', 'output'].includes(key)) throw new CommandError(40197, `Unrecognized option to $bucket: ${key}.`);
  }
  if (!('groupBy' in spec) || !('boundaries' in spec)) {
    throw new CommandError(40198, "$bucket requires 'groupBy' and 'boundaries' to be specified.");
  }
  if (!isGroupByExpression(spec.groupBy)) {
    throw new CommandError(40202, `The $bucket 'groupBy' field must be defined as a $-prefixed path or an expression, but found: ${describeValue(spec.groupBy)}.`);
  }
  const boundaries = spec.boundaries;
  if (!Array.isArray(boundaries)) {
    throw new CommandError(40200, `The $bucket 'boundaries' field must be an array, but found type: ${bsonType(boundaries)}.`);
  }
  if (boundaries.length < 2) {
    throw new CommandError(40192, `The $bucket 'boundaries' field must have at least 2 values, but found ${boundaries.length} value(s).`);
  }
  for (let i = 0; i < boundaries.length; i += 1) {
    const value = boundaries[i];
    if (isPlainObject(value) && Object.keys(value)[0]?.startsWith('$') || (typeof value === 'string' && value.startsWith('$'))) {
      throw new CommandError(40191, `The $bucket 'boundaries' field must be an array of constant values, but found value: ${describeValue(value)}.`);
    }
    if (i === 0) continue;
    const previous = boundaries[i - 1];
    if (canonicalType(previous) !== canonicalType(value)) {
      throw new CommandError(40193, `All values in the the 'boundaries' option to $bucket must have the same type. Found conflicting types ${bsonType(previous)} and ${bsonType(value)}.`);
    }
    if (compareValues(previous, value, parse.collator) >= 0) {
      throw new CommandError(40194, `The 'boundaries' option to $bucket must be sorted in ascending order, but elements ${i - 1} and ${i} are not in ascending order (${describeValue(previous)} is not less than ${describeValue(value)}).`);
    }
  }
  const hasDefault = 'default' in spec;
  const defaultValue = spec.default;
  const isExpression = (value: unknown): boolean =>
    (typeof value === 'string' && value.startsWith('$')) || (isPlainObject(value) && Object.keys(value)[0]?.startsWith('$') === true);
  if (hasDefault && isExpression(defaultValue)) {
    throw new CommandError(40195, `The $bucket 'default' field must be a constant expression, but found: ${describeValue(defaultValue)}.`);
  }
  if (hasDefault) {
    const first = boundaries[0];
    const last = boundaries[boundaries.length - 1];
    if (canonicalType(defaultValue) === canonicalType(first) && compareValues(defaultValue, first, parse.collator) >= 0 && compareValues(defaultValue, last, parse.collator) < 0) {
      throw new CommandError(40199, "The $bucket 'default' field must be less than the lowest boundary or greater than or equal to the highest boundary.");
    }
  }
  const groupBy = compileExpression(spec.groupBy, { collator: parse.collator, variableNames: parse.variableNames });
  const fields = parseOutput(spec.output, parse, '$bucket');
  const bucketOf = (value: unknown, context: PipelineContext): unknown => {
    const collator = context.collator;
    const inRange = compareValues(value, boundaries[0], collator) >= 0 && compareValues(value, boundaries[boundaries.length - 1], collator) < 0
      && canonicalType(value) === canonicalType(boundaries[0]);
    if (!inRange) {
      if (!hasDefault) throw new CommandError(40066, '$switch could not find a matching branch for an input, and no default was specified.');
      return defaultValue;
    }
    // The last boundary not greater than the value.
    let low = 0;
    let high = boundaries.length - 2;
    while (low < high) {
      const middle = Math.ceil((low + high) / 2);
      if (compareValues(boundaries[middle], value, collator) <= 0) low = middle;
      else high = middle - 1;
    }
    return boundaries[low];
  };
  return {
    name: '$bucket',
    spec,
    *run(input: Stream, context: PipelineContext): Stream {
      const key = (doc: Document): unknown => bucketOf(groupBy(doc, context.variables) ?? null, context);
      const groups = yield* groupDocuments(input, key, fields, context);
      // mongod sorts the buckets by _id (the default bucket sorts among them by BSON order).
      groups.sort((a, b) => compareValues(a.id, b.id, context.collator));
      yield* emitGroups(groups, fields);
    },
  };
}

interface AutoBucket {
  min: unknown;
  max: unknown;
  docs: Document[];
}

/** $bucketAuto: `buckets` buckets of about equal size over the sorted groupBy values. */
export function parseBucketAuto(spec: unknown, parse: ParseContext): CompiledStage {
  if (!isPlainObject(spec)) throw new CommandError(40240, `The argument to $bucketAuto must be an object, but found type: ${bsonType(spec)}.`);
  for (const key of Object.keys(spec)) {
    if (!['groupBy', 'buckets', 'output', 'granularity'].includes(key)) throw new CommandError(40245, `Unrecognized option to $bucketAuto: ${key}.`);
  }
  if (!('groupBy' in spec) || !('buckets' in spec)) {
    throw new CommandError(40246, "$bucketAuto requires 'groupBy' and 'buckets' to be specified");
  }
  if (!isGroupByExpression(spec.groupBy)) {
    throw new CommandError(40239, `The $bucketAuto 'groupBy' field must be defined as a $-prefixed path or an expression object, but found: ${describeValue(spec.groupBy)}.`);
  }
  const bucketsType = bsonType(spec.buckets);
  if (!['int', 'long', 'double', 'decimal'].includes(bucketsType)) {
    throw new CommandError(40241, `The $bucketAuto 'buckets' field must be a numeric value, but found type: ${bucketsType}.`);
  }
  const bucketCount = toNumber(spec.buckets);
  if (!Number.isInteger(bucketCount) || bucketCount > 2147483647) {
    throw new CommandError(40242, `The $bucketAuto 'buckets' field must be representable as a 32-bit integer, but found ${describeValue(spec.buckets)}.`);
  }
  if (bucketCount <= 0) throw new CommandError(40243, `The $bucketAuto 'buckets' field must be greater than 0, but found: ${bucketCount}.`);
  if (spec.granularity !== undefined && typeof spec.granularity !== 'string') {
    throw new CommandError(40261, `The $bucketAuto 'granularity' field must be a string, but found type: ${bsonType(spec.granularity)}.`);
  }
  const rounder = spec.granularity === undefined ? undefined : granularityRounder(spec.granularity);
  const groupBy: Evaluator = compileExpression(spec.groupBy, { collator: parse.collator, variableNames: parse.variableNames });
  const fields = parseOutput(spec.output, parse, '$bucketAuto');
  return {
    name: '$bucketAuto',
    spec,
    *run(input: Stream, context: PipelineContext): Stream {
      const keyedInput = mapDocuments(input, (doc) => {
        const key = groupBy(doc, context.variables) ?? null;
        if (rounder) rounder.roundUp(key); // validates every value before any output
        return { key, doc };
      });
      const byKey = (a: Document, b: Document): number => compareValues(a.key, b.key, context.collator);
      const keyed = (yield* collect(sortStream(keyedInput, byKey))) as Array<{ key: unknown; doc: Document }>;
      const buckets = fillBuckets(keyed, bucketCount, rounder, context);
      let count = 0;
      for (const bucket of buckets) {
        const accumulators = fields.map((field) => field.accumulator.create());
        for (const doc of bucket.docs) for (const accumulator of accumulators) accumulator.add(doc, context.variables);
        const out: Document = { _id: { min: bucket.min, max: bucket.max } };
        // mongod reads a missing accumulator result as null.
        fields.forEach((field, i) => (out[field.name] = accumulators[i]!.result() ?? null));
        yield out;
        if (++count % DOCUMENTS_PER_PAUSE === 0) yield PAUSE;
      }
    },
  };
}

/** mongod's DocumentSourceBucketAuto::populateBuckets, step for step. */
function fillBuckets(
  keyed: Array<{ key: unknown; doc: Document }>,
  bucketCount: number,
  rounder: GranularityRounder | undefined,
  context: PipelineContext,
): AutoBucket[] {
  const compare = (a: unknown, b: unknown): number => compareValues(a, b, context.collator);
  const approximateSize = Math.max(1, Math.round(keyed.length / bucketCount));
  const buckets: AutoBucket[] = [];
  let i = 0;
  const add = (bucket: AutoBucket): void => {
    const entry = keyed[i++]!;
    bucket.max = entry.key;
    bucket.docs.push(entry.doc);
  };
  for (let b = 0; b < bucketCount && i < keyed.length; b += 1) {
    const bucket: AutoBucket = { min: keyed[i]!.key, max: keyed[i]!.key, docs: [] };
    add(bucket);
    if (b === bucketCount - 1) {
      // The last bucket allowed takes every remaining document.
      while (i < keyed.length) add(bucket);
    } else {
      for (let j = 0; j < approximateSize - 1 && i < keyed.length; j += 1) add(bucket);
      if (rounder) {
        const boundary = rounder.roundUp(bucket.max);
        while (i < keyed.length && compare(boundary, keyed[i]!.key) > 0) add(bucket);
        bucket.max = i < keyed.length ? boundary : bucket.max;
      } else {
        // Equal values never straddle two buckets.
        while (i < keyed.length && compare(bucket.max, keyed[i]!.key) === 0) add(bucket);
      }
    }
    const previous = buckets[buckets.length - 1];
    if (previous) {
      if (rounder) {
        // Granular boundaries: a bucket starts where the previous one (rounded up) ends.
        if (toNumber(previous.max) === 0) previous.max = rounder.roundDown(bucket.min);
        bucket.min = previous.max;
      } else {
        previous.max = bucket.min;
      }
    }
    buckets.push(bucket);
  }
  if (rounder && buckets.length > 0) {
    buckets[0]!.min = rounder.roundDown(buckets[0]!.min);
    buckets[buckets.length - 1]!.max = rounder.roundUp(buckets[buckets.length - 1]!.max);
  }
  return buckets;
}
