// Quotas per segment cell (e.g. company size TPE 150): counted on completes, and a respondent of
// a full cell is screened out as soon as they answer the quota question. The respondent path
// calls these three functions; each cell's count lives in its own counter document
// (quota-counter.model.ts), made when the organizer sets the quota or, for a wave whose quotas
// were copied from another, the first time the cell is needed.
import type { TAnswers } from '../surveys/answers';
import type { Wave, WaveQuota } from '../waves/wave.service';
import { ResponseModel } from '../responses/response.model';
import { COUNTED } from '../responses/response.service';
import { sameCell } from '../waves/quota-cells';
import { QuotaCounterModel } from './quota-counter.model';
import { isDuplicateKey } from '../lib/duplicate-key';

export type QuotaCell = Pick<WaveQuota, 'questionId' | 'optionId'>;
type WaveRef = Pick<Wave, 'surveyId' | 'waveId'>;

interface StoredCounter {
  questionId: string;
  optionId: string;
  count: number;
  limit: number;
}

/** The wave's quota cells that these answers fall in. */
export function cellsOf(wave: Pick<Wave, 'quotas'>, answers: TAnswers): WaveQuota[] {
  return wave.quotas.filter((quota) => answers[quota.questionId] === quota.optionId);
}

/** The filter naming one counter: every field of its unique index. */
export function counterOf(wave: WaveRef, cell: QuotaCell) {
  return { surveyId: wave.surveyId, waveId: wave.waveId, questionId: cell.questionId, optionId: cell.optionId };
}

/** The counters of these cells that exist; one read, by the counters' unique index. */
export async function readCounters(wave: WaveRef, cells: readonly QuotaCell[]): Promise<StoredCounter[]> {
  if (cells.length === 0) return [];
  return QuotaCounterModel.find({ $or: cells.map((cell) => counterOf(wave, cell)) }, { _id: 0, questionId: 1, optionId: 1, count: 1, limit: 1 }).lean<StoredCounter[]>();
}

/** The counted completes of a wave in a cell: where a counter made late starts from. */
async function countCompletesIn(wave: WaveRef, cell: QuotaCell): Promise<number> {
  const filter = { surveyId: wave.surveyId, waveId: wave.waveId, status: 'complete', ...COUNTED, [`answers.${cell.questionId}`]: cell.optionId };
  // The cast: mongoose infers an index signature for the response schema that no `$ne` satisfies.
  return ResponseModel.countDocuments(filter as unknown as NonNullable<Parameters<typeof ResponseModel.countDocuments>[0]>);
}

/**
 * Gives each cell a counter with the cell's limit: a cell without one starts from the completes
 * already in it (a quota set while the wave runs, or copied from another wave); one whose limit
 * changed takes the new limit. A counter made at the same moment by another request is left as
 * that one made it. `read`: the cells' counters, when the caller has just read them.
 */
export async function ensureCounters(wave: WaveRef, quotas: readonly WaveQuota[], read?: readonly StoredCounter[]): Promise<void> {
  const existing = read ?? (await readCounters(wave, quotas));
  for (const quota of quotas) {
    const counter = existing.find((c) => sameCell(c, quota));
    if (counter) {
      if (counter.limit !== quota.limit) await QuotaCounterModel.updateOne(counterOf(wave, quota), { $set: { limit: quota.limit } });
      continue;
    }
    const counted = await countCompletesIn(wave, quota);
    try {
      await QuotaCounterModel.updateOne(counterOf(wave, quota), { $set: { limit: quota.limit }, $setOnInsert: { count: counted } }, { upsert: true });
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
    }
  }
}

/**
 * The counters of these quotas, each one made or given its quota's limit first where it needs
 * it (ensureCounters): one read when they are all in place, as they are but for a copied wave.
 */
export async function ensuredCounters(wave: WaveRef, quotas: readonly WaveQuota[]): Promise<StoredCounter[]> {
  const counters = await readCounters(wave, quotas);
  if (quotas.every((quota) => counters.some((counter) => sameCell(counter, quota) && counter.limit === quota.limit))) return counters;
  await ensureCounters(wave, quotas, counters);
  return readCounters(wave, quotas);
}

