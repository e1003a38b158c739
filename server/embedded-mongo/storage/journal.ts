// Append-only journal: each record is [uint32 length][uint32 crc32][BSON body].
// A write is acknowledged only once its record is on disk (an O_DSYNC write, or write +
// fdatasync); concurrent writers share one write and sync (group commit). Compaction rewrites the live state into a new file and renames it
// over the old one, so a crash leaves either the old or the new journal, never a mix.
//
// What start-up may drop (the torn-tail rule). Records are read from offset 0. A record is
// intact when its declared length is between 5 and MAX_RECORD_BODY, the whole record lies
// inside the file, the BSON body's own length equals the declared length, its CRC32 matches,
// and the body deserializes. At the first offset where no intact record starts, we search
// every later offset for one that is intact:
//   - none is found: the bytes from that offset to the end of the file are a torn last record
//     (a crash mid-append: the record runs past the end of the file, or its bytes never all
//     reached the disk). That write was never acknowledged, so it is dropped with a warning.
//   - one is found: intact data follows the damage, so this is not an interrupted append but
//     corruption. Start-up stops with JournalCorruptError naming the file and the offset; the
//     file is left exactly as it was (no compaction, no truncation) for `npm run db:repair`.
// A flipped byte in the very last record cannot be told apart from a torn append and is
// dropped like one; anywhere else it stops start-up.
import { promises as fs, constants as fsConstants, openSync, writeSync, fsyncSync, closeSync, renameSync, fchmodSync } from 'node:fs';
import path from 'node:path';
import { crc32 } from 'node:zlib';
import { serialize, type Document } from 'bson';
import { decodeDocument, toBuffer } from '../wire-protocol';

export const RECORD_HEADER = 8;
export const JOURNAL_FILE = 'journal.bson';
/**
 * Largest body a record may declare. Generous on purpose (a 48 MB wire message is the largest
 * thing a client can send): it only rules out lengths no writer could have produced, the CRC
 * and the BSON check do the real work.
 */
export const MAX_RECORD_BODY = 64 * 1024 * 1024;
/** Journal, compaction and repair files hold the data itself: owner only. */
export const DATA_FILE_MODE = 0o600;
/** Compact when the journal is this many times bigger than the state it encodes (and big enough to matter). */
const GROWTH_FACTOR = 4;
const MIN_COMPACT_BYTES = 64 * 1024 * 1024;

/**
 * Appends are opened O_DSYNC where the platform has it: each group's write returns once its
 * bytes (and the file size) are on disk, as write + fdatasync would, in one system call and one
 * trip through libuv's thread pool instead of two. Elsewhere (Windows) we fdatasync after writing.
 */
const APPEND_FLAGS =
  fsConstants.O_DSYNC === undefined ? undefined : fsConstants.O_WRONLY | fsConstants.O_APPEND | fsConstants.O_CREAT | fsConstants.O_DSYNC;

/** Replay reads a record exactly as the wire reads a command, so it rebuilds what live writes built. */
function decodeBody(body: Buffer): Document {
  return decodeDocument(body);
}

export interface JournalLogger { warn(msg: string): void }

export function encodeRecord(record: Document): Buffer {
  return Buffer.concat(encodeRecordParts(record));
}

/** Header and body of one record, as two buffers for a vectored write (no copy of the body). */
function encodeRecordParts(record: Document): [Buffer, Buffer] {
  const body = toBuffer(serialize(record, { ignoreUndefined: true }));
  const header = Buffer.allocUnsafe(RECORD_HEADER);
  header.writeUInt32LE(body.length, 0);
  header.writeUInt32LE(crc32(body), 4);
  return [header, body];
}

/** The decoded record at `offset` and where it ends, or undefined when no intact record starts there. */
export function readRecordAt(data: Buffer, offset: number): { record: Document; end: number } | undefined {
  if (offset + RECORD_HEADER + 5 > data.length) return undefined;
  const length = data.readUInt32LE(offset);
  if (length < 5 || length > MAX_RECORD_BODY) return undefined;
  const start = offset + RECORD_HEADER;
  const end = start + length;
  if (end > data.length) return undefined;
  // Cheap checks first: the resynchronising scan calls this at every byte offset.
  if (data.readInt32LE(start) !== length || data[end - 1] !== 0) return undefined;
  const body = data.subarray(start, end);
  if (crc32(body) !== data.readUInt32LE(offset + 4)) return undefined;
  try {
    return { record: decodeBody(body), end };
  } catch {
    return undefined;
  }
}

