// The live hub: the dashboards' event streams open in this process. Streams of one view share it
// (shared-view.ts: one computation per change, whatever the number of pages); the change feed
// (change-feed.ts) tells the views when their wave moved; this module keeps the streams: their
// limit, heartbeats, maximum age and end.
import type { Request, Response } from 'express';
import type { Config } from '../../lib/config';
import type { Logger } from '../../lib/logger';
import type { LiveHub, LiveStreamOptions, LiveView } from './live.types';
import { createChangeFeed } from './change-feed';
import { readLiveVersion, waveKeyOf, type WaveRef } from './live-version';
import { createSharedView, type SharedView, type ViewClient } from './shared-view';
import { closeEventStream, formatEvent, openEventStream, writeEvent } from './sse';

export interface LiveHubDependencies {
  config: Pick<Config, 'LIVE_POLL_MS' | 'LIVE_MIN_INTERVAL_MS' | 'LIVE_HEARTBEAT_MS' | 'LIVE_STREAM_MAX_AGE_MS' | 'LIVE_MAX_STREAMS'>;
  logger: Logger;
}

/** Seconds a client refused for want of room waits before trying again. */
const RETRY_AFTER_SECONDS = 10;

interface OpenStream extends ViewClient {
  end(): void;
}

/** The version a reconnecting browser sends (Last-Event-ID) wins over the page's own (`since`). */
function resumeVersionOf(req: Request, options: LiveStreamOptions): number | undefined {
  const header = req.get('Last-Event-ID');
  if (header !== undefined && /^\d{1,15}$/.test(header.trim())) return Number(header.trim());
  return options.since;
}

export function createLiveHub(deps: LiveHubDependencies): LiveHub {
  const { config, logger } = deps;
  const streams = new Set<OpenStream>();
  const views = new Map<string, SharedView>();
  const viewsByWave = new Map<string, Set<SharedView>>();
  let computations = 0;
  let heartbeat: NodeJS.Timeout | undefined;
  let stopped = false;

  const feed = createChangeFeed({
    pollMs: config.LIVE_POLL_MS,
    logger,
    watchedWaves: () => [...viewsByWave.values()].flatMap((shared): WaveRef[] => {
      const [first] = shared;
      return first ? [{ surveyId: first.view.surveyId, waveId: first.view.waveId }] : [];
    }),
    onVersion(change) {
      for (const shared of viewsByWave.get(waveKeyOf(change)) ?? []) shared.notice(change.version);
    },
  });

  function viewFor(view: LiveView): SharedView {
    const existing = views.get(view.key);
    if (existing) return existing;
    const shared = createSharedView(view, {
      logger,
      readVersion: () => readLiveVersion(view.surveyId, view.waveId),
      computed: () => void (computations += 1),
      minIntervalMs: config.LIVE_MIN_INTERVAL_MS,
    });
    views.set(view.key, shared);
    const waveKey = waveKeyOf(view);
    const ofWave = viewsByWave.get(waveKey) ?? new Set();
    ofWave.add(shared);
    viewsByWave.set(waveKey, ofWave);
    feed.refresh();
    return shared;
  }

  /** No stream left: nobody to compute for. */
  function dropView(shared: SharedView): void {
    shared.drop();
    views.delete(shared.view.key);
    const waveKey = waveKeyOf(shared.view);
    const ofWave = viewsByWave.get(waveKey);
    ofWave?.delete(shared);
    if (ofWave?.size === 0) viewsByWave.delete(waveKey);
    feed.refresh();
  }

  function beatHeartsWhileOpen(): void {
    if (streams.size === 0) {
      clearInterval(heartbeat);
      heartbeat = undefined;
    } else if (!heartbeat) {
      heartbeat = setInterval(() => {
        // No id: the browser's Last-Event-ID stays the last figures version.
        const beat = formatEvent({ event: 'heartbeat', data: { at: new Date().toISOString() } });
        for (const stream of streams) stream.send(beat);
      }, config.LIVE_HEARTBEAT_MS);
      heartbeat.unref();
    }
  }

  function refuse(res: Response): void {
    // A plain-text body: EventSource never reads an error's body, and a person with curl reads text.
    res.status(503).set('Retry-After', String(RETRY_AFTER_SECONDS)).type('text/plain').send(stopped ? 'This server is stopping; reconnect.\n' : 'Too many live streams are open on this server; try again shortly.\n');
  }

  return {
    stream(req, res, view, options = {}) {
      if (stopped || streams.size >= config.LIVE_MAX_STREAMS) {
        refuse(res);
        return Promise.resolve();
      }
      return new Promise<void>((resolve) => {
        openEventStream(res);
        const shared = viewFor(view);
        let ended = false;
        const stream: OpenStream = {
          shown: resumeVersionOf(req, options),
          packed: options.packed === true,
          send(formatted) {
            // A client that stopped reading is let go; its browser reconnects to a whole state.
            if (!ended && !writeEvent(res, formatted)) stream.end();
          },
          end() {
            if (ended) return;
            ended = true;
            clearTimeout(maxAge);
            streams.delete(stream);
            beatHeartsWhileOpen();
            if (!shared.leave(stream)) dropView(shared);
            closeEventStream(res);
            resolve();
          },
        };
        // The browser reconnects at once, and its access is checked again.
        const maxAge = setTimeout(() => stream.end(), config.LIVE_STREAM_MAX_AGE_MS);
        maxAge.unref();
        // 'close' comes when the client leaves, and after our own end.
        res.on('close', () => stream.end());
        streams.add(stream);
        beatHeartsWhileOpen();
        shared.join(stream);
        // Gone before its stream opened: 'close' came already.
        if (res.destroyed) stream.end();
      });
    },
    versionOf: (surveyId, waveId) => readLiveVersion(surveyId, waveId),
    stats: () => ({ streams: streams.size, views: views.size, computations, feed: feed.mode() }),
    async stop() {
      stopped = true;
      for (const stream of [...streams]) stream.end();
      clearInterval(heartbeat);
      heartbeat = undefined;
      await feed.stop();
    },
  };
}
