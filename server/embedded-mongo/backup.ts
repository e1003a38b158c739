// Backup and restore of a data directory, safe while a store runs on it.
//
// One point in time: the journal is append-only and every acknowledged write is in it before the
// reply, in the order the writes were applied. So the intact records of one read of the file are
// the whole store as it was at one journal position, every collection at once, like a filesystem
// snapshot of a journalled mongod. Compaction renames a new file over the old one; a read that
// opened the old one sees it end at the compaction, which is also one point in time. A torn last
// record (an append in progress) was never acknowledged and is left out.
//
// The backup holds the state those records rebuild (documents, indexes and options, as compaction
// writes them), not the records themselves: a deleted document is not carried into the backup.
//
// File format, version 1 (all integers little-endian):
//   "barometer-store-backup\n"          23 bytes of magic
//   uint32 header length, then the header: a BSON document
//     { version: 1, createdAt, journalPosition, records, bodyBytes, sha256, collections: [{ db, coll, documents }], users? }
//   the body: `records` journal records ([uint32 length][uint32 CRC32][BSON]), `bodyBytes` long,
//   whose SHA-256 is `sha256`. `users` is the store's users.json (stores run with --auth), as text.
// Restore checks the magic, the version, the length, the checksum, every record and that they
// replay, before it writes anything; it then writes the journal through a temporary file renamed
// into place, so a restore is whole or has not happened.
import { createHash } from 'node:crypto';
import { promises as fs, constants as fsConstants } from 'node:fs';
import path from 'node:path';
import { deserialize, serialize, type Document } from 'bson';
import { USERS_FILE } from './auth/users';
import { DataDirLock, readRunningStore } from './lock';
import { Catalog } from './storage/catalog';
import { DATA_FILE_MODE, JOURNAL_FILE, decodeRecords, encodeRecord, writeFileAtomically } from './storage/journal';

export const BACKUP_MAGIC = Buffer.from('barometer-store-backup\n', 'ascii');
export const BACKUP_FORMAT_VERSION = 1;
/** A journal being appended to may end in half a record; a damaged middle is read again this many times. */
const READ_ATTEMPTS = 3;

/** A backup or restore refused: the message says why and what to do, and nothing was written. */
export class BackupRefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BackupRefusedError';
  }
}

export interface CollectionCount { db: string; coll: string; documents: number }

export interface BackupHeader {
  version: number;
  createdAt: Date;
  /** Bytes of the source journal the backup reflects: its point in time. */
  journalPosition: number;
  records: number;
  bodyBytes: number;
  sha256: string;
  collections: CollectionCount[];
  users?: string;
}

export interface BackupReport { file: string; header: BackupHeader }

function collectionCounts(catalog: Catalog): CollectionCount[] {
  return catalog.databaseNames().flatMap((db) => catalog.collections(db).map((collection) => ({ db, coll: collection.name, documents: collection.docs.size })));
}

/** The intact records of one read of the journal, and the position they end at. */
async function readJournalAtOnePosition(dataDir: string): Promise<{ records: Document[]; position: number }> {
  const file = path.join(dataDir, JOURNAL_FILE);
  let corruptAt = 0;
  for (let attempt = 0; attempt < READ_ATTEMPTS; attempt += 1) {
    let data: Buffer;
    try {
      // One open file: a compaction renaming a new journal over it mid-read does not change what we read.
      const handle = await fs.open(file, 'r');
      try {
        data = await handle.readFile();
      } finally {
        await handle.close();
      }
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new BackupRefusedError(`There is no embedded store data in ${dataDir} (no ${JOURNAL_FILE}). Name the store's directory with --dbpath (the app keeps it in $DATA_DIR/db).`);
      throw error;
    }
    const result = decodeRecords(data);
    if (result.corruptAt === undefined) return { records: result.records, position: result.validBytes };
    corruptAt = result.corruptAt;
  }
  throw new BackupRefusedError(`The journal ${file} is damaged at byte offset ${corruptAt}; no backup was written. Stop the store and run: npm run db:repair -- --dbpath ${dataDir}`);
}

