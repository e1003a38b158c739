// aggregate: runs a pipeline over a collection, a view, or (with `aggregate: 1`) over nothing.
// The handler is a generator (decision 0004): it pauses while the pipeline runs, so other
// clients are served and maxTimeMS is checked, and returns the reply with the first batch.
import type { Document } from 'bson';
import { bsonType, isNumeric, isPlainObject, parseCollation, toNumber } from '../bson/index';
import { CommandError } from '../errors';
import { compilePipeline, runOnCollection } from '../aggregate/pipeline';
import { collect } from '../aggregate/pause';
import type { PipelineContext } from '../aggregate/stage';
import type { CommandContext, CommandHandler, CommandRun } from './context';
import { explain } from './explain';
import { withoutGenericFields } from './fields';
import { evaluateLet } from './let-variables';

export const aggregate: CommandHandler = (command, context) => {
  const target = aggregateTarget(command.aggregate);
  if (!Array.isArray(command.pipeline)) throw new CommandError('TypeMismatch', "'pipeline' option must be specified as an array");
  const explain = command.explain === true;
  if (command.explain !== undefined && typeof command.explain !== 'boolean') {
    throw new CommandError('TypeMismatch', `BSON field 'aggregate.explain' is the wrong type '${bsonType(command.explain)}', expected type 'bool'`);
  }
  if (command.cursor === undefined && !explain) {
    throw new CommandError('FailedToParse', "The 'cursor' option is required, except for aggregate with the explain argument");
  }
  const batchSize = cursorBatchSize(command.cursor);
  if (command.allowDiskUse !== undefined && typeof command.allowDiskUse !== 'boolean') {
    throw new CommandError('TypeMismatch', `BSON field 'aggregate.allowDiskUse' is the wrong type '${bsonType(command.allowDiskUse)}', expected type 'bool'`);
  }
  const collator = parseCollation(command.collation);
  const variables = evaluateLet(command.let, 'aggregate');
  const compiled = compilePipeline(command.pipeline, {
    ...(collator ? { collator } : {}),
    variableNames: Object.keys(variables).filter((name) => name !== 'NOW'),
    ...(target !== undefined ? { collection: target } : {}),
    startedAt: context.startedAt,
  });
  if (target === undefined) checkCollectionless(compiled.stages[0]?.name);
  else if (compiled.stages[0]?.name === '$documents') {
    throw new CommandError('InvalidNamespace', '$documents can only be run with {aggregate: 1}');
  }
  const ns = `${context.db}.${target ?? '$cmd.aggregate'}`;
  const pipelineContext: PipelineContext = { db: context.db, catalog: context.catalog, variables, ...(collator ? { collator } : {}) };
  const hint = parseHint(command.hint);
  if (explain) return explainAggregate(command, context);
  return run(compiled, target, pipelineContext, context, ns, batchSize, hint);
};

function* run(
  compiled: ReturnType<typeof compilePipeline>,
  target: string | undefined,
  pipelineContext: PipelineContext,
  context: CommandContext,
  ns: string,
  batchSize: number | undefined,
  hint: string | Document | undefined,
): CommandRun {
  const docs = yield* collect(runOnCollection(compiled, target, pipelineContext, hint !== undefined ? { hint } : {}));
  const batch = context.cursors.open(ns, docs, batchSize);
  return { cursor: { firstBatch: batch.docs, id: batch.id, ns } };
}

/** `aggregate: "<collection>"`, or `aggregate: 1` for a pipeline that starts from its own source. */
function aggregateTarget(value: unknown): string | undefined {
  if (typeof value === 'string') {
    if (value.length === 0) throw new CommandError('InvalidNamespace', "Invalid namespace specified '.'");
    return value;
  }
  if (isNumeric(value) && toNumber(value) === 1) return undefined;
  throw new CommandError('FailedToParse', `Invalid {aggregate: ${String(value)}} value. Must be a string or the number 1`);
}

const COLLECTIONLESS_STAGES = new Set(['$documents', '$currentOp', '$listLocalSessions', '$changeStream']);

function checkCollectionless(first: string | undefined): void {
  if (first === undefined || !COLLECTIONLESS_STAGES.has(first)) {
    throw new CommandError('InvalidNamespace', `{aggregate: 1} is not valid for '${first ?? 'an empty pipeline'}'; a collection is required.`);
  }
}

function cursorBatchSize(cursor: unknown): number | undefined {
  if (cursor === undefined) return undefined;
  if (!isPlainObject(cursor)) {
    throw new CommandError('TypeMismatch', `BSON field 'aggregate.cursor' is the wrong type '${bsonType(cursor)}', expected type 'object'`);
  }
  for (const key of Object.keys(cursor)) {
    if (key !== 'batchSize') throw new CommandError(40415, `BSON field 'aggregate.cursor.${key}' is an unknown field.`);
  }
  if (cursor.batchSize === undefined) return undefined;
  if (!isNumeric(cursor.batchSize)) {
    throw new CommandError('TypeMismatch', `BSON field 'aggregate.cursor.batchSize' is the wrong type '${bsonType(cursor.batchSize)}', expected types '[long, int, decimal, double]'`);
  }
  const batchSize = Math.trunc(toNumber(cursor.batchSize));
  if (batchSize < 0) throw new CommandError(51024, `BSON field 'batchSize' value must be >= 0, actual value '${batchSize}'`);
  return batchSize;
}

/** `aggregate` with `explain: true` answers as the explain command does at queryPlanner verbosity. */
function explainAggregate(command: Document, context: CommandContext): Document | CommandRun {
  // The request's generic arguments (sessions, concerns, $db...) are not the aggregation's.
  const { explain: _explain, cursor: _cursor, ...inner } = withoutGenericFields(command);
  return explain({ explain: inner, verbosity: 'queryPlanner' }, context);
}

function parseHint(value: unknown): string | Document | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'string' || isPlainObject(value)) return value;
  throw new CommandError('FailedToParse', `BSON field 'aggregate.hint' is the wrong type '${bsonType(value)}', expected types '[string, object]'`);
}
