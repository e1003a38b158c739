// Journal repair, run by hand (`npm run db:repair`) after start-up refused a damaged journal.
// It keeps a copy of the damaged file, then writes a journal made of every intact record,
// before and after the damage: past a damaged stretch the scan resynchronises on the next
// offset where a record's length, CRC32 and BSON all check out (scanSegments). Intact records
// are copied byte for byte, never re-encoded, so what survives is exactly what was written.
import { promises as fs, constants as fsConstants } from 'node:fs';
import path from 'node:path';
import type { Document } from 'bson';
import { DataDirLock, readRunningStore } from '../lock';
import { Catalog } from './catalog';
import { DATA_FILE_MODE, JOURNAL_FILE, scanSegments, writeFileAtomically } from './journal';

export interface ByteRange { start: number; end: number }

export interface RepairReport {
  journal: string;
  /** Where the damaged original was copied; undefined when there was nothing to repair. */
  backup: string | undefined;
  totalBytes: number;
  keptRecords: number;
  keptBytes: number;
  /** Byte ranges of the original file that held no intact record, in file order. */
  dropped: ByteRange[];
  droppedBytes: number;
  /** Intact records found after the first damaged range (the ones a plain truncation would lose). */
  recordsAfterDamage: number;
}

/** Repair refused: a live store owns the directory, or the repaired journal would not load. */
export class RepairRefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RepairRefusedError';
  }
}

/** `2026-12-01T13:45:07.123Z` → `20261201T134507123Z`: sortable and safe in a file name. */
function fileTimestamp(date: Date): string {
  return date.toISOString().replace(/[-:.]/g, '');
}

export async function repairJournal(dataDir: string, options: { now?: Date } = {}): Promise<RepairReport> {
  const running = await readRunningStore(dataDir);
  if (running) {
    throw new RepairRefusedError(
      `A live embedded store (pid ${running.pid}, listening on ${running.socket ?? `mongodb://${running.host}:${running.port}`}) holds ${dataDir}. Stop it before repairing its journal.`,
    );
  }
  // Held for the whole repair, so no store can start on the directory half-way through. It also
  // refuses a live store that has locked the directory but not yet published where it listens.
  let lock: DataDirLock;
  try {
    lock = await DataDirLock.acquire(dataDir);
  } catch (error) {
    throw new RepairRefusedError(`${(error as Error).message} Stop it before repairing its journal.`);
  }
  try {
    return await repairLocked(dataDir, options.now ?? new Date());
  } finally {
    await lock.release();
  }
}

async function repairLocked(dataDir: string, now: Date): Promise<RepairReport> {
  const journal = path.join(dataDir, JOURNAL_FILE);
  let data: Buffer;
  try {
    data = await fs.readFile(journal);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    data = Buffer.alloc(0);
  }
  const kept: Buffer[] = [];
  const records: Document[] = [];
  const dropped: ByteRange[] = [];
  let keptBytes = 0;
  let recordsAfterDamage = 0;
  for (const segment of scanSegments(data)) {
    if (segment.kind === 'damaged') {
      dropped.push({ start: segment.start, end: segment.end });
      continue;
    }
    kept.push(data.subarray(segment.start, segment.end));
    records.push(segment.record);
    keptBytes += segment.end - segment.start;
    if (dropped.length > 0) recordsAfterDamage += 1;
  }
  const report: RepairReport = {
    journal,
    backup: undefined,
    totalBytes: data.length,
    keptRecords: records.length,
    keptBytes,
    dropped,
    droppedBytes: data.length - keptBytes,
    recordsAfterDamage,
  };
  if (dropped.length === 0) return report;

  verifyReplay(records, journal);

  const backup = `${journal}.damaged-${fileTimestamp(now)}`;
  await copyDurably(journal, backup);
  report.backup = backup;
  writeFileAtomically(`${journal}.repair`, journal, (write) => {
    for (const bytes of kept) write(bytes);
  });
  return report;
}

/**
 * Replays the kept records into an empty catalog before anything is written. A dropped record
 * can leave the rest inconsistent (e.g. a lost delete leaves a document that now breaks a unique
 * index rebuilt later); better to say so now than to write a journal the store cannot load.
 */
function verifyReplay(records: Document[], journal: string): void {
  const catalog = new Catalog();
  records.forEach((record, index) => {
    try {
      catalog.apply(record);
    } catch (error) {
      throw new RepairRefusedError(
        `The intact records of ${journal} do not replay: record ${index + 1} (${String(record.op)} on ${String(record.db)}.${String(record.coll)}) fails with: ${(error as Error).message}. ` +
          'Nothing was written; the journal is unchanged.',
      );
    }
  });
}

/** Copies `from` to a new file `to` (never over an existing one), owner-only and fsynced. */
async function copyDurably(from: string, to: string): Promise<void> {
  await fs.copyFile(from, to, fsConstants.COPYFILE_EXCL);
  const handle = await fs.open(to, 'r+');
  try {
    await handle.chmod(DATA_FILE_MODE);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** What `npm run db:repair` prints. */
export function describeRepair(report: RepairReport): string {
  const bytes = (n: number) => `${n.toLocaleString('en-US')} byte${n === 1 ? '' : 's'}`;
  if (report.totalBytes === 0) return `No journal to repair at ${report.journal}.`;
  if (!report.backup) return `${report.journal} is intact: ${report.keptRecords} records, ${bytes(report.totalBytes)}. Nothing to repair.`;
  const ranges = report.dropped.map((range) => `  dropped bytes ${range.start}-${range.end - 1} (${bytes(range.end - range.start)})`);
  return [
    `Repaired ${report.journal}.`,
    `  kept ${report.keptRecords} intact records (${bytes(report.keptBytes)}), ${report.recordsAfterDamage} of them after the first damage`,
    ...ranges,
    `  dropped ${bytes(report.droppedBytes)} in ${report.dropped.length} range${report.dropped.length === 1 ? '' : 's'} of ${bytes(report.totalBytes)}`,
    `  the damaged original is kept as ${report.backup}`,
    'Changes recorded in the dropped bytes are lost: a lost update leaves the previous version of a document, a lost delete leaves the document in place.',
  ].join('\n');
}
