// Read-only views (https://www.mongodb.com/docs/v7.0/core/views/): a view is a catalog entry
// whose options hold `viewOn` and `pipeline`. mongod answers find, count and distinct on a view
// by rewriting them into an aggregation over the view; so does this module, and the aggregate
// command (with the pipeline runner) resolves the view itself. Commands that need a real
// collection answer 166 CommandNotSupportedOnView.
import { Long, type Document } from 'bson';
import { isPlainObject } from '../bson/index';
import { compilePipeline } from '../aggregate/pipeline';
import { viewDefinition } from '../aggregate/view';
import { CommandError } from '../errors';
import { aggregate } from './aggregate';
import { isCommandRun, type CommandContext, type CommandRun } from './context';

/** Stages a view definition may not hold (they write, or must come first in a whole pipeline). */
const STAGES_REFUSED_IN_VIEWS = new Set(['$out', '$merge']);

/** Checks a view definition as `create` receives it; returns what the catalog stores. */
export function parseViewDefinition(options: Document): Document {
  const { viewOn, pipeline = [] } = options;
  if (typeof viewOn !== 'string') {
    throw new CommandError('TypeMismatch', `BSON field 'create.viewOn' is the wrong type, expected type 'string'`);
  }
  if (viewOn.length === 0) throw new CommandError('BadValue', "'viewOn' cannot be empty");
  if (!Array.isArray(pipeline)) {
    throw new CommandError('TypeMismatch', `BSON field 'create.pipeline' is the wrong type, expected type 'array'`);
  }
  for (const stage of pipeline as unknown[]) {
    const name = isPlainObject(stage) ? Object.keys(stage)[0] : undefined;
    if (name && STAGES_REFUSED_IN_VIEWS.has(name)) {
      throw new CommandError('OptionNotSupportedOnView', `${name} cannot be used in a view definition`);
    }
  }
  // Parsing now refuses an invalid pipeline at create time, as mongod does, not at first read.
  compilePipeline(pipeline);
  return { viewOn, pipeline };
}

export function isView(context: CommandContext, name: unknown): boolean {
  if (typeof name !== 'string') return false;
  return viewDefinition(context.catalog.getCollection(context.db, name)?.options) !== undefined;
}

export function notOnView(context: CommandContext, name: string): CommandError {
  return new CommandError('CommandNotSupportedOnView', `Namespace ${context.db}.${name} is a view, not a collection`);
}

/** Runs `aggregate` as a sub-command and hands back its reply, pausing as it pauses. */
function* runAggregate(command: Document, context: CommandContext): Generator<never, Document, void> & CommandRun {
  const outcome = aggregate(command, context);
  if (!isCommandRun(outcome)) return outcome;
  return yield* outcome as Generator<never, Document, void>;
}

/** The fields a rewritten command carries over unchanged. */
function passThrough(command: Document, fields: readonly string[]): Document {
  return Object.fromEntries(fields.filter((field) => command[field] !== undefined).map((field) => [field, command[field]]));
}

/** find on a view: $match, $sort, $skip, $limit, $project over the view, as mongod rewrites it. */
export function* findOnView(command: Document, context: CommandContext): CommandRun {
  const pipeline: Document[] = [];
  if (isPlainObject(command.filter) && Object.keys(command.filter).length > 0) pipeline.push({ $match: command.filter });
  if (isPlainObject(command.sort) && Object.keys(command.sort).length > 0) pipeline.push({ $sort: command.sort });
  if (command.skip !== undefined && Number(command.skip) > 0) pipeline.push({ $skip: command.skip });
  const limit = command.limit === undefined ? 0 : Math.abs(Number(command.limit));
  if (limit > 0) pipeline.push({ $limit: limit });
  if (isPlainObject(command.projection) && Object.keys(command.projection).length > 0) pipeline.push({ $project: command.projection });
  const reply = yield* runAggregate({
    aggregate: command.find,
    pipeline,
    cursor: command.batchSize === undefined ? {} : { batchSize: command.batchSize },
    ...passThrough(command, ['collation', 'let', 'hint', 'maxTimeMS', 'comment']),
  }, context);
  // singleBatch (or a negative limit) closes the cursor after the first batch.
  const cursor = reply.cursor as Document;
  if ((command.singleBatch === true || Number(command.limit) < 0) && cursor.id instanceof Long) {
    context.cursors.kill(cursor.id);
    return { cursor: { ...cursor, id: Long.ZERO } };
  }
  return reply;
}

/** count on a view: the number of documents the view yields after query, skip and limit. */
export function* countOnView(command: Document, context: CommandContext): CommandRun {
  const pipeline: Document[] = [];
  if (isPlainObject(command.query) && Object.keys(command.query).length > 0) pipeline.push({ $match: command.query });
  if (command.skip !== undefined && Number(command.skip) > 0) pipeline.push({ $skip: command.skip });
  const limit = command.limit === undefined ? 0 : Math.abs(Number(command.limit));
  if (limit > 0) pipeline.push({ $limit: limit });
  pipeline.push({ $count: 'n' });
  const reply = yield* runAggregate({ aggregate: command.count, pipeline, cursor: {}, ...passThrough(command, ['collation', 'hint', 'maxTimeMS', 'comment']) }, context);
  const [first] = ((reply.cursor as Document).firstBatch as Document[]);
  return { n: first === undefined ? 0 : Number(first.n) };
}

/** distinct on a view: unwinds the key (array elements count separately) and collects the set. */
export function* distinctOnView(command: Document, context: CommandContext): CommandRun {
  if (typeof command.key !== 'string') throw new CommandError('TypeMismatch', "BSON field 'distinct.key' is the wrong type, expected type 'string'");
  const path = `$${command.key}`;
  const pipeline: Document[] = [];
  if (isPlainObject(command.query) && Object.keys(command.query).length > 0) pipeline.push({ $match: command.query });
  pipeline.push({ $unwind: { path, preserveNullAndEmptyArrays: true } }, { $group: { _id: null, values: { $addToSet: path } } });
  const reply = yield* runAggregate({ aggregate: command.distinct, pipeline, cursor: {}, ...passThrough(command, ['collation', 'maxTimeMS', 'comment']) }, context);
  const [first] = ((reply.cursor as Document).firstBatch as Document[]);
  return { values: (first?.values as unknown[] | undefined) ?? [] };
}
