// What `npm run bench:live` found, as one summary (printed as JSON with --json) and as Markdown
// tables that paste into docs/benchmarks.md: the goals of issue 13 with PASS/MISS first, then the
// figures they come from.
import { markdownTable, type MachineDescription } from '../bench-output';
import { count, fixed, percent, reportEnding, reportPreamble, verdict, type SaturationFigures } from '../load/load-report';
import type { NoiseSummary } from '../load/measures';
import type { Pinning } from '../load/processes';
import type { DashboardViewSpec } from './dashboard-streams';
import type { DelaySummary } from './submit-delays';

/** Targets from issue 13. */
export const GOALS = {
  /** Responses/s with the streams open, at least this share of responses/s without. */
  throughputWithStreams: 0.9,
  p99DelayMs: 1000,
} as const;

/** A window of whole responses with the dashboards open. */
export interface StreamedWindow extends SaturationFigures {
  delays: DelaySummary;
  /** What the streams read, bytes per second. */
  streamBytesPerSecond: number;
  /** The window's wall time. */
  windowSeconds: number;
}

export interface LiveSummary {
  command: string;
  date: string;
  machine: MachineDescription;
  pinning: Pinning;
  seconds: { firstWarmUp: number; warmUp: number; measured: number; elapsed: number };
  imported: number;
  views: DashboardViewSpec[];
  /** a.: the search for the saturation point, without streams. */
  sweep: SaturationFigures[];
  /** a. (the sweep's best first) and b. at the saturation point, alternated: a. b. a. b. a. after the sweep. */
  without: SaturationFigures[];
  with: StreamedWindow[];
  ratio: { responsesPerSecond: number; cpuPerResponse: number };
  /** c. at half the saturation rate, streams open. */
  halfRate: { targetRequestsPerSecond: number; connections: number; responsesPerSecond: number; window: StreamedWindow };
  peakUnderLoadMiB: number;
  otherProcesses: NoiseSummary;
  goals: { goal: string; measured: string; pass: boolean }[];
  errors: string[];
}

export const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / Math.max(1, values.length);

export function evaluateGoals(summary: Omit<LiveSummary, 'goals'>): LiveSummary['goals'] {
  const withRate = mean(summary.with.map((w) => w.responsesPerSecond));
  const withoutRate = mean(summary.without.slice(1).map((w) => w.responsesPerSecond));
  const worstSaturated = summary.with.reduce((a, b) => (b.delays.p99Ms > a.delays.p99Ms ? b : a), summary.with[0]!);
  const half = summary.halfRate.window.delays;
  const streams = summary.views.reduce((n, v) => n + v.streams, 0);
  return [
    {
      goal: `${streams} open dashboard streams cost < ${percent(1 - GOALS.throughputWithStreams)} of the complete responses/s`,
      measured: `${fixed(withRate, 1)} / ${fixed(withoutRate, 1)} responses/s = ${percent(summary.ratio.responsesPerSecond)}`,
      pass: summary.ratio.responsesPerSecond >= GOALS.throughputWithStreams,
    },
    {
      goal: `p99 delay from final submit to the event carrying it < ${count(GOALS.p99DelayMs)} ms, at half the saturation rate`,
      measured: `p99 ${fixed(half.p99Ms, 0)} ms (median ${fixed(half.p50Ms, 0)} ms)`,
      pass: half.count > 0 && half.p99Ms < GOALS.p99DelayMs,
    },
    {
      goal: `p99 delay from final submit to the event carrying it < ${count(GOALS.p99DelayMs)} ms, at saturation`,
      measured: `p99 ${fixed(worstSaturated.delays.p99Ms, 0)} ms (median ${fixed(worstSaturated.delays.p50Ms, 0)} ms), worse window`,
      pass: summary.with.every((w) => w.delays.count > 0 && w.delays.p99Ms < GOALS.p99DelayMs),
    },
  ];
}

