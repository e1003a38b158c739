// $sort: cooperative. Input is cut into sorted runs of RUN_SIZE documents (each sorted within a
// few milliseconds), pausing between runs, then the runs are merged, pausing as documents flow
// out. Followed by $limit (the pipeline passes it in), only the best `limit` documents are kept,
// so a sorted limit holds O(limit) documents whatever the input size.
import type { Document } from 'bson';
import { bsonType, isPlainObject, toNumber, type Collator } from '../../bson/index';
import { CommandError } from '../../errors';
import { compileSort, compileSortKeys } from '../../query/index';
import { DOCUMENTS_PER_PAUSE, mapDocuments, PAUSE, type Pause, type Stream } from '../pause';
import type { CompiledStage, ParseContext, PipelineContext } from '../stage';
import { describeValue } from './projection';

/** Documents sorted in one step: about a millisecond of work, a few on a loaded machine. */
export const RUN_SIZE = 1024;

export function validateSortSpec(spec: unknown): Document {
  if (!isPlainObject(spec)) throw new CommandError(15973, 'the $sort key specification must be an object');
  const keys = Object.keys(spec);
  if (keys.length === 0) throw new CommandError(15976, '$sort stage must have at least one sort key');
  for (const key of keys) {
    const direction = spec[key];
    if (isPlainObject(direction)) {
      if (direction.$meta === undefined) throw new CommandError(17312, `Illegal key in $sort specification: ${key}: ${describeValue(direction)}`);
      continue;
    }
    const type = bsonType(direction);
    const numeric = type === 'int' || type === 'long' || type === 'double' || type === 'decimal';
    if (!numeric || (toNumber(direction) !== 1 && toNumber(direction) !== -1)) {
      throw new CommandError(15975, '$sort key ordering must be 1 (for ascending) or -1 (for descending)');
    }
  }
  return spec;
}

export interface SortStage extends CompiledStage {
  /** Set by the pipeline when a $limit (after optional $skip) follows: keep only this many. */
  keep?: number;
}

export function parseSort(spec: unknown, parse: ParseContext): SortStage {
  const sortSpec = validateSortSpec(spec);
  // Validated with the parse-time collator; the run uses the command's (the same one).
  compileSort(sortSpec, { collator: parse.collator });
  const stage: SortStage = {
    name: '$sort',
    spec: sortSpec,
    run(input: Stream, context: PipelineContext): Stream {
      return sortByKeys(input, sortSpec, context.collator, stage.keep);
    },
  };
  return stage;
}

/** Sorts a stream cooperatively; with `keep`, only the first `keep` documents are produced. */
export function* sortStream(input: Stream, compare: (a: Document, b: Document) => number, keep?: number): Stream {
  if (keep !== undefined && keep <= RUN_SIZE) {
    yield* topK(input, compare, keep);
    return;
  }
  const runs: Document[][] = [];
  let current: Document[] = [];
  for (const item of input) {
    if (item === PAUSE) {
      yield item;
      continue;
    }
    current.push(item);
    if (current.length >= RUN_SIZE) {
      current.sort(compare);
      runs.push(current);
      current = [];
      yield PAUSE;
    }
  }
  if (current.length > 0) runs.push(current.sort(compare));
  yield* mergeRuns(runs, compare, keep ?? Number.POSITIVE_INFINITY);
}

/** Keeps the best `keep` documents: buffer, and cut back to `keep` whenever the buffer fills. */
function* topK(input: Stream, compare: (a: Document, b: Document) => number, keep: number): Stream {
  let best: Document[] = [];
  const capacity = keep + RUN_SIZE;
  for (const item of input) {
    if (item === PAUSE) {
      yield item;
      continue;
    }
    best.push(item);
    if (best.length >= capacity) {
      best = cut(best, compare, keep);
      yield PAUSE;
    }
  }
  best = cut(best, compare, keep);
  yield* best;
}

function cut(docs: Document[], compare: (a: Document, b: Document) => number, keep: number): Document[] {
  docs.sort(compare);
  if (docs.length > keep) docs.length = keep;
  return docs;
}

/** k-way merge; among equal documents the earlier run wins, so the sort is stable. */
function* mergeRuns(runs: Document[][], compare: (a: Document, b: Document) => number, limit: number): Generator<Document | Pause, void, void> {
  if (runs.length === 1) {
    const run = runs[0]!;
    const end = Math.min(run.length, limit);
    for (let i = 0; i < end; i += 1) {
      yield run[i]!;
      if ((i + 1) % DOCUMENTS_PER_PAUSE === 0) yield PAUSE;
    }
    return;
  }
  // A binary heap of run cursors ordered by their head document.
  const positions = runs.map(() => 0);
  const heap: number[] = runs.map((_, i) => i).filter((i) => runs[i]!.length > 0);
  const less = (a: number, b: number): boolean => {
    const order = compare(runs[a]![positions[a]!]!, runs[b]![positions[b]!]!);
    return order < 0 || (order === 0 && a < b);
  };
  const siftDown = (start: number): void => {
    let i = start;
    for (;;) {
      const left = 2 * i + 1;
      const right = left + 1;
      let smallest = i;
      if (left < heap.length && less(heap[left]!, heap[smallest]!)) smallest = left;
      if (right < heap.length && less(heap[right]!, heap[smallest]!)) smallest = right;
      if (smallest === i) return;
      [heap[i], heap[smallest]] = [heap[smallest]!, heap[i]!];
      i = smallest;
    }
  };
  for (let i = Math.floor(heap.length / 2) - 1; i >= 0; i -= 1) siftDown(i);
  let produced = 0;
  while (heap.length > 0 && produced < limit) {
    const run = heap[0]!;
    yield runs[run]![positions[run]!]!;
    produced += 1;
    if (produced % DOCUMENTS_PER_PAUSE === 0) yield PAUSE;
    positions[run]! += 1;
    if (positions[run]! >= runs[run]!.length) {
      heap[0] = heap[heap.length - 1]!;
      heap.pop();
    }
    siftDown(0);
  }
}

interface Keyed {
  keys: unknown[];
  doc: Document;
}

/**
 * Sorts on keys computed once per document and carried beside it, rather than cached in a
 * WeakMap: a large sort then leaves no ephemeron table for the garbage collector to trace,
 * which otherwise shows up as pauses of tens of milliseconds.
 */
export function* sortByKeys(input: Stream, sortSpec: Document, collator: Collator | undefined, keep?: number): Stream {
  const { keysOf, compareKeys } = compileSortKeys(sortSpec, collator);
  const keyed = mapDocuments(input, (doc) => ({ keys: keysOf(doc), doc }) satisfies Keyed);
  const compare = (a: Document, b: Document): number => compareKeys((a as Keyed).keys, (b as Keyed).keys);
  yield* mapDocuments(sortStream(keyed, compare, keep), (item) => (item as Keyed).doc);
}
