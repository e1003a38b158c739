// What `npm run bench:load` found, as one summary (printed as JSON with --json) and as Markdown
// tables that paste into docs/benchmarks.md: the goals of issue 9 with PASS/MISS first, then the
// figures they come from.
import { markdownTable, type MachineDescription } from '../bench-output';
import type { NoiseSummary } from './measures';
import type { Pinning } from './processes';
import type { LatencySummary } from './load-runs';

/** Targets from issue 9. */
export const GOALS = {
  pageToReferenceRate: 0.25,
  responseCpuToReference: 5,
  pageCpuLargestToEmpty: 1.3,
  p99Ms: 100,
} as const;

export interface GetFigures {
  perSecond: number;
  cpuUsPerRequest: number;
  /** Of cpuUsPerRequest, the main thread's: what the app costs with a MongoDB elsewhere. */
  mainThreadCpuUsPerRequest: number;
  /** Share of one core the load generator used: near 100 %, it, not the server, was the limit. */
  loadCpuPercent: number;
}

export interface SaturationFigures {
  connections: number;
  responsesPerSecond: number;
  requestsPerSecond: number;
  cpuMsPerResponse: number;
  mainThreadCpuMsPerResponse: number;
  /** Share of its core the server used. */
  serverCpuPercent: number;
  loadCpuPercent: number;
}

export interface StoredFigures extends GetFigures {
  stored: number;
  seedSeconds: number;
  restRssMiB: number;
}

export interface LoadSummary {
  command: string;
  date: string;
  machine: MachineDescription;
  pinning: Pinning;
  seconds: { firstWarmUp: number; warmUp: number; measured: number; elapsed: number };
  reference: GetFigures & { restRssMiB: number; peakRssMiB: number };
  page: GetFigures & { ratioToReference: number };
  /** What the stack allows at the very least (floor-server.ts), and what it makes of the goals. */
  floor: {
    pageBytes: number;
    /** Express answering the page's bytes. */
    body: GetFigures;
    /** The same after the one read a page makes. */
    read: GetFigures & { ratioToReference: number };
    /** read - body: one round trip to the store, both sides of it. */
    roundTripCpuUs: number;
    roundTripsPerResponse: number;
    /** requestsPerResponse bodies and roundTripsPerResponse round trips, nothing else. */
    responseCpuMs: number;
    /** responseCpuMs against as many bare Express requests. */
    responseRatio: number;
  };
  requestsPerResponse: number;
  saturation: { runs: SaturationFigures[]; best: SaturationFigures; referenceCpuMsForSameRequests: number; ratio: number };
  halfRate: { targetRequestsPerSecond: number; connections: number; requestsPerSecond: number; responsesPerSecond: number; latencies: LatencySummary[] };
  stored: StoredFigures[];
  memory: { restMiB: number; peakUnderLoadMiB: number; restWithLargestMiB: number };
  otherProcesses: NoiseSummary;
  goals: { goal: string; measured: string; pass: boolean }[];
  /** Unexpected answers and failed requests; any makes the run fail. */
  errors: string[];
}

/** Above this share of a core used by other processes in any window, the run says it is noisy. */
const NOISY_OTHER_CPU_PERCENT = 10;

export const count = (n: number) => Math.round(n).toLocaleString('en-US');
export const fixed = (n: number, digits = 2) => n.toFixed(digits);
export const percent = (n: number) => `${Math.round(n * 100)} %`;
export const verdict = (pass: boolean) => (pass ? 'PASS' : 'MISS');

/** What every load benchmark's report starts with: the machine, the pinning, the noise, the goals. */
export function reportPreamble(summary: Pick<LoadSummary, 'machine' | 'pinning' | 'otherProcesses' | 'goals'>, issue: string): string[] {
  const { machine: m, otherProcesses: others } = summary;
  const noisy = others.maxCpuPercent > NOISY_OTHER_CPU_PERCENT;
  return [
    `Machine: ${m.cpu}, ${m.cores} cores, ${m.ramGiB} GiB RAM, Node ${m.node}, ${m.platform}`,
    `Pinning: ${summary.pinning.applied ? 'applied' : 'NOT applied'} (${summary.pinning.detail})`,
    `Other processes during the measured windows: ${fixed(others.meanCpuPercent, 0)} % of a core on average, at most ${fixed(others.maxCpuPercent, 0)} % (${others.worstWindow})${noisy ? ': NOISY, something else was running; rerun on a quiet machine' : ''}`,
    '',
    `Goals (${issue}):`,
    '',
    markdownTable(['goal', 'measured', 'result'], summary.goals.map((g) => [g.goal, g.measured, verdict(g.pass)])),
    '',
  ];
}

/** What every load benchmark's report ends with: its errors, if any, and the time it took. */
export function reportEnding(summary: { errors: string[]; seconds: { elapsed: number } }): string[] {
  const lines: string[] = [];
  if (summary.errors.length > 0) {
    lines.push(`ERRORS (${summary.errors.length}): the figures above measured failures, not work:`);
    for (const error of summary.errors) lines.push(`  - ${error}`);
    lines.push('');
  }
  lines.push(`Elapsed: ${summary.seconds.elapsed} s`);
  return lines;
}

