// `npm run bench:load`: what a respondent costs the server, against bare Express on the same
// machine (issue 9). Two server processes run side by side on loopback: a bare Express 5 app
// answering "hello" (bench/load/hello-server.ts) and Barometer itself, in production mode, on its
// embedded store with the journal on disk in a fresh temporary DATA_DIR. Where taskset exists and
// there are two cores, both servers run on one core and this process (the load generator,
// autocannon) on the other. Each measure is a warm-up then a measured window:
//   a. bare Express GET /: req/s and CPU per request;
//   b. a Barometer page GET (one respondent who has consented): req/s, CPU, ratio to a.;
//   e. right after b., the same page GET with 10k and 100k responses stored (seeded through the
//      driver), so that the stored responses are the only difference;
//   c. then, with those responses stored, whole CAP-TIC responses (respondent-sequence.ts) with 8,
//      16 and 32 respondents at a time: the best is the saturation point; CPU per response
//      against as many bare requests;
//   d. p50/p99 per request type at half the saturation request rate;
//   f. memory: RSS at rest, peak under load, at rest with 100k stored.
// b. and e. keep the median of three windows.
// CPU is read from /proc (Linux only). Any unexpected answer fails the run. Stops by itself in
// under 5 minutes. Results and how to read them: docs/benchmarks.md.
//
//   npm run bench:load
//   npm run bench:load -- --quick          a ~1 minute smoke run (short windows, 10k stored at most)
//   npm run bench:load -- --duration 15    measured windows of 15 s (warm-ups scale with it)
//   npm run bench:load -- --json           machine-readable summary on stdout
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { describeMachine } from './bench-output';
import { evaluateGoals, formatReport, type GetFigures, type LoadSummary, type SaturationFigures, type StoredFigures } from './load/load-report';
import { runGets, runSequences, withUsage, type SequenceRun, type Usage } from './load/load-runs';
import { assertLinux, pinLoadGenerator, residentKiB, startServer, type Pinning, type ServerProcess } from './load/processes';
import { FIRST_PAGE_PATH, REQUESTS_PER_RESPONSE, startRespondent } from './load/respondent-sequence';
import { openResponseSeeder } from './load/seed-responses';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const GET_CONNECTIONS = 10;
const SATURATION_CONNECTIONS = [8, 16, 32];
const QUICK_SATURATION_CONNECTIONS = [8, 16];
/** While the rate still rises by this much from one count to the next, twice as many are tried. */
const STILL_RISING = 0.05;
const MAX_SATURATION_CONNECTIONS = 128;
const STORED_SIZES = [10_000, 100_000];
const QUICK_STORED_SIZES = [1_000, 10_000];
/** Windows measured for the page GET at each number of stored responses (the median is kept). */
const STORED_WINDOWS = 3;
/** At a fixed rate, each respondent sends at least this many requests a second (see halfRateConnections). */
const MIN_REQUESTS_PER_SECOND_PER_RESPONDENT = 4;
const BOOT_TIMEOUT_MS = 60_000;
/**
 * A fresh server needs about 10 s of load (some 10 000 page views) before its JIT has compiled
 * the hot paths: measured earlier, the first page GETs cost three times what they cost later.
 */
const FIRST_WARM_UP_MIN_SECONDS = 10;
const KIB_PER_MIB = 1024;

