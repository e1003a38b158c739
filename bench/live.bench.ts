// `npm run bench:live`: what the analysts' live dashboards cost the respondents, and how soon a
// completed response reaches them (issue 13). Barometer runs in production mode as a child
// process on its embedded store (as in bench:load), with the 250 CAP-TIC responses imported and an
// analyst signed in. Where taskset exists and there are two cores, the server runs on one core and
// this process (the respondents, autocannon, and the dashboards' streams) on the other.
//   a. complete CAP-TIC responses at saturation with no dashboard open: responses/s, server CPU
//      per response (the saturation point is found as bench:load finds it);
//   b. the same with 200 dashboard streams open and read (150 on the plain view, 50 segmented by
//      company size): responses/s, CPU per response, and the ratio to a. The windows run
//      a. b. a. b. a. and each b. is compared with the two a. around it, so that the server's
//      slowing as responses pile up (issue 9) does not pass for the streams' cost;
//   c. the delay from a response's final submit to the event that carries it on every stream,
//      median and p99, at half the saturation rate and at saturation (b.'s windows).
// Any unexpected answer or event fails the run. Stops by itself in under 5 minutes. Results and
// how to read them: docs/benchmarks.md.
//
//   npm run bench:live
//   npm run bench:live -- --quick          a ~1 minute smoke run
//   npm run bench:live -- --json           machine-readable summary on stdout
//   npm run bench:live -- --cpu-profile /tmp/profiles    V8 profiles of the server, written at exit
import type { SaturationFigures } from './load/load-report';
import { halfRateLoad, measureResponses, measureSaturation, progress, runLoadBench, summariseNoise, warmUpResponses, type Bench } from './load/measures';
import { startBarometer, type ServerProcess } from './load/processes';
import { OPEN_WAVE, createAnalyst, importCaptic250, signIn } from './live/analyst';
import { DashboardStreams, type DashboardViewSpec } from './live/dashboard-streams';
import { evaluateGoals, formatReport, mean, type LiveSummary, type StreamedWindow } from './live/live-report';
import { FinalSubmitClock, submitDelays } from './live/submit-delays';
import { CAPTIC_ID } from '../test/fixtures/captic-answers';

const EVENTS_PATH = `/admin/surveys/${CAPTIC_ID}/waves/${OPEN_WAVE}/dashboard/events`;
const VIEWS: DashboardViewSpec[] = [
  { name: 'plain', path: `${EVENTS_PATH}?lang=fr&packed=1`, streams: 150 },
  { name: 'by company_size', path: `${EVENTS_PATH}?by=company_size&lang=fr&packed=1`, streams: 50 },
];
/** The streams agree on one version that has not moved for this long: the load's last completions have arrived. */
const SETTLE_QUIET_MS = 500;
const SETTLE_TIMEOUT_MS = 15_000;
/** Windows with the streams, each between two without them (a. b. a. b. a.). */
const STREAMED_WINDOWS = 2;
const KIB_PER_MIB = 1024;

interface LiveRun {
  bench: Bench;
  barometer: ServerProcess;
  cookie: string;
}

/**
 * Runs `work` (a measured window of responses) with the streams open, timing every final submit
 * against the events that carry it. The streams settle before (the base version) and after (every
 * completion of the window has reached every page, or the run fails).
 */
async function streamedWindow(bench: Bench, streams: DashboardStreams, label: string, work: (clock: FinalSubmitClock) => Promise<SaturationFigures>): Promise<StreamedWindow> {
  const base = await streams.settle(SETTLE_QUIET_MS, SETTLE_TIMEOUT_MS);
  streams.resetEvents();
  const clock = new FinalSubmitClock(base);
  const bytesBefore = streams.bytes;
  const began = performance.now();
  const figures = await work(clock);
  const windowSeconds = (performance.now() - began) / 1000;
  const streamBytesPerSecond = (streams.bytes - bytesBefore) / windowSeconds;
  const settled = await streams.settle(SETTLE_QUIET_MS, SETTLE_TIMEOUT_MS);
  const { summary: delays, missing } = submitDelays(clock, streams.eventsByStream(), settled);
  bench.errors.push(...missing.map((m) => `${label}: ${m}`));
  progress(`${label}: delay p50 ${delays.p50Ms.toFixed(0)} ms, p99 ${delays.p99Ms.toFixed(0)} ms over ${delays.count} (${delays.submits} submits), ${delays.eventsPerStream.toFixed(0)} events per stream`);
  return { ...figures, delays, streamBytesPerSecond, windowSeconds };
}

/** Opens the dashboards, runs `work` with them, closes them; their problems become the run's errors. */
async function withStreams<T>(run: LiveRun, label: string, work: (streams: DashboardStreams) => Promise<T>): Promise<T> {
  const streams = await DashboardStreams.open(run.barometer.baseUrl, run.cookie, VIEWS);
  progress(`${streams.count} dashboard streams open (${label})`);
  try {
    return await work(streams);
  } finally {
    streams.close();
    if (streams.problems.count > 0) {
      run.bench.errors.push(`streams (${label}): ${streams.problems.count} unexpected answers or events, e.g. ${streams.problems.examples.join('; ')}`);
    }
  }
}

