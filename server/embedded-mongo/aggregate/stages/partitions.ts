// The input of $setWindowFields, and of $fill with a method (which mongod runs as a
// $setWindowFields): every document, grouped by its partition value in BSON order, each group
// sorted by sortBy. Collecting and sorting pause as any blocking stage does.
import type { Document } from 'bson';
import { compareValues } from '../../bson/index';
import { compileSort } from '../../query/index';
import type { Evaluator } from '../expressions/index';
import { collect, mapDocuments, type Pause, type Stream } from '../pause';
import type { PipelineContext } from '../stage';
import { sortStream } from './sort';

export interface SortedPartitions {
  partitions: Document[][];
  /** sortBy as a comparator (0 for every pair without one): ties matter to $rank and friends. */
  compareDocs: (a: Document, b: Document) => number;
}

export function* sortedPartitions(
  input: Stream,
  partitionBy: Evaluator | undefined,
  sortBy: Document | undefined,
  context: PipelineContext,
): Generator<Pause, SortedPartitions, void> {
  const compareDocs = sortBy ? compileSort(sortBy, { ...(context.collator ? { collator: context.collator } : {}) }) : () => 0;
  // Each document travels with its partition value, computed once.
  const keyed = mapDocuments(input, (doc) => ({ p: partitionBy ? partitionBy(doc, context.variables) ?? null : null, doc }));
  const ordered = (yield* collect(
    sortStream(keyed, (a, b) => compareValues(a.p, b.p, context.collator) || compareDocs(a.doc as Document, b.doc as Document)),
  )) as Array<{ p: unknown; doc: Document }>;
  const partitions: Document[][] = [];
  let start = 0;
  while (start < ordered.length) {
    let end = start + 1;
    while (end < ordered.length && compareValues(ordered[end]!.p, ordered[start]!.p, context.collator) === 0) end += 1;
    partitions.push(ordered.slice(start, end).map((entry) => entry.doc));
    start = end;
  }
  return { partitions, compareDocs };
}
