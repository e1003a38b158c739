// The load of `npm run bench:load`, driven by autocannon's programmatic API: plain GETs of one
// path, and whole CAP-TIC responses (respondent-sequence.ts), closed-loop or at a fixed rate.
// Each run is wrapped in a window that reads the server's CPU before and after and samples its
// memory while the load lasts.
import autocannon from 'autocannon';
import { build as buildHistogram, type Histogram } from 'hdr-histogram-js';
import { completeResponseRequests, REQUEST_KINDS, RespondentTally, type FinalSubmitObserver, type RequestKind } from './respondent-sequence';
import { machineBusyCpuMs, mainThreadCpuMs, processCpuMs, residentKiB } from './processes';

const RSS_SAMPLE_MS = 100;

export interface Usage {
  /** Server CPU (every thread) during the window, ms. */
  serverCpuMs: number;
  /** Of serverCpuMs, the main thread's (see mainThreadCpuMs). */
  mainThreadCpuMs: number;
  /** This process's CPU during the window: near 1 core, the load generator was the limit. */
  loadCpuMs: number;
  wallMs: number;
  /**
   * CPU that every other process of the machine used meanwhile: what else was running, which
   * makes the figures noisy when it is more than a few percent of a core.
   */
  otherCpuMs: number;
  /** Highest server RSS sampled every 100 ms during the window, KiB. */
  peakRssKiB: number;
}

/** Runs `work` while measuring what the server `pid` used meanwhile. */
export async function withUsage<T>(pid: number, work: () => Promise<T>): Promise<{ value: T; usage: Usage }> {
  let peakRssKiB = residentKiB(pid);
  const sampler = setInterval(() => {
    peakRssKiB = Math.max(peakRssKiB, residentKiB(pid));
  }, RSS_SAMPLE_MS);
  const cpuBefore = processCpuMs(pid);
  const mainBefore = mainThreadCpuMs(pid);
  const machineBefore = machineBusyCpuMs();
  const loadBefore = process.cpuUsage();
  const started = performance.now();
  try {
    const value = await work();
    const wallMs = performance.now() - started;
    const load = process.cpuUsage(loadBefore);
    const serverCpuMs = processCpuMs(pid) - cpuBefore;
    const mainCpuMs = mainThreadCpuMs(pid) - mainBefore;
    const loadCpuMs = (load.user + load.system) / 1000;
    const otherCpuMs = Math.max(0, machineBusyCpuMs() - machineBefore - serverCpuMs - loadCpuMs);
    peakRssKiB = Math.max(peakRssKiB, residentKiB(pid));
    return { value, usage: { serverCpuMs, mainThreadCpuMs: mainCpuMs, loadCpuMs, wallMs, otherCpuMs, peakRssKiB } };
  } finally {
    clearInterval(sampler);
  }
}

function runAutocannon(options: autocannon.Options, onInstance?: (instance: autocannon.Instance) => void): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => {
    const instance = autocannon(options, (error: unknown, result: autocannon.Result) => (error ? reject(error instanceof Error ? error : new Error(String(error))) : resolve(result)));
    onInstance?.(instance);
  });
}

/** Connection errors and timeouts: requests that got no answer at all. */
function transportFailures(result: autocannon.Result): string[] {
  const failures: string[] = [];
  if (result.errors > result.timeouts) failures.push(`${result.errors - result.timeouts} connection errors`);
  if (result.timeouts > 0) failures.push(`${result.timeouts} timeouts`);
  return failures;
}

// ------------------------------------------------------------------------------ plain GETs

export interface GetRun {
  requests: number;
  /** Anything but a 2xx answer, described; empty when every request succeeded. */
  failures: string[];
}

export async function runGets(options: { url: string; headers?: Record<string, string>; connections: number; seconds: number }): Promise<GetRun> {
  const result = await runAutocannon({ url: options.url, connections: options.connections, duration: options.seconds, headers: options.headers ?? {} });
  const failures = transportFailures(result);
  if (result.non2xx > 0) {
    const codes = Object.entries(result.statusCodeStats ?? {}).filter(([code]) => !code.startsWith('2')).map(([code, stat]) => `${stat.count ?? '?'} × ${code}`);
    failures.unshift(`non-2xx answers: ${codes.join(', ')} on GET ${options.url}`);
  }
  return { requests: result.requests.total, failures };
}

// ------------------------------------------------------------------------------ whole responses

