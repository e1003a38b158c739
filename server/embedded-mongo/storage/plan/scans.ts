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

/**
 * The record ids a scan has handed out, so that a document reached twice comes out once. Most
 * scans hand out one document (the common {_id: x}, a unique key): the set is only made for a
 * second id.
 */
class HandedOut {
  private first: string | undefined;
  private more: Set<string> | undefined;

  /** True the first time `id` is offered, false after. */
  firstTime(id: string): boolean {
    if (this.more) {
      if (this.more.has(id)) return false;
      this.more.add(id);
      return true;
    }
    if (this.first === undefined) {
      this.first = id;
      return true;
    }
    if (this.first === id) return false;
    this.more = new Set([this.first, id]);
    return true;
  }
}

export function* fetchByIds(collection: Collection, values: unknown[], plan: PlanSummary): Generator<Document | Pause> {
  const handedOut = new HandedOut();
  for (const value of values) {
    const id = collection.recordId(value);
    if (!handedOut.firstTime(id)) continue;
    plan.keysExamined += 1;
    const doc = collection.getByRecordId(id);
    if (!doc) continue;
    plan.docsExamined += 1;
    yield doc;
    if (plan.docsExamined % SCAN_BATCH === 0) yield PAUSE;
  }
}

/**
 * Start and end keys, in index order, of every box the bounds describe: the product of each
 * field's intervals, the first field varying slowest (an odometer, so no recursion and no
 * intermediate lists). A descending field is walked from its high end.
 */
export function indexBoxes(index: SecondaryIndex, bounds: Interval[][]): Array<[IndexKey, IndexKey]> {
  let used = bounds.length;
  let count = boxCount(bounds, used);
  while (used > 1 && count > MAX_COMPOUND_INTERVALS) count = boxCount(bounds, --used);
  const boxes: Array<[IndexKey, IndexKey]> = [];
  if (count === 0) return boxes;
  const positions: number[] = new Array<number>(used).fill(0);
  const fieldCount = index.fields.length;
  for (;;) {
    const startParts: KeyPart[] = [];
    const endParts: KeyPart[] = [];
    let startInclusive = true;
    let endInclusive = true;
    for (let i = 0; i < used; i += 1) {
      const list = bounds[i]!;
      const descending = index.directions[i]! < 0;
      const interval = list[descending ? list.length - 1 - positions[i]! : positions[i]!]!;
      startParts.push(descending ? interval.hi : interval.lo);
      endParts.push(descending ? interval.lo : interval.hi);
      startInclusive = descending ? interval.hiInclusive : interval.loInclusive;
      endInclusive = descending ? interval.loInclusive : interval.hiInclusive;
    }
    for (let i = used; i < fieldCount; i += 1) {
      // Unbounded trailing fields: below or above every value, in the field's own direction.
      const descending = index.directions[i]! < 0;
      const lowest = descending ? MAX_BOUND : MIN_BOUND;
      const highest = descending ? MIN_BOUND : MAX_BOUND;
      startParts.push(startInclusive ? lowest : highest);
      endParts.push(endInclusive ? highest : lowest);
    }
    boxes.push([
      { parts: startParts, id: startInclusive ? LOW_ID : HIGH_ID },
      { parts: endParts, id: endInclusive ? HIGH_ID : LOW_ID },
    ]);
    let field = used - 1;
    while (field >= 0) {
      positions[field] = positions[field]! + 1;
      if (positions[field]! < bounds[field]!.length) break;
      positions[field] = 0;
      field -= 1;
    }
    if (field < 0) return boxes;
  }
}

function boxCount(bounds: Interval[][], fields: number): number {
  let count = 1;
  for (let i = 0; i < fields; i += 1) count *= bounds[i]!.length;
  return count;
}

/**
 * Walks the bounds in batches: keys of a batch are read before any document is handed out, and
 * the next batch seeks again from the last key, so writes made by the consumer in between (an
 * updateMany moving documents, a delete) never disturb a live tree iterator. `oneKey`: the bounds
 * are a single value of a unique index, which holds at most one key there: one tree descent
 * finds it or not (mongod's unique point lookup), with no batches and no second seek.
 */
export function* scanIndex(collection: Collection, index: SecondaryIndex, bounds: Interval[][], direction: 1 | -1, plan: PlanSummary, oneKey = false): Generator<Document | Pause> {
  const boxes = indexBoxes(index, bounds);
  if (oneKey && boxes.length === 1) {
    const doc = pointLookup(collection, index, boxes[0]!, direction, plan);
    if (doc) yield doc;
    return;
  }
  if (direction < 0) boxes.reverse();
  // A document reached by two keys (multikey, or moved by a write between batches) comes out once.
  const handedOut = new HandedOut();
  const entry: [IndexKey, true] = [{ parts: [], id: LOW_ID }, true];
  // Batches start small and double, so a consumer that stops early (a limit) reads few keys.
  let batchSize = 1;
  let sincePause = 0;
  for (const [start, end] of boxes) {
    let resume: IndexKey = direction > 0 ? start : end;
    let skipResume = false;
    for (;;) {
      const batch: IndexKey[] = [];
      let finished = false;
      const keys = direction > 0 ? index.keysFrom(resume, entry) : index.keysBackFrom(resume, entry);
      for (const pair of keys) {
        const key = pair[0];
        if (skipResume && index.compare(key, resume) === 0) continue;
        if (beyondBox(index, key, start, end, direction)) {
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
        if (!handedOut.firstTime(id)) continue;
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

/** One tree descent, no iterator, no batches: the single key of a unique index's box is there or it is not. */
function pointLookup(collection: Collection, index: SecondaryIndex, [start, end]: [IndexKey, IndexKey], direction: 1 | -1, plan: PlanSummary): Document | undefined {
  const key = index.firstKeyFrom(direction > 0 ? start : end, direction);
  if (!key || beyondBox(index, key, start, end, direction)) return undefined;
  plan.keysExamined += 1;
  const doc = collection.getByRecordId(key.id as string);
  if (doc) plan.docsExamined += 1;
  return doc;
}

/** The key lies past the box's far end, in the scan's direction. */
function beyondBox(index: SecondaryIndex, key: IndexKey, start: IndexKey, end: IndexKey, direction: 1 | -1): boolean {
  return direction > 0 ? index.compare(key, end) > 0 : index.compare(key, start) < 0;
}

export function* unionOf(inputs: QueryPlan[], plan: PlanSummary): Generator<Document | Pause> {
  const handedOut = new HandedOut();
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
      if (!handedOut.firstTime(hashKey(item._id))) continue;
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
