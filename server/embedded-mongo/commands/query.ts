// Query execution on top of mingo: index-assisted candidate selection, then mingo for
// matching, sorting, projection and aggregation.
import type { Document } from 'bson';
import { Aggregator, Query } from 'mingo';
import type { Options } from 'mingo/types';
import { CommandError } from '../errors';
import type { Catalog } from '../storage/catalog';
import type { Collection } from '../storage/collection';
import { cloneDocument } from '../storage/values';

export interface FindOptions {
  filter?: Document;
  sort?: Document;
  projection?: Document;
  skip?: number;
  limit?: number;
  collation?: Document;
}

export function mingoOptions(catalog: Catalog, db: string, collation?: Document, cloneForeign = false): Partial<Options> {
  return {
    idKey: '_id',
    // $lookup/$graphLookup name collections of the same database. Joined documents are copied
    // when a later stage could modify them in place.
    collectionResolver: (name: string) => {
      const docs = [...(catalog.getCollection(db, name)?.docs.values() ?? [])];
      return cloneForeign ? docs.map(cloneDocument) : docs;
    },
    ...(collation ? { collation: collation as Options['collation'] } : {}),
  };
}

/** Runs mingo, turning its exceptions into the BadValue errors a server would report. */
export function withMingo<T>(run: () => T): T {
  try {
    return run();
  } catch (error) {
    if (error instanceof CommandError) throw error;
    const message = error instanceof Error ? error.message : String(error);
    // Keep the codes drivers and apps branch on for the mistakes mingo detects itself.
    if (/immutable field '_id'/.test(message)) throw new CommandError('ImmutableField', message);
    if (/Unknown update operator/.test(message)) throw new CommandError('FailedToParse', message);
    throw new CommandError('BadValue', message);
  }
}

export function compileFilter(filter: Document | undefined, options: Partial<Options>): Query {
  return withMingo(() => new Query(filter ?? {}, options));
}

/** Documents matching the filter, in natural order, before sort/skip/limit. */
export function matchingDocuments(catalog: Catalog, collection: Collection | undefined, filter: Document | undefined, collation?: Document): Document[] {
  if (!collection) return [];
  const query = compileFilter(filter, mingoOptions(catalog, collection.database, collation));
  // A collation can make strings equal that hash differently, so indexes are bypassed with one.
  const candidates = collection.candidates(filter, !collation);
  return candidates.filter((doc) => query.test(doc));
}

export function findDocuments(catalog: Catalog, collection: Collection | undefined, options: FindOptions): Document[] {
  if (!collection) return [];
  const mingo = mingoOptions(catalog, collection.database, options.collation);
  const candidates = collection.candidates(options.filter, !options.collation);
  return withMingo(() => {
    const query = new Query(options.filter ?? {}, mingo);
    const projection = options.projection && Object.keys(options.projection).length > 0 ? options.projection : undefined;
    // mingo removes excluded nested fields from the object it is given, so those projections
    // run on copies: stored documents must never change outside a write.
    const copyFirst = projection !== undefined && Object.entries(projection).some(([key, value]) => key.includes('.') && !value);
    let cursor = query.find<Document>(candidates, copyFirst ? undefined : projection);
    if (options.sort && Object.keys(options.sort).length > 0) cursor = cursor.sort(normaliseSort(options.sort));
    if (options.skip) cursor = cursor.skip(options.skip);
    if (options.limit) cursor = cursor.limit(Math.abs(options.limit));
    const docs = cursor.all();
    if (!projection) return docs;
    const projected = copyFirst ? new Query(options.filter ?? {}, mingo).find<Document>(docs.map(cloneDocument), projection).all() : docs;
    return projected.map(idFirst);
  });
}

/** mingo appends _id after projected fields; mongod keeps it first, as stored. */
function idFirst(doc: Document): Document {
  const keys = Object.keys(doc);
  if (keys.length < 2 || keys[0] === '_id' || !('_id' in doc)) return doc;
  const { _id, ...rest } = doc;
  return { _id, ...rest };
}

/** `{ $natural: 1 }` means insertion order, which is what an unsorted scan already gives. */
function normaliseSort(sort: Document): Document {
  const out: Document = {};
  for (const [key, direction] of Object.entries(sort)) {
    if (key === '$natural') continue;
    if (typeof direction === 'object') continue; // { $meta: 'textScore' } has no meaning without $text
    out[key] = Number(direction) < 0 ? -1 : 1;
  }
  return out;
}

/** Aggregation over a collection; a leading $match is answered from indexes when it can be. */
/** Stages mingo runs without modifying the documents it is given. */
const NON_MUTATING_STAGES = new Set(['$match', '$sort', '$skip', '$limit', '$count', '$group', '$lookup', '$unwind', '$sortByCount', '$bucket', '$bucketAuto', '$sample']);

function pipelineIsReadOnly(pipeline: Document[]): boolean {
  return pipeline.every((stage) => {
    const [name] = Object.keys(stage);
    const spec = name ? stage[name] : undefined;
    if (name === '$project') return Object.values(spec as Document).every((value) => value !== 0 && value !== false);
    if (name === '$facet') return Object.values(spec as Document).every((sub) => pipelineIsReadOnly(sub as Document[]));
    return name !== undefined && NON_MUTATING_STAGES.has(name);
  });
}

export function aggregateDocuments(catalog: Catalog, db: string, collection: Collection | undefined, pipeline: Document[], collation?: Document): Document[] {
  // mingo's $set/$addFields/$unset change nested objects in place; such pipelines run on copies.
  const readOnly = pipelineIsReadOnly(pipeline);
  const options = mingoOptions(catalog, db, collation, !readOnly);
  const first = pipeline[0];
  let source: Document[] = [];
  let stages = pipeline;
  if (collection) {
    if (first && first.$match && typeof first.$match === 'object') {
      source = matchingDocuments(catalog, collection, first.$match as Document, collation);
      stages = pipeline.slice(1);
    } else {
      source = [...collection.docs.values()];
    }
  }
  for (const stage of stages) {
    const name = Object.keys(stage)[0];
    if (name === '$out' || name === '$merge') {
      throw new CommandError('NotImplemented', `${name} is not supported by the embedded store`);
    }
  }
  if (stages.length === 0) return source;
  const input = readOnly ? source : source.map(cloneDocument);
  return withMingo(() => new Aggregator(stages, options).run(input) as Document[]);
}
