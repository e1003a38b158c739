// `npm run bench:report`: how fast a wave's figures are read, and what it costs in memory.
//
// Builds N synthetic CAP-TIC responses (400 × the 250-response fixture for N = 100 000), builds
// the live counters, then measures:
//   - live figures: computeFigures without a filter, which reads the counters. The claim under
//     test is that this costs the same whatever the number of responses, so it is measured at
//     several sizes (1k, 10k, …, N) on the same growing data set;
//   - a full recompute: computeFigures with a filter every respondent matches, which streams every
//     response of the wave and recomputes the tallies from them;
//   - weighted figures (weighted=1, raking on company_size and uses_social from design weights),
//     whole wave and by company_size, from the counters kept per weighting cell: the same claim,
//     measured the same way, and checked against a weighted recompute to 1e-9; each run forgets
//     the quantiles remembered by the run before (it is the first view after the counters changed);
//   - peak memory: the process's RSS high-water mark and the peak heapUsed sampled during the
//     largest recompute.
// Loading the responses and building the counters are timed and printed too, but they are set-up,
// not the measured figures. Results and how to read them: docs/benchmarks.md.
//
//   npm run bench:report                          100 000 responses, table
//   npm run bench:report -- --responses 20000 --json
//   npm run bench:report -- --responses 1000 --weighted-profile weighted.cpuprofile
//   MONGODB_URI=mongodb://host:27017 npm run bench:report   against a real MongoDB
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual, parseArgs } from 'node:util';
import v8 from 'node:v8';
import vm from 'node:vm';
import mongoose from 'mongoose';
import { buildCaptic250, CAPTIC_250_SIZE } from '../test/fixtures/captic-250';
import { createFiguresService, tallyResponses, type FiguresService } from '../server/analysis/figures/figures.service';
import type { Figures, QuestionFigures } from '../server/analysis/figures/figures.types';
import { forgetQuantiles } from '../server/analysis/design/quantiles';
import { weightedTallyTargetFor } from '../server/analysis/tally/tally.hooks';
import { setWaveWeighting } from '../server/waves/wave.service';
import type { TFiguresQuery } from '../server/analysis/figures/figures.schemas';
import { TallyModel } from '../server/analysis/tally/tally.model';
import { rebuildTallies } from '../server/analysis/tally/tally.service';
import { startEmbeddedMongo, type EmbeddedMongo } from '../server/embedded-mongo/index';
import { ResponseModel } from '../server/responses/response.model';
import { streamCompleteAnswers, streamCompleteResponses, type StoredResponse } from '../server/responses/response.service';
import { createSurveyCatalog, registerSurvey } from '../server/surveys/survey.catalog';
import { loadSurveyFile, type LoadedSurvey } from '../server/surveys/survey.loader';
import { describeMachine, markdownTable, quantileOfSorted } from './bench-output';
import { BENCH_WEIGHTING, syntheticDesignWeight } from './weighted-wave';

const SURVEY_FILE = fileURLToPath(new URL('../surveys/captic-2011.yaml', import.meta.url));
const WAVE_ID = '2011-03';
const INSERT_BATCH = 5000;
/** The sizes at which live figures are measured, besides N itself. */
const CHECKPOINTS = [1_000, 10_000, 100_000];
const LIVE_WARMUP = 5;
const LIVE_RUNS = 30;
const RECOMPUTE_RUNS = 3;
/** Weighted views (whole wave and by company_size, each) under --weighted-profile. */
const WEIGHTED_PROFILE_RUNS = 100;
/** Every CAP-TIC respondent answers uses_social, so this filter keeps everyone. */
const MATCH_EVERYONE = { uses_social: ['yes', 'no'] };
const HEAP_SAMPLE_MS = 2;
/** Weighted figures from counters and from a recompute agree when every number is within this (relative above 1). */
const WEIGHTED_TOLERANCE = 1e-9;

