// What bench:load and bench:live share: their command-line options, how a run is set up, torn
// down and printed, the run's record (unexpected answers, what the rest of the machine used in
// each window) and the measured windows of whole CAP-TIC responses: closed-loop at a number of
// respondents, the saturation point, half its rate.
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { describeMachine, type MachineDescription } from '../bench-output';
import type { SaturationFigures } from './load-report';
import { runSequences, withUsage, type SequenceOptions, type SequenceRun, type Usage } from './load-runs';
import { assertLinux, pinLoadGenerator, type Pinning, type ServerProcess } from './processes';
import { REQUESTS_PER_RESPONSE } from './respondent-sequence';

const SATURATION_CONNECTIONS = [8, 16, 32];
const QUICK_SATURATION_CONNECTIONS = [8, 16];
/** While the rate still rises by this much from one count to the next, twice as many are tried. */
const STILL_RISING = 0.05;
const MAX_SATURATION_CONNECTIONS = 128;
/** At a fixed rate, each respondent sends at least this many requests a second (see halfRateConnections). */
const MIN_REQUESTS_PER_SECOND_PER_RESPONDENT = 4;
/**
 * A fresh server needs about 10 s of load (some 10 000 page views) before its JIT has compiled
 * the hot paths: measured earlier, the first page GETs cost three times what they cost later.
 */
const FIRST_WARM_UP_MIN_SECONDS = 10;

export interface BenchOptions {
  json: boolean;
  quick: boolean;
  /** Each measured window. */
  seconds: number;
  /** The warm-up before a window, once the server has run that kind of request. */
  warmUpSeconds: number;
  /** The warm-up before the first window of a kind of request on a fresh server. */
  firstWarmUpSeconds: number;
  /** Extra node flags for Barometer: a V8 profile, a heap setting to compare. */
  barometerNodeFlags: string[];
}

