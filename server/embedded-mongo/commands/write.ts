// insert, update, delete and findAndModify.
import { ObjectId, type Document } from 'bson';
import { Aggregator, update as applyOperators } from 'mingo';
import { CommandError, errorToReply } from '../errors';
import type { Catalog } from '../storage/catalog';
import { cloneDocument, encodeValue, isPlainObject, setAtPath } from '../storage/values';
import { collectionName, type CommandHandler, type CommandContext } from './context';
import { findDocuments, matchingDocuments, mingoOptions, withMingo } from './query';

interface WriteError { index: number; code: number; errmsg: string; [extra: string]: unknown }

function toWriteError(index: number, error: unknown): WriteError {
  const reply = errorToReply(error);
  const { ok: _ok, errmsg, code, codeName: _codeName, ...extra } = reply;
  return { index, code: code as number, errmsg: errmsg as string, ...extra };
}

/** _id comes first in stored documents, as mongod arranges it. */
function withIdFirst(doc: Document): Document {
  if (doc._id === undefined) return { _id: new ObjectId(), ...doc };
  if (Object.keys(doc)[0] === '_id') return doc;
  const { _id, ...rest } = doc;
  return { _id, ...rest };
}

export const insert: CommandHandler = (command, context) => {
  const name = collectionName(command, 'insert');
  const documents = (command.documents as Document[] | undefined) ?? [];
  const ordered = command.ordered !== false;
  const collection = context.catalog.ensureCollection(context.db, name);
  const writeErrors: WriteError[] = [];
  let n = 0;
  documents.forEach((raw, index) => {
    if (ordered && writeErrors.length > 0) return;
    try {
      const doc = withIdFirst(raw);
      if (Array.isArray(doc._id)) throw new CommandError('BadValue', "can't use an array for _id");
      context.catalog.insert(collection, doc);
      n += 1;
    } catch (error) {
      writeErrors.push(toWriteError(index, error));
    }
  });
  return writeErrors.length > 0 ? { n, writeErrors } : { n };
};

export const deleteCommand: CommandHandler = (command, context) => {
  const collection = context.catalog.getCollection(context.db, collectionName(command, 'delete'));
  const statements = (command.deletes as Document[] | undefined) ?? [];
  let n = 0;
  for (const statement of statements) {
    const matches = matchingDocuments(context.catalog, collection, statement.q as Document, statement.collation as Document | undefined);
    const targets = Number(statement.limit) === 1 ? matches.slice(0, 1) : matches;
    for (const doc of targets) context.catalog.remove(collection!, doc);
    n += targets.length;
  }
  return { n };
};

type UpdateSpec = Document | Document[];

function isOperatorUpdate(update: UpdateSpec): boolean {
  return !Array.isArray(update) && Object.keys(update).some((key) => key.startsWith('$'));
}

/** Applies an update document (operators, replacement or pipeline) to a copy of `doc`. */
function applyUpdate(catalog: Catalog, db: string, doc: Document, update: UpdateSpec, options: { arrayFilters?: Document[]; filter?: Document; inserting: boolean }): Document {
  if (Array.isArray(update)) {
    return withMingo(() => new Aggregator(update, mingoOptions(catalog, db)).run([cloneDocument(doc)])[0] as Document);
  }
  if (!isOperatorUpdate(update)) {
    // Replacement: keep _id, take everything else from the new document.
    return withIdFirst({ ...(update as Document), _id: doc._id });
  }
  const modifier: Document = {};
  for (const [operator, fields] of Object.entries(update as Document)) {
    if (operator === '$setOnInsert') {
      if (options.inserting) modifier.$set = { ...(modifier.$set as Document | undefined), ...(fields as Document) };
      continue;
    }
    if (operator === '$set') {
      modifier.$set = { ...(fields as Document), ...(modifier.$set as Document | undefined) };
      continue;
    }
    modifier[operator] = fields;
  }
  const copy = cloneDocument(doc);
  if (Object.keys(modifier).length === 0) return copy;
  withMingo(() => applyOperators(copy, modifier, options.arrayFilters, options.filter, { cloneMode: 'deep' }));
  return copy;
}

/** The document an upsert starts from: the filter's equality fields. */
function upsertSeed(filter: Document | undefined): Document {
  const seed: Document = {};
  const take = (clause: Document): void => {
    for (const [field, condition] of Object.entries(clause)) {
      if (field === '$and' && Array.isArray(condition)) {
        for (const inner of condition) if (isPlainObject(inner)) take(inner);
        continue;
      }
      if (field.startsWith('$')) continue;
      if (isPlainObject(condition) && Object.keys(condition).some((key) => key.startsWith('$'))) {
        if ('$eq' in condition) setAtPath(seed, field, cloneDocument(condition.$eq));
        continue;
      }
      if (condition instanceof RegExp) continue;
      setAtPath(seed, field, cloneDocument(condition));
    }
  };
  if (filter) take(filter);
  return seed;
}

interface UpdateOutcome { matched: number; modified: number; upsertedId?: unknown; before?: Document; after?: Document }

