// insert, update, delete and findAndModify, on the store's own engine (decision 0004): the
// query engine picks the documents, update/ computes their new versions, the catalog stores
// them (unique indexes checked there). Handlers are generators: they pause while they scan
// and every few hundred writes, so a long updateMany never holds other clients up.
import { calculateObjectSize, ObjectId, Timestamp, type Document } from 'bson';
import { bsonType, isNumeric, isPlainObject, parseCollation, toNumber, type Collator } from '../bson/index';
import type { Variables } from '../aggregate/expressions/index';
import { PAUSE, streamOf, drain } from '../aggregate/pause';
import { compilePipeline } from '../aggregate/pipeline';
import { viewDefinition } from '../aggregate/view';
import { CommandError, errorToReply } from '../errors';
import { compileFilter, compileProjection, compileSort, type Matcher } from '../query/index';
import type { Collection } from '../storage/collection';
import { hintTarget } from '../storage/planner';
import { checkStorableId, compileUpdate, isOperatorUpdate, MAX_DOCUMENT_SIZE, setOwnField, upsertSeed, type CompiledUpdate } from '../update/index';
import { evaluateLet } from './let-variables';
import { matchingRun } from './query';
import { collectionName, type CommandContext, type CommandHandler, type CommandRun, type Pause } from './context';

/** Writes between two pauses. */
const WRITES_PER_PAUSE = 256;

interface WriteError {
  index: number;
  code: number;
  errmsg: string;
  [extra: string]: unknown;
}

function toWriteError(index: number, error: unknown): WriteError {
  const reply = errorToReply(error);
  const { ok: _ok, errmsg, code, codeName: _codeName, ...extra } = reply;
  return { index, code: code as number, errmsg: errmsg as string, ...extra };
}

// ---------------------------------------------------------------- shared checks

/** hello's maxWriteBatchSize. */
const MAX_WRITE_BATCH_SIZE = 100_000;

function wrongType(field: string, value: unknown, expected: string): CommandError {
  return new CommandError('TypeMismatch', `BSON field '${field}' is the wrong type '${bsonType(value)}', expected type '${expected}'`);
}

/** mongod's write command parser: a batch holds 1 to maxWriteBatchSize (100,000) operations. */
function checkBatchSize(count: number): void {
  if (count < 1 || count > MAX_WRITE_BATCH_SIZE) {
    throw new CommandError('InvalidLength', `Write batch sizes must be between 1 and ${MAX_WRITE_BATCH_SIZE}. Got ${count} operations.`);
  }
}

/**
 * The envelope every write command shares, checked in mongod's order: the collection, the
 * statements array (`field`, 1 to maxWriteBatchSize of them) and `ordered` (default true).
 */
function parseWriteBatch(command: Document, commandName: string, field: string): { name: string; statements: unknown[]; ordered: boolean } {
  const name = collectionName(command, commandName);
  const statements = command[field] as unknown;
  if (statements === undefined) throw missingField(`${commandName}.${field}`);
  if (!Array.isArray(statements)) throw wrongType(`${commandName}.${field}`, statements, 'array');
  checkBatchSize(statements.length);
  const ordered = command.ordered === undefined ? true : optionalBool(command.ordered, `${commandName}.ordered`);
  return { name, statements, ordered };
}

function missingField(field: string): CommandError {
  return new CommandError(40414, `BSON field '${field}' is missing but a required field`);
}

/** IDL's "safeBool": a bool or a number. */
function optionalBool(value: unknown, field: string): boolean {
  if (value === undefined || value === null) return false;
  if (typeof value === 'boolean') return value;
  if (isNumeric(value)) return toNumber(value) !== 0;
  throw wrongType(field, value, 'bool');
}

function optionalDocument(value: unknown, field: string): Document | undefined {
  if (value === undefined) return undefined;
  if (!isPlainObject(value)) throw wrongType(field, value, 'object');
  return value;
}

