// $out and $merge: the stages that write. Every write goes through the Catalog, so it is
// journaled like any other; written documents are copies, never objects shared with the input.
import { ObjectId, type Document } from 'bson';
import { bsonType, cloneValue, getField, isPlainObject, valuesEqual } from '../../bson/index';
import { CommandError, DuplicateKeyError } from '../../errors';
import type { Catalog } from '../../storage/catalog';
import { Collection } from '../../storage/collection';
import { collect, DOCUMENTS_PER_PAUSE, PAUSE, streamOf, type Stream } from '../pause';
import { compilePipeline, type CompiledPipeline } from '../pipeline';
import type { CompiledStage, ParseContext, PipelineContext } from '../stage';
import { viewDefinition } from '../view';
import { compileExpression, type Evaluator, type Variables } from '../expressions/index';

interface Target {
  db?: string;
  coll: string;
}

function parseTarget(value: unknown, stage: '$out' | '$merge', field: string): Target {
  if (typeof value === 'string') {
    if (value.length === 0) throw new CommandError('InvalidNamespace', `Invalid ${stage} target namespace: ''`);
    return { coll: value };
  }
  if (!isPlainObject(value)) {
    throw new CommandError(stage === '$out' ? 16990 : 51178, `${stage} ${field} must be a string or an object, but found type: ${bsonType(value)}`);
  }
  for (const key of Object.keys(value)) {
    if (key !== 'db' && key !== 'coll' && !(stage === '$out' && key === 'timeseries')) {
      throw new CommandError(40415, `BSON field '${stage}.${field === 'spec' ? '' : `${field}.`}${key}' is an unknown field.`);
    }
  }
  if ('timeseries' in value) throw new CommandError('NotImplemented', '$out to a time series collection is not supported by the embedded store');
  if (typeof value.coll !== 'string' || value.coll.length === 0) {
    throw new CommandError(40414, `BSON field '${stage}.coll' is missing but a required field`);
  }
  if (value.db !== undefined && (typeof value.db !== 'string' || value.db.length === 0)) {
    throw new CommandError(13, `BSON field '${stage}.db' must be a non-empty string`);
  }
  return { coll: value.coll, ...(typeof value.db === 'string' ? { db: value.db } : {}) };
}

/** The collection written to, refusing what mongod refuses (views, system collections). */
function targetCollection(catalog: Catalog, db: string, coll: string, stage: string): Collection {
  if (coll.startsWith('system.')) throw new CommandError('InvalidNamespace', `Invalid ${stage} target namespace, ${db}.${coll}`);
  const existing = catalog.getCollection(db, coll);
  if (existing && viewDefinition(existing.options)) {
    throw new CommandError('CommandNotSupportedOnView', `Namespace ${db}.${coll} is a view, not a collection`);
  }
  return existing ?? catalog.ensureCollection(db, coll);
}

/** Documents written need an _id, as any insert does; the copy never aliases the input. */
function withId(doc: Document): Document {
  const copy = cloneValue(doc);
  if (copy._id !== undefined) return copy;
  return { _id: new ObjectId(), ...copy };
}

/**
 * $out: replaces the target's documents with the pipeline's, keeping its options and indexes.
 * Everything is checked (duplicate _ids, unique indexes) before the target is touched, so a
 * failing $out leaves it as it was, as mongod's rename-into-place does.
 */
export function parseOut(spec: unknown): CompiledStage {
  const target = parseTarget(spec, '$out', 'spec');
  return {
    name: '$out',
    spec,
    *run(input: Stream, context: PipelineContext): Stream {
      const docs = (yield* collect(input)).map(withId);
      const db = target.db ?? context.db;
      const existing = context.catalog.getCollection(db, target.coll);
      if (existing && viewDefinition(existing.options)) {
        throw new CommandError('CommandNotSupportedOnView', `Namespace ${db}.${target.coll} is a view, not a collection`);
      }
      if (target.coll.startsWith('system.')) throw new CommandError('InvalidNamespace', `Invalid $out target namespace, ${db}.${target.coll}`);
      const trial = new Collection(db, target.coll, existing?.options ?? {});
      for (const spec of existing?.indexSpecs() ?? []) if (spec.name !== '_id_') trial.addIndex(spec);
      for (let i = 0; i < docs.length; i += 1) {
        trial.insert(docs[i]!);
        if ((i + 1) % DOCUMENTS_PER_PAUSE === 0) yield PAUSE;
      }
      const collection = targetCollection(context.catalog, db, target.coll, '$out');
      for (const doc of [...collection.docs.values()]) context.catalog.remove(collection, doc);
      for (const doc of docs) context.catalog.insert(collection, doc);
    },
  };
}

