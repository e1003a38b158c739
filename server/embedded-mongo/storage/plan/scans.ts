// How a chosen plan reads documents: _id lookups, index scans over compound bounds, the union
// of index scans for $or, and collection scans. Every scan yields PAUSE between batches so long
// commands let other clients in (decision 0004), and advances the plan's counters as it goes.
import type { Document } from 'bson';
import { hashKey } from '../../bson/index';
import { PAUSE, type Pause } from '../../commands/context';
import type { Collection } from '../collection';
import type { SecondaryIndex } from '../indexes';
import type { PlanSummary, QueryPlan } from '../planner';
import type { Interval } from './intervals';
import { HIGH_ID, LOW_ID, MAX_BOUND, MIN_BOUND, type IndexKey, type KeyPart } from './key-order';

/** Documents (or index keys) read between pauses. */
export const SCAN_BATCH = 256;
/** Past this many compound intervals ($in on several fields), trailing fields are left unbounded. */
const MAX_COMPOUND_INTERVALS = 5_000;

export function* fetchByIds(collection: Collection, values: unknown[], plan: PlanSummary): Generator<Document | Pause> {
  const seen = new Set<string>();
  for (const value of values) {
    const id = collection.recordId(value);
    if (seen.has(id)) continue;
    seen.add(id);
    plan.keysExamined += 1;
    const doc = collection.getByRecordId(id);
    if (!doc) continue;
    plan.docsExamined += 1;
    yield doc;
    if (plan.docsExamined % SCAN_BATCH === 0) yield PAUSE;
  }
}

/** Start and end keys, in index order, of every box the bounds describe. */
export function* compoundIntervals(index: SecondaryIndex, bounds: Interval[][]): Generator<[IndexKey, IndexKey]> {
  let used = bounds;
  let count = used.reduce((product, list) => product * list.length, 1);
  while (used.length > 1 && count > MAX_COMPOUND_INTERVALS) {
    used = used.slice(0, -1);
    count = used.reduce((product, list) => product * list.length, 1);
  }
  // Each field's intervals in index order: a descending field is walked from its high end.
  const ordered = used.map((list, i) => (index.directions[i]! < 0 ? [...list].reverse() : list));
  const lowest = (i: number): KeyPart => (index.directions[i]! < 0 ? MAX_BOUND : MIN_BOUND);
  const highest = (i: number): KeyPart => (index.directions[i]! < 0 ? MIN_BOUND : MAX_BOUND);
  const fieldCount = index.fields.length;

  function* walk(depth: number, chosen: Interval[]): Generator<[IndexKey, IndexKey]> {
    if (depth === ordered.length) {
      const startParts: KeyPart[] = [];
      const endParts: KeyPart[] = [];
      let startInclusive = true;
      let endInclusive = true;
      chosen.forEach((interval, i) => {
        const descending = index.directions[i]! < 0;
        startParts.push(descending ? interval.hi : interval.lo);
        endParts.push(descending ? interval.lo : interval.hi);
        startInclusive = descending ? interval.hiInclusive : interval.loInclusive;
        endInclusive = descending ? interval.loInclusive : interval.hiInclusive;
      });
      for (let i = chosen.length; i < fieldCount; i += 1) {
        startParts.push(startInclusive ? lowest(i) : highest(i));
        endParts.push(endInclusive ? highest(i) : lowest(i));
      }
      yield [
        { parts: startParts, id: startInclusive ? LOW_ID : HIGH_ID },
        { parts: endParts, id: endInclusive ? HIGH_ID : LOW_ID },
      ];
      return;
    }
    for (const interval of ordered[depth]!) yield* walk(depth + 1, [...chosen, interval]);
  }
  yield* walk(0, []);
}

/**
 * Walks the bounds in batches: keys of a batch are read before any document is handed out, and
 * the next batch seeks again from the last key, so writes made by the consumer in between (an
 * updateMany moving documents, a delete) never disturb a live tree iterator.
 */
export function* scanIndex(collection: Collection, index: SecondaryIndex, bounds: Interval[][], direction: 1 | -1, plan: PlanSummary): Generator<Document | Pause> {
  const boxes = [...compoundIntervals(index, bounds)];
  if (direction < 0) boxes.reverse();
  const seen = new Set<string>();
  // Batches start small and double, so a consumer that stops early (a limit) reads few keys.
  let batchSize = 1;
  let sincePause = 0;
  for (const [start, end] of boxes) {
    let resume: IndexKey = direction > 0 ? start : end;
    let skipResume = false;
    for (;;) {
      const batch: IndexKey[] = [];
      let finished = false;
      const keys = direction > 0 ? index.keysFrom(resume) : index.keysBackFrom(resume);
      for (const [key] of keys) {
        if (skipResume && index.compare(key, resume) === 0) continue;
        if (direction > 0 ? index.compare(key, end) > 0 : index.compare(key, start) < 0) {
          finished = true;
          break;
        }
        batch.push(key);
        if (batch.length >= batchSize) break;
      }
      if (batch.length < batchSize) finished = true;
      batchSize = Math.min(batchSize * 2, SCAN_BATCH);
      plan.keysExamined += batch.length;
      sincePause += batch.length;
      for (const key of batch) {
        const id = key.id as string;
        if (seen.has(id)) continue;
        seen.add(id);
        const doc = collection.getByRecordId(id);
        if (!doc) continue;
        plan.docsExamined += 1;
        yield doc;
      }
      if (finished) break;
      resume = batch[batch.length - 1]!;
      skipResume = true;
      if (sincePause >= SCAN_BATCH) {
        sincePause = 0;
        yield PAUSE;
      }
    }
  }
}

export function* unionOf(inputs: QueryPlan[], plan: PlanSummary): Generator<Document | Pause> {
  const seen = new Set<unknown>();
  const tally = (): void => {
    plan.keysExamined = inputs.reduce((sum, input) => sum + input.plan.keysExamined, 0);
    plan.docsExamined = inputs.reduce((sum, input) => sum + input.plan.docsExamined, 0);
  };
  for (const input of inputs) {
    for (const item of input.docs) {
      tally();
      if (item === PAUSE) {
        yield item;
        continue;
      }
      // A document several branches match comes out once.
      const id = hashKey(item._id);
      if (seen.has(id)) continue;
      seen.add(id);
      yield item;
    }
  }
  tally();
}

export function* scanCollection(collection: Collection, backward: boolean, plan: PlanSummary): Generator<Document | Pause> {
  // Map iteration survives writes made meanwhile: replaced documents keep their place, removed
  // ones are skipped, new ones come at the end (as a forward collection scan in mongod may see them).
  const source = backward ? [...collection.docs.keys()].reverse() : collection.docs.keys();
  for (const id of source) {
    const doc = collection.getByRecordId(id);
    if (!doc) continue;
    plan.docsExamined += 1;
    yield doc;
    if (plan.docsExamined % SCAN_BATCH === 0) yield PAUSE;
  }
}