/** An update or delete statement, with the query `q` both require, checked first as mongod's IDL does. */
function withQuery(statement: unknown, path: string): Document & { q: Document } {
  if (!isPlainObject(statement)) throw wrongType(path, statement, 'object');
  if (statement.q === undefined) throw missingField(`${path}.q`);
  if (!isPlainObject(statement.q)) throw wrongType(`${path}.q`, statement.q, 'object');
  return statement as Document & { q: Document };
}

/** Writes go to collections: a view refuses them, as mongod does. */
function writableCollection(context: CommandContext, name: string): Collection | undefined {
  const collection = context.catalog.getCollection(context.db, name);
  if (collection && viewDefinition(collection.options)) {
    throw new CommandError('CommandNotSupportedOnView', `Namespace ${context.db}.${name} is a view, not a collection`);
  }
  return collection;
}

/** A hint must name an existing index (by name or key pattern) or be {$natural: ±1}. */
function checkHint(collection: Collection | undefined, hint: unknown): void {
  if (!collection || (typeof hint !== 'string' && !isPlainObject(hint))) return;
  if (hintTarget(collection, hint) === undefined) throw new CommandError('BadValue', 'hint provided does not correspond to an existing index');
}

/**
 * The documents matching `matcher`, in the order `sort` asks (or natural order), at most
 * `limit` of them. Collected first, then written: a write never disturbs the scan it came from.
 */
function* findTargets(
  collection: Collection | undefined,
  matcher: Matcher,
  options: { filter: Document | undefined; collator: Collator | undefined; sort?: Document | undefined; limit?: number | undefined },
): Generator<Pause, Document[], void> {
  const sort = options.sort && Object.keys(options.sort).length > 0 ? options.sort : undefined;
  const { docs: found, sorted } = yield* matchingRun(collection, options.filter, { matcher, collator: options.collator }, { sort, limit: options.limit });
  if (sort && !sorted) found.sort(compileSort(sort, options.collator ? { collator: options.collator } : {}));
  return options.limit === undefined ? found : found.slice(0, options.limit);
}

/**
 * The stored version of a target after earlier writes (or pauses) of the same command: gone,
 * or changed so that it no longer matches, it is skipped (mongod re-checks after yielding).
 */
function currentVersion(collection: Collection, target: Document, matcher: Matcher): Document | undefined {
  const current = collection.getById(target._id);
  if (!current) return undefined;
  if (current !== target && !matcher.test(current)) return undefined;
  return current;
}

/** _id first, generated when missing, as mongod arranges an inserted document. */
function withIdFirst(doc: Document): Document {
  if (doc._id === undefined) return { _id: new ObjectId(), ...doc };
  if (Object.keys(doc)[0] === '_id') return doc;
  const { _id, ...rest } = doc;
  return { _id, ...rest };
}

// ---------------------------------------------------------------- insert

/** Top-level Timestamp(0, 0) values are filled in with the current time (manual: BSON Types, Timestamps). */
function fillEmptyTimestamps(doc: Document): Document {
  let copy: Document | undefined;
  for (const [key, value] of Object.entries(doc)) {
    if (value instanceof Timestamp && value.isZero()) {
      copy ??= { ...doc };
      setOwnField(copy, key, new Timestamp({ t: Math.floor(Date.now() / 1000), i: 1 }));
    }
  }
  return copy ?? doc;
}

export function prepareInsert(raw: unknown): Document {
  if (!isPlainObject(raw)) throw wrongType('insert.documents', raw, 'object');
  const size = calculateObjectSize(raw);
  if (size > MAX_DOCUMENT_SIZE) {
    throw new CommandError('BadValue', `object to insert too large. size in bytes: ${size}, max size: ${MAX_DOCUMENT_SIZE}`);
  }
  if (raw._id !== undefined) {
    // An insert refuses these with BadValue (mongod's fixDocumentForInsert); updates answer 53.
    const type = bsonType(raw._id);
    if (type === 'array') throw new CommandError('BadValue', "can't use an array for _id");
    if (type === 'regex' || type === 'undefined') throw new CommandError('BadValue', `can't use a ${type} for _id`);
    checkStorableId(raw._id);
  }
  return withIdFirst(fillEmptyTimestamps(raw));
}

