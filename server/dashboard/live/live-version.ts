// Each wave's live version: bumped after every change to its figures, read by the live hub to know
// what its dashboards show. A bump made in this process is also signalled in-process, so this
// process's dashboards move at once instead of at the next poll.
import { EventEmitter } from 'node:events';
import type { ChangeStreamInsertDocument, ChangeStreamReplaceDocument, ChangeStreamUpdateDocument } from 'mongodb';
import { upsertWithRetry } from '../../lib/duplicate-key';
import { LiveVersionModel } from './live-version.model';

export interface WaveRef {
  surveyId: string;
  waveId: string;
}

export interface VersionChange extends WaveRef {
  version: number;
}

/** A wave's key in maps and sets: ids never hold a newline. */
export function waveKeyOf(wave: WaveRef): string {
  return `${wave.surveyId}\n${wave.waveId}`;
}

const localBumps = new EventEmitter();
// One listener per live hub; tests start many apps in one process.
localBumps.setMaxListeners(0);

/**
 * Moves the wave's version on by one and tells this process's hubs. Two first bumps of a wave at
 * once can both try to insert its document: upsertWithRetry retries the one that lost.
 */
export async function bumpLiveVersion(surveyId: string, waveId: string): Promise<number> {
  const doc = await upsertWithRetry(() =>
    LiveVersionModel.findOneAndUpdate(
      { surveyId, waveId },
      { $inc: { version: 1 }, $set: { changedAt: new Date() } },
      { upsert: true, returnDocument: 'after', projection: { _id: 0, version: 1 } },
    ).lean(),
  );
  const version = doc?.version ?? 0;
  localBumps.emit('bump', { surveyId, waveId, version } satisfies VersionChange);
  return version;
}

/** Calls `listener` after every bump made by this process; returns what stops it. */
export function onLocalBump(listener: (change: VersionChange) => void): () => void {
  localBumps.on('bump', listener);
  return () => localBumps.off('bump', listener);
}

/** The versions of many waves in one query; a wave never bumped is at 0. */
export async function readLiveVersions(waves: readonly WaveRef[]): Promise<VersionChange[]> {
  if (waves.length === 0) return [];
  const docs = await LiveVersionModel.find(
    { $or: waves.map(({ surveyId, waveId }) => ({ surveyId, waveId })) },
    { _id: 0, surveyId: 1, waveId: 1, version: 1 },
  ).lean();
  const found = new Map(docs.map((doc) => [waveKeyOf(doc), doc.version]));
  return waves.map((wave) => ({ surveyId: wave.surveyId, waveId: wave.waveId, version: found.get(waveKeyOf(wave)) ?? 0 }));
}

export async function readLiveVersion(surveyId: string, waveId: string): Promise<number> {
  const [change] = await readLiveVersions([{ surveyId, waveId }]);
  return change?.version ?? 0;
}

/** What the change stream reports of a written version (the document after the write). */
type WrittenVersion = ChangeStreamInsertDocument<VersionChange> | ChangeStreamUpdateDocument<VersionChange> | ChangeStreamReplaceDocument<VersionChange>;

export interface LiveVersionWatch {
  /** Every version written from now on, by any process, until closed. */
  changes: AsyncIterable<VersionChange>;
  close(): Promise<void>;
}

/**
 * Opens a change stream on the versions. It fails when the database has none: a standalone
 * mongod and the embedded store answer error 40573. The driver sends the `$changeStream`
 * aggregate lazily; in iterator mode a refusal rejects the first read (an emitter would emit
 * 'error' instead), so the first tryNext() here is what finds out.
 */
export async function openLiveVersionWatch(): Promise<LiveVersionWatch> {
  const db = LiveVersionModel.db.db;
  if (!db) throw new Error('the database is not connected');
  const stream = db.collection<VersionChange>('live_versions').watch<VersionChange, WrittenVersion>(
    [{ $match: { operationType: { $in: ['insert', 'update', 'replace'] } } }],
    { fullDocument: 'updateLookup' },
  );
  let first: WrittenVersion | null;
  try {
    first = await stream.tryNext();
  } catch (error) {
    await stream.close().catch(() => undefined);
    throw error;
  }
  async function* changes(): AsyncGenerator<VersionChange> {
    for (let change = first; ; change = await stream.next()) {
      const doc = change?.fullDocument;
      if (doc) yield { surveyId: doc.surveyId, waveId: doc.waveId, version: doc.version };
    }
  }
  return { changes: changes(), close: () => stream.close() };
}