/**
 * Each window with the streams against the mean of the two without them around it (`without` has
 * one more window than `with`, alternating), averaged: a drift of the server cancels out.
 */
function bracketedRatios(without: SaturationFigures[], streamed: SaturationFigures[]): { responsesPerSecond: number; cpuPerResponse: number } {
  const around = (i: number, of: (w: SaturationFigures) => number) => (of(without[i]!) + of(without[i + 1]!)) / 2;
  return {
    responsesPerSecond: mean(streamed.map((w, i) => w.responsesPerSecond / around(i, (a) => a.responsesPerSecond))),
    cpuPerResponse: mean(streamed.map((w, i) => w.cpuMsPerResponse / around(i, (a) => a.cpuMsPerResponse))),
  };
}

async function measure(run: LiveRun): Promise<Pick<LiveSummary, 'sweep' | 'without' | 'with' | 'halfRate'>> {
  const { bench, barometer } = run;
  const { options } = bench;
  const baseUrl = barometer.baseUrl;

  // a.: the saturation point without any dashboard, after the first warm-up.
  const saturation = await measureSaturation(bench, barometer);
  const { connections } = saturation.best;
  const without: SaturationFigures[] = [saturation.best];
  const streamed: StreamedWindow[] = [];
  // The dashboards' code is new to the JIT the first time it runs, as a fresh server's is: it
  // runs unmeasured first.
  await withStreams(run, 'warm-up', (streams) => warmUpResponses(bench, 'streams', { baseUrl, connections, seconds: options.firstWarmUpSeconds }).then(() => streams.count));
  // a. b. a. b. a.: the server slows as responses pile up (issue 9: each window stores hundreds
  // more), so each window with the streams is compared with the two without that bracket it.
  const noStreams = async (window: number) => {
    await warmUpResponses(bench, 'no streams', { baseUrl, connections, seconds: options.warmUpSeconds });
    without.push((await measureResponses(bench, barometer, `no streams, ${connections} at a time (${window})`, { connections })).figures);
  };
  await noStreams(2);
  for (let window = 1; window <= STREAMED_WINDOWS; window += 1) {
    // b.: the same load with the dashboards open.
    streamed.push(
      await withStreams(run, `saturation ${window}`, async (streams) => {
        await warmUpResponses(bench, 'streams', { baseUrl, connections, seconds: options.warmUpSeconds });
        const label = `${streams.count} streams, ${connections} at a time (${window})`;
        return streamedWindow(bench, streams, label, async (clock) => (await measureResponses(bench, barometer, label, { connections, finalSubmits: clock })).figures);
      }),
    );
    await noStreams(window + 2);
  }

  // c.: the delay at half the saturation rate, dashboards open.
  const load = halfRateLoad(saturation.best.requestsPerSecond, options.seconds);
  const halfRate = await withStreams(run, 'half rate', async (streams) => {
    await warmUpResponses(bench, 'half rate', { ...load, baseUrl, seconds: options.warmUpSeconds });
    return streamedWindow(bench, streams, 'half rate, streams', async (clock) => (await measureResponses(bench, barometer, 'half rate, streams', { ...load, finalSubmits: clock })).figures);
  });
  return {
    sweep: saturation.runs,
    without,
    with: streamed,
    halfRate: { targetRequestsPerSecond: load.overallRate, connections: halfRate.connections, responsesPerSecond: halfRate.responsesPerSecond, window: halfRate },
  };
}

runLoadBench<LiveSummary>('bench:live', formatReport, async ({ options, bench, dataDir, pinning, servers, header }) => {
  // The analyst's session cookie is Secure in production: its requests come "through" a TLS proxy.
  const barometer = await startBarometer({ pinning, dataDir, nodeFlags: options.barometerNodeFlags, env: { TRUST_PROXY: 'true' } });
  servers.push(barometer);
  progress(`Barometer at ${barometer.baseUrl} (pid ${barometer.pid}, data in ${dataDir})`);
  const imported = await importCaptic250(dataDir);
  const cookie = await signIn(barometer.baseUrl, await createAnalyst(dataDir));
  progress(`${imported} responses imported, analyst signed in`);
  const measured = await measure({ bench, barometer, cookie });

  const partial: Omit<LiveSummary, 'goals'> = {
    ...header(),
    imported,
    views: VIEWS,
    ...measured,
    ratio: bracketedRatios(measured.without.slice(1), measured.with),
    peakUnderLoadMiB: bench.peakUnderLoadKiB / KIB_PER_MIB,
    otherProcesses: summariseNoise(bench.windows),
    errors: bench.errors,
  };
  return { ...partial, goals: evaluateGoals(partial) };
});