export const insert: CommandHandler = (command, context) => {
  const { name, statements: documents, ordered } = parseWriteBatch(command, 'insert', 'documents');
  writableCollection(context, name);
  return runInsert(context, name, documents, ordered);
};

function* runInsert(context: CommandContext, name: string, documents: unknown[], ordered: boolean): CommandRun {
  const collection = documents.length > 0 ? context.catalog.ensureCollection(context.db, name) : undefined;
  const writeErrors: WriteError[] = [];
  let n = 0;
  for (let index = 0; index < documents.length; index += 1) {
    if (ordered && writeErrors.length > 0) break;
    try {
      context.catalog.insert(collection!, prepareInsert(documents[index]));
      n += 1;
    } catch (error) {
      writeErrors.push(toWriteError(index, error));
    }
    if ((index + 1) % WRITES_PER_PAUSE === 0) yield PAUSE;
  }
  return writeErrors.length > 0 ? { n, writeErrors } : { n };
}

// ---------------------------------------------------------------- delete

interface DeleteStatement {
  q: Document;
  limitOne: boolean;
  collator: Collator | undefined;
  hint: unknown;
}

function parseDeleteStatement(statement: unknown): DeleteStatement {
  const raw = withQuery(statement, 'delete.deletes');
  if (raw.limit === undefined) throw missingField('delete.deletes.limit');
  if (!isNumeric(raw.limit)) throw wrongType('delete.deletes.limit', raw.limit, 'int');
  const limit = toNumber(raw.limit);
  if (limit !== 0 && limit !== 1) throw new CommandError('FailedToParse', `The limit field in delete objects must be 0 or 1. Got ${limit}`);
  return { q: raw.q, limitOne: limit === 1, collator: parseCollation(optionalDocument(raw.collation, 'delete.deletes.collation')), hint: raw.hint };
}

export const deleteCommand: CommandHandler = (command, context) => {
  const { name, statements: deletes, ordered } = parseWriteBatch(command, 'delete', 'deletes');
  const variables = evaluateLet(command.let, 'delete');
  // Statements are parsed with the command (mongod's IDL): a malformed one fails the whole command.
  const statements = deletes.map(parseDeleteStatement);
  writableCollection(context, name);
  return runDelete(context, name, statements, ordered, variables);
};

function* runDelete(context: CommandContext, name: string, statements: DeleteStatement[], ordered: boolean, variables: Variables): CommandRun {
  const writeErrors: WriteError[] = [];
  let n = 0;
  for (let index = 0; index < statements.length; index += 1) {
    if (ordered && writeErrors.length > 0) break;
    try {
      const statement = statements[index]!;
      const collection = context.catalog.getCollection(context.db, name);
      checkHint(collection, statement.hint);
      const matcher = compileFilter(statement.q, { collator: statement.collator, variables });
      const targets = yield* findTargets(collection, matcher, { filter: statement.q, collator: statement.collator, limit: statement.limitOne ? 1 : undefined });
      let removed = 0;
      for (const target of targets) {
        const current = currentVersion(collection!, target, matcher);
        if (!current) continue;
        context.catalog.remove(collection!, current);
        n += 1;
        if (++removed % WRITES_PER_PAUSE === 0) yield PAUSE;
      }
    } catch (error) {
      writeErrors.push(toWriteError(index, error));
    }
  }
  return writeErrors.length > 0 ? { n, writeErrors } : { n };
}

// ---------------------------------------------------------------- update

interface UpdateStatement {
  q: Document;
  u: Document | Document[];
  constants: Document | undefined;
  multi: boolean;
  upsert: boolean;
  arrayFilters: unknown;
  collator: Collator | undefined;
  hint: unknown;
}

