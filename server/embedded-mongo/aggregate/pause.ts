// The PAUSE token of cooperative execution (decision 0004): a stream yields it at safe points so
// the server can check maxTimeMS and serve other clients before the stream goes on.
import type { Document } from 'bson';
import { PAUSE, type Pause } from '../commands/context';

export { PAUSE, type Pause };

/** A stream of documents, interleaved with PAUSE tokens that every stage passes through. */
export type Stream = Generator<Document | Pause, void, void>;

/** How many documents a source or a blocking stage handles between two pauses. */
export const DOCUMENTS_PER_PAUSE = 256;

export function isPause(item: unknown): item is Pause {
  return item === PAUSE;
}

/** Streams an array, pausing every DOCUMENTS_PER_PAUSE documents. */
export function* streamOf(docs: Iterable<Document>): Stream {
  let sincePause = 0;
  for (const doc of docs) {
    yield doc;
    if (++sincePause >= DOCUMENTS_PER_PAUSE) {
      sincePause = 0;
      yield PAUSE;
    }
  }
}

/** Applies `transform` to every document of a stream, passing its pauses on. */
export function* mapDocuments(input: Stream, transform: (doc: Document) => Document): Stream {
  for (const item of input) yield item === PAUSE ? item : transform(item);
}

/**
 * Hands every document of a stream to `take`, passing the stream's pauses on and adding its own
 * every DOCUMENTS_PER_PAUSE documents, so a blocking consumer never holds the thread for long:
 * `yield* consume(input, (doc) => ...)`.
 */
export function* consume(input: Stream, take: (doc: Document) => void): Generator<Pause, void, void> {
  let sincePause = 0;
  for (const item of input) {
    if (item === PAUSE) {
      sincePause = 0;
      yield PAUSE;
      continue;
    }
    take(item);
    if (++sincePause >= DOCUMENTS_PER_PAUSE) {
      sincePause = 0;
      yield PAUSE;
    }
  }
}

/** Collects a stream into an array, pausing as `consume` does: `const docs = yield* collect(input)`. */
export function* collect(input: Stream): Generator<Pause, Document[], void> {
  const docs: Document[] = [];
  yield* consume(input, (doc) => docs.push(doc));
  return docs;
}

/** Runs a paused computation to its end at once (for callers that cannot pause, e.g. tests). */
export function runToEnd<T>(run: Generator<Pause, T, void>): T {
  for (;;) {
    const step = run.next();
    if (step.done) return step.value;
  }
}

/** All documents of a stream, ignoring pauses (synchronous callers only). */
export function drain(input: Stream): Document[] {
  return runToEnd(collect(input));
}
