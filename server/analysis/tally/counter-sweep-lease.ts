// The lease a counter sweep holds on a wave while it rebuilds the wave's counters from the
// responses (counter-sweep.ts): one document per wave being swept, with an expiry, so that one
// process sweeps a wave at a time and a sweeper that dies leaves the wave to the next one.
//
// A rebuild replaces the counters with a recount, so a response's followers must not add their
// `$inc`s to it when the recount already read that response. The handshake (completion-hooks.ts):
// a change writes its marker (the response's `followersPending`) first, then its followers read
// this lease. One that finds none applies its `$inc`s; the sweeper, which reads the markers after
// taking the lease, waits for it. One that finds the lease hands its change to the sweep: it signs
// in `waiting`, applies nothing and returns at once, its marker left in place (a respondent never
// waits for a rebuild, which takes seconds on a big wave). The sweep clears the marker if its
// recount saw the change; otherwise it finds the change in `waiting` when it releases the lease
// and sweeps the wave again at once. The release reads `waiting` in the write that ends the lease,
// so a follower signs in before it (and is swept again) or finds the lease gone and applies its
// change itself. A single store orders these writes and reads, so one side always sees the other.
import { randomUUID } from 'node:crypto';
import mongoose, { Schema } from 'mongoose';
import { renewEveryThird, takeLease } from '../../lib/leases';

const counterSweepSchema = new Schema(
  {
    surveyId: { type: String, required: true },
    waveId: { type: String, required: true },
    /** The sweeper holding it (unique per sweep). */
    owner: { type: String, required: true },
    expiresAt: { type: Date, required: true },
    /** Changes (changeOfResponse, changeOfErasure) whose followers left them to this sweep. */
    waiting: { type: [String], default: [] },
  },
  { collection: 'counter_sweeps', versionKey: false },
);
counterSweepSchema.index({ surveyId: 1, waveId: 1 }, { unique: true });

const CounterSweepModel = mongoose.model('CounterSweep', counterSweepSchema);

export interface SweepLease {
  surveyId: string;
  waveId: string;
  owner: string;
}

/** How a change is named in `waiting`: a response's at the revision of its mark. */
export function changeOfResponse(id: string, revision: number): string {
  return `response:${id}@${revision}`;
}

export function changeOfErasure(id: string): string {
  return `erasure:${id}`;
}

/** Takes the wave's lease for `leaseMs` unless another sweeper holds it (undefined then). */
export async function takeSweepLease(surveyId: string, waveId: string, leaseMs: number): Promise<SweepLease | undefined> {
  const owner = randomUUID();
  const taken = await takeLease(CounterSweepModel, { surveyId, waveId }, { owner, waiting: [] }, leaseMs);
  return taken ? { surveyId, waveId, owner } : undefined;
}

/**
 * Keeps the lease for as long as the sweep runs: renewed every third of `leaseMs`, so a lease is
 * short (followers of the wave wait at most that long for a sweeper that died) however long the
 * rebuild takes. Answers the function that stops renewing.
 */
export function renewSweepLease(lease: SweepLease, leaseMs: number, onLost: () => void): () => void {
  const renew = async () =>
    (await CounterSweepModel.updateOne({ surveyId: lease.surveyId, waveId: lease.waveId, owner: lease.owner }, { $set: { expiresAt: new Date(Date.now() + leaseMs) } })).matchedCount > 0;
  return renewEveryThird(leaseMs, renew, { lost: onLost, failed: onLost });
}

/** Ends the lease: answers the changes left to the sweep, read in the write that ends it. */
export async function releaseSweepLease(lease: SweepLease): Promise<Set<string>> {
  const doc = await CounterSweepModel.findOneAndDelete({ surveyId: lease.surveyId, waveId: lease.waveId, owner: lease.owner }, { projection: { waiting: 1, _id: 0 } }).lean<{ waiting?: string[] }>();
  return new Set(doc?.waiting ?? []);
}

/** The changes whose followers signed in as waiting for this sweep. */
export async function waitingFollowersOf(lease: SweepLease): Promise<Set<string>> {
  const doc = await CounterSweepModel.findOne({ surveyId: lease.surveyId, waveId: lease.waveId, owner: lease.owner }, { waiting: 1, _id: 0 }).lean<{ waiting?: string[] }>();
  return new Set(doc?.waiting ?? []);
}

/** The owner of a live sweep of the wave, if one runs. */
async function liveSweepOf(surveyId: string, waveId: string): Promise<string | undefined> {
  const doc = await CounterSweepModel.findOne({ surveyId, waveId, expiresAt: { $gt: new Date() } }, { owner: 1, _id: 0 }).lean<{ owner: string }>();
  return doc?.owner;
}

/**
 * Hands `change` to the sweep of its wave running now, if one runs: signs it in as left to that
 * sweep, which counts it (its recount or the sweep it runs next). Answers false when no sweep
 * runs: the caller applies the change itself. Never waits for a sweep to end.
 */
export async function leaveToSweep(surveyId: string, waveId: string, change: string): Promise<boolean> {
  for (;;) {
    const owner = await liveSweepOf(surveyId, waveId);
    if (!owner) return false;
    // Matches nothing once that sweep has released its lease (it read `waiting` already):
    // look again, another may have started since.
    const signed = await CounterSweepModel.updateOne({ surveyId, waveId, owner, expiresAt: { $gt: new Date() } }, { $addToSet: { waiting: change } });
    if (signed.matchedCount === 1) return true;
  }
}
