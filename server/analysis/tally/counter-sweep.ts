// Brings the live counters back to the recompute after a crash, without anyone acting. Every
// change to a counted response is marked in the write that makes it (completion-hooks.ts), and the
// mark is cleared once its followers (tallies, quota counts, activity, live version) have run; a
// process killed in between leaves the mark. At boot and every COUNTER_SWEEP_MS, the sweep looks
// for marks older than a grace period (younger ones belong to followers still running) and, for
// each wave that has some, rebuilds the wave's counters from its responses, then clears the marks
// its recount covered.
//
// Why a rebuild and not "apply what is missing": a response's followers write several documents
// each ($inc per question and segment, the quota cells, the activity) without a transaction, so a
// crash can leave them half applied, and applying them again would count part of the response
// twice. A recount is idempotent. It holds the wave's lease (counter-sweep-lease.ts), so one process
// sweeps a wave at a time, and followers of that wave leave their change to it instead of adding
// to a recount that may already hold it; they do not wait (a rebuild of 100 000 responses takes
// about ten seconds). A change left to a sweep whose recount missed it (made after the pass read
// its response) is swept again at once, without the grace period's wait.
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '../../lib/logger';
import { followersPendingOf, streamForCounterSweep, clearFollowersPending, wavesWithFollowersPendingBefore, type FollowersPending, type SweptResponse } from '../../responses/response.service';
import type { SurveyCatalog } from '../../surveys/survey.catalog';
import { lookUpWave, type Wave } from '../../waves/wave.service';
import { surveyTimeZone } from '../../waves/wave-dates';
import { activityRecount } from '../../dashboard/activity.hooks';
import { setQuotaCounts } from '../../fieldwork/quotas';
import { changeOfErasure, changeOfResponse, releaseSweepLease, renewSweepLease, takeSweepLease, waitingFollowersOf, type SweepLease } from './counter-sweep-lease';
import { clearPendingErasure, isErasurePending, pendingErasuresOf, wavesWithErasuresBefore, type PendingErasure } from './pending-erasure';
import { weightedTallyTargetFor } from './tally.hooks';
import { queueWaveRebuild, rebuildTallies } from './tally.service';

export interface CounterSweepOptions {
  /** Between two sweeps (COUNTER_SWEEP_MS). */
  intervalMs: number;
  /**
   * How old a mark must be before the sweep takes it as left by a crash; also how long a sweep
   * waits for followers still running when it starts. Followers take milliseconds; the default
   * leaves them ten seconds (less when sweeps are more frequent than that).
   */
  graceMs?: number;
  /**
   * How long a wave's lease lasts unless renewed (every third of it while the sweep runs): how
   * long followers of the wave wait when a sweeper dies mid-sweep. Twice the grace period, at
   * least one second, by default.
   */
  leaseMs?: number;
  /** false: sweeps only when runOnce() is called (tests). */
  timer?: boolean;
}

export interface SweptWave {
  surveyId: string;
  waveId: string;
  /** Complete responses counted. */
  responses: number;
  /** Marks cleared: changes whose followers had not all run. */
  healed: number;
  ms: number;
}

export interface CounterSweeper {
  /** One sweep of every wave with marks older than the grace period: the waves it rebuilt. */
  runOnce(): Promise<SweptWave[]>;
  stop(): Promise<void>;
}

const DEFAULT_GRACE_MS = 10_000;
const MIN_LEASE_MS = 1_000;
const FOLLOWER_POLL_MS = 20;

interface SweepDependencies {
  catalog: SurveyCatalog;
  logger: Logger;
}

export function startCounterSweeper(deps: SweepDependencies, options: CounterSweepOptions): CounterSweeper {
  const graceMs = options.graceMs ?? Math.min(DEFAULT_GRACE_MS, options.intervalMs);
  const leaseMs = options.leaseMs ?? Math.max(MIN_LEASE_MS, 2 * graceMs);
  const logger = deps.logger.child({ component: 'counter-sweep' });
  let running: Promise<SweptWave[]> | undefined;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;

  const sweep = async (): Promise<SweptWave[]> => {
    const cutoff = new Date(Date.now() - graceMs);
    const marked = [...(await wavesWithFollowersPendingBefore(cutoff)), ...(await wavesWithErasuresBefore(cutoff))];
    const waves = new Map(marked.map((wave) => [`${wave.surveyId}\u0000${wave.waveId}`, wave]));
    const swept: SweptWave[] = [];
    for (const { surveyId, waveId } of waves.values()) {
      if (stopped) break;
      const result = await sweepWave(deps, logger, surveyId, waveId, { graceMs, leaseMs });
      if (result) swept.push(result);
    }
    return swept;
  };

  // One sweep at a time in this process; a call while one runs shares it.
  const runOnce = (): Promise<SweptWave[]> => {
    running ??= sweep().finally(() => {
      running = undefined;
    });
    return running;
  };

  const tick = () => {
    runOnce()
      .catch((error: unknown) => logger.error({ err: error }, 'counter sweep failed'))
      .finally(() => {
        if (!stopped && options.timer !== false) timer = setTimeout(tick, options.intervalMs);
      });
  };
  if (options.timer !== false) tick();

  return {
    runOnce,
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running?.catch(() => undefined);
    },
  };
}