function throughputRow(label: string, w: SaturationFigures): string[] {
  return [label, fixed(w.responsesPerSecond, 1), count(w.requestsPerSecond), `${fixed(w.cpuMsPerResponse)} ms`, `${fixed(w.mainThreadCpuMsPerResponse)} ms`, percent(w.serverCpuPercent / 100), percent(w.loadCpuPercent / 100)];
}

function delayRow(label: string, w: StreamedWindow): string[] {
  const d = w.delays;
  return [label, fixed(w.responsesPerSecond, 1), count(d.submits), count(d.count), fixed(d.p50Ms, 0), fixed(d.p99Ms, 0), fixed(d.maxMs, 0), fixed(d.eventsPerStream / w.windowSeconds, 1), fixed(d.completionsPerEvent, 1), percent(d.emptyShare), fixed(w.streamBytesPerSecond / 2 ** 20, 1), verdict(d.count > 0 && d.p99Ms < GOALS.p99DelayMs)];
}

export function formatReport(summary: LiveSummary): string {
  const lines: string[] = [];
  const streams = summary.views.reduce((n, v) => n + v.streams, 0);
  lines.push(`Live dashboard benchmark: Barometer on loopback, ${summary.imported} CAP-TIC responses imported first, ${streams} dashboard streams of an analyst (${summary.views.map((v) => `${v.streams} ${v.name}`).join(', ')})`);
  lines.push(`Windows: ${summary.seconds.measured} s after ${summary.seconds.firstWarmUp} s warm-up on a fresh server, ${summary.seconds.warmUp} s after that`);
  lines.push(...reportPreamble(summary, 'issue 13'));

  const best = summary.without[0]!;
  lines.push(
    `Complete responses, closed loop (server CPU is user + system of the whole process per complete response; "main thread" is its share outside the store's thread and V8's helpers; "load CPU" is the load generator's share of its core, stream reading included). The sweep finds the saturation point (${best.connections} respondents at a time); then windows without and with the streams alternate at that point:`,
    '',
  );
  lines.push(
    markdownTable(
      ['window', 'responses/s', 'req/s', 'server CPU/response', 'main thread/response', 'server core busy', 'load CPU'],
      [
        ...summary.sweep.map((w) => throughputRow(`a. no streams, ${w.connections} respondents${w === best ? ' (saturation point: window 1)' : ''}`, w)),
        ...summary.without.slice(1).map((w, i) => throughputRow(`a. no streams, ${w.connections} respondents (${i + 2})`, w)),
        ...summary.with.map((w, i) => throughputRow(`b. ${streams} streams open, ${w.connections} respondents (${i + 1})`, w)),
      ],
    ),
    '',
  );
  lines.push(
    `With the streams: ${percent(summary.ratio.responsesPerSecond)} of the responses/s without them, ${fixed(summary.ratio.cpuPerResponse)}x the server CPU per response (each window with the streams against the two without them around it, averaged).`,
    '',
  );
  lines.push(
    `Delay from a final submit's answer (the redirect to the thank-you page) to the first event on a stream whose version carries it, over every submit and every stream, ms (an upper bound while other submits are in flight; at half rate: asked ${count(summary.halfRate.targetRequestsPerSecond)} req/s, ${summary.halfRate.connections} respondents at a time):`,
    '',
  );
  lines.push(
    markdownTable(
      ['load', 'responses/s', 'submits', 'delays', 'p50', 'p99', 'max', 'events/s per stream', 'completions per event', 'events with no part', 'MiB/s read', `p99 < ${count(GOALS.p99DelayMs)} ms`],
      [delayRow('c. half the saturation rate', summary.halfRate.window), ...summary.with.map((w, i) => delayRow(`b. saturation (${i + 1})`, w))],
    ),
    '',
  );
  lines.push(`Peak Barometer RSS under load: ${fixed(summary.peakUnderLoadMiB, 0)} MiB`, '');
  lines.push(...reportEnding(summary));
  return lines.join('\n');
}