function parseUpdateStatement(statement: unknown): UpdateStatement {
  const raw = withQuery(statement, 'update.updates');
  if (raw.u === undefined) throw missingField('update.updates.u');
  if (!isPlainObject(raw.u) && !Array.isArray(raw.u)) throw new CommandError('FailedToParse', 'Update argument must be either an object or an array');
  if (raw.arrayFilters !== undefined && !Array.isArray(raw.arrayFilters)) throw wrongType('update.updates.arrayFilters', raw.arrayFilters, 'array');
  return {
    q: raw.q,
    u: raw.u as Document | Document[],
    constants: optionalDocument(raw.c, 'update.updates.c'),
    multi: optionalBool(raw.multi, 'update.updates.multi'),
    upsert: optionalBool(raw.upsert, 'update.updates.upsert'),
    arrayFilters: raw.arrayFilters,
    collator: parseCollation(optionalDocument(raw.collation, 'update.updates.collation')),
    hint: raw.hint,
  };
}

/** Stages an update pipeline may hold (manual: "Updates with Aggregation Pipeline"). */
const UPDATE_PIPELINE_STAGES = new Set(['$addFields', '$set', '$project', '$unset', '$replaceRoot', '$replaceWith']);

/** A pipeline update: its result replaces the document, keeping `_id` (it may not change it). */
function compilePipelineUpdate(pipeline: Document[], statement: { collator: Collator | undefined; constants: Document | undefined }, context: CommandContext, variables: Variables): CompiledUpdate {
  const allVariables: Variables = { ...variables, ...(statement.constants ?? {}) };
  // Parsed first, so an unknown stage gets the pipeline's own error (40324), as in mongod.
  const compiled = compilePipeline(pipeline, {
    ...(statement.collator ? { collator: statement.collator } : {}),
    variableNames: Object.keys(allVariables).filter((name) => name !== 'NOW'),
  });
  for (const stage of pipeline) {
    const name = Object.keys(stage)[0] ?? '';
    if (!UPDATE_PIPELINE_STAGES.has(name)) throw new CommandError('InvalidOptions', `${name} is not allowed to be used within an update`);
  }
  return {
    kind: 'pipeline',
    apply(doc, options) {
      const pipelineContext = { db: context.db, catalog: context.catalog, variables: allVariables, ...(statement.collator ? { collator: statement.collator } : {}) };
      const [result] = drain(compiled.run(streamOf([doc]), pipelineContext));
      if (!result) throw new CommandError('BadValue', 'The update pipeline produced no document');
      // The result replaces the document; _id may be left out but not changed.
      return compileUpdate(result).apply(doc, options);
    },
  };
}

interface UpdateOutcome {
  matched: number;
  modified: number;
  upsertedId?: unknown;
  before?: Document;
  after?: Document;
}

interface UpdatePlan {
  q: Document;
  update: CompiledUpdate;
  multi: boolean;
  upsert: boolean;
  collator: Collator | undefined;
  variables: Variables;
  sort?: Document | undefined;
}

function compileStatementUpdate(statement: UpdateStatement, context: CommandContext, variables: Variables): CompiledUpdate {
  if (Array.isArray(statement.u)) {
    if (statement.arrayFilters !== undefined) throw new CommandError('FailedToParse', 'arrayFilters may not be specified for pipeline-style updates');
    return compilePipelineUpdate(statement.u, statement, context, variables);
  }
  if (statement.constants !== undefined) throw new CommandError('FailedToParse', 'Constant values may only be specified for pipeline updates');
  if (statement.multi && !isOperatorUpdate(statement.u)) {
    throw new CommandError('FailedToParse', 'multi update is not supported for replacement-style update');
  }
  return compileUpdate(statement.u, { arrayFilters: statement.arrayFilters, ...(statement.collator ? { collator: statement.collator } : {}), isUpsert: statement.upsert });
}

/**
 * One update statement: each document is updated all-or-nothing, as in MongoDB. `progress`
 * counts as it goes, so documents updated before a failing one are still reported.
 */