export interface LatencySummary {
  kind: RequestKind;
  count: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

export interface SequenceRun {
  connections: number;
  /** Complete responses: sequences that reached the thanks page with a 200. */
  responses: number;
  requests: number;
  requestsPerSecond: number;
  /** Unexpected answers by request type, with a few examples each. */
  errors: { kind: RequestKind; count: number; examples: string[] }[];
  /** Connection errors and timeouts. */
  transportFailures: string[];
  /** Per request type, when asked for. */
  latencies?: LatencySummary[];
}

/**
 * autocannon refills each connection's per-second quota on a one-second timer started when the
 * connection is made, and makes every connection in the same tick: at a fixed rate, all of them
 * would fire at the top of each second and queue behind each other, which measures a burst, not
 * the rate. This spreads the connections' seconds evenly over one second, so the requests arrive
 * spread out at the asked overall rate. It relies on autocannon 9's client fields, checked here.
 */
function staggerRateWindows(connections: number): (client: autocannon.Client) => void {
  let index = 0;
  return (client) => {
    const paced = client as unknown as { rate?: number; reqsMadeThisSecond: number; paused?: boolean; destroyed: boolean; rateInterval?: NodeJS.Timeout; _doRequest?: () => void };
    if (typeof paced.rate !== 'number' || typeof paced._doRequest !== 'function' || typeof paced.reqsMadeThisSecond !== 'number') {
      throw new Error('autocannon client internals changed: update staggerRateWindows in bench/load/load-runs.ts');
    }
    const offsetMs = (1000 * index++) / connections;
    // Each connection's first requests wait for its own second to begin.
    paced.reqsMadeThisSecond = paced.rate;
    const refill = () => {
      if (paced.destroyed) return;
      paced.reqsMadeThisSecond = 0;
      if (paced.paused) {
        paced.paused = false;
        paced._doRequest?.call(paced);
      }
    };
    // setupClient runs in the client's constructor, before it starts its own timer.
    queueMicrotask(() => {
      clearInterval(paced.rateInterval);
      paced.rateInterval = undefined;
      const first = setTimeout(() => {
        if (paced.destroyed) return;
        refill();
        paced.rateInterval = setInterval(refill, 1000);
      }, offsetMs);
      first.unref();
    });
  };
}

/** Microseconds, so sub-millisecond answers keep their resolution. */
const US_PER_MS = 1000;

export interface SequenceOptions {
  baseUrl: string;
  connections: number;
  seconds: number;
  overallRate?: number;
  latencies?: boolean;
  finalSubmits?: FinalSubmitObserver;
}

/**
 * Whole CAP-TIC responses with `connections` respondents at a time, as fast as they go or at
 * `overallRate` requests per second in all. With `latencies`, each answer's time (autocannon's own,
 * from write to last byte) is filed under its request type; `finalSubmits` is told of each final
 * submit.
 */
export async function runSequences(options: SequenceOptions): Promise<SequenceRun> {
  const tally = new RespondentTally(options.finalSubmits);
  const histograms = new Map<RequestKind, Histogram>(REQUEST_KINDS.map((kind) => [kind, buildHistogram({ numberOfSignificantValueDigits: 3 })]));
  let unattributed = 0;
  const rated = options.overallRate !== undefined;
  const connections = rated ? Math.min(options.connections, options.overallRate!) : options.connections;
  const result = await runAutocannon(
    {
      url: options.baseUrl,
      connections,
      duration: options.seconds,
      requests: completeResponseRequests(tally),
      ...(rated ? { overallRate: options.overallRate, setupClient: staggerRateWindows(connections) } : {}),
    },
    (instance) => {
      if (!options.latencies) return;
      // onResponse (which names the kind) runs just before this event, for the same answer.
      instance.on('response', (_client: autocannon.Client, _status: number, _bytes: number, responseTimeMs: number) => {
        const kind = tally.answeredKind;
        tally.answeredKind = undefined;
        if (kind === undefined) unattributed += 1;
        else histograms.get(kind)!.recordValue(Math.max(1, Math.round(responseTimeMs * US_PER_MS)));
      });
    },
  );
  if (unattributed > 0) throw new Error(`${unattributed} answers could not be attributed to a request type: autocannon's event order changed`);
  const requests = result.requests.total;
  const run: SequenceRun = {
    connections,
    responses: tally.completed,
    requests,
    requestsPerSecond: requests / result.duration,
    errors: [...tally.errors].map(([kind, entry]) => ({ kind, ...entry })),
    transportFailures: transportFailures(result),
  };
  if (options.latencies) {
    run.latencies = REQUEST_KINDS.map((kind) => {
      const histogram = histograms.get(kind)!;
      return {
        kind,
        count: histogram.totalCount,
        p50Ms: histogram.getValueAtPercentile(50) / US_PER_MS,
        p99Ms: histogram.getValueAtPercentile(99) / US_PER_MS,
        maxMs: histogram.maxValue / US_PER_MS,
      };
    });
  }
  for (const histogram of histograms.values()) histogram.destroy();
  return run;
}
