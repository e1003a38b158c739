// Quotas per segment cell (e.g. company size TPE 150): counted on completes, and a respondent of
// a full cell is screened out as soon as they answer the quota question.
// (Interface for the respondent path; the implementation is being written.)
import type { TAnswers } from '../surveys/answers';
import type { Wave, WaveQuota } from '../waves/wave.service';

/** A quota cell the answers fall in that is already full, if any. */
export async function fullCellFor(_wave: Wave, _answers: TAnswers): Promise<WaveQuota | undefined> {
  return undefined;
}

/**
 * Counts a completing response in each of its cells, each only if the cell is not full (a
 * conditional increment, so concurrent last completes cannot overshoot). When one cell is full,
 * the others taken are given back and the respondent is screened out.
 */
export async function reserveQuotaCells(_wave: Wave, _answers: TAnswers): Promise<{ ok: true; cells: WaveQuota[] } | { ok: false; full: WaveQuota }> {
  return { ok: true, cells: [] };
}

/** Gives back cells reserved for a completion that did not happen. */
export async function releaseQuotaCells(_wave: Wave, _cells: WaveQuota[]): Promise<void> {}