function* runUpdate(context: CommandContext, name: string, plan: UpdatePlan, progress: { matched: number; modified: number } = { matched: 0, modified: 0 }): Generator<Pause, UpdateOutcome, void> {
  const collection = context.catalog.getCollection(context.db, name);
  const matcher = compileFilter(plan.q, { collator: plan.collator, variables: plan.variables });
  const targets = yield* findTargets(collection, matcher, { filter: plan.q, collator: plan.collator, sort: plan.sort, limit: plan.multi ? undefined : 1 });
  if (targets.length === 0) {
    if (!plan.upsert) return { matched: 0, modified: 0 };
    return upsertDocument(context, name, plan);
  }
  let before: Document | undefined;
  let after: Document | undefined;
  for (const target of targets) {
    const current = currentVersion(collection!, target, matcher);
    if (!current) continue;
    const result = plan.update.apply(current, { inserting: false, matcher });
    if (result.modified) context.catalog.replace(collection!, current, result.doc);
    progress.matched += 1;
    if (result.modified) progress.modified += 1;
    before = current;
    after = result.doc;
    if (progress.matched % WRITES_PER_PAUSE === 0) yield PAUSE;
  }
  return { matched: progress.matched, modified: progress.modified, ...(before ? { before } : {}), ...(after ? { after } : {}) };
}

/** Manual, "Upsert Behavior": the query's equality fields, then the update, then an _id if none. */
function upsertDocument(context: CommandContext, name: string, plan: UpdatePlan): UpdateOutcome {
  const seed = upsertSeed(plan.q, plan.update.kind === 'replacement');
  let doc = withIdFirst(plan.update.apply(seed, { inserting: true }).doc);
  checkStorableId(doc._id);
  if (calculateObjectSize(doc) > MAX_DOCUMENT_SIZE) throw new CommandError(17420, `Document to upsert is larger than ${MAX_DOCUMENT_SIZE}`);
  doc = fillEmptyTimestamps(doc);
  const collection = context.catalog.ensureCollection(context.db, name);
  context.catalog.insert(collection, doc);
  return { matched: 0, modified: 0, upsertedId: doc._id, after: doc };
}

export const updateCommand: CommandHandler = (command, context) => {
  const { name, statements: updates, ordered } = parseWriteBatch(command, 'update', 'updates');
  const variables = evaluateLet(command.let, 'update');
  // Statements are parsed with the command (mongod's IDL): a malformed one fails the whole command.
  const statements = updates.map(parseUpdateStatement);
  writableCollection(context, name);
  return runUpdateCommand(context, name, statements, ordered, variables);
};

function* runUpdateCommand(context: CommandContext, name: string, statements: UpdateStatement[], ordered: boolean, variables: Variables): CommandRun {
  const writeErrors: WriteError[] = [];
  const upserted: Document[] = [];
  let n = 0;
  let nModified = 0;
  for (let index = 0; index < statements.length; index += 1) {
    if (ordered && writeErrors.length > 0) break;
    const progress = { matched: 0, modified: 0 };
    try {
      const statement = statements[index]!;
      checkHint(context.catalog.getCollection(context.db, name), statement.hint);
      const update = compileStatementUpdate(statement, context, variables);
      const outcome = yield* runUpdate(context, name, { q: statement.q, update, multi: statement.multi, upsert: statement.upsert, collator: statement.collator, variables }, progress);
      if (outcome.upsertedId !== undefined) {
        upserted.push({ index, _id: outcome.upsertedId });
        n += 1;
      }
    } catch (error) {
      writeErrors.push(toWriteError(index, error));
    }
    n += progress.matched;
    nModified += progress.modified;
  }
  const reply: Document = { n, nModified };
  if (upserted.length > 0) reply.upserted = upserted;
  if (writeErrors.length > 0) reply.writeErrors = writeErrors;
  return reply;
}

// ---------------------------------------------------------------- findAndModify

interface FindAndModifyRequest {
  query: Document;
  sort: Document | undefined;
  fields: Document | undefined;
  remove: boolean;
  update: Document | Document[] | undefined;
  returnNew: boolean;
  upsert: boolean;
  arrayFilters: unknown;
  collator: Collator | undefined;
  hint: unknown;
}