interface Options {
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

function parseOptions(argv: string[]): Options {
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
    console.log('usage: npm run bench:load -- [--quick] [--duration 8] [--json] [--cpu-profile DIR] [--node-option=FLAG ...]');
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

const progress = (text: string) => process.stderr.write(`${text}\n`);
const mib = (kib: number) => kib / KIB_PER_MIB;

function getFigures(requests: number, usage: Usage): GetFigures {
  return {
    perSecond: requests / (usage.wallMs / 1000),
    cpuUsPerRequest: (usage.serverCpuMs * 1000) / requests,
    mainThreadCpuUsPerRequest: (usage.mainThreadCpuMs * 1000) / requests,
    loadCpuPercent: (100 * usage.loadCpuMs) / usage.wallMs,
  };
}

/** A run's unexpected answers and failed requests, one line each, named after the run. */
function sequenceErrors(label: string, run: SequenceRun): string[] {
  return [
    ...run.errors.map((e) => `${label}: ${e.count} × ${e.kind} unexpected, e.g. ${e.examples.join('; ')}`),
    ...run.transportFailures.map((f) => `${label}: ${f}`),
  ];
}

function summariseNoise(windows: Bench['windows']): LoadSummary['otherProcesses'] {
  const worst = windows.reduce((a, b) => (b.otherCpuPercent > a.otherCpuPercent ? b : a), windows[0] ?? { label: '', otherCpuPercent: 0 });
  const mean = windows.reduce((sum, w) => sum + w.otherCpuPercent, 0) / Math.max(1, windows.length);
  return { meanCpuPercent: mean, maxCpuPercent: worst.otherCpuPercent, worstWindow: worst.label };
}

/**
 * Enough respondents that each sends only a few requests a second, so arrivals spread out, yet
 * each could get through three whole responses in a window: the last page and the thanks page
 * must be measured too.
 */
function halfRateConnections(rate: number, seconds: number): number {
  const perRespondent = Math.max(MIN_REQUESTS_PER_SECOND_PER_RESPONDENT, (3 * REQUESTS_PER_RESPONSE) / seconds);
  return Math.min(256, Math.max(8, Math.ceil(rate / perRespondent)));
}

function startReference(pinning: Pinning): Promise<ServerProcess> {
  return startServer({
    name: 'bare Express',
    args: ['--import', 'tsx', path.join(ROOT, 'bench/load/hello-server.ts')],
    env: { ...process.env, NODE_ENV: 'production' },
    ready: /Reference is running at (http:\/\/\S+)/,
    pinning,
    cwd: ROOT,
    bootTimeoutMs: BOOT_TIMEOUT_MS,
  });
}

function startBarometer(pinning: Pinning, dataDir: string, nodeFlags: string[]): Promise<ServerProcess> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: 'production',
    LOG_LEVEL: 'warn',
    SECRET: randomBytes(32).toString('base64url'),
    PORT: '0',
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    // The load starts thousands of responses from one address.
    RESPONSE_RATE_LIMIT: '1000000000',
  };
  // The embedded store, never a real MongoDB the caller's shell may name.
  delete env.MONGODB_URI;
  return startServer({
    name: 'Barometer',
    args: [...nodeFlags, '--import', 'tsx', path.join(ROOT, 'server/index.ts')],
    env,
    ready: /Barometer is running at (http:\/\/\S+)/,
    pinning,
    cwd: ROOT,
    bootTimeoutMs: BOOT_TIMEOUT_MS,
  });
}

interface Bench {
  options: Options;
  errors: string[];
  /** Highest Barometer RSS seen while respondents' load ran. */
  peakUnderLoadKiB: number;
  /** What the rest of the machine used during each measured window. */
  windows: { label: string; otherCpuPercent: number }[];
}

function noteWindow(bench: Bench, label: string, usage: Usage): void {
  bench.windows.push({ label, otherCpuPercent: (100 * usage.otherCpuMs) / usage.wallMs });
}

/**
 * Warm-up, RSS at rest, then measured windows of GETs of one path. With several windows the one
 * of median CPU per request is kept: on a quiet machine two 8 s windows of the same page still
 * differ by up to 15 %, and the stored-responses ratio compares single figures.
 */
async function measureGets(
  bench: Bench,
  server: ServerProcess,
  label: string,
  target: { url: string; headers: Record<string, string>; warmUpSeconds: number; windows?: number },
) {
  const { options } = bench;
  const { url, headers } = target;
  const warmUp = await runGets({ url, headers, connections: GET_CONNECTIONS, seconds: target.warmUpSeconds });
  bench.errors.push(...warmUp.failures.map((f) => `${label} warm-up: ${f}`));
  const restKiB = residentKiB(server.pid);
  const windows: Array<{ figures: GetFigures; peakKiB: number }> = [];
  for (let i = 0; i < (target.windows ?? 1); i += 1) {
    const { value: run, usage } = await withUsage(server.pid, () => runGets({ url, headers, connections: GET_CONNECTIONS, seconds: options.seconds }));
    noteWindow(bench, label, usage);
    bench.errors.push(...run.failures.map((f) => `${label}: ${f}`));
    windows.push({ figures: getFigures(run.requests, usage), peakKiB: usage.peakRssKiB });
  }
  const sorted = [...windows].sort((a, b) => a.figures.cpuUsPerRequest - b.figures.cpuUsPerRequest);
  const { figures } = sorted[Math.floor(sorted.length / 2)]!;
  const spread = windows.length > 1 ? ` (windows: ${windows.map((w) => w.figures.cpuUsPerRequest.toFixed(0)).join(', ')} µs)` : '';
  progress(`${label}: ${Math.round(figures.perSecond)} req/s, ${figures.cpuUsPerRequest.toFixed(1)} µs CPU/request${spread}`);
  return { figures, restKiB, peakKiB: Math.max(...windows.map((w) => w.peakKiB)) };
}

