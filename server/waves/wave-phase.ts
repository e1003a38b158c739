// Whether a wave takes answers at a given moment. `status` is the organizer's last decision; the
// phase is what the wave is now, from the status, the open and close times and the clock, and it
// is what every page and rule goes by. The two differ on purpose: a scheduled wave past its open
// time is open, and an open (or scheduled) wave past its close time is closed, with nobody
// touching it and no background job to miss a beat. The lifecycle keeps the rest consistent: an
// open wave's open time never changes, and no open or close time is set in the past.
import type { Wave } from './wave.service';

/** Where a wave is in its life at a moment. */
export type WavePhase = 'draft' | 'scheduled' | 'open' | 'closed';

type Timed = Pick<Wave, 'status' | 'opensAt' | 'closesAt' | 'closedAt' | 'graceMinutes'>;

export function phaseOf(wave: Timed, now: Date): WavePhase {
  if (wave.status === 'draft' || wave.status === 'closed') return wave.status;
  if (wave.closesAt && now >= wave.closesAt) return 'closed';
  if (wave.status === 'scheduled') return wave.opensAt && now >= wave.opensAt ? 'open' : 'scheduled';
  return 'open';
}

/** When the wave stopped taking new respondents: the organizer's closing or its close time. */
function closedMoment(wave: Timed, now: Date): Date | undefined {
  if (phaseOf(wave, now) !== 'closed') return undefined;
  if (wave.status === 'closed') return wave.closedAt ?? wave.closesAt;
  return wave.closesAt;
}

/**
 * Whether a response started at `startedAt` may still be saved: while the wave is open, and
 * after it closes for the grace period, if the response was started before the close.
 */
export function mayContinue(wave: Timed, startedAt: Date, now: Date): boolean {
  const phase = phaseOf(wave, now);
  if (phase === 'open') return true;
  if (phase !== 'closed') return false;
  const closed = closedMoment(wave, now);
  if (!closed) return false;
  return startedAt < closed && now.getTime() < closed.getTime() + (wave.graceMinutes ?? 0) * 60_000;
}