type WhenMatched = 'replace' | 'keepExisting' | 'merge' | 'fail' | CompiledPipeline;
type WhenNotMatched = 'insert' | 'discard' | 'fail';

const UPDATE_PIPELINE_STAGES = new Set(['$addFields', '$set', '$project', '$unset', '$replaceRoot', '$replaceWith']);

export function parseMerge(spec: unknown, parse: ParseContext): CompiledStage {
  const options: Document = typeof spec === 'string' ? { into: spec } : isPlainObject(spec) ? spec : {};
  if (typeof spec !== 'string' && !isPlainObject(spec)) {
    throw new CommandError(51182, `$merge only supports a string or object argument, not ${bsonType(spec)}`);
  }
  for (const key of Object.keys(options)) {
    if (!['into', 'on', 'let', 'whenMatched', 'whenNotMatched'].includes(key)) {
      throw new CommandError(40415, `BSON field '$merge.${key}' is an unknown field.`);
    }
  }
  if (options.into === undefined) throw new CommandError(40414, "BSON field '$merge.into' is missing but a required field");
  const target = parseTarget(options.into, '$merge', 'into');
  const on = parseOn(options.on);
  const whenMatched = parseWhenMatched(options.whenMatched, parse, options.let);
  const whenNotMatched = parseWhenNotMatched(options.whenNotMatched);
  if (options.let !== undefined && typeof whenMatched === 'string') {
    throw new CommandError(51199, "Cannot use 'let' variables with 'whenMatched: " + whenMatched + "' mode");
  }
  const lets = parseMergeLet(options.let, parse);
  return {
    name: '$merge',
    spec,
    *run(input: Stream, context: PipelineContext): Stream {
      const db = target.db ?? context.db;
      const existing = context.catalog.getCollection(db, target.coll);
      if (!isIdOnly(on)) checkUniqueIndexOn(existing, on);
      const collection = targetCollection(context.catalog, db, target.coll, '$merge');
      let count = 0;
      for (const item of input) {
        if (item === PAUSE) {
          yield item;
          continue;
        }
        yield* mergeOne(item, collection, context, on, whenMatched, whenNotMatched, lets);
        if (++count % DOCUMENTS_PER_PAUSE === 0) yield PAUSE;
      }
    },
  };
}

function parseOn(value: unknown): string[] {
  if (value === undefined) return ['_id'];
  const fields = typeof value === 'string' ? [value] : value;
  if (!Array.isArray(fields) || fields.length === 0 || !fields.every((field) => typeof field === 'string' && field.length > 0)) {
    throw new CommandError(51186, "$merge 'on' field must be either a string or an array of strings, but found " + bsonType(value));
  }
  if (new Set(fields).size !== fields.length) throw new CommandError(31465, `Found a duplicate field '${String(fields[0])}'`);
  return fields as string[];
}

function isIdOnly(on: readonly string[]): boolean {
  return on.length === 1 && on[0] === '_id';
}

/** mongod requires a unique index on exactly the 'on' fields, so that a match is one document. */
function checkUniqueIndexOn(collection: Collection | undefined, on: readonly string[]): void {
  const wanted = [...on].sort().join('\0');
  const found = collection?.indexSpecs().some((spec) => {
    if (spec.unique !== true || spec.partialFilterExpression !== undefined) return false;
    return Object.keys(spec.key).sort().join('\0') === wanted;
  });
  if (!found) throw new CommandError(51183, 'Cannot find index to verify that join fields will be unique');
}

