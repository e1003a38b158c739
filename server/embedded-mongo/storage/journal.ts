// Append-only journal: each record is [uint32 length][uint32 crc32][BSON body].
// A write is acknowledged only after its record is fsynced; concurrent writers share one
// fsync (group commit). Compaction rewrites the live state into a new file and renames it
// over the old one, so a crash leaves either the old or the new journal, never a mix.
import { promises as fs, openSync, writeSync, fsyncSync, closeSync, renameSync } from 'node:fs';
import path from 'node:path';
import { crc32 } from 'node:zlib';
import { deserialize, serialize, type Document } from 'bson';
import { DESERIALIZE_OPTIONS, toBuffer } from '../wire-protocol';

const RECORD_HEADER = 8;
const JOURNAL_FILE = 'journal.bson';
/** Compact when the journal is this many times bigger than the state it encodes (and big enough to matter). */
const GROWTH_FACTOR = 4;
const MIN_COMPACT_BYTES = 64 * 1024 * 1024;

export interface JournalLogger { warn(msg: string): void }

export function encodeRecord(record: Document): Buffer {
  const body = toBuffer(serialize(record, { ignoreUndefined: true }));
  const out = Buffer.alloc(RECORD_HEADER + body.length);
  out.writeUInt32LE(body.length, 0);
  out.writeUInt32LE(crc32(body), 4);
  body.copy(out, RECORD_HEADER);
  return out;
}

export interface ReplayResult { records: Document[]; validBytes: number; tornBytes: number }

/** Decodes every intact record; stops at the first torn or corrupt one (a crash mid-append). */
export function decodeRecords(data: Buffer): ReplayResult {
  const records: Document[] = [];
  let offset = 0;
  while (offset + RECORD_HEADER <= data.length) {
    const length = data.readUInt32LE(offset);
    const checksum = data.readUInt32LE(offset + 4);
    const end = offset + RECORD_HEADER + length;
    if (length < 5 || end > data.length) break;
    const body = data.subarray(offset + RECORD_HEADER, end);
    if (crc32(body) !== checksum) break;
    records.push(deserialize(body, DESERIALIZE_OPTIONS));
    offset = end;
  }
  return { records, validBytes: offset, tornBytes: data.length - offset };
}

interface PendingWrite { buffer: Buffer; resolve: () => void; reject: (error: Error) => void }

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

  /** `snapshot` yields records that rebuild the current state; it is what compaction writes. */
  constructor(dataDir: string, snapshot: () => Iterable<Document>, options: { minCompactBytes?: number } = {}) {
    this.file = path.join(dataDir, JOURNAL_FILE);
    this.snapshot = snapshot;
    this.minCompactBytes = options.minCompactBytes ?? MIN_COMPACT_BYTES;
  }

  get path(): string {
    return this.file;
  }

  /** Reads the journal's intact records, warning about (and dropping) a torn tail. */
  async read(logger: JournalLogger): Promise<Document[]> {
    let data: Buffer;
    try {
      data = await fs.readFile(this.file);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    const result = decodeRecords(data);
    if (result.tornBytes > 0) {
      logger.warn(
        `embedded-mongo: dropped ${result.tornBytes} bytes of incomplete journal data at offset ${result.validBytes} in ${this.file} (an interrupted write); earlier data is intact`,
      );
    }
    return result.records;
  }

  /** Rewrites the journal as the current state and opens it for appending. */
  async open(): Promise<void> {
    this.compactNow();
    this.handle = await fs.open(this.file, 'a');
  }

  /** Resolves once the records are durable on disk. */
  append(records: Document[]): Promise<void> {
    if (records.length === 0) return Promise.resolve();
    if (this.closed || !this.handle) return Promise.reject(new Error('journal is closed'));
    const buffer = Buffer.concat(records.map(encodeRecord));
    return new Promise((resolve, reject) => {
      this.queue.push({ buffer, resolve, reject });
      this.flushing ??= this.flushLoop();
    });
  }

  private async flushLoop(): Promise<void> {
    try {
      while (this.queue.length > 0) {
        const batch = this.queue;
        this.queue = [];
        try {
          const data = Buffer.concat(batch.map((pending) => pending.buffer));
          await this.handle!.write(data);
          await this.handle!.datasync();
          this.bytes += data.length;
          if (this.bytes > this.minCompactBytes && this.bytes > GROWTH_FACTOR * this.compactedBytes) await this.compactOpen();
          for (const pending of batch) pending.resolve();
        } catch (error) {
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
    this.handle = await fs.open(this.file, 'a');
  }

  /**
   * Synchronous on purpose: the in-memory state must not change while it is being written out,
   * and no other code runs while we hold the event loop.
   */
  private compactNow(): void {
    const temp = `${this.file}.compact`;
    const fd = openSync(temp, 'w');
    let written = 0;
    try {
      let chunk: Buffer[] = [];
      let chunkBytes = 0;
      for (const record of this.snapshot()) {
        const encoded = encodeRecord(record);
        chunk.push(encoded);
        chunkBytes += encoded.length;
        if (chunkBytes > 4 * 1024 * 1024) {
          writeSync(fd, Buffer.concat(chunk));
          written += chunkBytes;
          chunk = [];
          chunkBytes = 0;
        }
      }
      if (chunk.length > 0) writeSync(fd, Buffer.concat(chunk));
      written += chunkBytes;
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, this.file);
    syncDirectory(path.dirname(this.file));
    this.bytes = written;
    this.compactedBytes = written;
  }

  async close(): Promise<void> {
    this.closed = true;
    while (this.flushing) await this.flushing;
    await this.handle?.close();
    this.handle = undefined;
  }
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
