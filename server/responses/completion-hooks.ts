// Work that must follow a change to a complete response: the live tallies, the quota counts, the
// activity, the live dashboards. Features register a named hook at boot instead of the response
// service importing each of them; registering a name again replaces the earlier hook (tests boot
// the app many times).
//
// The store has no transactions, so a process can die between a change and its followers. Every
// write that changes what is counted therefore marks the response `followersPending` in the same
// write (an erasure, whose response goes, marks a pending erasure first), and the marker is
// cleared here once every follower has run. A marker left behind by a crash is found by the counter
// sweep (server/analysis/tally/counter-sweep.ts), which rebuilds the wave's counters from the
// responses. While a sweep rebuilds a wave, followers of that wave leave their change to it rather
// than add to a recount that may already hold it, and return without waiting for the rebuild
// (counter-sweep-lease.ts says how).
import { changeOfErasure, changeOfResponse, leaveToSweep } from '../analysis/tally/counter-sweep-lease';
import { clearPendingErasure, isErasurePending, type PendingErasure } from '../analysis/tally/pending-erasure';
import { ResponseModel } from './response.model';
import type { StoredResponse } from './response.service';

export interface ResponseHooks {
  /** The response just turned complete. */
  completed?(response: StoredResponse): Promise<void>;
  /** A complete response's answers were changed (`before` is the old version). */
  edited?(before: StoredResponse, after: StoredResponse): Promise<void>;
  /** A complete response was deleted. */
  deleted?(response: StoredResponse): Promise<void>;
}

const hooks = new Map<string, ResponseHooks>();

export function registerResponseHooks(name: string, responseHooks: ResponseHooks): void {
  hooks.set(name, responseHooks);
}

/**
 * What a write that changes a counted response sets beside its change: its followers have not run
 * yet. The time is the machine's, not the app's clock (a test clock may stand years back): the
 * sweep leaves markers younger than its grace period to the process that wrote them.
 */
export function followersPendingMark(): { followersPending: Date } {
  return { followersPending: new Date() };
}

/** A change whose followers have yet to run: how to tell it is still pending, and to settle it. */
interface PendingChange {
  /** As a sweep lists the changes left to it (changeOfResponse, changeOfErasure). */
  name: string;
  stillPending(): Promise<boolean>;
  settle(): Promise<unknown>;
}

function pendingResponse(stored: Pick<StoredResponse, 'id' | 'revision'>): PendingChange {
  // Conditional on the revision: a later change marked the response again for its own followers.
  const marked = { _id: stored.id, revision: stored.revision, followersPending: { $exists: true } };
  return {
    name: changeOfResponse(stored.id, stored.revision),
    stillPending: async () => (await ResponseModel.exists(marked)) !== null,
    settle: () => ResponseModel.updateOne(marked, { $unset: { followersPending: 1 } }),
  };
}

function pendingErasure(erasure: PendingErasure): PendingChange {
  return { name: changeOfErasure(erasure.id), stillPending: () => isErasurePending(erasure.id), settle: () => clearPendingErasure(erasure.id) };
}

/**
 * Runs a change's followers unless a sweep of its wave takes the change on (one running now) or
 * counted it already, then clears its marker. `pending` undefined: an unmarked change (a caller
 * not marking yet), followed as is.
 */
async function follow(wave: { surveyId: string; waveId: string }, pending: PendingChange | undefined, run: () => Promise<void>): Promise<void> {
  if (!pending) return run();
  // In this order: a sweep that took the lease after this read waits for these followers; one
  // that ended before it cleared the marker of every change its recount saw, which the second
  // read finds. (Read the other way round, a sweep could clear the marker between the two.)
  if (await leaveToSweep(wave.surveyId, wave.waveId, pending.name)) return;
  if (!(await pending.stillPending())) return;
  await run();
  await pending.settle();
}

// Test responses (an organizer's preview) are counted nowhere, so they never reach a hook.

/** Follows a response that turned complete in a write marked with followersPendingMark. */
export async function recordCompletion(response: StoredResponse): Promise<void> {
  if (response.test) return;
  await follow(response, pendingResponse(response), async () => {
    for (const h of hooks.values()) await h.completed?.(response);
  });
}

/** Follows an edit of a complete response, `after` as the marked write left it. */
export async function recordEdit(before: StoredResponse, after: StoredResponse): Promise<void> {
  if (after.test) return;
  await follow(after, pendingResponse(after), async () => {
    for (const h of hooks.values()) await h.edited?.(before, after);
  });
}

/**
 * Follows a complete response that stopped counting: voided (`voided`, the response as the marked
 * write left it) or erased (`erasure`, noted before the response went).
 */
export async function recordDeletion(response: StoredResponse, marked?: { voided: StoredResponse } | { erasure: PendingErasure }): Promise<void> {
  if (response.test) return;
  const pending = marked && ('voided' in marked ? pendingResponse(marked.voided) : pendingErasure(marked.erasure));
  await follow(response, pending, async () => {
    for (const h of hooks.values()) await h.deleted?.(response);
  });
}