export function evaluateGoals(summary: Omit<LoadSummary, 'goals'>): LoadSummary['goals'] {
  const { reference, page, saturation, halfRate, stored, floor } = summary;
  const empty = stored[0];
  const largest = stored[stored.length - 1];
  const storedRatio = empty && largest ? largest.cpuUsPerRequest / empty.cpuUsPerRequest : Number.NaN;
  const slowest = [...halfRate.latencies].sort((a, b) => b.p99Ms - a.p99Ms)[0];
  return [
    {
      goal: `page GET req/s >= ${percent(GOALS.pageToReferenceRate)} of bare Express "hello" req/s`,
      measured: `${count(page.perSecond)} / ${count(reference.perSecond)} = ${percent(page.ratioToReference)} (the floor: ${percent(floor.read.ratioToReference)})`,
      pass: page.ratioToReference >= GOALS.pageToReferenceRate,
    },
    {
      goal: `server CPU per complete response <= ${GOALS.responseCpuToReference}x the CPU of as many bare Express requests (${summary.requestsPerResponse})`,
      measured: `${fixed(saturation.best.cpuMsPerResponse)} ms / ${fixed(saturation.referenceCpuMsForSameRequests, 3)} ms = ${fixed(saturation.ratio, 1)}x (the floor: ${fixed(floor.responseRatio, 1)}x)`,
      pass: saturation.ratio <= GOALS.responseCpuToReference,
    },
    {
      goal: `page GET CPU with ${count(largest?.stored ?? 0)} stored responses <= ${GOALS.pageCpuLargestToEmpty}x the CPU with none`,
      measured: `${fixed(largest?.cpuUsPerRequest ?? Number.NaN, 0)} µs / ${fixed(empty?.cpuUsPerRequest ?? Number.NaN, 0)} µs = ${fixed(storedRatio)}x`,
      pass: storedRatio <= GOALS.pageCpuLargestToEmpty,
    },
    {
      goal: `at half the maximum rate, p99 of every respondent request type < ${GOALS.p99Ms} ms`,
      measured: slowest ? `slowest: ${slowest.kind} p99 ${fixed(slowest.p99Ms, 1)} ms` : 'not measured',
      pass: halfRate.latencies.every((l) => l.count > 0 && l.p99Ms < GOALS.p99Ms),
    },
  ];
}

/**
 * What the goals ask of the stack: the floor's page against the bare "hello" (a page GET cannot
 * beat it, it makes that read and more), and a complete response made of nothing but its requests
 * and its round trips.
 */
function floorSection(summary: LoadSummary): string[] {
  const { reference, page, floor, saturation } = summary;
  return [
    `The floor: what any page could cost here at the very least (bench/load/floor-server.ts: Express and cookie-parser answering the page's ${count(floor.pageBytes)} bytes; then the same after one read of a response by its resume token's hash, through the driver, from the embedded store opened as Barometer opens it; no template, no CSRF, no rules):`,
    '',
    markdownTable(
      ['measure', 'req/s', 'server CPU', 'main thread', 'vs "hello" req/s'],
      [
        ["Express answering the page's bytes", count(floor.body.perSecond), `${fixed(floor.body.cpuUsPerRequest, 1)} µs/req`, `${fixed(floor.body.mainThreadCpuUsPerRequest, 1)} µs/req`, percent(floor.body.perSecond / reference.perSecond)],
        ['the same after one read (the floor of a page GET)', count(floor.read.perSecond), `${fixed(floor.read.cpuUsPerRequest, 1)} µs/req`, `${fixed(floor.read.mainThreadCpuUsPerRequest, 1)} µs/req`, percent(floor.read.ratioToReference)],
        ['Barometer page GET', count(page.perSecond), `${fixed(page.cpuUsPerRequest, 0)} µs/req`, `${fixed(page.mainThreadCpuUsPerRequest, 0)} µs/req`, percent(page.ratioToReference)],
      ],
    ),
    '',
    `- A page GET at its floor would serve ${percent(floor.read.ratioToReference)} of the "hello" rate (goal: ${percent(GOALS.pageToReferenceRate)}). Barometer's serves ${percent(page.perSecond / floor.read.perSecond)} of the floor's rate.`,
    `- One round trip to the store costs ${fixed(floor.roundTripCpuUs, 0)} µs of CPU (both threads). A complete response is ${summary.requestsPerResponse} requests and ${floor.roundTripsPerResponse} round trips: at the very least ${summary.requestsPerResponse} × ${fixed(floor.body.cpuUsPerRequest, 0)} µs + ${floor.roundTripsPerResponse} × ${fixed(floor.roundTripCpuUs, 0)} µs = ${fixed(floor.responseCpuMs)} ms, ${fixed(floor.responseRatio, 1)}x the ${summary.requestsPerResponse} "hello" requests (goal: ${GOALS.responseCpuToReference}x). Barometer's: ${fixed(saturation.best.cpuMsPerResponse)} ms, ${fixed(saturation.best.cpuMsPerResponse / floor.responseCpuMs, 1)}x that floor.`,
  ];
}