// A full garbage collection before reading a baseline heap, so the baseline is what is retained
// rather than whatever garbage happens to be uncollected (npm scripts cannot pass --expose-gc).
v8.setFlagsFromString('--expose-gc');
const collectGarbage = vm.runInNewContext('gc') as () => void;

function retainedHeap(): number {
  collectGarbage();
  return process.memoryUsage().heapUsed;
}

interface Options {
  responses: number;
  json: boolean;
  /** Where to write a V8 CPU profile of one recompute at the largest size (open it in Chrome DevTools). */
  cpuProfile: string | undefined;
  /** Where to write a V8 CPU profile of weighted figures from the counters (whole wave and by company_size) at the largest size. */
  weightedProfile: string | undefined;
}

function parseOptions(argv: string[]): Options {
  const { values } = parseArgs({
    args: argv,
    options: {
      responses: { type: 'string' },
      json: { type: 'boolean', default: false },
      'cpu-profile': { type: 'string' },
      'weighted-profile': { type: 'string' },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (values.help) {
    console.log('usage: npm run bench:report -- [--responses N] [--json] [--cpu-profile FILE.cpuprofile] [--weighted-profile FILE.cpuprofile]\n  MONGODB_URI=... to run against a real MongoDB instead of the embedded store');
    process.exit(0);
  }
  const responses = values.responses === undefined ? 100_000 : Number(values.responses);
  if (!Number.isInteger(responses) || responses < 1) throw new Error(`--responses must be a positive whole number, not "${values.responses}"`);
  return { responses, json: values.json ?? false, cpuProfile: values['cpu-profile'], weightedProfile: values['weighted-profile'] };
}

interface Timing {
  runs: number;
  medianMs: number;
  p95Ms: number;
  minMs: number;
  maxMs: number;
}

function summarise(samples: number[]): Timing {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => quantileOfSorted(sorted, q);
  const mid = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 ? (sorted[mid] ?? Number.NaN) : ((sorted[mid - 1] ?? Number.NaN) + (sorted[mid] ?? Number.NaN)) / 2;
  const round = (value: number) => Math.round(value * 100) / 100;
  return { runs: sorted.length, medianMs: round(median), p95Ms: round(at(0.95)), minMs: round(sorted[0] ?? Number.NaN), maxMs: round(sorted[sorted.length - 1] ?? Number.NaN) };
}

async function time<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const start = performance.now();
  const value = await fn();
  return { ms: performance.now() - start, value };
}

/** Peak heapUsed and RSS while `fn` runs, sampled on a timer and around it. */
async function withMemorySampling<T>(fn: () => Promise<T>): Promise<{ value: T; peakHeapUsed: number; peakRss: number; heapBefore: number }> {
  const heapBefore = retainedHeap();
  const before = process.memoryUsage();
  let peakHeapUsed = before.heapUsed;
  let peakRss = before.rss;
  const sample = () => {
    const m = process.memoryUsage();
    if (m.heapUsed > peakHeapUsed) peakHeapUsed = m.heapUsed;
    if (m.rss > peakRss) peakRss = m.rss;
  };
  const timer = setInterval(sample, HEAP_SAMPLE_MS);
  try {
    const value = await fn();
    sample();
    return { value, peakHeapUsed, peakRss, heapBefore };
  } finally {
    clearInterval(timer);
  }
}

// ---------------------------------------------------------------------------------- the data

function* syntheticResponses(survey: LoadedSurvey, from: number, to: number): Generator<Record<string, unknown>> {
  const start = Date.UTC(2011, 2, 1);
  // Response i is the (i mod 250)-th of buildCaptic250(1 + i / 250): 400 seeds give 100 000.
  let seed = -1;
  let block: ReturnType<typeof buildCaptic250> = [];
  for (let i = from; i < to; i += 1) {
    const wanted = 1 + Math.floor(i / CAPTIC_250_SIZE);
    if (wanted !== seed) {
      seed = wanted;
      block = buildCaptic250(seed);
    }
    const fixture = block[i % CAPTIC_250_SIZE];
    if (!fixture) throw new Error(`fixture ${seed} has no response ${i % CAPTIC_250_SIZE}`);
    const startedAt = new Date(start + i * 15_000);
    yield {
      surveyId: survey.definition.id,
      waveId: WAVE_ID,
      fingerprint: survey.fingerprint,
      status: 'complete',
      answers: fixture.answers,
      otherTexts: fixture.otherTexts,
      language: fixture.language,
      source: 'import',
      startedAt,
      completedAt: new Date(startedAt.getTime() + 9 * 60_000),
      updatedAt: new Date(startedAt.getTime() + 9 * 60_000),
      revision: 0,
      weight: syntheticDesignWeight(i),
    };
  }
}

async function insertResponses(survey: LoadedSurvey, from: number, to: number): Promise<void> {
  let batch: Array<Record<string, unknown>> = [];
  for (const doc of syntheticResponses(survey, from, to)) {
    batch.push(doc);
    if (batch.length === INSERT_BATCH) {
      await ResponseModel.collection.insertMany(batch, { ordered: false });
      batch = [];
    }
  }
  if (batch.length > 0) await ResponseModel.collection.insertMany(batch, { ordered: false });
}

// ---------------------------------------------------------------------------------- measuring

function liveRequest(extra: Partial<TFiguresQuery> = {}) {
  return { surveyId: 'captic_2011', wave: WAVE_ID, query: { base: 'answered' as const, weighted: false, mentions: false, ...extra }, lowBaseBelow: 50 };
}

function recomputeRequest(extra: Partial<TFiguresQuery> = {}) {
  return liveRequest({ ...extra, filter: MATCH_EVERYONE });
}

/** Every number within WEIGHTED_TOLERANCE, everything else equal; a recompute's medians and quartiles aside (counters cannot give them). */
function sameWeighted(live: unknown, recomputed: unknown): boolean {
  if (typeof live === 'number' && typeof recomputed === 'number') return Math.abs(live - recomputed) <= WEIGHTED_TOLERANCE * Math.max(1, Math.abs(recomputed));
  if (live === null || recomputed === null || typeof live !== 'object' || typeof recomputed !== 'object') return isDeepStrictEqual(live, recomputed);
  const a = live as Record<string, unknown>;
  const b = recomputed as Record<string, unknown>;
  const keys = new Set([...Object.keys(a), ...Object.keys(b)].filter((key) => key in a || (key !== 'median' && key !== 'quartiles')));
  return [...keys].every((key) => sameWeighted(a[key], b[key]));
}

interface WeightedTiming {
  live: Timing;
  liveBy: Timing;
  recompute: Timing;
  agree: boolean;
}

/** Weighted figures from the cells' counters, whole wave and by company_size, and one recompute each to compare them with. */
async function measureWeighted(figures: FiguresService, responses: number): Promise<WeightedTiming> {
  const timed = async (extra: Partial<TFiguresQuery>): Promise<{ timing: Timing; last: Figures }> => {
    for (let i = 0; i < LIVE_WARMUP; i += 1) await figures.computeFigures(liveRequest(extra));
    const samples: number[] = [];
    let last: Figures | undefined;
    for (let i = 0; i < LIVE_RUNS; i += 1) {
      // Each run as the first view after a change of the counters: no quantile remembered from the
      // run before (they would all be, the data set being the same), so none is free.
      forgetQuantiles();
      const { ms, value } = await time(() => figures.computeFigures(liveRequest(extra)));
      samples.push(ms);
      last = value;
    }
    if (!last) throw new Error('no runs');
    return { timing: summarise(samples), last };
  };
  const whole = await timed({ weighted: true });
  const by = await timed({ weighted: true, by: 'company_size' });
  const recomputeSamples: number[] = [];
  let recomputed: Figures | undefined;
  for (let i = 0; i < RECOMPUTE_RUNS; i += 1) {
    const { ms, value } = await time(() => figures.computeFigures(recomputeRequest({ weighted: true })));
    recomputeSamples.push(ms);
    recomputed = value;
  }
  const recomputedBy = await figures.computeFigures(recomputeRequest({ weighted: true, by: 'company_size' }));
  const agree =
    whole.last.source === 'counters' &&
    by.last.source === 'counters' &&
    recomputed?.source === 'responses' &&
    whole.last.n === responses &&
    sameWeighted(whole.last.questions, recomputed.questions) &&
    sameWeighted(whole.last.weighting, recomputed.weighting) &&
    sameWeighted(by.last.crosstab, recomputedBy.crosstab);
  return { live: whole.timing, liveBy: by.timing, recompute: summarise(recomputeSamples), agree };
}

/** The questions part of a recompute, without what only a recompute can give (medians). */
function comparableQuestions(figures: Figures): Record<string, QuestionFigures> {
  return Object.fromEntries(
    Object.entries(figures.questions).map(([id, q]) => {
      const { median: _median, quartiles: _quartiles, ...rest } = q;
      return [id, rest];
    }),
  );
}

interface SizeResult {
  responses: number;
  loadMs: number;
  buildCountersMs: number;
  live: Timing;
  recompute: Timing;
  agree: boolean;
  figuresN: number;
  weighted: WeightedTiming;
}

async function measureSize(figures: FiguresService, responses: number, recomputeRuns: number): Promise<{ live: Timing; recompute: Timing; agree: boolean; figuresN: number; lastRecompute: Figures }> {
  for (let i = 0; i < LIVE_WARMUP; i += 1) await figures.computeFigures(liveRequest());
  const liveSamples: number[] = [];
  let lastLive: Figures | undefined;
  for (let i = 0; i < LIVE_RUNS; i += 1) {
    const { ms, value } = await time(() => figures.computeFigures(liveRequest()));
    liveSamples.push(ms);
    lastLive = value;
  }
  // One recompute to warm up (JIT, caches), then the measured ones.
  await figures.computeFigures(recomputeRequest());
  const recomputeSamples: number[] = [];
  let lastRecompute: Figures | undefined;
  for (let i = 0; i < recomputeRuns; i += 1) {
    const { ms, value } = await time(() => figures.computeFigures(recomputeRequest()));
    recomputeSamples.push(ms);
    lastRecompute = value;
  }
  if (!lastLive || !lastRecompute) throw new Error('no runs');
  const agree =
    lastLive.source === 'counters' &&
    lastRecompute.source === 'responses' &&
    lastLive.n === responses &&
    lastRecompute.n === responses &&
    isDeepStrictEqual(lastLive.questions, comparableQuestions(lastRecompute));
  return { live: summarise(liveSamples), recompute: summarise(recomputeSamples), agree, figuresN: lastLive.n, lastRecompute };
}

/**
 * `runs` weighted views from the counters, whole wave and by company_size in turn: enough samples
 * (at the profiler's 100 µs) for the design errors' share of a view to show in a profile.
 */
async function weightedFiguresRuns(figures: FiguresService, runs: number): Promise<void> {
  for (let i = 0; i < runs; i += 1) {
    forgetQuantiles();
    await figures.computeFigures(liveRequest({ weighted: true }));
    forgetQuantiles();
    await figures.computeFigures(liveRequest({ weighted: true, by: 'company_size' }));
  }
}

/** Runs `fn` under the V8 profiler and writes the profile (Chrome DevTools format) to `file`. */
async function profile<T>(file: string, fn: () => Promise<T>): Promise<T> {
  const session = new Session();
  session.connect();
  try {
    await session.post('Profiler.enable');
    await session.post('Profiler.setSamplingInterval', { interval: 100 });
    await session.post('Profiler.start');
    const value = await fn();
    const { profile: result } = await session.post('Profiler.stop');
    writeFileSync(file, JSON.stringify(result));
    return value;
  } finally {
    session.disconnect();
  }
}

// ---------------------------------------------------------------------------------- output

const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;
const ms = (value: number) => (value >= 100 ? value.toFixed(0) : value.toFixed(2));
const count = (n: number) => n.toLocaleString('en-US');

// ---------------------------------------------------------------------------------- main

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const log = options.json ? (..._args: unknown[]) => undefined : (...args: unknown[]) => console.log(...args);
  const progress = (text: string) => {
    if (!options.json) process.stderr.write(`${text}\n`);
  };

  // A real MongoDB when MONGODB_URI names one; otherwise the embedded store, in memory, in this
  // process. Either way the benchmark works in a database of its own, dropped at the end.
  let embedded: EmbeddedMongo | undefined;
  let uri = process.env.MONGODB_URI;
  if (!uri) {
    embedded = await startEmbeddedMongo({
      host: '127.0.0.1',
      port: 0,
      logger: { info: () => undefined, warn: (m) => console.error(m), error: (m) => console.error(m) },
    });
    uri = embedded.uri;
  }
  const dbName = `barometer_bench_${process.pid}`;
  mongoose.set('strictQuery', true);
  await mongoose.connect(uri, { dbName, serverSelectionTimeoutMS: 10_000, autoIndex: true });
  const store = embedded ? 'embedded (in memory, same process)' : 'MongoDB at MONGODB_URI';

  try {
    const emptyHeap = retainedHeap();
    const survey = await loadSurveyFile(SURVEY_FILE);
    await registerSurvey(survey);
    await Promise.all([ResponseModel.init(), TallyModel.init()]);
    const catalog = createSurveyCatalog([survey]);
    const figures = createFiguresService(catalog);
    await setWaveWeighting(survey.definition.id, WAVE_ID, BENCH_WEIGHTING);
    // The counters kept as the app keeps them: by segment, and by cell of the wave's weighting variables.
    const target = await weightedTallyTargetFor(survey.definition, WAVE_ID);

    const sizes = [...new Set([...CHECKPOINTS.filter((s) => s < options.responses), options.responses])];
    const results: SizeResult[] = [];
    let inserted = 0;
    let largest: (SizeResult & { lastRecompute: Figures }) | undefined;
    let memory: { peakHeapUsed: number; peakRss: number; heapBefore: number } | undefined;
    let computeOnly: Timing | undefined;
    for (const size of sizes) {
      progress(`${count(size)} responses: loading…`);
      const load = await time(() => insertResponses(survey, inserted, size));
      inserted = size;
      progress(`${count(size)} responses: loaded in ${ms(load.ms)} ms; building the counters…`);
      const build = await time(() => rebuildTallies(target, streamCompleteAnswers(survey.definition.id, WAVE_ID)));
      if (build.value !== size) throw new Error(`rebuildTallies saw ${build.value} responses, expected ${size}`);
      progress(`${count(size)} responses: counters built in ${ms(build.ms)} ms; measuring…`);
      const isLargest = size === options.responses;
      const measured = await measureSize(figures, size, RECOMPUTE_RUNS);
      progress(`${count(size)} responses: measuring weighted figures…`);
      const weighted = await measureWeighted(figures, size);
      const result: SizeResult = {
        responses: size,
        loadMs: load.ms,
        buildCountersMs: build.ms,
        live: measured.live,
        recompute: measured.recompute,
        agree: measured.agree,
        figuresN: measured.figuresN,
        weighted,
      };
      if (isLargest) {
        // Memory of one more recompute, sampled while it runs (after the timed runs, so the
        // sampling timer does not slow them).
        const sampled = await withMemorySampling(() => figures.computeFigures(recomputeRequest()));
        memory = { peakHeapUsed: sampled.peakHeapUsed, peakRss: sampled.peakRss, heapBefore: sampled.heapBefore };
        largest = { ...result, lastRecompute: measured.lastRecompute };
        // The recompute's arithmetic alone, on responses already in memory: what is left of a
        // recompute once reading the responses from the store is taken away.
        const inMemory: StoredResponse[] = [];
        for await (const response of streamCompleteResponses(survey.definition.id, WAVE_ID)) inMemory.push(response);
        tallyResponses(survey.definition, inMemory);
        const computeSamples: number[] = [];
        for (let i = 0; i < RECOMPUTE_RUNS; i += 1) {
          const start = performance.now();
          tallyResponses(survey.definition, inMemory);
          computeSamples.push(performance.now() - start);
        }
        computeOnly = summarise(computeSamples);
        inMemory.length = 0;
        if (options.cpuProfile) {
          const file = options.cpuProfile;
          await profile(file, () => figures.computeFigures(recomputeRequest()));
          progress(`CPU profile of one ${count(size)}-response recompute written to ${file}`);
        }
        if (options.weightedProfile) {
          const file = options.weightedProfile;
          await profile(file, () => weightedFiguresRuns(figures, WEIGHTED_PROFILE_RUNS));
          progress(`CPU profile of ${WEIGHTED_PROFILE_RUNS} weighted figures from the counters (whole wave, by company_size) at ${count(size)} responses written to ${file}`);
        }
      }
      results.push(result);
      progress(`${count(size)} responses: live median ${ms(result.live.medianMs)} ms, recompute median ${ms(result.recompute.medianMs)} ms, agree: ${result.agree}`);
      progress(`${count(size)} responses: weighted live median ${ms(weighted.live.medianMs)} ms (by company_size ${ms(weighted.liveBy.medianMs)} ms), weighted recompute median ${ms(weighted.recompute.medianMs)} ms, agree: ${weighted.agree}`);
    }
    if (!largest || !memory || !computeOnly) throw new Error('nothing measured');

    const maxRssBytes = process.resourceUsage().maxRSS * 1024;
    const f1 = largest.lastRecompute.questions.uses_social?.options?.yes?.proportion ?? null;
    const summary = {
      command: `npm run bench:report${options.responses === 100_000 ? '' : ` -- --responses ${options.responses}`}`,
      date: new Date().toISOString(),
      machine: describeMachine(),
      store,
      responses: options.responses,
      setup: results.map((r) => ({ responses: r.responses, loadMs: Math.round(r.loadMs), buildCountersMs: Math.round(r.buildCountersMs) })),
      live: results.map((r) => ({ responses: r.responses, ...r.live })),
      recompute: results.map((r) => ({ responses: r.responses, ...r.recompute })),
      recomputeArithmeticOnly: { responses: options.responses, ...computeOnly },
      agree: results.map((r) => ({ responses: r.responses, agree: r.agree })),
      weighted: {
        weighting: BENCH_WEIGHTING,
        live: results.map((r) => ({ responses: r.responses, ...r.weighted.live })),
        liveByCompanySize: results.map((r) => ({ responses: r.responses, ...r.weighted.liveBy })),
        recompute: results.map((r) => ({ responses: r.responses, ...r.weighted.recompute })),
        agree: results.map((r) => ({ responses: r.responses, agree: r.weighted.agree })),
      },
      goalLiveMs: 50,
      liveUnderGoal: results.every((r) => r.live.p95Ms < 50),
      weightedLiveUnderGoal: results.every((r) => r.weighted.live.p95Ms < 50 && r.weighted.liveBy.p95Ms < 50),
      memory: {
        maxRssBytes,
        recomputePeakHeapUsedBytes: memory.peakHeapUsed,
        heapRetainedBeforeLoadingBytes: emptyHeap,
        heapRetainedBeforeRecomputeBytes: memory.heapBefore,
        recomputePeakRssBytes: memory.peakRss,
        storeInProcess: embedded !== undefined,
      },
      sanity: { usesSocialYes: f1 },
    };

    if (options.json) {
      console.log(JSON.stringify(summary, null, 2));
    } else {
      const m = summary.machine;
      log(`\nBarometer figures benchmark: ${count(options.responses)} synthetic CAP-TIC responses, wave ${WAVE_ID}`);
      log(`Machine: ${m.cpu}, ${m.cores} cores, ${m.ramGiB} GiB RAM, Node ${m.node}, ${m.platform}`);
      log(`Store:   ${store}\n`);
      log(`Live figures (counters, ${LIVE_RUNS} runs after ${LIVE_WARMUP} warm-up), ms:`);
      log(markdownTable(['responses', 'median', 'p95', 'min', 'max'], results.map((r) => [count(r.responses), ms(r.live.medianMs), ms(r.live.p95Ms), ms(r.live.minMs), ms(r.live.maxMs)])));
      log(`\nFull recompute (filter ${JSON.stringify(MATCH_EVERYONE)} matches everyone; ${RECOMPUTE_RUNS} runs after 1 warm-up), ms:`);
      log(markdownTable(['responses', 'median', 'min', 'max', 'live = recompute'], results.map((r) => [count(r.responses), ms(r.recompute.medianMs), ms(r.recompute.minMs), ms(r.recompute.maxMs), r.agree ? 'yes' : 'NO'])));
      log(`\nWeighted figures (weighted=1, ${BENCH_WEIGHTING.method} on ${Object.keys(BENCH_WEIGHTING.targets).join(' and ')}, from design weights), ms:`);
      log(
        markdownTable(
          ['responses', 'counters: median', 'p95', 'by company_size: median', 'p95', 'recompute: median', `counters = recompute (${WEIGHTED_TOLERANCE})`],
          results.map((r) => [count(r.responses), ms(r.weighted.live.medianMs), ms(r.weighted.live.p95Ms), ms(r.weighted.liveBy.medianMs), ms(r.weighted.liveBy.p95Ms), ms(r.weighted.recompute.medianMs), r.weighted.agree ? 'yes' : 'NO']),
        ),
      );
      log(
        `Of which the arithmetic alone (tallyResponses over ${count(options.responses)} responses already in memory, ${RECOMPUTE_RUNS} runs): median ${ms(computeOnly.medianMs)} ms, min ${ms(computeOnly.minMs)}, max ${ms(computeOnly.maxMs)}`,
      );
      log('\nSet-up (not measured figures), ms:');
      log(markdownTable(['responses', 'insert (new responses only)', 'build counters (all)'], results.map((r) => [count(r.responses), ms(r.loadMs), ms(r.buildCountersMs)])));
      log(`\nMemory (${embedded ? "RSS includes the embedded store, which runs in a worker thread of this process; heap figures are the app thread's only" : 'this process only; the MongoDB server is not counted'}):`);
      const memoryRows: Array<[string, string]> = [
        ['process RSS high-water mark (whole run)', mib(maxRssBytes)],
        ['heap retained before loading any response', mib(emptyHeap)],
        [`heap retained before the ${count(options.responses)}-response recompute`, mib(memory.heapBefore)],
        ['heapUsed peak during that recompute (sampled)', mib(memory.peakHeapUsed)],
        ['RSS peak during that recompute (sampled)', mib(memory.peakRss)],
      ];
      const labelWidth = Math.max(...memoryRows.map(([label]) => label.length)) + 1;
      for (const [label, value] of memoryRows) log(`  ${`${label}:`.padEnd(labelWidth + 1)} ${value}`);
      log(`\nGoal: live figures under 50 ms at every size (p95): ${summary.liveUnderGoal ? 'met' : 'NOT met'}`);
      log(`Goal: weighted figures from counters under 50 ms at every size (p95): ${summary.weightedLiveUnderGoal ? 'met' : 'NOT met'}`);
      log(`Live and recomputed figures agree at every size: ${results.every((r) => r.agree) ? 'yes' : 'NO'}`);
      log(`Weighted figures from counters and from a recompute agree at every size: ${results.every((r) => r.weighted.agree) ? 'yes' : 'NO'}`);
      log(`Sanity: uses_social = yes ${f1 === null ? 'n/a' : `${(f1 * 100).toFixed(1)} %`} (published: 94 %)`);
    }
    if (!results.every((r) => r.agree && r.weighted.agree)) process.exitCode = 1;
  } finally {
    await mongoose.connection.dropDatabase().catch((error: unknown) => console.error(`could not drop ${dbName}:`, error));
    await mongoose.disconnect();
    await embedded?.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
