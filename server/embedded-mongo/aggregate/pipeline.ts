// The pipeline: parsed and validated whole before it runs, then run as a chain of generators.
import type { Document } from 'bson';
import { isPlainObject, type Collator } from '../bson/index';
import { CommandError } from '../errors';
import type { Variables } from './expressions/index';
import type { Stream } from './pause';
import { scanCollection } from './source';
import type { CompiledStage, ParseContext, PipelineContext } from './stage';
import { COLLECTION_STAGES, FIRST_ONLY, NOT_IN_FACET, STAGES, WRITE_STAGES } from './stages/index';
import { parseCollStats, parseIndexStats, parsePlanCacheStats } from './stages/sources';
import type { SortStage } from './stages/sort';
import { readNamespace, viewDefinition } from './view';

export interface CompileOptions {
  collator?: Collator;
  /** Names `let` defines (the command's, or an enclosing $lookup's). */
  variableNames?: readonly string[];
  /** Inside $facet, $lookup or $unionWith. */
  nested?: ParseContext['nested'];
  /** The collection the pipeline runs on ($collStats and $indexStats describe it). */
  collection?: string;
  /** When the store started ($indexStats reports it as the start of its counters). */
  startedAt?: Date;
}

export interface CompiledPipeline {
  readonly stages: readonly CompiledStage[];
  run(source: Stream, context: PipelineContext): Stream;
}

/** System variables are built in; only user variables are declared to the expression compiler. */
const SYSTEM_VARIABLES = new Set(['ROOT', 'CURRENT', 'NOW', 'CLUSTER_TIME', 'REMOVE', 'DESCEND', 'PRUNE', 'KEEP', 'SEARCH_META', 'USER_ROLES']);

export function userVariableNames(variables: Variables): string[] {
  return Object.keys(variables).filter((name) => !SYSTEM_VARIABLES.has(name));
}

export function compilePipeline(pipeline: unknown, options: CompileOptions = {}): CompiledPipeline {
  if (!Array.isArray(pipeline)) throw new CommandError('TypeMismatch', "'pipeline' option must be specified as an array");
  const stages: CompiledStage[] = [];
  pipeline.forEach((stage: unknown, position) => {
    if (!isPlainObject(stage)) throw new CommandError('TypeMismatch', "Each element of the 'pipeline' array must be an object");
    const names = Object.keys(stage);
    if (names.length !== 1) throw new CommandError(40323, 'A pipeline stage specification object must contain exactly one field.');
    const name = names[0]!;
    const parse: ParseContext = {
      ...(options.collator ? { collator: options.collator } : {}),
      variableNames: options.variableNames ?? [],
      nested: options.nested,
      position,
      isLast: position === pipeline.length - 1,
    };
    if (COLLECTION_STAGES.has(name)) {
      const target = { ...(options.collection !== undefined ? { collection: options.collection } : {}) };
      const startedAt = options.startedAt ?? new Date();
      if (name === '$collStats') stages.push(parseCollStats(stage[name], target));
      else if (name === '$planCacheStats') stages.push(parsePlanCacheStats(stage[name], target));
      else stages.push(parseIndexStats(stage[name], target, () => startedAt));
      return;
    }
    const parser = STAGES[name];
    if (!parser) throw new CommandError(40324, `Unrecognized pipeline stage name: '${name}'`);
    stages.push(parser(stage[name], parse));
  });
  validatePositions(stages, options.nested);
  coalesceSortAndLimit(stages);
  return {
    stages,
    run: (source, context) => chain(source, stages, context),
  };
}

function validatePositions(stages: readonly CompiledStage[], nested: CompileOptions['nested']): void {
  stages.forEach((stage, position) => {
    const name = stage.name;
    if (nested === 'facet' && NOT_IN_FACET.has(name)) throw new CommandError(40600, `${name} is not allowed to be used within a $facet stage`);
    if (WRITE_STAGES.has(name)) {
      if (nested === 'lookup') throw new CommandError(51047, `${name} is not allowed to be used within a $lookup stage`);
      if (nested === 'unionWith') throw new CommandError(31441, `${name} is not allowed to be used within a $unionWith stage`);
      if (position !== stages.length - 1) throw new CommandError(40601, `${name} can only be the final stage in the pipeline`);
    }
    if (FIRST_ONLY.has(name) && position !== 0) throw new CommandError(40602, `${name} is only valid as the first stage in a pipeline`);
  });
}

/** A $sort followed by $limit (after any $skip) needs to keep only skip + limit documents. */
function coalesceSortAndLimit(stages: readonly CompiledStage[]): void {
  stages.forEach((stage, i) => {
    if (stage.name !== '$sort') return;
    let skipped = 0;
    for (let j = i + 1; j < stages.length; j += 1) {
      const next = stages[j]!;
      if (next.name === '$skip') skipped += next.spec as number;
      else if (next.name === '$limit') {
        (stage as SortStage).keep = skipped + (next.spec as number);
        return;
      } else return;
    }
  });
}

function chain(source: Stream, stages: readonly CompiledStage[], context: PipelineContext): Stream {
  let stream = source;
  for (const stage of stages) stream = stage.run(stream, context);
  return stream;
}

/** Compiles `pipeline` for `context` (its collator and variables) and runs it over `source`. */
export function runPipeline(source: Stream, pipeline: readonly Document[], context: PipelineContext): Stream {
  const compiled = compilePipeline(pipeline, {
    ...(context.collator ? { collator: context.collator } : {}),
    variableNames: userVariableNames(context.variables),
  });
  return compiled.run(source, context);
}

/**
 * Runs a compiled pipeline over a collection (or a view, or nothing for `aggregate: 1`). A
 * leading $match lets the planner use an index, and a $sort there (after the $match, or
 * first) is served by an index when one gives that order, so a sorted limit stays cheap.
 */
export function runOnCollection(
  compiled: CompiledPipeline,
  collection: string | undefined,
  context: PipelineContext,
  options: { hint?: string | Document } = {},
): Stream {
  const stages = compiled.stages;
  if (collection === undefined) return chain(emptyStream(), stages, context);
  const stored = context.catalog.getCollection(context.db, collection);
  const view = viewDefinition(stored?.options);
  if (view) {
    return chain(readNamespace(context, context.db, collection), stages, context);
  }
  let index = 0;
  const first = stages[0];
  const filter = first?.name === '$match' ? (first.spec as Document) : undefined;
  if (filter) index = 1;
  const sortStage = stages[index]?.name === '$sort' ? (stages[index] as SortStage) : undefined;
  const sortSpec = sortStage && Object.values(sortStage.spec as Document).every((direction) => typeof direction !== 'object') ? (sortStage.spec as Document) : undefined;
  const scan = scanCollection(context.catalog, context.db, collection, {
    ...(filter ? { filter } : {}),
    ...(sortSpec ? { sort: sortSpec } : {}),
    ...(sortSpec && sortStage?.keep !== undefined ? { limit: sortStage.keep } : {}),
    ...(context.collator ? { collator: context.collator } : {}),
    ...(options.hint !== undefined ? { hint: options.hint } : {}),
  });
  // The $match still tests every candidate; an index that gives the order makes the $sort moot.
  const remaining = scan.ordered ? stages.filter((stage) => stage !== sortStage) : stages;
  return chain(scan.stream, remaining, context);
}

function* emptyStream(): Stream {
  // No documents: a collection-less pipeline starts from its first stage ($documents...).
}
