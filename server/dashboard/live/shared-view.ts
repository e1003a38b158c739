// One view's figures, shared by every stream that shows it: computed once per change of its wave
// whatever the number of streams, and sent to each stream as the parts it does not have yet.
// Changes that arrive while a computation runs are coalesced into one more computation after it,
// and computations of a view start at most once per `minIntervalMs` (half a second by default): on
// a busy wave the figures move twice a second, not once per completion, which bounds what the
// dashboards cost the respondents' path (bench:live) while keeping every change on screen within a
// second.
import { setTimeout as delay } from 'node:timers/promises';
import type { Logger } from '../../lib/logger';
import type { LiveView } from './live.types';
import { formatEvent, formatPackedEvent } from './sse';

/** One open stream, as a view sees it. */
export interface ViewClient {
  /** The version whose parts the client shows; undefined: it shows none. */
  shown: number | undefined;
  /** It takes its events packed (formatPackedEvent). */
  packed: boolean;
  /** Writes a formatted event; the client ends its stream itself when the write fails. */
  send(formatted: Buffer): void;
}

export interface SharedView {
  readonly view: LiveView;
  /** A stream opened: it gets what it lacks now, or when the first computation ends. */
  join(client: ViewClient): void;
  /** A stream ended; returns whether any is left (a view with none is dropped by the hub). */
  leave(client: ViewClient): boolean;
  /** The wave's version is now at least `version` (the same version may come more than once). */
  notice(version: number): void;
  /** No stream left: a computation in flight is thrown away. */
  drop(): void;
}

export interface SharedViewOptions {
  logger: Logger;
  /** Reads the wave's version from the database (the first computation's, and to check a client's). */
  readVersion(): Promise<number>;
  /** Counts computations, for the hub's stats. */
  computed(): void;
  /** The least time between the starts of two computations (LIVE_MIN_INTERVAL_MS). */
  minIntervalMs: number;
}

export function createSharedView(view: LiveView, options: SharedViewOptions): SharedView {
  const { logger, readVersion, computed, minIntervalMs } = options;
  const clients = new Set<ViewClient>();
  /** The version the current parts were computed at (at least as recent as it). */
  let version: number | undefined;
  /** Each current part's JSON: compared with the next computation's, and written into the events as it is. */
  let partsJson = new Map<string, string>();
  /** The parts that changed in the last computation (null: gone), as JSON. */
  let changedJson = new Map<string, string>();
  /** The current version's events, formatted once in each form (whole or changed, plain or packed). */
  let formatted = new Map<string, Buffer>();
  /** The highest version heard of: a computation runs while it is ahead of `version`. */
  let wanted = 0;
  let computing = false;
  let dropped = false;
  /** Aborted by drop(): a wait for the next computation ends at once (a stopping server is not held open by it). */
  const dropping = new AbortController();
  /** When the last computation started (performance.now()); the first one never waits. */
  let lastStart = Number.NEGATIVE_INFINITY;

  /** The current version's event, every part (`full`) or those that changed; a LiveUpdate written from its parts' JSON. */
  function eventOf(currentVersion: number, full: boolean, packed: boolean): Buffer {
    const key = `${full}/${packed}`;
    let event = formatted.get(key);
    if (event === undefined) {
      const members = [...(full ? partsJson : changedJson)].map(([part, json]) => `${JSON.stringify(part)}:${json}`);
      const json = `{"version":${currentVersion},"full":${full},"parts":{${members.join(',')}}}`;
      event = (packed ? formatPackedEvent : formatEvent)({ id: currentVersion, event: 'figures', json });
      formatted.set(key, event);
    }
    return event;
  }

  /** Sends the new state to each client: the changed parts to those that showed the previous one. */
  function publish(newVersion: number, newParts: Record<string, unknown>): void {
    const newJson = new Map(Object.entries(newParts).map(([key, value]) => [key, JSON.stringify(value) ?? 'null']));
    const changed = new Map<string, string>();
    for (const [key, json] of newJson) if (partsJson.get(key) !== json) changed.set(key, json);
    // A part that went away is sent as null, so the client removes it.
    for (const key of partsJson.keys()) if (!newJson.has(key)) changed.set(key, 'null');
    const previous = version;
    version = newVersion;
    partsJson = newJson;
    changedJson = changed;
    formatted = new Map();
    for (const client of clients) {
      if (client.shown === newVersion) continue;
      client.send(eventOf(newVersion, !(previous !== undefined && client.shown === previous), client.packed));
      client.shown = newVersion;
    }
  }

  async function run(): Promise<void> {
    if (computing || dropped) return;
    computing = true;
    try {
      while (!dropped && (version === undefined || wanted > version)) {
        // Changes heard while waiting join this computation. (A timer may fire a little early on
        // the event loop's coarser clock: wait again for what is left.)
        for (let wait = lastStart + minIntervalMs - performance.now(); wait > 0 && !dropped; wait = lastStart + minIntervalMs - performance.now()) {
          await delay(Math.ceil(wait), undefined, { signal: dropping.signal }).catch(() => undefined);
        }
        if (dropped) return;
        lastStart = performance.now();
        const target = wanted;
        try {
          computed();
          const newParts = await view.compute();
          if (!dropped) publish(target, newParts);
        } catch (error) {
          // The streams stay open with what they show; the next change tries again.
          logger.error({ err: error, view: view.key }, 'live: could not compute a view');
          return;
        }
      }
    } finally {
      computing = false;
    }
  }

  /** Only a version not heard of before starts a computation: a failed one waits for the next change. */
  function notice(newVersion: number): void {
    if (newVersion <= wanted) return;
    wanted = newVersion;
    void run();
  }

  /** Every part, to a client still open whose version is not the view's. */
  function sendWhole(client: ViewClient): void {
    if (version === undefined || !clients.has(client) || client.shown === version) return;
    client.send(eventOf(version, true, client.packed));
    client.shown = version;
  }

  async function start(): Promise<void> {
    try {
      wanted = Math.max(wanted, await readVersion());
      void run();
    } catch (error) {
      // Without a version the view waits for the first change it hears of.
      logger.error({ err: error, view: view.key }, 'live: could not read a wave\'s version');
    }
  }
  void start();

  return {
    view,
    join(client) {
      clients.add(client);
      if (version === undefined || client.shown === version) return;
      if (client.shown !== undefined && client.shown > version) {
        // The page was drawn at a version this process has not heard of yet (another process
        // bumped it): the client waits for it, and the database says whether it exists. One the
        // database never reached (a page from before a restore, a made-up `since`) would wait
        // forever: it gets the whole state instead.
        const claimed = client.shown;
        readVersion().then(
          (current) => (current >= claimed ? notice(current) : sendWhole(client)),
          (error: unknown) => logger.warn({ err: error }, 'live: could not read a wave\'s version'),
        );
        return;
      }
      sendWhole(client);
    },
    leave(client) {
      clients.delete(client);
      return clients.size > 0;
    },
    notice,
    drop() {
      dropped = true;
      dropping.abort();
      clients.clear();
    },
  };
}
