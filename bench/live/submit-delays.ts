// The delay from a response's final submit to the dashboards' event that carries it.
//
// A wave's live version goes up by one for each completion, after the response's tallies have
// moved and before its final submit is answered (the hooks run before the redirect to the
// thank-you page). So when the k-th final submit of a window is answered, its completion is
// counted in a version of at most base + (final submits sent so far in the window), and any event
// whose version reaches that figure carries it. That figure is an upper bound of the response's
// own version: when other final submits are still in flight, the delay counted is the longer
// one, never the shorter. It is capped at the version the streams settle on after the window
// (a submit cut off by the window's end may never have completed).
import { build as buildHistogram } from 'hdr-histogram-js';
import type { FinalSubmitObserver } from '../load/respondent-sequence';
import type { FiguresEvent } from './dashboard-streams';

interface AnsweredSubmit {
  /** The lowest version sure to carry it (before the cap). */
  version: number;
  /** performance.now() when its answer was read. */
  at: number;
}

/** Counts a window's final submits, as the respondents' sequence reports them. */
export class FinalSubmitClock implements FinalSubmitObserver {
  readonly submits: AnsweredSubmit[] = [];
  private sentSoFar = 0;

  constructor(private readonly baseVersion: number) {}

  sent(): void {
    this.sentSoFar += 1;
  }

  answered(): void {
    this.submits.push({ version: this.baseVersion + this.sentSoFar, at: performance.now() });
  }
}

export interface DelaySummary {
  /** Final submits answered in the window. */
  submits: number;
  /** Delays measured: submits × streams. */
  count: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** Figures events read per stream in the window, on average. */
  eventsPerStream: number;
  /** Submits (and hence completions) one event carried on average: > 1 when changes were coalesced. */
  completionsPerEvent: number;
  /** Share of the events that carried no part (the version moved, no figure did). */
  emptyShare: number;
}

const US_PER_MS = 1000;

/**
 * Every answered submit's delay on every stream: from its answer to the first event on that
 * stream whose version reaches it (0 when that event came first). A submit that no event carries
 * is returned among `missing`.
 */
export function submitDelays(clock: FinalSubmitClock, streams: { view: string; events: FiguresEvent[] }[], settledVersion: number): { summary: DelaySummary; missing: string[] } {
  const histogram = buildHistogram({ numberOfSignificantValueDigits: 3 });
  const missing: string[] = [];
  const submits = clock.submits.map((s) => ({ ...s, version: Math.min(s.version, settledVersion) }));
  let events = 0;
  let empty = 0;
  /** Events whose emptiness is known: the inspected streams' (see dashboard-streams.ts). */
  let inspected = 0;
  for (const stream of streams) {
    events += stream.events.length;
    empty += stream.events.filter((e) => e.empty === true).length;
    inspected += stream.events.filter((e) => e.empty !== undefined).length;
    // Submits are in answer order, their versions never go down; a stream's versions only go up.
    let next = 0;
    for (const submit of submits) {
      while (next < stream.events.length && stream.events[next]!.version < submit.version) next += 1;
      const event = stream.events[next];
      if (!event) {
        if (missing.length < 5) missing.push(`a ${stream.view} stream never carried version ${submit.version}`);
        continue;
      }
      histogram.recordValue(Math.max(1, Math.round((event.at - submit.at) * US_PER_MS)));
    }
  }
  const summary: DelaySummary = {
    submits: submits.length,
    count: histogram.totalCount,
    p50Ms: histogram.getValueAtPercentile(50) / US_PER_MS,
    p99Ms: histogram.getValueAtPercentile(99) / US_PER_MS,
    maxMs: histogram.maxValue / US_PER_MS,
    eventsPerStream: events / Math.max(1, streams.length),
    completionsPerEvent: submits.length / Math.max(1, events / Math.max(1, streams.length)),
    emptyShare: empty / Math.max(1, inspected),
  };
  histogram.destroy();
  return { summary, missing };
}
