// What a pipeline stage is once parsed: a function from an input stream to an output stream.
// Parsing validates the whole specification (and compiles its expressions) before anything
// runs, so a bad stage anywhere in the pipeline fails the command before any work is done.
import type { Collator } from '../bson/index';
import type { Catalog } from '../storage/catalog';
import type { Variables } from './expressions/index';
import type { Stream } from './pause';

/** What a running pipeline can reach. */
export interface PipelineContext {
  /** The database the command runs in; $lookup/$unionWith/$out name collections here by default. */
  readonly db: string;
  readonly catalog: Catalog;
  readonly collator?: Collator;
  /** $$NOW and the command's `let` values (already evaluated); stages add their own (e.g. $lookup's let). */
  readonly variables: Variables;
}

/** What parsing a stage needs to know about where it stands. */
export interface ParseContext {
  readonly collator?: Collator;
  /** Names `let` defines for this pipeline (the command's, or an enclosing $lookup's). */
  readonly variableNames: readonly string[];
  /** Inside $facet, $lookup or $unionWith: the stages that must be alone or last are refused there. */
  readonly nested: 'facet' | 'lookup' | 'unionWith' | undefined;
  readonly position: number;
  readonly isLast: boolean;
}

export interface CompiledStage {
  readonly name: string;
  /** The parsed specification, for explain and for optimisations between stages. */
  readonly spec: unknown;
  run(input: Stream, context: PipelineContext): Stream;
}

export type StageParser = (spec: unknown, parse: ParseContext) => CompiledStage;
