// `npm run bench:load`: what a respondent costs the server, against bare Express on the same
// machine (issue 9). Two server processes run side by side on loopback: a bare Express 5 app
// answering "hello" (bench/load/hello-server.ts) and Barometer itself, in production mode, on its
// embedded store with the journal on disk in a fresh temporary DATA_DIR. Where taskset exists and
// there are two cores, both servers run on one core and this process (the load generator,
// autocannon) on the other. Each measure is a warm-up then a measured window:
//   a. bare Express GET /: req/s and CPU per request;
//   the floor (load/floor-server.ts): Express answering the page's bytes, then the same after the
//      one read a page makes from the embedded store: what a page could cost at the very least,
//      and with ROUND_TRIPS_PER_RESPONSE, what a complete response could;
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
import path from 'node:path';
import { evaluateGoals, formatReport, type GetFigures, type LoadSummary, type StoredFigures } from './load/load-report';
import { runGets, withUsage, type Usage } from './load/load-runs';
import { halfRateLoad, measureResponses, measureSaturation, noteWindow, progress, runLoadBench, summariseNoise, warmUpResponses, type Bench } from './load/measures';
import { REPOSITORY_ROOT, residentKiB, startBarometer, startFloor, startServer, type Pinning, type ServerProcess } from './load/processes';
import { FIRST_PAGE_PATH, REQUESTS_PER_RESPONSE, ROUND_TRIPS_PER_RESPONSE, startRespondent } from './load/respondent-sequence';
import { openResponseSeeder } from './load/seed-responses';

const GET_CONNECTIONS = 10;
const STORED_SIZES = [10_000, 100_000];
const QUICK_STORED_SIZES = [1_000, 10_000];
/** Windows measured for the page GET at each number of stored responses (the median is kept). */
const STORED_WINDOWS = 3;
const BOOT_TIMEOUT_MS = 60_000;
const KIB_PER_MIB = 1024;

const mib = (kib: number) => kib / KIB_PER_MIB;

function getFigures(requests: number, usage: Usage): GetFigures {
  return {
    perSecond: requests / (usage.wallMs / 1000),
    cpuUsPerRequest: (usage.serverCpuMs * 1000) / requests,
    mainThreadCpuUsPerRequest: (usage.mainThreadCpuMs * 1000) / requests,
    loadCpuPercent: (100 * usage.loadCpuMs) / usage.wallMs,
  };
}

function startReference(pinning: Pinning): Promise<ServerProcess> {
  return startServer({
    name: 'bare Express',
    args: ['--import', 'tsx', path.join(REPOSITORY_ROOT, 'bench/load/hello-server.ts')],
    env: { ...process.env, NODE_ENV: 'production' },
    ready: /Reference is running at (http:\/\/\S+)/,
    pinning,
    cwd: REPOSITORY_ROOT,
    bootTimeoutMs: BOOT_TIMEOUT_MS,
  });
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

/** The body of a GET that must succeed: the page whose size the floor answers with. */
async function fetchOk(url: string, headers: Record<string, string>): Promise<Buffer> {
  const answer = await fetch(url, { headers, redirect: 'manual' });
  const body = Buffer.from(await answer.arrayBuffer());
  if (answer.status !== 200) throw new Error(`GET ${url} answered ${answer.status}, not the page`);
  return body;
}

runLoadBench<LoadSummary>('bench:load', formatReport, async ({ options, bench, dataDir, pinning, servers, header }) => {
  const [reference, barometer] = await Promise.all([startReference(pinning), startBarometer({ pinning, dataDir, nodeFlags: options.barometerNodeFlags })]);
  servers.push(reference, barometer);
  progress(`bare Express at ${reference.baseUrl} (pid ${reference.pid}), Barometer at ${barometer.baseUrl} (pid ${barometer.pid}, data in ${dataDir})`);

  // a. and b.: the page is measured before any load has stored responses.
  const hello = await measureGets(bench, reference, 'bare Express GET /', { url: `${reference.baseUrl}/`, headers: {}, warmUpSeconds: options.firstWarmUpSeconds });
  const cookie = await startRespondent(barometer.baseUrl);
  const pageUrl = `${barometer.baseUrl}${FIRST_PAGE_PATH}`;
  const pageHeaders = { Cookie: cookie, Accept: 'text/html', 'Accept-Language': 'fr-FR,fr;q=0.9' };

  // The floor, on a server of its own (stopped once measured), answering as many bytes as the page.
  const pageBytes = (await fetchOk(pageUrl, pageHeaders)).byteLength;
  const floorServer = await startFloor({ pinning, dataDir: path.join(dataDir, 'floor'), bodyBytes: pageBytes });
  servers.push(floorServer);
  const floorBody = await measureGets(bench, floorServer, "floor: Express answering the page's bytes", { url: `${floorServer.baseUrl}/`, headers: pageHeaders, warmUpSeconds: options.firstWarmUpSeconds });
  const floorRead = await measureGets(bench, floorServer, 'floor: the same after one read', { url: `${floorServer.baseUrl}/read`, headers: pageHeaders, warmUpSeconds: options.firstWarmUpSeconds });
  await floorServer.stop();

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
  const halfRateTarget = halfRateLoad(saturation.best.requestsPerSecond, options.seconds);
  await warmUpResponses(bench, 'half rate', { ...halfRateTarget, baseUrl: barometer.baseUrl, seconds: options.warmUpSeconds });
  const halfRate = await measureResponses(bench, barometer, 'half rate', { ...halfRateTarget, latencies: true });

  const referenceCpuMsForSameRequests = (REQUESTS_PER_RESPONSE * hello.figures.cpuUsPerRequest) / 1000;
  const roundTripCpuUs = floorRead.figures.cpuUsPerRequest - floorBody.figures.cpuUsPerRequest;
  const floorResponseCpuMs = (REQUESTS_PER_RESPONSE * floorBody.figures.cpuUsPerRequest + ROUND_TRIPS_PER_RESPONSE * roundTripCpuUs) / 1000;
  const partial: Omit<LoadSummary, 'goals'> = {
    ...header(),
    reference: { ...hello.figures, restRssMiB: mib(hello.restKiB), peakRssMiB: mib(hello.peakKiB) },
    page: { ...page.figures, ratioToReference: page.figures.perSecond / hello.figures.perSecond },
    floor: {
      pageBytes,
      body: floorBody.figures,
      read: { ...floorRead.figures, ratioToReference: floorRead.figures.perSecond / hello.figures.perSecond },
      roundTripCpuUs,
      roundTripsPerResponse: ROUND_TRIPS_PER_RESPONSE,
      responseCpuMs: floorResponseCpuMs,
      responseRatio: floorResponseCpuMs / referenceCpuMsForSameRequests,
    },
    requestsPerResponse: REQUESTS_PER_RESPONSE,
    saturation: { ...saturation, referenceCpuMsForSameRequests, ratio: saturation.best.cpuMsPerResponse / referenceCpuMsForSameRequests },
    halfRate: {
      targetRequestsPerSecond: halfRateTarget.overallRate,
      connections: halfRate.run.connections,
      requestsPerSecond: halfRate.figures.requestsPerSecond,
      responsesPerSecond: halfRate.figures.responsesPerSecond,
      latencies: halfRate.run.latencies ?? [],
    },
    stored,
    memory: { restMiB: mib(page.restKiB), peakUnderLoadMiB: mib(bench.peakUnderLoadKiB), restWithLargestMiB: stored[stored.length - 1]!.restRssMiB },
    otherProcesses: summariseNoise(bench.windows),
    errors: bench.errors,
  };
  return { ...partial, goals: evaluateGoals(partial) };
});