/** The first offset at or after `from` where an intact record starts. */
export function findNextRecord(data: Buffer, from: number): number | undefined {
  for (let offset = from; offset + RECORD_HEADER + 5 <= data.length; offset += 1) {
    if (readRecordAt(data, offset)) return offset;
  }
  return undefined;
}

export type JournalSegment =
  | { kind: 'record'; start: number; end: number; record: Document }
  /** Bytes where no intact record starts, up to the next intact record or the end of the file. */
  | { kind: 'damaged'; start: number; end: number };

/** Splits a journal into intact records and the damaged stretches between them. */
export function* scanSegments(data: Buffer): Generator<JournalSegment> {
  let offset = 0;
  while (offset < data.length) {
    const read = readRecordAt(data, offset);
    if (read) {
      yield { kind: 'record', start: offset, end: read.end, record: read.record };
      offset = read.end;
    } else {
      const next = findNextRecord(data, offset + 1) ?? data.length;
      yield { kind: 'damaged', start: offset, end: next };
      offset = next;
    }
  }
}

export interface ReplayResult {
  /** The intact records before any damage. */
  records: Document[];
  /** Bytes of intact records from the start of the file. */
  validBytes: number;
  /** Bytes of a torn last record (dropped; zero when the file ends cleanly or is corrupt). */
  tornBytes: number;
  /** Offset of damage that has intact records after it: the file must not be used as is. */
  corruptAt?: number;
}

/** Decodes the records of a journal, applying the torn-tail rule above. */
export function decodeRecords(data: Buffer): ReplayResult {
  const records: Document[] = [];
  for (const segment of scanSegments(data)) {
    if (segment.kind === 'record') {
      records.push(segment.record);
      continue;
    }
    if (segment.end === data.length) return { records, validBytes: segment.start, tornBytes: data.length - segment.start };
    return { records, validBytes: segment.start, tornBytes: 0, corruptAt: segment.start };
  }
  return { records, validBytes: data.length, tornBytes: 0 };
}

/** Start-up refused: the journal is damaged somewhere other than its last record. */
export class JournalCorruptError extends Error {
  readonly file: string;
  readonly offset: number;

  constructor(file: string, offset: number, dataDir: string) {
    super(
      `The journal ${file} is damaged at byte offset ${offset}, and intact records follow the damage, so this is not an interrupted write. ` +
        'The store did not start and left the file untouched. ' +
        `To recover every intact record (a backup of the file is kept): npm run db:repair -- --dbpath ${dataDir}`,
    );
    this.name = 'JournalCorruptError';
    this.file = file;
    this.offset = offset;
  }
}

interface PendingWrite { parts: Buffer[]; resolve: () => void; reject: (error: Error) => void }

export class Journal {
  private readonly file: string;
  private handle: fs.FileHandle | undefined;
  private queue: PendingWrite[] = [];
  private flushing: Promise<void> | undefined;
  private bytes = 0;
  private compactedBytes = 0;
  private readonly snapshot: () => Iterable<Document>;
  private readonly minCompactBytes: number;
  private closed = false;
  /**
   * Set when a write or fsync failed. The file may then end in a partial record, and another
   * append after it would turn a torn tail into mid-file damage, so every later write fails too
   * (fail-stop) until a restart, whose read drops that tail.
   */
  private failure: Error | undefined;

  /** `snapshot` yields records that rebuild the current state; it is what compaction writes. */
  constructor(dataDir: string, snapshot: () => Iterable<Document>, options: { minCompactBytes?: number } = {}) {
    this.file = path.join(dataDir, JOURNAL_FILE);
    this.snapshot = snapshot;
    this.minCompactBytes = options.minCompactBytes ?? MIN_COMPACT_BYTES;
  }

  get path(): string {
    return this.file;
  }

