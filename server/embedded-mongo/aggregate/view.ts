// Views: a collection whose options name `viewOn` and `pipeline` is read by running that
// pipeline over its source (itself possibly a view), as mongod resolves views.
import type { Document } from 'bson';
import { CommandError } from '../errors';
import type { Stream } from './pause';
import { runPipeline } from './pipeline';
import { scanCollection } from './source';
import type { PipelineContext } from './stage';

/** mongod refuses views nested deeper than 20. */
const MAX_VIEW_DEPTH = 20;

export interface ViewDefinition {
  viewOn: string;
  pipeline: Document[];
}

export function viewDefinition(options: Document | undefined): ViewDefinition | undefined {
  if (!options || typeof options.viewOn !== 'string') return undefined;
  return { viewOn: options.viewOn, pipeline: Array.isArray(options.pipeline) ? (options.pipeline as Document[]) : [] };
}

/**
 * The documents of `db.name`: a collection's, or a view's computed ones. `filter` lets a
 * collection (not a view) answer from an index; callers still test every document.
 */
export function readNamespace(context: PipelineContext, db: string, name: string, filter?: Document, depth = 0): Stream {
  const collection = context.catalog.getCollection(db, name);
  const view = viewDefinition(collection?.options);
  if (!view) return scanCollection(context.catalog, db, name, { ...(filter ? { filter } : {}), ...(context.collator ? { collator: context.collator } : {}) }).stream;
  if (depth >= MAX_VIEW_DEPTH) throw new CommandError('ViewDepthLimitExceeded', `View depth too deep or view cycle detected; maximum depth is ${MAX_VIEW_DEPTH}`);
  return runPipeline(readNamespace(context, db, view.viewOn, undefined, depth + 1), view.pipeline, { ...context, db });
}

/**
 * Runs a view's pipeline over its source, then `pipeline` (a query on the view). For the
 * COMMANDS helper: `find`/`aggregate`/`count`/`distinct` on a view go through here.
 */
export function aggregateView(context: PipelineContext, viewName: string, pipeline: readonly Document[] = []): Stream {
  const source = readNamespace(context, context.db, viewName);
  return pipeline.length === 0 ? source : runPipeline(source, pipeline, context);
}

