// Open cursors: results are materialised when the cursor opens and handed out in batches.
import { randomBytes } from 'node:crypto';
import { calculateObjectSize, Long, type Document } from 'bson';
import { CommandError } from './errors';

/** Matches the server's default first batch size. */
export const DEFAULT_BATCH_SIZE = 101;
/** Replies stay well under the 16 MB document limit by capping what one batch holds. */
const MAX_BATCH_BYTES = 8 * 1024 * 1024;
/** Idle cursors are reaped after ten minutes, like mongod's cursorTimeoutMillis. */
const CURSOR_TIMEOUT_MS = 10 * 60 * 1000;

interface OpenCursor {
  namespace: string;
  docs: Document[];
  position: number;
  lastUsed: number;
  /** What is left of the opening command's maxTimeMS: it bounds the cursor's getMores too, as in mongod. */
  timeLeftMs?: number;
}

export interface Batch { docs: Document[]; id: Long }

export class CursorRegistry {
  private readonly cursors = new Map<string, OpenCursor>();

  /** Returns the first batch; a cursor id is kept only if documents remain. */
  open(namespace: string, docs: Document[], batchSize: number | undefined, singleBatch = false): Batch {
    const cursor: OpenCursor = { namespace, docs, position: 0, lastUsed: Date.now() };
    // batchSize 0 asks for an empty first batch and an open cursor (mongod has not run the plan yet).
    const batch = batchSize === 0 ? [] : takeBatch(cursor, batchSize ?? DEFAULT_BATCH_SIZE);
    if (singleBatch || (batchSize !== 0 && cursor.position >= docs.length)) return { docs: batch, id: Long.ZERO };
    const id = this.newId();
    this.cursors.set(id.toString(), cursor);
    return { docs: batch, id: Long.fromBigInt(id) };
  }

  getMore(id: Long, namespace: string, batchSize: number | undefined): Batch {
    const key = id.toString();
    const cursor = this.cursors.get(key);
    if (!cursor) throw new CommandError('CursorNotFound', `cursor id ${key} not found`);
    if (cursor.namespace !== namespace) {
      throw new CommandError('Unauthorized', `Requested getMore on namespace '${namespace}', but cursor belongs to a different namespace ${cursor.namespace}`);
    }
    cursor.lastUsed = Date.now();
    const batch = takeBatch(cursor, batchSize ?? Number.MAX_SAFE_INTEGER);
    if (cursor.position >= cursor.docs.length) {
      this.cursors.delete(key);
      return { docs: batch, id: Long.ZERO };
    }
    return { docs: batch, id };
  }

  /** Random positive 63-bit ids, like mongod's: not guessable, and never confused with 0 (exhausted). */
  private newId(): bigint {
    for (;;) {
      const id = randomBytes(8).readBigUInt64LE() >> 1n;
      if (id !== 0n && !this.cursors.has(id.toString())) return id;
    }
  }

  /** Called by the server after the command that opened the cursor, with the time it has left. */
  limitTime(id: Long | bigint, timeLeftMs: number): void {
    const cursor = this.cursors.get(id.toString());
    if (cursor) cursor.timeLeftMs = timeLeftMs;
  }

  /** The time a getMore on this cursor may still take, or undefined when it has no limit. */
  timeLeft(id: Long | bigint): number | undefined {
    return this.cursors.get(id.toString())?.timeLeftMs;
  }

  /** Counts a getMore's time against the cursor's limit. */
  chargeTime(id: Long | bigint, elapsedMs: number): void {
    const cursor = this.cursors.get(id.toString());
    if (cursor?.timeLeftMs !== undefined) cursor.timeLeftMs -= elapsedMs;
  }

  kill(id: Long | bigint): boolean {
    return this.cursors.delete(id.toString());
  }

  reapIdle(now = Date.now()): void {
    for (const [key, cursor] of this.cursors) {
      if (now - cursor.lastUsed > CURSOR_TIMEOUT_MS) this.cursors.delete(key);
    }
  }
}

function takeBatch(cursor: OpenCursor, batchSize: number): Document[] {
  const limit = batchSize <= 0 ? Number.MAX_SAFE_INTEGER : batchSize;
  const out: Document[] = [];
  let bytes = 0;
  while (cursor.position < cursor.docs.length && out.length < limit) {
    const doc = cursor.docs[cursor.position]!;
    // The first document always goes: sizes are only measured once a second one could overflow.
    if (out.length === 1) bytes = calculateObjectSize(out[0]!);
    if (out.length > 0) {
      bytes += calculateObjectSize(doc);
      if (bytes > MAX_BATCH_BYTES) break;
    }
    out.push(doc);
    cursor.position += 1;
  }
  return out;
}