  /**
   * Reads the journal's intact records, warning about (and dropping) a torn last record.
   * Throws JournalCorruptError for damage anywhere else, before anything is rewritten.
   */
  async read(logger: JournalLogger): Promise<Document[]> {
    let data: Buffer;
    try {
      data = await fs.readFile(this.file);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    const result = decodeRecords(data);
    if (result.corruptAt !== undefined) throw new JournalCorruptError(this.file, result.corruptAt, path.dirname(this.file));
    if (result.tornBytes > 0) {
      logger.warn(
        `embedded-mongo: dropped ${result.tornBytes} bytes of incomplete journal data at offset ${result.validBytes} in ${this.file} (an interrupted write: nothing intact follows it); earlier data is intact`,
      );
    }
    return result.records;
  }

  /** Rewrites the journal as the current state and opens it for appending. */
  async open(): Promise<void> {
    this.compactNow();
    await this.openForAppend();
  }

  private async openForAppend(): Promise<void> {
    this.handle = await fs.open(this.file, APPEND_FLAGS ?? 'a', DATA_FILE_MODE);
  }

  /** Resolves once the records are durable on disk. */
  append(records: Document[]): Promise<void> {
    if (records.length === 0) return Promise.resolve();
    if (this.failure) return Promise.reject(new Error(`the journal stopped accepting writes after an earlier failure: ${this.failure.message}`));
    if (this.closed || !this.handle) return Promise.reject(new Error('journal is closed'));
    // Encoded now, while the documents are what the command just wrote; the bytes are then
    // written as they are, header and body side by side, in one vectored write per group.
    const parts: Buffer[] = [];
    for (const record of records) parts.push(...encodeRecordParts(record));
    return new Promise((resolve, reject) => {
      this.queue.push({ parts, resolve, reject });
      this.flushing ??= this.flushLoop();
    });
  }

  private async flushLoop(): Promise<void> {
    try {
      while (this.queue.length > 0) {
        const batch = this.queue;
        this.queue = [];
        try {
          if (this.failure) throw this.failure;
          const parts = batch.length === 1 ? batch[0]!.parts : batch.flatMap((pending) => pending.parts);
          const { bytesWritten } = await this.handle!.writev(parts);
          if (APPEND_FLAGS === undefined) await this.handle!.datasync();
          this.bytes += bytesWritten;
          if (this.bytes > this.minCompactBytes && this.bytes > GROWTH_FACTOR * this.compactedBytes) await this.compactOpen();
          for (const pending of batch) pending.resolve();
        } catch (error) {
          this.failure ??= error as Error;
          for (const pending of batch) pending.reject(error as Error);
        }
      }
    } finally {
      this.flushing = undefined;
    }
  }

  private async compactOpen(): Promise<void> {
    await this.handle?.close();
    this.compactNow();
    await this.openForAppend();
  }

  /**
   * Synchronous on purpose: the in-memory state must not change while it is being written out,
   * and no other code runs while we hold the event loop.
   */
  private compactNow(): void {
    const temp = `${this.file}.compact`;
    this.bytes = writeFileAtomically(temp, this.file, (write) => {
      // Header and body handed over apart: the chunking below copies them once, together.
      for (const record of this.snapshot()) for (const part of encodeRecordParts(record)) write(part);
    });
    this.compactedBytes = this.bytes;
  }

  async close(): Promise<void> {
    this.closed = true;
    while (this.flushing) await this.flushing;
    await this.handle?.close();
    this.handle = undefined;
  }
}

/**
 * Writes `target` through `temp`: owner-only, fsynced, renamed over the target, directory
 * fsynced, so a crash leaves the old file or the new one, never a mix. Returns the bytes written.
 */
export function writeFileAtomically(temp: string, target: string, produce: (write: (chunk: Buffer) => void) => void): number {
  // O_NOFOLLOW: a symlink planted where the temp goes (a backup written to a shared directory)
  // must not redirect the write to a file of the planter's choosing.
  const fd = openSync(temp, fsConstants.O_WRONLY | fsConstants.O_CREAT | fsConstants.O_TRUNC | fsConstants.O_NOFOLLOW, DATA_FILE_MODE);
  let written = 0;
  try {
    // The mode of open() only applies when it creates the file; a leftover temp keeps its own.
    fchmodSync(fd, DATA_FILE_MODE);
    let chunk: Buffer[] = [];
    let chunkBytes = 0;
    const flush = (): void => {
      if (chunkBytes === 0) return;
      const data = Buffer.concat(chunk, chunkBytes);
      for (let offset = 0; offset < data.length; ) offset += writeSync(fd, data, offset);
      written += chunkBytes;
      chunk = [];
      chunkBytes = 0;
    };
    produce((bytes) => {
      chunk.push(bytes);
      chunkBytes += bytes.length;
      if (chunkBytes > 4 * 1024 * 1024) flush();
    });
    flush();
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temp, target);
  syncDirectory(path.dirname(target));
  return written;
}

/** A rename is only durable once the directory entry itself is flushed. */
function syncDirectory(dir: string): void {
  try {
    const fd = openSync(dir, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // Some platforms cannot fsync a directory; the rename is still atomic there.
  }
}