/**
 * Rebuilds a wave's counters from its responses as a sweep does, safe while apps run
 * (`npm run tallies:rebuild`): under the wave's lease, waiting for a sweep that holds it to end.
 */
export async function rebuildWaveCounters(deps: SweepDependencies, surveyId: string, waveId: string): Promise<SweptWave> {
  const timing = { graceMs: DEFAULT_GRACE_MS, leaseMs: 2 * DEFAULT_GRACE_MS };
  for (;;) {
    const result = await sweepWave(deps, deps.logger, surveyId, waveId, timing);
    if (result) return result;
    await sleep(FOLLOWER_POLL_MS * 10);
  }
}

/**
 * Sweeps one wave under its lease, again at once while changes left to a sweep remain uncounted:
 * undefined when another process holds the lease (its sweep counts what is left to it).
 */
async function sweepWave(deps: SweepDependencies, logger: Logger, surveyId: string, waveId: string, timing: { graceMs: number; leaseMs: number }): Promise<SweptWave | undefined> {
  let total: SweptWave | undefined;
  let left = new Set<string>();
  do {
    const pass = await sweepWaveOnce(deps, logger, surveyId, waveId, timing, left);
    if (!pass) return total;
    total = total ? { ...pass.swept, healed: total.healed + pass.swept.healed, ms: total.ms + pass.swept.ms } : pass.swept;
    left = await stillPendingAmong(surveyId, waveId, pass.leftToIt);
  } while (left.size > 0);
  return total;
}

/** The changes of `names` whose marks are still in place. */
async function stillPendingAmong(surveyId: string, waveId: string, names: Set<string>): Promise<Set<string>> {
  if (names.size === 0) return names;
  const marked = [...(await followersPendingOf(surveyId, waveId)).map((mark) => changeOfResponse(mark.id, mark.revision)), ...(await pendingErasuresOf(surveyId, waveId)).map((erasure) => changeOfErasure(erasure.id))];
  return new Set(marked.filter((name) => names.has(name)));
}

/**
 * One rebuild of a wave under its lease. `left`: changes a previous pass was left and did not
 * count, whose followers have returned (not waited for). Answers the pass and the changes left to
 * it, undefined when another process holds the lease.
 */
async function sweepWaveOnce(deps: SweepDependencies, logger: Logger, surveyId: string, waveId: string, timing: { graceMs: number; leaseMs: number }, left: Set<string>): Promise<{ swept: SweptWave; leftToIt: Set<string> } | undefined> {
  const lease = await takeSweepLease(surveyId, waveId, timing.leaseMs);
  if (!lease) return undefined;
  const started = Date.now();
  const stopRenewing = renewSweepLease(lease, timing.leaseMs, () => logger.warn({ surveyId, waveId }, 'counter sweep lease lost: another process may sweep the wave too'));
  let swept: SweptWave;
  try {
    // Read after the lease is taken: a change marked later leaves itself to this sweep.
    const marks = await followersPendingOf(surveyId, waveId);
    const erasures = await pendingErasuresOf(surveyId, waveId);
    const late = await waitForFollowersInFlight(lease, marks, erasures, timing.graceMs, left);
    if (late > 0) logger.warn({ surveyId, waveId, followers: late }, 'followers still running after the grace period: swept without them');
    const seen = new Map<string, number>();
    const responses = await recount(deps, surveyId, waveId, seen);
    const healed = await clearCovered(surveyId, waveId, seen, erasures, timing.graceMs);
    swept = { surveyId, waveId, responses, healed, ms: Date.now() - started };
    logger.info(swept, 'counters rebuilt from the responses (healed: marks of changes whose followers had not run)');
  } catch (error) {
    // What was left to a failed pass keeps its marks for a later sweep (after the grace period).
    stopRenewing();
    await releaseSweepLease(lease).catch(() => undefined);
    throw error;
  }
  stopRenewing();
  return { swept, leftToIt: await releaseSweepLease(lease) };
}