function replay(records: Document[], describe: (index: number, record: Document, error: Error) => string): Catalog {
  const catalog = new Catalog();
  records.forEach((record, index) => {
    try {
      catalog.apply(record);
    } catch (error) {
      throw new BackupRefusedError(describe(index, record, error as Error));
    }
  });
  return catalog;
}

async function readUsers(dataDir: string): Promise<string | undefined> {
  try {
    return await fs.readFile(path.join(dataDir, USERS_FILE), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

async function exists(file: string): Promise<boolean> {
  return fs.access(file).then(
    () => true,
    () => false,
  );
}

/** Writes a backup of the store in `dataDir` to `out` (a new file), whether or not a store runs on it. */
export async function backupDataDir(dataDir: string, out: string, now: Date = new Date()): Promise<BackupReport> {
  if (await exists(out)) throw new BackupRefusedError(`${out} already exists; a backup never overwrites a file. Name a new one.`);
  const { records, position } = await readJournalAtOnePosition(dataDir);
  const catalog = replay(records, (index, record, error) => `The journal of ${dataDir} does not replay at record ${index + 1} (${String(record.op)}): ${error.message}. No backup was written.`);
  const snapshot = [...catalog.snapshotRecords()];
  const body = Buffer.concat(snapshot.map((record) => encodeRecord(record)));
  const header: BackupHeader = {
    version: BACKUP_FORMAT_VERSION,
    createdAt: now,
    journalPosition: position,
    records: snapshot.length,
    bodyBytes: body.length,
    sha256: createHash('sha256').update(body).digest('hex'),
    collections: collectionCounts(catalog),
  };
  const users = await readUsers(dataDir);
  if (users !== undefined) header.users = users;
  const headerBytes = Buffer.from(serialize(header));
  const length = Buffer.alloc(4);
  length.writeUInt32LE(headerBytes.length, 0);
  // Through a temporary file renamed into place: an interrupted backup never looks like a whole one.
  await fs.mkdir(path.dirname(path.resolve(out)), { recursive: true });
  writeFileAtomically(`${out}.partial`, out, (write) => {
    for (const part of [BACKUP_MAGIC, length, headerBytes, body]) write(part);
  });
  return { file: out, header };
}

/** Reads and checks a whole backup: its header, length, checksum, records and their replay. */
export async function readBackup(file: string): Promise<{ header: BackupHeader; records: Document[] }> {
  let data: Buffer;
  try {
    data = await fs.readFile(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new BackupRefusedError(`${file} does not exist.`);
    throw error;
  }
  const refuse = (why: string) => new BackupRefusedError(`${file} ${why} Nothing was restored.`);
  if (data.length < BACKUP_MAGIC.length + 4 || !data.subarray(0, BACKUP_MAGIC.length).equals(BACKUP_MAGIC)) {
    throw refuse('is not a Barometer store backup (it does not start as `npm run db:backup` writes one).');
  }
  const headerStart = BACKUP_MAGIC.length + 4;
  const headerLength = data.readUInt32LE(BACKUP_MAGIC.length);
  if (headerStart + headerLength > data.length) throw refuse('is truncated: it ends inside its header.');
  let header: BackupHeader;
  try {
    header = deserialize(data.subarray(headerStart, headerStart + headerLength), { promoteValues: true }) as BackupHeader;
  } catch {
    throw refuse('is corrupt: its header cannot be read.');
  }
  if (header.users !== undefined && typeof header.users !== 'string') throw refuse('is corrupt: its header\'s users are not text.');
  if (header.version !== BACKUP_FORMAT_VERSION) {
    throw refuse(`is in backup format ${String(header.version)}; this version of Barometer reads format ${BACKUP_FORMAT_VERSION}. Restore it with the version that wrote it.`);
  }
  const body = data.subarray(headerStart + headerLength);
  if (body.length < header.bodyBytes) throw refuse(`is truncated: it holds ${body.length} of its ${header.bodyBytes} bytes of data.`);
  if (body.length > header.bodyBytes) throw refuse(`is corrupt: it holds ${body.length - header.bodyBytes} bytes more than its header announces.`);
  if (createHash('sha256').update(body).digest('hex') !== header.sha256) throw refuse('is corrupt: its checksum (SHA-256) does not match its contents.');
  const decoded = decodeRecords(body);
  if (decoded.validBytes !== body.length || decoded.records.length !== header.records) throw refuse(`is corrupt: a record at byte offset ${decoded.validBytes} of its data is damaged.`);
  replay(decoded.records, (index, record, error) => `${file} is corrupt: record ${index + 1} (${String(record.op)}) does not replay: ${error.message}. Nothing was restored.`);
  return { header, records: decoded.records };
}

/** `2026-12-01T13:45:07.123Z` → `20261201T134507123Z`: sortable and safe in a file name. */
function fileTimestamp(date: Date): string {
  return date.toISOString().replace(/[-:.]/g, '');
}

export interface RestoreOptions {
  /** Replace a directory that already holds data (its journal is kept beside it). */
  force?: boolean;
  now?: Date;
}

export interface RestoreReport { dataDir: string; header: BackupHeader; replaced?: string }

/** Restores `file` into `dataDir`; refuses while a store holds the directory, and over data without `force`. */
export async function restoreDataDir(file: string, dataDir: string, options: RestoreOptions = {}): Promise<RestoreReport> {
  const { header, records } = await readBackup(file);
  const running = await readRunningStore(dataDir);
  if (running) {
    throw new BackupRefusedError(
      `A running store (pid ${running.pid}) holds ${dataDir}: stop the app (or \`npm run db\`) that uses it first. Nothing was restored.`,
    );
  }
  await fs.mkdir(dataDir, { recursive: true, mode: 0o700 });
  let lock: DataDirLock;
  try {
    // Held for the whole restore, so no store starts on the directory half-way through.
    lock = await DataDirLock.acquire(dataDir);
  } catch (error) {
    throw new BackupRefusedError(`${(error as Error).message} Nothing was restored.`);
  }
  try {
    const journal = path.join(dataDir, JOURNAL_FILE);
    const current = await fs.stat(journal).catch(() => undefined);
    const report: RestoreReport = { dataDir, header };
    if (current && current.size > 0) {
      if (!options.force) {
        throw new BackupRefusedError(
          `${dataDir} already holds a store (${current.size} bytes of journal). Restore into an empty directory, or add --force to replace it (its journal is then kept as ${JOURNAL_FILE}.before-restore-<time>). Nothing was restored.`,
        );
      }
      report.replaced = `${journal}.before-restore-${fileTimestamp(options.now ?? new Date())}`;
      // A copy, not a move: the current journal stays in place until the new one is renamed over it.
      await fs.copyFile(journal, report.replaced, fsConstants.COPYFILE_EXCL);
    }
    writeFileAtomically(`${journal}.restore`, journal, (write) => {
      for (const record of records) write(encodeRecord(record));
    });
    const users = path.join(dataDir, USERS_FILE);
    if (header.users !== undefined) await fs.writeFile(users, header.users, { mode: DATA_FILE_MODE });
    else await fs.rm(users, { force: true });
    return report;
  } finally {
    await lock.release();
  }
}

/** What the commands print: where the data went and how much of it. */
export function describeBackup(header: BackupHeader): string {
  const documents = header.collections.reduce((sum, c) => sum + c.documents, 0);
  const lines = header.collections.map((c) => `  ${c.db}.${c.coll}: ${c.documents}`);
  return [`${documents} documents in ${header.collections.length} collections, as of ${header.createdAt.toISOString()} (journal position ${header.journalPosition}):`, ...lines].join('\n');
}
