// The live figures' moving parts, as the rest of the app sees them. How a change is noticed (in
// this process, by polling, or by a change stream) and how streams are kept is live-hub.ts's business.
import type { Request, Response } from 'express';

/**
 * One view of a wave's figures that pages stream (a dashboard with its settings). Views with the
 * same key share one computation per change, whatever the number of open pages.
 */
export interface LiveView {
  /** Canonical: the wave and every setting that changes the figures (dashboard-query.ts). */
  key: string;
  surveyId: string;
  /** A wave id, never "current": the view follows one wave. */
  waveId: string;
  /**
   * The view's parts (the header, each question), each one JSON-serialisable. Called once per
   * change of the wave; parts whose JSON did not change are not sent again.
   */
  compute(): Promise<Record<string, unknown>>;
}

/** What one `figures` event carries (its SSE `id` is `version`). */
export interface LiveUpdate {
  version: number;
  /** true: every part (a first event, or a resume that could not be served by a difference). */
  full: boolean;
  parts: Record<string, unknown>;
}

export interface LiveStreamOptions {
  /**
   * The version the client already shows: the `Last-Event-ID` header on a reconnect, else the
   * page's own version (`?since=`). Absent: the client has nothing, it gets every part.
   */
  since?: number;
  /**
   * The client can inflate (DecompressionStream): its `figures` events come as `packed-figures`,
   * their JSON deflated once per event and base64-encoded, about a sixth of the bytes for every
   * stream (see sse.ts).
   */
  packed?: boolean;
}

export interface LiveHub {
  /**
   * Answers the request with an event stream of the view's changes, until the client leaves, the
   * stream reaches its maximum age (the client reconnects, and its access is checked again) or
   * the hub stops.
   */
  stream(req: Request, res: Response, view: LiveView, options?: LiveStreamOptions): Promise<void>;
  /** The wave's current version: a page embeds the one its figures were computed at. */
  versionOf(surveyId: string, waveId: string): Promise<number>;
  /** Open streams and views, for /healthz and the benchmark. */
  stats(): LiveStats;
  /** Ends every stream (the clients reconnect elsewhere) and stops watching for changes. */
  stop(): Promise<void>;
}

export interface LiveStats {
  streams: number;
  /** Views with at least one open stream. */
  views: number;
  /** Computations of views since the hub started (one per change per view, however many streams). */
  computations: number;
  /**
   * How this process hears of other processes' changes: a change stream (a replica set), polling
   * (a standalone server, the embedded store), or not decided until the first stream opens.
   */
  feed: 'undecided' | 'change-stream' | 'polling';
}