function parseWhenMatched(value: unknown, parse: ParseContext, letSpec: unknown): WhenMatched {
  if (value === undefined) return 'merge';
  if (Array.isArray(value)) {
    for (const stage of value) {
      const name = isPlainObject(stage) ? Object.keys(stage)[0] : undefined;
      if (name === undefined || !UPDATE_PIPELINE_STAGES.has(name)) {
        throw new CommandError(72, `${String(name)} is not allowed to be used within an update`);
      }
    }
    const names = ['new', ...(isPlainObject(letSpec) ? Object.keys(letSpec) : [])];
    return compilePipeline(value, { collator: parse.collator, variableNames: [...parse.variableNames, ...names], nested: 'lookup' });
  }
  if (value === 'replace' || value === 'keepExisting' || value === 'merge' || value === 'fail') return value;
  if (value === 'pipeline') throw new CommandError('BadValue', "Enumeration value 'pipeline' for field 'whenMatched' is not a valid value.");
  throw new CommandError('BadValue', `Enumeration value '${String(value)}' for field 'whenMatched' is not a valid value.`);
}

function parseWhenNotMatched(value: unknown): WhenNotMatched {
  if (value === undefined) return 'insert';
  if (value === 'insert' || value === 'discard' || value === 'fail') return value;
  throw new CommandError('BadValue', `Enumeration value '${String(value)}' for field 'whenNotMatched' is not a valid value.`);
}

/** `let` of $merge: `new` is the incoming document unless redefined. */
function parseMergeLet(value: unknown, parse: ParseContext): Array<[string, Evaluator]> {
  const spec: Document = isPlainObject(value) ? value : { new: '$$ROOT' };
  if (value !== undefined && !isPlainObject(value)) throw new CommandError('TypeMismatch', "BSON field '$merge.let' is the wrong type, expected type 'object'");
  const entries = Object.entries({ new: '$$ROOT', ...spec });
  return entries.map(([name, expression]) => [name, compileExpression(expression, { collator: parse.collator, variableNames: parse.variableNames })]);
}

function* mergeOne(
  input: Document,
  collection: Collection,
  context: PipelineContext,
  on: readonly string[],
  whenMatched: WhenMatched,
  whenNotMatched: WhenNotMatched,
  lets: ReadonlyArray<[string, Evaluator]>,
): Generator<typeof PAUSE, void, void> {
  const doc = isIdOnly(on) ? withId(input) : cloneValue(input);
  const keys = on.map((field) => {
    const value = getField(doc, field);
    if (value === undefined || value === null || Array.isArray(value)) {
      throw new CommandError(51132, `$merge write error: 'on' field '${field}' cannot be missing, null, undefined or an array`);
    }
    return value;
  });
  const matched = findMatch(collection, on, keys, context);
  const catalog = context.catalog;
  if (!matched) {
    if (whenNotMatched === 'fail') {
      throw new CommandError(13113, '$merge could not find a matching document in the target collection for at least one document in the source collection');
    }
    if (whenNotMatched === 'insert') catalog.insert(collection, withId(doc));
    return;
  }
  let replacement: Document;
  if (whenMatched === 'keepExisting') return;
  if (whenMatched === 'fail') {
    throw new DuplicateKeyError(collection.namespace, '_id_', { _id: 1 }, { _id: matched._id });
  }
  if (whenMatched === 'replace') replacement = { ...doc };
  else if (whenMatched === 'merge') replacement = { ...matched, ...doc };
  else {
    const vars: Variables = { ...context.variables };
    for (const [name, evaluate] of lets) vars[name] = evaluate(input, context.variables) ?? null;
    const [updated] = yield* collect(whenMatched.run(streamOf([matched]), { ...context, variables: vars }));
    replacement = updated ?? matched;
  }
  if (replacement._id === undefined) replacement = { _id: matched._id, ...replacement };
  if (!valuesEqual(replacement._id, matched._id)) {
    throw new CommandError('ImmutableField', "$merge failed to update the matching document, did you attempt to modify the _id or the shard key? :: caused by :: Performing an update on the path '_id' would modify the immutable field '_id'");
  }
  catalog.replace(collection, matched, cloneValue(replacement));
}

function findMatch(collection: Collection, on: readonly string[], keys: readonly unknown[], context: PipelineContext): Document | undefined {
  if (isIdOnly(on)) return collection.getById(keys[0]);
  const filter: Document = {};
  on.forEach((field, i) => (filter[field] = keys[i]));
  return collection.candidates(filter).find((candidate) => on.every((field, i) => valuesEqual(getField(candidate, field), keys[i], context.collator)));
}