export function formatReport(summary: LoadSummary): string {
  const { reference, page, saturation, halfRate, stored, memory } = summary;
  const best = saturation.best;
  const lines: string[] = [];
  lines.push(`Load benchmark: Barometer and bare Express side by side on loopback (${summary.seconds.measured} s windows after ${summary.seconds.firstWarmUp} s warm-ups on a fresh server, ${summary.seconds.warmUp} s after that)`);
  lines.push(...reportPreamble(summary, 'issue 9'));

  lines.push(
    'Throughput and CPU (server CPU is user + system of the whole process, every thread; "main thread" is the part of it spent outside the',
    "embedded store's thread and V8's helpers: HTTP, the app, mongoose and the driver; \"load CPU\" is the load generator's share of its own core):",
    '',
  );
  lines.push(
    markdownTable(
      ['measure', 'req/s', 'responses/s', 'server CPU', 'main thread', 'load CPU'],
      [
        ['bare Express GET / ("hello"), 10 connections', count(reference.perSecond), '', `${fixed(reference.cpuUsPerRequest, 1)} µs/req`, `${fixed(reference.mainThreadCpuUsPerRequest, 1)} µs/req`, percent(reference.loadCpuPercent / 100)],
        [`Barometer page GET, 10 connections (ratio ${percent(page.ratioToReference)})`, count(page.perSecond), '', `${fixed(page.cpuUsPerRequest, 0)} µs/req`, `${fixed(page.mainThreadCpuUsPerRequest, 0)} µs/req`, percent(page.loadCpuPercent / 100)],
        ...saturation.runs.map((r) => [
          `complete responses, ${r.connections} respondents at a time${r === best ? ' (saturation point)' : ''}`,
          count(r.requestsPerSecond),
          fixed(r.responsesPerSecond, 1),
          `${fixed(r.cpuMsPerResponse)} ms/response (core ${percent(r.serverCpuPercent / 100)} busy)`,
          `${fixed(r.mainThreadCpuMsPerResponse)} ms/response`,
          percent(r.loadCpuPercent / 100),
        ]),
      ],
    ),
    '',
  );
  lines.push(
    `CPU per complete response: ${fixed(best.cpuMsPerResponse)} ms; ${summary.requestsPerResponse} bare Express requests cost ${fixed(saturation.referenceCpuMsForSameRequests, 3)} ms: ${fixed(saturation.ratio, 1)}x.`,
    '',
  );

  lines.push(...floorSection(summary), '');

  lines.push(
    `Latency per request type at half the saturation rate (asked ${count(halfRate.targetRequestsPerSecond)} req/s, got ${count(halfRate.requestsPerSecond)} req/s = ${fixed(halfRate.responsesPerSecond, 1)} responses/s, ${halfRate.connections} respondents at a time; from request written to last byte read), ms:`,
    '',
  );
  lines.push(
    markdownTable(
      ['request type', 'requests', 'p50', 'p99', 'max', `p99 < ${GOALS.p99Ms} ms`],
      halfRate.latencies.map((l) => [l.kind, count(l.count), fixed(l.p50Ms), fixed(l.p99Ms), fixed(l.maxMs), verdict(l.count > 0 && l.p99Ms < GOALS.p99Ms)]),
    ),
    '',
  );

  const empty = stored[0];
  lines.push('Page GET with responses stored (the same respondent; the first row is the page GET above; seeding time is set-up, not measured):', '');
  lines.push(
    markdownTable(
      ['stored responses', 'seeding s', 'req/s', 'server CPU µs/req', 'main thread µs/req', 'vs none', 'RSS at rest MiB'],
      stored.map((s, i) => [
        i === 0 ? `${count(s.stored)} (the respondent's own)` : count(s.stored),
        fixed(s.seedSeconds, 1),
        count(s.perSecond),
        fixed(s.cpuUsPerRequest, 0),
        fixed(s.mainThreadCpuUsPerRequest, 0),
        empty ? `${fixed(s.cpuUsPerRequest / empty.cpuUsPerRequest)}x` : '',
        fixed(s.restRssMiB, 0),
      ]),
    ),
    '',
  );

  lines.push('Memory (VmRSS; peaks sampled every 100 ms while load ran), MiB:', '');
  lines.push(
    markdownTable(
      ['server', 'at rest', 'peak under load', `at rest, ${count(stored[stored.length - 1]?.stored ?? 0)} stored`],
      [
        ['bare Express', fixed(reference.restRssMiB, 0), fixed(reference.peakRssMiB, 0), ''],
        ['Barometer', fixed(memory.restMiB, 0), fixed(memory.peakUnderLoadMiB, 0), fixed(memory.restWithLargestMiB, 0)],
      ],
    ),
    '',
  );

  lines.push(...reportEnding(summary));
  return lines.join('\n');
}