/** The options every load benchmark takes (`script` names it in the usage line). */
function parseBenchOptions(script: string, argv: string[]): BenchOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      json: { type: 'boolean', default: false },
      quick: { type: 'boolean', default: false },
      duration: { type: 'string' },
      'cpu-profile': { type: 'string' },
      'node-option': { type: 'string', multiple: true },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (values.help) {
    console.log(`usage: npm run ${script} -- [--quick] [--duration 8] [--json] [--cpu-profile DIR] [--node-option=FLAG ...]`);
    process.exit(0);
  }
  const quick = values.quick ?? false;
  const seconds = Number(values.duration ?? (quick ? 2 : 8));
  // autocannon ends runs on whole seconds.
  if (!(Number.isInteger(seconds) && seconds >= 1 && seconds <= 30)) throw new Error(`--duration must be a whole number of seconds from 1 to 30, not "${values.duration}"`);
  return {
    json: values.json ?? false,
    quick,
    seconds,
    warmUpSeconds: Math.max(1, Math.round(seconds / 4)),
    firstWarmUpSeconds: Math.max(FIRST_WARM_UP_MIN_SECONDS, Math.round(1.5 * seconds)),
    barometerNodeFlags: [
      ...(values['cpu-profile'] ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(values['cpu-profile'])}`] : []),
      ...(values['node-option'] ?? []),
    ],
  };
}

/** What every summary starts with: the command as typed, when, where, and the windows' lengths. */
function summaryHeader(script: string, options: BenchOptions, machine: MachineDescription, pinning: Pinning) {
  return {
    command: `npm run ${script}${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`,
    date: new Date().toISOString(),
    machine,
    pinning,
    seconds: { firstWarmUp: options.firstWarmUpSeconds, warmUp: options.warmUpSeconds, measured: options.seconds, elapsed: 0 },
  };
}

/** Prints the summary (as JSON with --json) with its elapsed time; any error fails the run. */
function printSummary<S extends { errors: string[]; seconds: { elapsed: number } }>(script: string, options: BenchOptions, began: number, summary: S, format: (summary: S) => string): void {
  summary.seconds.elapsed = Math.round((performance.now() - began) / 1000);
  console.log(options.json ? JSON.stringify(summary, null, 2) : format(summary));
  if (summary.errors.length > 0) {
    progress(`${script} failed: ${summary.errors.length} kinds of unexpected answers or failed requests (listed above)`);
    process.exitCode = 1;
  }
}

/** What a load benchmark measures with: all that is set up before its servers start. */
export interface BenchSetting {
  options: BenchOptions;
  bench: Bench;
  /** A fresh DATA_DIR, removed at the end. */
  dataDir: string;
  pinning: Pinning;
  /** The servers the benchmark starts: stopped at the end, or on Ctrl-C. */
  servers: ServerProcess[];
  /** What the summary starts with (summaryHeader), dated when it is asked for. */
  header: () => ReturnType<typeof summaryHeader>;
}

/**
 * Runs a load benchmark and exits: `measure` starts its servers in the setting given and returns
 * the summary; the servers are stopped and the data directory removed even when it fails or is
 * interrupted, then the summary is printed (any error fails the run).
 */
export function runLoadBench<S extends { errors: string[]; seconds: { elapsed: number } }>(
  script: string,
  format: (summary: S) => string,
  measure: (setting: BenchSetting) => Promise<S>,
): void {
  const main = async () => {
    const options = parseBenchOptions(script, process.argv.slice(2));
    assertLinux();
    const began = performance.now();
    // Before pinning, which narrows the cores this process sees to one.
    const machine = describeMachine();
    const pinning = pinLoadGenerator();
    progress(`pinning: ${pinning.applied ? 'applied' : 'NOT applied'} (${pinning.detail})`);
    const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), `${script.replace(':', '-')}-`));
    const servers: ServerProcess[] = [];
    const cleanUp = async () => {
      await Promise.allSettled(servers.map((server) => server.stop()));
      await fs.rm(dataDir, { recursive: true, force: true });
    };
    process.once('SIGINT', () => {
      progress('interrupted: stopping the servers');
      void cleanUp().finally(() => process.exit(130));
    });
    let summary: S;
    try {
      summary = await measure({ options, bench: newBench(options), dataDir, pinning, servers, header: () => summaryHeader(script, options, machine, pinning) });
    } finally {
      await cleanUp();
    }
    printSummary(script, options, began, summary, format);
  };
  // The servers it started are also killed on exit (processes.ts).
  main().then(
    () => process.exit(),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}

export const progress = (text: string) => process.stderr.write(`${text}\n`);

/** What a run has recorded so far, besides its figures. */
export interface Bench {
  options: BenchOptions;
  /** Unexpected answers and failed requests; any makes the run fail. */
  errors: string[];
  /** Highest Barometer RSS seen while respondents' load ran. */
  peakUnderLoadKiB: number;
  /** What the rest of the machine used during each measured window. */
  windows: { label: string; otherCpuPercent: number }[];
}

function newBench(options: BenchOptions): Bench {
  return { options, errors: [], peakUnderLoadKiB: 0, windows: [] };
}

export function noteWindow(bench: Bench, label: string, usage: Usage): void {
  bench.windows.push({ label, otherCpuPercent: (100 * usage.otherCpuMs) / usage.wallMs });
}

/** CPU the rest of the machine used during the measured windows, as a share of one core. */
export interface NoiseSummary {
  meanCpuPercent: number;
  maxCpuPercent: number;
  worstWindow: string;
}

export function summariseNoise(windows: Bench['windows']): NoiseSummary {
  const worst = windows.reduce((a, b) => (b.otherCpuPercent > a.otherCpuPercent ? b : a), windows[0] ?? { label: '', otherCpuPercent: 0 });
  const mean = windows.reduce((sum, w) => sum + w.otherCpuPercent, 0) / Math.max(1, windows.length);
  return { meanCpuPercent: mean, maxCpuPercent: worst.otherCpuPercent, worstWindow: worst.label };
}

/** A run's unexpected answers and failed requests, one line each, named after the run. */
function sequenceErrors(label: string, run: SequenceRun): string[] {
  return [
    ...run.errors.map((e) => `${label}: ${e.count} × ${e.kind} unexpected, e.g. ${e.examples.join('; ')}`),
    ...run.transportFailures.map((f) => `${label}: ${f}`),
  ];
}

/** A warm-up: its errors count, its figures do not. */
export async function warmUpResponses(bench: Bench, label: string, options: SequenceOptions): Promise<void> {
  bench.errors.push(...sequenceErrors(`${label} warm-up`, await runSequences(options)));
}

/**
 * One measured window of whole responses: closed-loop with `connections` respondents at a time,
 * or at `overallRate` requests per second in all.
 */
export async function measureResponses(
  bench: Bench,
  barometer: ServerProcess,
  label: string,
  options: Omit<SequenceOptions, 'baseUrl' | 'seconds'>,
): Promise<{ figures: SaturationFigures; run: SequenceRun }> {
  const { value: run, usage } = await withUsage(barometer.pid, () => runSequences({ ...options, baseUrl: barometer.baseUrl, seconds: bench.options.seconds }));
  noteWindow(bench, label, usage);
  bench.errors.push(...sequenceErrors(label, run));
  bench.peakUnderLoadKiB = Math.max(bench.peakUnderLoadKiB, usage.peakRssKiB);
  const figures: SaturationFigures = {
    connections: run.connections,
    responsesPerSecond: run.responses / (usage.wallMs / 1000),
    requestsPerSecond: run.requests / (usage.wallMs / 1000),
    cpuMsPerResponse: run.responses > 0 ? usage.serverCpuMs / run.responses : Number.POSITIVE_INFINITY,
    mainThreadCpuMsPerResponse: run.responses > 0 ? usage.mainThreadCpuMs / run.responses : Number.POSITIVE_INFINITY,
    serverCpuPercent: (100 * usage.serverCpuMs) / usage.wallMs,
    loadCpuPercent: (100 * usage.loadCpuMs) / usage.wallMs,
  };
  const asked = options.overallRate === undefined ? '' : ` of ${options.overallRate} asked`;
  progress(`${label}: ${figures.responsesPerSecond.toFixed(1)}/s (${Math.round(figures.requestsPerSecond)} req/s${asked}), ${figures.cpuMsPerResponse.toFixed(2)} ms CPU/response`);
  return { figures, run };
}

/**
 * After a first warm-up, whole responses with 8, 16 and 32 respondents at a time (8 and 16 with
 * --quick), doubling while the rate still rises: the best rate is the saturation point.
 */
export async function measureSaturation(bench: Bench, barometer: ServerProcess): Promise<{ runs: SaturationFigures[]; best: SaturationFigures }> {
  const { options } = bench;
  const connectionCounts = options.quick ? QUICK_SATURATION_CONNECTIONS : SATURATION_CONNECTIONS;
  await warmUpResponses(bench, 'responses', { baseUrl: barometer.baseUrl, connections: connectionCounts[0]!, seconds: options.firstWarmUpSeconds });
  const runs: SaturationFigures[] = [];
  const measure = async (connections: number) => {
    runs.push((await measureResponses(bench, barometer, `responses, ${connections} at a time`, { connections })).figures);
  };
  for (const connections of connectionCounts) await measure(connections);
  // While the most respondents tried still give clearly the best rate, the saturation point lies further on.
  const stillRising = () => {
    const [before, last] = runs.slice(-2);
    if (!before || !last || last.connections >= MAX_SATURATION_CONNECTIONS) return false;
    return runs.every((r) => r.responsesPerSecond <= last.responsesPerSecond) && last.responsesPerSecond > before.responsesPerSecond * (1 + STILL_RISING);
  };
  while (stillRising()) await measure(2 * runs[runs.length - 1]!.connections);
  const best = runs.reduce((a, b) => (b.responsesPerSecond > a.responsesPerSecond ? b : a));
  if (best.responsesPerSecond === 0) {
    throw new Error(`No response was completed: nothing to measure.\n${bench.errors.map((e) => `  - ${e}`).join('\n')}`);
  }
  return { runs, best };
}

/**
 * The load at half the saturation request rate: enough respondents that each sends only a few
 * requests a second, so arrivals spread out, yet each could get through three whole responses in
 * a window (the last page and the thanks page must be measured too).
 */
export function halfRateLoad(saturationRequestsPerSecond: number, seconds: number): { connections: number; overallRate: number } {
  const overallRate = Math.max(1, Math.round(saturationRequestsPerSecond / 2));
  const perRespondent = Math.max(MIN_REQUESTS_PER_SECOND_PER_RESPONDENT, (3 * REQUESTS_PER_RESPONSE) / seconds);
  return { overallRate, connections: Math.min(256, Math.max(8, Math.ceil(overallRate / perRespondent))) };
}
