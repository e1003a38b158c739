// $fill: fills null and missing fields, per partition, with a value, the last observation
// carried forward ('locf') or a linear interpolation along the single sortBy field ('linear').
import type { Document } from 'bson';
import { bsonType, getField, isPlainObject, isNumeric, toNumber, makeDouble } from '../../bson/index';
import { CommandError } from '../../errors';
import { compileExpression, type Evaluator } from '../expressions/index';
import { setFieldThroughArrays } from '../paths';
import { DOCUMENTS_PER_PAUSE, PAUSE, type Stream } from '../pause';
import type { CompiledStage, ParseContext, PipelineContext } from '../stage';
import { sortedPartitions } from './partitions';
import { validateSortSpec } from './sort';

type FillOutput = { field: string; value: Evaluator } | { field: string; method: 'locf' | 'linear' };

export function parseFill(spec: unknown, parse: ParseContext): CompiledStage {
  if (!isPlainObject(spec)) throw new CommandError('TypeMismatch', `BSON field '$fill' is the wrong type '${bsonType(spec)}', expected type 'object'`);
  for (const key of Object.keys(spec)) {
    if (!['partitionBy', 'partitionByFields', 'sortBy', 'output'].includes(key)) throw new CommandError(40415, `BSON field '$fill.${key}' is an unknown field.`);
  }
  if (spec.partitionBy !== undefined && spec.partitionByFields !== undefined) {
    throw new CommandError(6050204, "Maximum one of 'partitionBy' and 'partitionByFields can be specified in '$fill'");
  }
  const compileOptions = { ...(parse.collator ? { collator: parse.collator } : {}), variableNames: parse.variableNames };
  let partition: Evaluator | undefined;
  if (spec.partitionBy !== undefined) partition = compileExpression(spec.partitionBy, compileOptions);
  else if (spec.partitionByFields !== undefined) {
    const fields = spec.partitionByFields;
    if (!Array.isArray(fields) || !fields.every((field) => typeof field === 'string')) {
      throw new CommandError('TypeMismatch', "BSON field '$fill.partitionByFields' is the wrong type, expected an array of strings");
    }
    partition = (doc) => (fields as string[]).map((field) => getField(doc, field) ?? null);
  }
  const sortBy = spec.sortBy === undefined ? undefined : validateSortSpec(spec.sortBy);
  if (!isPlainObject(spec.output) || Object.keys(spec.output).length === 0) {
    throw new CommandError(40414, "BSON field '$fill.output' is missing but a required field");
  }
  const outputs: FillOutput[] = Object.entries(spec.output).map(([field, how]) => {
    if (!isPlainObject(how) || Object.keys(how).length !== 1) {
      throw new CommandError(6050203, "Exactly one of 'value' and 'method' must be specified in $fill output");
    }
    if ('value' in how) return { field, value: compileExpression(how.value, compileOptions) };
    if (how.method === 'locf' || how.method === 'linear') {
      if (!sortBy && how.method === 'linear') throw new CommandError(605001, "'sortBy' is required when 'method' is 'linear'");
      if (how.method === 'linear' && Object.keys(sortBy ?? {}).length !== 1) {
        throw new CommandError(605001, "$linearFill requires exactly one field in 'sortBy'");
      }
      return { field, method: how.method };
    }
    throw new CommandError(6050202, `Method must be either 'linear' or 'locf', found ${String(how.method)}`);
  });
  if (outputs.some((output) => 'method' in output && output.method === 'locf') && !sortBy) {
    throw new CommandError(6050201, "'sortBy' is required when 'method' is 'locf'");
  }
  const sortField = sortBy ? Object.keys(sortBy)[0] : undefined;
  const usesMethod = outputs.some((output) => 'method' in output);
  return {
    name: '$fill',
    spec,
    *run(input: Stream, context: PipelineContext): Stream {
      if (!usesMethod) {
        // Only values: mongod's $fill is then an $addFields, which neither sorts nor groups.
        let emitted = 0;
        for (const item of input) {
          if (item === PAUSE) {
            yield item;
            continue;
          }
          yield fillPartition([item], outputs, sortField, context)[0]!;
          if (++emitted % DOCUMENTS_PER_PAUSE === 0) yield PAUSE;
        }
        return;
      }
      // With a method, mongod runs $setWindowFields: documents come out sorted by partition
      // value, then by sortBy.
      const { partitions } = yield* sortedPartitions(input, partition, sortBy, context);
      let emitted = 0;
      for (const members of partitions) {
        for (const doc of fillPartition(members, outputs, sortField, context)) {
          yield doc;
          if (++emitted % DOCUMENTS_PER_PAUSE === 0) yield PAUSE;
        }
      }
    },
  };
}

function isEmpty(value: unknown): boolean {
  return value === undefined || value === null;
}

function setField(doc: Document, field: string, value: unknown): Document {
  return setFieldThroughArrays(doc, field.split('.'), 0, () => value) as Document;
}

function fillPartition(docs: Document[], outputs: readonly FillOutput[], sortField: string | undefined, context: PipelineContext): Document[] {
  let out = docs;
  for (const output of outputs) {
    if ('value' in output) {
      out = out.map((doc) => (isEmpty(getField(doc, output.field)) ? setField(doc, output.field, output.value(doc, context.variables) ?? null) : doc));
    } else if (output.method === 'locf') {
      let last: unknown = undefined;
      out = out.map((doc) => {
        const value = getField(doc, output.field);
        if (!isEmpty(value)) {
          last = value;
          return doc;
        }
        return last === undefined ? doc : setField(doc, output.field, last);
      });
    } else {
      out = linearFill(out, output.field, sortField!);
    }
  }
  return out;
}

/** Interpolates between the nearest non-null neighbours; leading and trailing gaps stay as they are. */
function linearFill(docs: Document[], field: string, sortField: string): Document[] {
  const out = [...docs];
  let previous = -1;
  for (let i = 0; i < docs.length; i += 1) {
    const value = getField(docs[i]!, field);
    if (isEmpty(value)) continue;
    if (!isNumeric(value)) throw new CommandError(6050106, `Value to $linearFill must be numeric, but found type ${bsonType(value)}`);
    if (previous >= 0 && i - previous > 1) {
      const x0 = axis(getField(docs[previous]!, sortField));
      const x1 = axis(getField(docs[i]!, sortField));
      const y0 = toNumber(getField(docs[previous]!, field));
      const y1 = toNumber(value);
      for (let j = previous + 1; j < i; j += 1) {
        const x = axis(getField(docs[j]!, sortField));
        out[j] = setField(docs[j]!, field, makeDouble(y0 + ((y1 - y0) * (x - x0)) / (x1 - x0)));
      }
    }
    previous = i;
  }
  return out;
}

function axis(value: unknown): number {
  if (value instanceof Date) return value.getTime();
  if (isNumeric(value)) return toNumber(value);
  throw new CommandError(6050105, `The sortBy field of $linearFill must be numeric or a date, but found type ${bsonType(value)}`);
}
