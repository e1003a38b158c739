// $facet: several pipelines over the same input, one output document with an array per facet.
import { bsonType, isPlainObject } from '../../bson/index';
import { CommandError } from '../../errors';
import { collect, streamOf, type Stream } from '../pause';
import { compilePipeline, type CompiledPipeline } from '../pipeline';
import type { CompiledStage, ParseContext, PipelineContext } from '../stage';

export function parseFacet(spec: unknown, parse: ParseContext): CompiledStage {
  if (!isPlainObject(spec) || Object.keys(spec).length === 0) {
    throw new CommandError(40169, 'the $facet specification must be a non-empty object');
  }
  const facets: Array<[string, CompiledPipeline]> = [];
  for (const [name, pipeline] of Object.entries(spec)) {
    if (name.startsWith('$') || name.includes('.') || name === '') {
      throw new CommandError(40173, `FieldPath field names may not start with '$' or contain '.': ${name}`);
    }
    if (!Array.isArray(pipeline)) throw new CommandError(40170, `arguments to $facet must be arrays, ${name} is type ${bsonType(pipeline)}`);
    if (pipeline.length === 0) throw new CommandError(40172, 'sub-pipeline in $facet stage cannot be empty');
    facets.push([name, compilePipeline(pipeline, { collator: parse.collator, variableNames: parse.variableNames, nested: 'facet' })]);
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
