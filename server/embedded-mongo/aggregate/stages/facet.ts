// $facet: several pipelines over the same input, one output document with an array per facet.
import { bsonType, isPlainObject } from '../../bson/index';
import { CommandError } from '../../errors';
import { collect, streamOf, type Stream } from '../pause';
import { compilePipeline, type CompiledPipeline } from '../pipeline';
import type { CompiledStage, ParseContext, PipelineContext } from '../stage';
import { describeValue } from './projection';

/** Facet names follow the rules of field names (FieldPath::uassertValidFieldName). */
function checkFacetName(name: string): void {
  if (name === '') throw new CommandError(15998, 'FieldPath field names may not be empty strings.');
  if (name.startsWith('$')) throw new CommandError(16410, "FieldPath field names may not start with '$'. Consider using $getField or $setField.");
  if (name.includes('.')) throw new CommandError(16412, "FieldPath field names may not contain '.'. Consider using $getField or $setField.");
}

export function parseFacet(spec: unknown, parse: ParseContext): CompiledStage {
  if (!isPlainObject(spec) || Object.keys(spec).length === 0) {
    throw new CommandError(40169, `the $facet specification must be a non-empty object, but found: $facet: ${describeValue(spec)}`);
  }
  const facets: Array<[string, CompiledPipeline]> = [];
  for (const [name, pipeline] of Object.entries(spec)) {
    checkFacetName(name);
    if (!Array.isArray(pipeline)) throw new CommandError(40170, `arguments to $facet must be arrays, ${name} is type ${bsonType(pipeline)}`);
    for (const stage of pipeline) {
      if (!isPlainObject(stage)) {
        throw new CommandError(40171, `elements of arrays in $facet spec must be non-empty objects, ${name} argument contained an element of type ${bsonType(stage)}: ${describeValue(stage)}`);
      }
    }
    // mongod parses every facet, then validates it (empty first, then the stages allowed).
    const compiled = compilePipeline(pipeline, { ...(parse.collator ? { collator: parse.collator } : {}), variableNames: parse.variableNames, nested: 'facet' });
    if (pipeline.length === 0) throw new CommandError('BadValue', 'sub-pipeline in $facet stage cannot be empty');
    facets.push([name, compiled]);
  }
  return {
    name: '$facet',
    spec,
    *run(input: Stream, context: PipelineContext): Stream {
      const docs = yield* collect(input);
      const out: Record<string, unknown> = {};
      for (const [name, pipeline] of facets) out[name] = yield* collect(pipeline.run(streamOf(docs), context));
      yield out;
    },
  };
}
