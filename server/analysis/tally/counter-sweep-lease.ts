// The lease a counter sweep holds on a wave while it rebuilds the wave's counters from the
// responses (counter-sweep.ts): one document per wave being swept, with an expiry, so that one
// process sweeps a wave at a time and a sweeper that dies leaves the wave to the next one.
//
// A rebuild replaces the counters with a recount, so a response's followers must not add their
// `$inc`s to it when the recount already read that response. The handshake (completion-hooks.ts):
// a change writes its marker (the response's `followersPending`) first, then its followers read
// this lease. One that finds none applies its `$inc`s; the sweeper, which reads the markers after
// taking the lease, waits for it. One that finds the lease signs in `waiting` and waits for the
// sweep to end: the sweep cleared its marker if the recount saw its change, and it applies
// nothing; otherwise it applies its change then. A single store orders the two writes and two
// reads, so one of the two always sees the other.
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import mongoose, { Schema } from 'mongoose';
import { isDuplicateKey } from '../../lib/duplicate-key';

const counterSweepSchema = new Schema(
  {
    surveyId: { type: String, required: true },
    waveId: { type: String, required: true },
    /** The sweeper holding it (unique per sweep). */
    owner: { type: String, required: true },
    expiresAt: { type: Date, required: true },
    /** Changes (`response:<id>` or `erasure:<id>`) whose followers wait for this sweep to end. */
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

/** How often a waiting follower looks whether the sweep has ended. */
const WAIT_POLL_MS = 20;

/** Takes the wave's lease for `leaseMs` unless another sweeper holds it (undefined then). */
export async function takeSweepLease(surveyId: string, waveId: string, leaseMs: number): Promise<SweepLease | undefined> {
  const owner = randomUUID();
  const now = new Date();
  try {
    // An expired lease is taken over; a live one makes the upsert insert a second document,
    // which the unique index refuses.
    await CounterSweepModel.updateOne(
      { surveyId, waveId, expiresAt: { $lte: now } },
      { $set: { owner, expiresAt: new Date(now.getTime() + leaseMs), waiting: [] } },
      { upsert: true },
    );
  } catch (error) {
    if (isDuplicateKey(error)) return undefined;
    throw error;
  }
  return { surveyId, waveId, owner };
}

/**
 * Keeps the lease for as long as the sweep runs: renewed every third of `leaseMs`, so a lease is
 * short (followers of the wave wait at most that long for a sweeper that died) however long the
 * rebuild takes. Answers the function that stops renewing.
 */
export function renewSweepLease(lease: SweepLease, leaseMs: number, onLost: () => void): () => void {
  const timer = setInterval(() => {
    CounterSweepModel.updateOne({ surveyId: lease.surveyId, waveId: lease.waveId, owner: lease.owner }, { $set: { expiresAt: new Date(Date.now() + leaseMs) } })
      .then((result) => {
        if (result.matchedCount === 0) onLost();
      })
      .catch(() => onLost());
  }, Math.max(10, Math.floor(leaseMs / 3)));
  timer.unref();
  return () => clearInterval(timer);
}

export async function releaseSweepLease(lease: SweepLease): Promise<void> {
  await CounterSweepModel.deleteOne({ surveyId: lease.surveyId, waveId: lease.waveId, owner: lease.owner });
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
 * Whether a sweep of the wave was running when asked; if so, signs `change` in as waiting for it
 * and resolves once it has ended (released, or its lease expired).
 */
export async function waitOutSweep(surveyId: string, waveId: string, change: string): Promise<boolean> {
  const owner = await liveSweepOf(surveyId, waveId);
  if (!owner) return false;
  await CounterSweepModel.updateOne({ surveyId, waveId, owner }, { $addToSet: { waiting: change } });
  while ((await liveSweepOf(surveyId, waveId)) === owner) await sleep(WAIT_POLL_MS);
  return true;
}
