// How a process learns that a wave's live version moved. A bump made here is signalled in-process
// at once. A bump made by another process arrives by a change stream on `live_versions` when the
// database has them (a replica set), else by polling the versions of the waves this process has
// open streams for, every LIVE_POLL_MS, and only while it has any: a process with no dashboard
// open reads nothing. Which one is used is decided on the first open stream and logged once.
import type { Logger } from '../../lib/logger';
import type { LiveStats } from './live.types';
import { onLocalBump, openLiveVersionWatch, readLiveVersions, type LiveVersionWatch, type VersionChange, type WaveRef } from './live-version';

export type FeedMode = LiveStats['feed'];

export interface ChangeFeedOptions {
  pollMs: number;
  logger: Logger;
  /** The waves with open streams, read at each poll. */
  watchedWaves(): WaveRef[];
  /** A version seen for a wave: the same version may be reported more than once. */
  onVersion(change: VersionChange): void;
}

export interface ChangeFeed {
  /** The set of watched waves changed: starts what must run, stops polling when nothing is watched. */
  refresh(): void;
  mode(): FeedMode;
  stop(): Promise<void>;
}

/** A change stream refused by a standalone server: it has no oplog. */
const CHANGE_STREAMS_NEED_A_REPLICA_SET = 40573;

export function createChangeFeed(options: ChangeFeedOptions): ChangeFeed {
  const { pollMs, logger, watchedWaves, onVersion } = options;
  let mode: FeedMode = 'undecided';
  let deciding = false;
  let stopped = false;
  let watch: LiveVersionWatch | undefined;
  let pollTimer: NodeJS.Timeout | undefined;
  let polling = false;
  const stopLocal = onLocalBump(onVersion);

  async function pollOnce(): Promise<void> {
    const waves = watchedWaves();
    if (waves.length === 0) return;
    try {
      for (const change of await readLiveVersions(waves)) onVersion(change);
    } catch (error) {
      // The next poll tries again; the streams stay open meanwhile.
      logger.warn({ err: error }, 'live: could not read the live versions');
    }
  }

  function schedulePoll(): void {
    if (stopped || mode !== 'polling' || pollTimer || polling || watchedWaves().length === 0) return;
    pollTimer = setTimeout(() => {
      pollTimer = undefined;
      polling = true;
      // One poll at a time: a slow read delays the next instead of piling up.
      void pollOnce().finally(() => {
        polling = false;
        schedulePoll();
      });
    }, pollMs);
    pollTimer.unref();
  }

  function fallBackToPolling(error: unknown, when: 'open' | 'running'): void {
    mode = 'polling';
    const code = (error as { code?: unknown }).code;
    const why = code === CHANGE_STREAMS_NEED_A_REPLICA_SET ? 'the database has no change streams (not a replica set)' : 'the change stream failed';
    logger.info({ pollMs, code, err: code === CHANGE_STREAMS_NEED_A_REPLICA_SET ? undefined : error, when }, `live: ${why}; polling the open waves' versions every ${pollMs} ms`);
    schedulePoll();
  }

  async function follow(opened: LiveVersionWatch): Promise<void> {
    try {
      for await (const change of opened.changes) onVersion(change);
    } catch (error) {
      if (stopped) return;
      watch = undefined;
      await opened.close().catch(() => undefined);
      fallBackToPolling(error, 'running');
      // What changed while the stream was failing.
      await pollOnce();
    }
  }

  async function decide(): Promise<void> {
    deciding = true;
    try {
      const opened = await openLiveVersionWatch();
      if (stopped) {
        await opened.close();
        return;
      }
      watch = opened;
      mode = 'change-stream';
      logger.info('live: following other processes\' changes through a change stream on live_versions');
      void follow(opened);
    } catch (error) {
      if (stopped) return;
      fallBackToPolling(error, 'open');
    } finally {
      deciding = false;
    }
    // A view opened before the feed was ready read its version already: catch what moved since.
    await pollOnce();
  }

  return {
    refresh() {
      if (stopped) return;
      if (mode === 'undecided') {
        if (!deciding && watchedWaves().length > 0) void decide();
        return;
      }
      if (watchedWaves().length === 0 && pollTimer) {
        clearTimeout(pollTimer);
        pollTimer = undefined;
      }
      schedulePoll();
    },
    mode: () => mode,
    async stop() {
      stopped = true;
      stopLocal();
      if (pollTimer) clearTimeout(pollTimer);
      pollTimer = undefined;
      const open = watch;
      watch = undefined;
      await open?.close().catch(() => undefined);
    },
  };
}
