// $densify: adds the missing steps of a numeric or date sequence, per partition.
import type { Document } from 'bson';
import { addNumbers, bsonType, compareValues, getField, hashKey, isPlainObject, toNumber } from '../../bson/index';
import { CommandError } from '../../errors';
import { compileSort } from '../../query/index';
import { withField } from '../paths';
import { collect, DOCUMENTS_PER_PAUSE, PAUSE, type Stream } from '../pause';
import type { CompiledStage, ParseContext, PipelineContext } from '../stage';
import { sortStream } from './sort';
import { addToDate, parseTimeUnit, type TimeUnit } from './time-units';

type Bounds = 'full' | 'partition' | [unknown, unknown];

interface DensifySpec {
  field: string;
  partitionByFields: string[];
  step: unknown;
  unit?: TimeUnit;
  bounds: Bounds;
}

function isNumber(value: unknown): boolean {
  const type = bsonType(value);
  return type === 'int' || type === 'long' || type === 'double' || type === 'decimal';
}

function parseDensify(spec: unknown): DensifySpec {
  if (!isPlainObject(spec)) throw new CommandError('TypeMismatch', `BSON field '$densify' is the wrong type '${bsonType(spec)}', expected type 'object'`);
  for (const key of Object.keys(spec)) {
    if (!['field', 'partitionByFields', 'range'].includes(key)) throw new CommandError(40415, `BSON field '$densify.${key}' is an unknown field.`);
  }
  if (typeof spec.field !== 'string') throw new CommandError(40414, "BSON field '$densify.field' is missing but a required field");
  if (spec.field.startsWith('$')) throw new CommandError(16410, "FieldPath field names may not start with '$'. Consider using $getField or $setField.");
  const partitionByFields = spec.partitionByFields ?? [];
  if (!Array.isArray(partitionByFields) || !partitionByFields.every((field) => typeof field === 'string')) {
    throw new CommandError('TypeMismatch', "BSON field '$densify.partitionByFields' is the wrong type, expected type 'array' of strings");
  }
  if ((partitionByFields as string[]).includes(spec.field)) {
    throw new CommandError(8993000, `$densify field '${spec.field}' cannot be one of the partitionByFields`);
  }
  const range = spec.range;
  if (!isPlainObject(range)) throw new CommandError(40414, "BSON field '$densify.range' is missing but a required field");
  for (const key of Object.keys(range)) {
    if (!['step', 'unit', 'bounds'].includes(key)) throw new CommandError(40415, `BSON field '$densify.range.${key}' is an unknown field.`);
  }
  if (!isNumber(range.step) || !(toNumber(range.step) > 0)) {
    throw new CommandError(5733401, 'the step parameter in a range statement must be a strictly positive numeric value');
  }
  const unit = range.unit === undefined ? undefined : parseTimeUnit(range.unit, 5733402, '$densify');
  if (unit !== undefined && !Number.isInteger(toNumber(range.step))) {
    throw new CommandError(5733412, 'The step parameter in a range satement must be a whole number when densifying a date range');
  }
  let bounds: Bounds;
  if (range.bounds === 'full' || range.bounds === 'partition') bounds = range.bounds;
  else if (Array.isArray(range.bounds) && range.bounds.length === 2) {
    const [lower, upper] = range.bounds as [unknown, unknown];
    const bothNumbers = isNumber(lower) && isNumber(upper);
    const bothDates = lower instanceof Date && upper instanceof Date;
    if (!bothNumbers && !bothDates) throw new CommandError(5733403, 'a bounding array in a range statement must contain two numeric or two date values');
    if (bothDates !== (unit !== undefined)) {
      throw new CommandError(5733409, 'numeric bounds may not have a date step; date bounds require a unit');
    }
    if (compareValues(lower, upper) > 0) throw new CommandError(5733404, 'A bounding array must be an ascending array of either two dates or two numbers');
    bounds = [lower, upper];
  } else {
    throw new CommandError(5946800, "Bounds must be 'full', 'partition', or an array of two numbers or two dates");
  }
  return { field: spec.field, partitionByFields: partitionByFields as string[], step: range.step, bounds, ...(unit ? { unit } : {}) };
}