function parseFindAndModify(command: Document): FindAndModifyRequest {
  const field = (name: string): string => `findAndModify.${name}`;
  const update = command.update;
  if (update !== undefined && !isPlainObject(update) && !Array.isArray(update)) {
    throw new CommandError('FailedToParse', 'Update argument must be either an object or an array');
  }
  if (command.arrayFilters !== undefined && !Array.isArray(command.arrayFilters)) throw wrongType(field('arrayFilters'), command.arrayFilters, 'array');
  const request: FindAndModifyRequest = {
    query: optionalDocument(command.query, field('query')) ?? {},
    sort: optionalDocument(command.sort, field('sort')),
    fields: optionalDocument(command.fields, field('fields')),
    remove: optionalBool(command.remove, field('remove')),
    update: update as Document | Document[] | undefined,
    returnNew: optionalBool(command.new, field('new')),
    upsert: optionalBool(command.upsert, field('upsert')),
    arrayFilters: command.arrayFilters,
    collator: parseCollation(optionalDocument(command.collation, field('collation'))),
    hint: command.hint,
  };
  optionalBool(command.bypassDocumentValidation, field('bypassDocumentValidation'));
  // mongod's checks, in its order (find_and_modify.cpp).
  if (request.remove) {
    if (update !== undefined) throw new CommandError('FailedToParse', 'Cannot specify both an update and remove=true');
    if (request.upsert) throw new CommandError('FailedToParse', 'Cannot specify both upsert=true and remove=true ');
    if (request.returnNew) throw new CommandError('FailedToParse', "Cannot specify both new=true and remove=true; 'remove' always returns the deleted document");
    if (request.arrayFilters !== undefined) throw new CommandError('FailedToParse', 'Cannot specify arrayFilters and remove=true');
  } else if (update === undefined) {
    throw new CommandError('FailedToParse', 'Either an update or remove=true must be specified');
  }
  return request;
}

export const findAndModify: CommandHandler = (command, context) => {
  const commandName = 'findAndModify' in command ? 'findAndModify' : 'findandmodify';
  const name = collectionName(command, commandName);
  const request = parseFindAndModify(command);
  const variables = evaluateLet(command.let, 'findAndModify');
  writableCollection(context, name);
  checkHint(context.catalog.getCollection(context.db, name), request.hint);
  // The projection is checked before anything is written.
  const project = request.fields && Object.keys(request.fields).length > 0
    ? compileProjection(request.fields, { ...(request.collator ? { collator: request.collator } : {}), variables })
    : undefined;
  return runFindAndModify(context, name, request, variables, project);
};

function* runFindAndModify(
  context: CommandContext,
  name: string,
  request: FindAndModifyRequest,
  variables: Variables,
  project: ((doc: Document, matcher?: Matcher) => Document) | undefined,
): CommandRun {
  const matcher = compileFilter(request.query, { collator: request.collator, variables });
  const shape = (doc: Document | undefined): Document | null => (doc ? (project ? project(doc, matcher) : doc) : null);
  if (request.remove) {
    const collection = context.catalog.getCollection(context.db, name);
    const [target] = yield* findTargets(collection, matcher, { filter: request.query, collator: request.collator, sort: request.sort, limit: 1 });
    if (target) context.catalog.remove(collection!, target);
    return { lastErrorObject: { n: target ? 1 : 0 }, value: shape(target) };
  }
  const statement: UpdateStatement = {
    q: request.query,
    u: request.update!,
    constants: undefined,
    multi: false,
    upsert: request.upsert,
    arrayFilters: request.arrayFilters,
    collator: request.collator,
    hint: request.hint,
  };
  const update = compileStatementUpdate(statement, context, variables);
  const outcome = yield* runUpdate(context, name, { q: request.query, update, multi: false, upsert: request.upsert, collator: request.collator, variables, sort: request.sort });
  const upserted = outcome.upsertedId !== undefined;
  const lastErrorObject: Document = { n: upserted ? 1 : outcome.matched, updatedExisting: outcome.matched > 0 };
  if (upserted) lastErrorObject.upserted = outcome.upsertedId;
  const value = request.returnNew ? outcome.after : outcome.before;
  return { lastErrorObject, value: shape(value) };
}