/**
 * Waits until the followers that started before the lease was taken have run (their marks
 * cleared or moved on) or left their change to the sweep, at most `graceMs`; marks older than
 * that are a crash's, and those `left` to an earlier pass have no follower running. Answers how
 * many were still running.
 */
async function waitForFollowersInFlight(lease: SweepLease, marks: FollowersPending[], erasures: PendingErasure[], graceMs: number, left: Set<string>): Promise<number> {
  const started = Date.now();
  const young = (since: Date) => since.getTime() > started - graceMs;
  let responses = marks.filter((mark) => young(mark.since) && !left.has(changeOfResponse(mark.id, mark.revision)));
  let erased = erasures.filter((erasure) => young(erasure.at) && !left.has(changeOfErasure(erasure.id)));
  while (responses.length + erased.length > 0 && Date.now() - started < graceMs) {
    await sleep(FOLLOWER_POLL_MS);
    const waiting = await waitingFollowersOf(lease);
    const current = new Map((await followersPendingOf(lease.surveyId, lease.waveId)).map((mark) => [mark.id, mark.revision]));
    responses = responses.filter((mark) => current.get(mark.id) === mark.revision && !waiting.has(changeOfResponse(mark.id, mark.revision)));
    const stillPending = await Promise.all(erased.map((erasure) => isErasurePending(erasure.id)));
    erased = erased.filter((erasure, i) => stillPending[i] && !waiting.has(changeOfErasure(erasure.id)));
  }
  return responses.length + erased.length;
}

/**
 * Rebuilds the wave's tallies, activity and quota counts from one pass over its responses
 * (several passes could each see a different set), recording in `seen` the revision at which each
 * response was read. Answers how many complete responses it counted.
 */
async function recount(deps: SweepDependencies, surveyId: string, waveId: string, seen: Map<string, number>): Promise<number> {
  const survey = deps.catalog.get(surveyId);
  const wave = survey && (await lookUpWave(surveyId, waveId));
  if (!survey || !wave) {
    // Nothing counts a survey or wave that is gone: only the marks need clearing.
    for await (const response of streamForCounterSweep(surveyId, waveId)) seen.set(response.id, response.revision);
    return 0;
  }
  const { definition } = await deps.catalog.forWave(wave);
  const activity = activityRecount(wave, surveyTimeZone(survey));
  const cells = new Map<string, number>();
  const counted = async function* (): AsyncGenerator<SweptResponse> {
    for await (const response of streamForCounterSweep(surveyId, waveId)) {
      seen.set(response.id, response.revision);
      if (!response.counted) continue;
      activity.add(response.completedAt);
      for (const quota of wave.quotas) {
        if (response.answers[quota.questionId] === quota.optionId) cells.set(cellName(quota), (cells.get(cellName(quota)) ?? 0) + 1);
      }
      yield response;
    }
  };
  return queueWaveRebuild(surveyId, waveId, async () => {
    // The tallies read the stream to its end before writing anything, so activity and quota
    // counts are complete when written; rebuildTallies tells open dashboards last.
    const target = await weightedTallyTargetFor(definition, waveId);
    const count = await rebuildTallies(target, counted());
    await activity.write();
    await setQuotaCounts(wave, (cell) => cells.get(cellName(cell)) ?? 0);
    return count;
  });
}

function cellName(cell: Pick<Wave['quotas'][number], 'questionId' | 'optionId'>): string {
  return `${cell.questionId}=${cell.optionId}`;
}

/**
 * Clears the marks whose change the recount holds: a response read at the revision of its mark.
 * An erasure is covered when its response was not read (gone before the pass), or when its mark,
 * found when the sweep began, was older than the grace period (the process died before deleting
 * the response: it stands, and is counted). Answers how many it cleared.
 */
async function clearCovered(surveyId: string, waveId: string, seen: Map<string, number>, erasures: PendingErasure[], graceMs: number): Promise<number> {
  let cleared = 0;
  for (const mark of await followersPendingOf(surveyId, waveId)) {
    if (seen.get(mark.id) === mark.revision && (await clearFollowersPending(mark.id, mark.revision))) cleared += 1;
  }
  const crashed = new Set(erasures.filter((erasure) => erasure.at.getTime() < Date.now() - graceMs).map((erasure) => erasure.id));
  // Erasures noted during the pass too: one whose response the pass did not read was deleted
  // before it, so its follower must not count it out again.
  for (const erasure of await pendingErasuresOf(surveyId, waveId)) {
    if ((!seen.has(erasure.responseId) || crashed.has(erasure.id)) && (await clearPendingErasure(erasure.id))) cleared += 1;
  }
  return cleared;
}
