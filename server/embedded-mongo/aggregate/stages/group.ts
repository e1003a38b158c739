// $group and $sortByCount. Groups are keyed by hashKey, so keys equal under the collation (and
// numbers equal across types, 1 and 1.0 and 1n) fall in one group, as in mongod.
import type { Document } from 'bson';
import { hashKey, isPlainObject } from '../../bson/index';
import { CommandError } from '../../errors';
import { parseAccumulatorField, type Accumulator, type AccumulatorSpec } from '../accumulators/index';
import { compileExpression, type Evaluator, type Variables } from '../expressions/index';
import { consume, DOCUMENTS_PER_PAUSE, PAUSE, type Pause, type Stream } from '../pause';
import type { CompiledStage, ParseContext, PipelineContext } from '../stage';
import { sortStream } from './sort';
import { compileSort } from '../../query/index';

export interface OutputField {
  name: string;
  accumulator: AccumulatorSpec;
}

export interface Group {
  id: unknown;
  accumulators: Accumulator[];
}

/** Parses `{ <field>: { <$accumulator>: ... } }` entries with mongod's field-name checks. */
export function parseOutputFields(entries: Array<[string, unknown]>, parse: ParseContext): OutputField[] {
  return entries.map(([name, spec]) => {
    // mongod checks the value before the name (AccumulationStatement::parseAccumulationStatement).
    if (!isPlainObject(spec) || Object.keys(spec)[0]?.startsWith('$') !== true) {
      throw new CommandError(40234, `The field '${name}' must be an accumulator object`);
    }
    if (name.includes('.')) throw new CommandError(40235, `The field name '${name}' cannot contain '.'`);
    if (name.startsWith('$')) throw new CommandError(40236, `The field name '${name}' cannot be an operator name`);
    return { name, accumulator: parseAccumulatorField(name, spec, { collator: parse.collator, variableNames: parse.variableNames }) };
  });
}

/**
 * Consumes the input into groups (pausing as it goes) and returns them in the order their
 * keys were first seen.
 */
export function* groupDocuments(
  input: Stream,
  key: (doc: Document, vars: Variables) => unknown,
  fields: readonly OutputField[],
  context: PipelineContext,
): Generator<Pause, Group[], void> {
  const groups = new Map<string, Group>();
  yield* consume(input, (item) => {
    const id = key(item, context.variables);
    const hash = hashKey(id, context.collator);
    let group = groups.get(hash);
    if (!group) {
      group = { id, accumulators: fields.map((field) => field.accumulator.create()) };
      groups.set(hash, group);
    }
    for (const accumulator of group.accumulators) accumulator.add(item, context.variables);
  });
  return [...groups.values()];
}

export function* emitGroups(groups: readonly Group[], fields: readonly OutputField[]): Stream {
  let count = 0;
  for (const group of groups) {
    const out: Document = { _id: group.id };
    // mongod reads a missing accumulator result as null.
    fields.forEach((field, i) => (out[field.name] = group.accumulators[i]!.result() ?? null));
    yield out;
    if (++count % DOCUMENTS_PER_PAUSE === 0) yield PAUSE;
  }
}

/** A missing group key is null, so missing and null group together. */
function groupKey(evaluate: Evaluator): (doc: Document, vars: Variables) => unknown {
  return (doc, vars) => evaluate(doc, vars) ?? null;
}

export function parseGroup(spec: unknown, parse: ParseContext): CompiledStage {
  if (!isPlainObject(spec)) throw new CommandError(15947, "a group's fields must be specified in an object");
  if (!('_id' in spec)) throw new CommandError(15955, 'a group specification must include an _id');
  const id = compileExpression(spec._id, { collator: parse.collator, variableNames: parse.variableNames });
  const fields = parseOutputFields(
    Object.entries(spec).filter(([name]) => name !== '_id'),
    parse,
  );
  const key = groupKey(id);
  return {
    name: '$group',
    spec,
    *run(input: Stream, context: PipelineContext): Stream {
      const groups = yield* groupDocuments(input, key, fields, context);
      yield* emitGroups(groups, fields);
    },
  };
}

/** $sortByCount: `$group` by the expression counting, then sorted by count, descending. */
export function parseSortByCount(spec: unknown, parse: ParseContext): CompiledStage {
  const message = 'the sortByCount field must be defined as a $-prefixed path or an expression inside an object';
  if (isPlainObject(spec)) {
    if (Object.keys(spec)[0]?.startsWith('$') !== true) throw new CommandError(40147, message);
  } else if (typeof spec === 'string') {
    if (!spec.startsWith('$')) throw new CommandError(40148, message);
  } else {
    throw new CommandError(40149, 'the sortByCount field must be specified as a string or as an object');
  }
  const key = groupKey(compileExpression(spec, { collator: parse.collator, variableNames: parse.variableNames }));
  const fields = parseOutputFields([['count', { $sum: 1 }]], parse);
  const byCount = compileSort({ count: -1 });
  return {
    name: '$sortByCount',
    spec,
    *run(input: Stream, context: PipelineContext): Stream {
      const groups = yield* groupDocuments(input, key, fields, context);
      yield* sortStream(emitGroups(groups, fields), byCount);
    },
  };
}
