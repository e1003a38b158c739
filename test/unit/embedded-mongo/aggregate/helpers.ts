// Runs pipelines on the engine directly, without a server: over given documents, or over a
// catalog the test fills.
import { Double, type Document } from 'bson';
import { parseCollation } from '../../../../server/embedded-mongo/bson/index';
import { compilePipeline, drain, runOnCollection, runPipeline, streamOf } from '../../../../server/embedded-mongo/aggregate/index';
import type { PipelineContext } from '../../../../server/embedded-mongo/aggregate/index';
import { Catalog } from '../../../../server/embedded-mongo/storage/catalog';

export interface RunOptions {
  catalog?: Catalog;
  collation?: Document;
  variables?: Record<string, unknown>;
}

export function contextFor(options: RunOptions = {}): PipelineContext {
  const collator = parseCollation(options.collation);
  return {
    db: 'test',
    catalog: options.catalog ?? new Catalog(),
    variables: { NOW: new Date(), ...options.variables },
    ...(collator ? { collator } : {}),
  };
}

/** The pipeline's output over `docs`. */
export function aggregate(docs: Document[], pipeline: Document[], options: RunOptions = {}): Document[] {
  return drain(runPipeline(streamOf(docs), pipeline, contextFor(options)));
}

/** The pipeline's output over a collection of `catalog` (test database). */
export function aggregateCollection(catalog: Catalog, collection: string, pipeline: Document[], options: RunOptions = {}): Document[] {
  const context = contextFor({ ...options, catalog });
  const compiled = compilePipeline(pipeline, { ...(context.collator ? { collator: context.collator } : {}), collection });
  return drain(runOnCollection(compiled, collection, context));
}

export function catalogWith(collections: Record<string, Document[]>): Catalog {
  const catalog = new Catalog();
  for (const [name, docs] of Object.entries(collections)) {
    const collection = catalog.ensureCollection('test', name);
    for (const doc of docs) catalog.insert(collection, doc);
  }
  catalog.takePending();
  return catalog;
}

/** A double as a plain number (other values as they are), to compare a result with a literal. */
export function plain(value: unknown): unknown {
  return value instanceof Double ? value.value : value;
}