/** One update statement: all-or-nothing per document, as in MongoDB. */
function runUpdate(
  context: CommandContext,
  collectionNameValue: string,
  statement: { q?: Document; u: UpdateSpec; multi?: boolean; upsert?: boolean; arrayFilters?: Document[]; collation?: Document; sort?: Document },
): UpdateOutcome {
  const { catalog, db } = context;
  const existing = catalog.getCollection(db, collectionNameValue);
  if (statement.multi && !Array.isArray(statement.u) && !isOperatorUpdate(statement.u)) {
    throw new CommandError('FailedToParse', 'multi update is not supported for replacement-style update');
  }
  let matches = statement.sort
    ? findDocuments(catalog, existing, { filter: statement.q, sort: statement.sort, limit: 1, collation: statement.collation })
    : matchingDocuments(catalog, existing, statement.q, statement.collation);
  if (!statement.multi) matches = matches.slice(0, 1);
  if (matches.length === 0) {
    if (!statement.upsert) return { matched: 0, modified: 0 };
    const collection = catalog.ensureCollection(db, collectionNameValue);
    let doc: Document;
    if (Array.isArray(statement.u) || isOperatorUpdate(statement.u)) {
      doc = applyUpdate(catalog, db, upsertSeed(statement.q), statement.u, { arrayFilters: statement.arrayFilters, inserting: true });
    } else {
      // A replacement upsert keeps the filter's _id when the replacement has none.
      const replacement = statement.u as Document;
      const filterId = upsertSeed(statement.q)._id;
      doc = replacement._id === undefined && filterId !== undefined ? { _id: filterId, ...replacement } : { ...replacement };
    }
    doc = withIdFirst(doc);
    catalog.insert(collection, doc);
    return { matched: 0, modified: 0, upsertedId: doc._id, after: doc };
  }
  const collection = existing!;
  let modified = 0;
  let before: Document | undefined;
  let after: Document | undefined;
  for (const doc of matches) {
    const next = applyUpdate(catalog, db, doc, statement.u, { arrayFilters: statement.arrayFilters, filter: statement.q, inserting: false });
    before = doc;
    after = next;
    if (encodeValue(next) === encodeValue(doc)) continue;
    catalog.replace(collection, doc, next);
    modified += 1;
  }
  return { matched: matches.length, modified, before, after };
}

export const updateCommand: CommandHandler = (command, context) => {
  const name = collectionName(command, 'update');
  const statements = (command.updates as Document[] | undefined) ?? [];
  const ordered = command.ordered !== false;
  const writeErrors: WriteError[] = [];
  const upserted: Document[] = [];
  let n = 0;
  let nModified = 0;
  statements.forEach((statement, index) => {
    if (ordered && writeErrors.length > 0) return;
    try {
      const outcome = runUpdate(context, name, statement as never);
      if (outcome.upsertedId !== undefined) {
        upserted.push({ index, _id: outcome.upsertedId });
        n += 1;
      } else {
        n += outcome.matched;
        nModified += outcome.modified;
      }
    } catch (error) {
      writeErrors.push(toWriteError(index, error));
    }
  });
  const reply: Document = { n, nModified };
  if (upserted.length > 0) reply.upserted = upserted;
  if (writeErrors.length > 0) reply.writeErrors = writeErrors;
  return reply;
};

function project(catalog: Catalog, db: string, doc: Document | undefined, fields: Document | undefined): Document | null {
  if (!doc) return null;
  if (!fields || Object.keys(fields).length === 0) return doc;
  // On a copy: an exclusion projection would otherwise strip fields from the stored document.
  return withMingo(() => new Aggregator([{ $project: fields }], mingoOptions(catalog, db)).run([cloneDocument(doc)])[0] as Document);
}

export const findAndModify: CommandHandler = (command, context) => {
  const name = collectionName(command, 'findAndModify' in command ? 'findAndModify' : 'findandmodify');
  const { catalog, db } = context;
  const filter = command.query as Document | undefined;
  const fields = command.fields as Document | undefined;
  if (command.remove) {
    const collection = catalog.getCollection(db, name);
    const [doc] = findDocuments(catalog, collection, { filter, sort: command.sort as Document | undefined, limit: 1, collation: command.collation as Document | undefined });
    if (doc) catalog.remove(collection!, doc);
    return { lastErrorObject: { n: doc ? 1 : 0 }, value: project(catalog, db, doc, fields) };
  }
  if (command.update === undefined) throw new CommandError('FailedToParse', 'Either an update or remove=true must be specified');
  const outcome = runUpdate(context, name, {
    q: filter,
    u: command.update as UpdateSpec,
    upsert: command.upsert === true,
    arrayFilters: command.arrayFilters as Document[] | undefined,
    collation: command.collation as Document | undefined,
    sort: command.sort as Document | undefined,
  });
  const lastErrorObject: Document = { n: outcome.upsertedId !== undefined ? 1 : outcome.matched, updatedExisting: outcome.matched > 0 };
  if (outcome.upsertedId !== undefined) lastErrorObject.upserted = outcome.upsertedId;
  const value = command.new ? outcome.after : outcome.before;
  return { lastErrorObject, value: project(catalog, db, value, fields) };
};