/** A quota cell the answers fall in that is already full, if any. */
export async function fullCellFor(wave: Wave, answers: TAnswers): Promise<WaveQuota | undefined> {
  // Called on every page a respondent submits: a wave without quotas, or answers in no cell yet,
  // cost no read at all.
  if (wave.quotas.length === 0) return undefined;
  const cells = cellsOf(wave, answers);
  if (cells.length === 0) return undefined;
  let counters = await readCounters(wave, cells);
  if (counters.length < cells.length) {
    await ensureCounters(wave, cells, counters);
    counters = await readCounters(wave, cells);
  }
  const full = counters.find((counter) => counter.count >= counter.limit);
  return full && cells.find((cell) => sameCell(cell, full));
}

/** One place in a cell, taken only while the cell has room: one atomic conditional increment. */
async function takePlace(wave: WaveRef, cell: WaveQuota): Promise<boolean> {
  const take = () => QuotaCounterModel.updateOne({ ...counterOf(wave, cell), $expr: { $lt: ['$count', '$limit'] } }, { $inc: { count: 1 } });
  if ((await take()).matchedCount === 1) return true;
  if (await QuotaCounterModel.exists(counterOf(wave, cell))) return false;
  await ensureCounters(wave, [cell]);
  return (await take()).matchedCount === 1;
}

/**
 * Counts a completing response in each of its cells, each only if the cell is not full (a
 * conditional increment, so concurrent last completes cannot overshoot). When one cell is full,
 * the others taken are given back and the respondent is screened out.
 */
export async function reserveQuotaCells(wave: Wave, answers: TAnswers): Promise<{ ok: true; cells: WaveQuota[] } | { ok: false; full: WaveQuota }> {
  const taken: WaveQuota[] = [];
  for (const cell of cellsOf(wave, answers)) {
    if (!(await takePlace(wave, cell))) {
      await releaseQuotaCells(wave, taken);
      return { ok: false, full: cell };
    }
    taken.push(cell);
  }
  return { ok: true, cells: taken };
}

/** Gives back cells reserved for a completion that did not happen. */
export async function releaseQuotaCells(wave: WaveRef, cells: readonly QuotaCell[]): Promise<void> {
  for (const cell of cells) {
    await QuotaCounterModel.updateOne({ ...counterOf(wave, cell), count: { $gt: 0 } }, { $inc: { count: -1 } });
  }
}

/**
 * Moves complete responses' cells, whatever the limits: an import, an analyst's correction or a
 * removal is a fact the counts follow. Each shift moves the cells of its answers by its delta, in
 * order (a correction: the old answers' -1, then the new ones' +1), from one read of the wave's
 * counters. Only cells that have a counter move: one made later counts the completes it finds.
 */
export async function shiftCountsOf(wave: WaveRef, shifts: ReadonlyArray<{ answers: TAnswers; delta: 1 | -1 }>): Promise<void> {
  const counters = await QuotaCounterModel.find({ surveyId: wave.surveyId, waveId: wave.waveId }, { _id: 0, questionId: 1, optionId: 1 }).lean<QuotaCell[]>();
  for (const { answers, delta } of shifts) {
    for (const cell of counters.filter((c) => answers[c.questionId] === c.optionId)) {
      if (delta > 0) await QuotaCounterModel.updateOne(counterOf(wave, cell), { $inc: { count: 1 } });
      else await releaseQuotaCells(wave, [cell]);
    }
  }
}

/**
 * Sets each quota cell's count to the counted completes of a recount (the counter sweep's, which
 * read the responses while their followers were held back). A place a completing respondent has
 * taken but not yet saved is not among them and is lost: the cell may overshoot by that many,
 * rather than stay short for good after a crash.
 */
export async function setQuotaCounts(wave: Pick<Wave, 'surveyId' | 'waveId' | 'quotas'>, countOf: (cell: QuotaCell) => number): Promise<void> {
  await ensureCounters(wave, wave.quotas);
  for (const quota of wave.quotas) await QuotaCounterModel.updateOne(counterOf(wave, quota), { $set: { count: countOf(quota) } });
}