async function measureSaturation(bench: Bench, barometer: ServerProcess) {
  const { options } = bench;
  const connectionCounts = options.quick ? QUICK_SATURATION_CONNECTIONS : SATURATION_CONNECTIONS;
  const warmUp = await runSequences({ baseUrl: barometer.baseUrl, connections: connectionCounts[0]!, seconds: options.firstWarmUpSeconds });
  bench.errors.push(...sequenceErrors('responses warm-up', warmUp));
  const runs: SaturationFigures[] = [];
  const measure = async (connections: number): Promise<void> => {
    const { value: run, usage } = await withUsage(barometer.pid, () => runSequences({ baseUrl: barometer.baseUrl, connections, seconds: options.seconds }));
    noteWindow(bench, `responses, ${connections} at a time`, usage);
    bench.errors.push(...sequenceErrors(`responses, ${connections} at a time`, run));
    bench.peakUnderLoadKiB = Math.max(bench.peakUnderLoadKiB, usage.peakRssKiB);
    const figures: SaturationFigures = {
      connections,
      responsesPerSecond: run.responses / (usage.wallMs / 1000),
      requestsPerSecond: run.requests / (usage.wallMs / 1000),
      cpuMsPerResponse: run.responses > 0 ? usage.serverCpuMs / run.responses : Number.POSITIVE_INFINITY,
      mainThreadCpuMsPerResponse: run.responses > 0 ? usage.mainThreadCpuMs / run.responses : Number.POSITIVE_INFINITY,
      serverCpuPercent: (100 * usage.serverCpuMs) / usage.wallMs,
      loadCpuPercent: (100 * usage.loadCpuMs) / usage.wallMs,
    };
    runs.push(figures);
    progress(`responses, ${connections} at a time: ${figures.responsesPerSecond.toFixed(1)}/s (${Math.round(figures.requestsPerSecond)} req/s), ${figures.cpuMsPerResponse.toFixed(2)} ms CPU/response`);
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

async function measureHalfRate(bench: Bench, barometer: ServerProcess, saturationRequestsPerSecond: number) {
  const { options } = bench;
  const targetRequestsPerSecond = Math.max(1, Math.round(saturationRequestsPerSecond / 2));
  const connections = halfRateConnections(targetRequestsPerSecond, options.seconds);
  const base = { baseUrl: barometer.baseUrl, connections, overallRate: targetRequestsPerSecond };
  const warmUp = await runSequences({ ...base, seconds: options.warmUpSeconds });
  bench.errors.push(...sequenceErrors('half rate warm-up', warmUp));
  const { value: run, usage } = await withUsage(barometer.pid, () => runSequences({ ...base, seconds: options.seconds, latencies: true }));
  noteWindow(bench, 'half rate', usage);
  bench.errors.push(...sequenceErrors('half rate', run));
  bench.peakUnderLoadKiB = Math.max(bench.peakUnderLoadKiB, usage.peakRssKiB);
  progress(`half rate: ${Math.round(run.requestsPerSecond)} req/s of ${targetRequestsPerSecond} asked, ${connections} respondents at a time`);
  return {
    targetRequestsPerSecond,
    connections: run.connections,
    requestsPerSecond: run.requests / (usage.wallMs / 1000),
    responsesPerSecond: run.responses / (usage.wallMs / 1000),
    latencies: run.latencies ?? [],
  };
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  assertLinux();
  const began = performance.now();
  // Before pinning, which narrows the cores this process sees to one.
  const machine = describeMachine();
  const pinning = pinLoadGenerator();
  progress(`pinning: ${pinning.applied ? 'applied' : 'NOT applied'} (${pinning.detail})`);
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'bench-load-'));
  const servers: ServerProcess[] = [];
  const cleanUp = async () => {
    await Promise.allSettled(servers.map((server) => server.stop()));
    await fs.rm(dataDir, { recursive: true, force: true });
  };
  process.once('SIGINT', () => {
    progress('interrupted: stopping the servers');
    void cleanUp().finally(() => process.exit(130));
  });

  let summary: LoadSummary;
  try {
    const [reference, barometer] = await Promise.all([startReference(pinning), startBarometer(pinning, dataDir, options.barometerNodeFlags)]);
    servers.push(reference, barometer);
    progress(`bare Express at ${reference.baseUrl} (pid ${reference.pid}), Barometer at ${barometer.baseUrl} (pid ${barometer.pid}, data in ${dataDir})`);
    const bench: Bench = { options, errors: [], peakUnderLoadKiB: 0, windows: [] };

    // a. and b.: the page is measured before any load has stored responses.
    const hello = await measureGets(bench, reference, 'bare Express GET /', { url: `${reference.baseUrl}/`, headers: {}, warmUpSeconds: options.firstWarmUpSeconds });
    const cookie = await startRespondent(barometer.baseUrl);
    const pageUrl = `${barometer.baseUrl}${FIRST_PAGE_PATH}`;
    const pageHeaders = { Cookie: cookie, Accept: 'text/html', 'Accept-Language': 'fr-FR,fr;q=0.9' };
    const page = await measureGets(bench, barometer, 'Barometer page GET', { url: pageUrl, headers: pageHeaders, warmUpSeconds: options.firstWarmUpSeconds, windows: STORED_WINDOWS });
    bench.peakUnderLoadKiB = Math.max(bench.peakUnderLoadKiB, page.peakKiB);

    // e. and f.: the same page with responses stored, right after b., so that only the stored
    // responses differ (whole responses run first would change the JIT's and the heap's state).
    // Only the respondent's own response was stored when the page was first measured.
    const stored: StoredFigures[] = [{ ...page.figures, stored: 1, seedSeconds: 0, restRssMiB: mib(page.restKiB) }];
    for (const size of options.quick ? QUICK_STORED_SIZES : STORED_SIZES) {
      const seeder = await openResponseSeeder(dataDir);
      const seeded = await seeder.topUp(size).finally(() => seeder.close());
      progress(`stored ${seeded.after} responses (${seeded.inserted} seeded in ${seeded.seconds.toFixed(1)} s)`);
      const measured = await measureGets(bench, barometer, `Barometer page GET, ${seeded.after} stored`, { url: pageUrl, headers: pageHeaders, warmUpSeconds: options.warmUpSeconds, windows: STORED_WINDOWS });
      stored.push({ ...measured.figures, stored: seeded.after, seedSeconds: seeded.seconds, restRssMiB: mib(measured.restKiB) });
    }

    // c. and d., with the largest number of responses stored: a survey well into its field dates.
    const saturation = await measureSaturation(bench, barometer);
    const halfRate = await measureHalfRate(bench, barometer, saturation.best.requestsPerSecond);

    const referenceCpuMsForSameRequests = (REQUESTS_PER_RESPONSE * hello.figures.cpuUsPerRequest) / 1000;
    const partial: Omit<LoadSummary, 'goals'> = {
      command: `npm run bench:load${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`,
      date: new Date().toISOString(),
      machine,
      pinning,
      seconds: { firstWarmUp: options.firstWarmUpSeconds, warmUp: options.warmUpSeconds, measured: options.seconds, elapsed: 0 },
      reference: { ...hello.figures, restRssMiB: mib(hello.restKiB), peakRssMiB: mib(hello.peakKiB) },
      page: { ...page.figures, ratioToReference: page.figures.perSecond / hello.figures.perSecond },
      requestsPerResponse: REQUESTS_PER_RESPONSE,
      saturation: { ...saturation, referenceCpuMsForSameRequests, ratio: saturation.best.cpuMsPerResponse / referenceCpuMsForSameRequests },
      halfRate,
      stored,
      memory: { restMiB: mib(page.restKiB), peakUnderLoadMiB: mib(bench.peakUnderLoadKiB), restWithLargestMiB: stored[stored.length - 1]!.restRssMiB },
      otherProcesses: summariseNoise(bench.windows),
      errors: bench.errors,
    };
    summary = { ...partial, goals: evaluateGoals(partial) };
  } finally {
    await cleanUp();
  }
  summary.seconds.elapsed = Math.round((performance.now() - began) / 1000);
  console.log(options.json ? JSON.stringify(summary, null, 2) : formatReport(summary));
  if (summary.errors.length > 0) {
    progress(`bench:load failed: ${summary.errors.length} kinds of unexpected answers or failed requests (listed above)`);
    process.exitCode = 1;
  }
}

main().then(
  () => process.exit(),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