export function parseDensifyStage(spec: unknown, parse: ParseContext): CompiledStage {
  const densify = parseDensify(spec);
  const sortSpec: Document = {};
  for (const field of densify.partitionByFields) sortSpec[field] = 1;
  sortSpec[densify.field] = 1;
  compileSort(sortSpec, { ...(parse.collator ? { collator: parse.collator } : {}) });
  return {
    name: '$densify',
    spec,
    *run(input: Stream, context: PipelineContext): Stream {
      const compare = compileSort(sortSpec, { ...(context.collator ? { collator: context.collator } : {}) });
      const docs = yield* collect(sortStream(input, compare));
      yield* densifySorted(docs, densify, context);
    },
  };
}

function next(value: unknown, spec: DensifySpec): unknown {
  if (spec.unit) return addToDate(value as Date, spec.unit, toNumber(spec.step));
  return addNumbers(value, spec.step);
}

function checkType(value: unknown, spec: DensifySpec): void {
  if (spec.unit) {
    if (!(value instanceof Date)) throw new CommandError(5733501, `Densify field type must be a date when a unit is given, found ${bsonType(value)}`);
  } else if (!isNumber(value)) {
    throw new CommandError(5733201, `Densify field type must be numeric when no unit is given, found ${bsonType(value)}`);
  }
}

function* densifySorted(docs: Document[], spec: DensifySpec, context: PipelineContext): Stream {
  const valueOf = (doc: Document): unknown => getField(doc, spec.field);
  const partitionKey = (doc: Document): string => hashKey(spec.partitionByFields.map((field) => getField(doc, field) ?? null), context.collator);
  let globalMin: unknown;
  let globalMax: unknown;
  for (const doc of docs) {
    const value = valueOf(doc);
    if (value === undefined || value === null) continue;
    checkType(value, spec);
    if (globalMin === undefined || compareValues(value, globalMin) < 0) globalMin = value;
    if (globalMax === undefined || compareValues(value, globalMax) > 0) globalMax = value;
  }
  // The partition values of each generated document.
  const generated = (template: Document, value: unknown): Document => {
    let out: Document = {};
    for (const field of spec.partitionByFields) {
      const partitionValue = getField(template, field);
      if (partitionValue !== undefined) out = withField(out, field.split('.'), partitionValue);
    }
    return withField(out, spec.field.split('.'), value);
  };
  let emitted = 0;
  let start = 0;
  while (start < docs.length) {
    const key = partitionKey(docs[start]!);
    let end = start;
    while (end < docs.length && partitionKey(docs[end]!) === key) end += 1;
    const partition = docs.slice(start, end);
    const values = partition.map(valueOf).filter((value) => value !== undefined && value !== null);
    let cursor: unknown;
    let upper: unknown;
    let upperInclusive = false;
    if (spec.bounds === 'full') [cursor, upper, upperInclusive] = [globalMin, globalMax, true];
    else if (spec.bounds === 'partition') [cursor, upper, upperInclusive] = [values[0], values[values.length - 1], true];
    else [cursor, upper] = spec.bounds;
    const below = (value: unknown): boolean => {
      const order = compareValues(value, upper);
      return upperInclusive ? order <= 0 : order < 0;
    };
    for (const doc of partition) {
      const value = valueOf(doc);
      if (value !== undefined && value !== null && cursor !== undefined) {
        while (compareValues(cursor, value) < 0 && below(cursor)) {
          yield generated(doc, cursor);
          cursor = next(cursor, spec);
          if (++emitted % DOCUMENTS_PER_PAUSE === 0) yield PAUSE;
        }
        if (compareValues(cursor, value) === 0) cursor = next(cursor, spec);
      }
      yield doc;
      if (++emitted % DOCUMENTS_PER_PAUSE === 0) yield PAUSE;
    }
    // The rest of the range after the partition's last document.
    while (cursor !== undefined && upper !== undefined && below(cursor) && partition.length > 0) {
      if (spec.bounds === 'partition') break;
      yield generated(partition[0]!, cursor);
      cursor = next(cursor, spec);
      if (++emitted % DOCUMENTS_PER_PAUSE === 0) yield PAUSE;
    }
    start = end;
  }
}
