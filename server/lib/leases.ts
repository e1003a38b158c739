// Leases kept in MongoDB (a claimed outbox message, a wave being swept, the data migrations) are
// short, so that a holder that dies frees its work soon; a live holder renews its lease every third
// of its length, so that one or two renewals can fail before the lease runs out. One loop for all,
// and one way to take a lease that is a document of its own (the sweeps' and the migrations').
import { isDuplicateKey } from './duplicate-key';

/** The one call takeLease makes on the lease's collection: a driver collection and a mongoose model both have it. */
export interface LeaseCollection {
  updateOne(filter: Record<string, unknown>, update: Record<string, unknown>, options: { upsert: true }): PromiseLike<unknown>;
}

/**
 * Takes the lease that `key` names (a unique key of its collection) for `leaseMs`, writing `fields`
 * with it, unless another holds it: answers false then. An expired lease is taken over.
 */
export async function takeLease(collection: LeaseCollection, key: Record<string, unknown>, fields: Record<string, unknown>, leaseMs: number): Promise<boolean> {
  const now = new Date();
  try {
    // Matches the lease only once it has expired, and a missing one is inserted; a live one makes
    // the upsert insert a second document with the same key, which the unique index refuses.
    await collection.updateOne({ ...key, expiresAt: { $lte: now } }, { $set: { ...fields, expiresAt: new Date(now.getTime() + leaseMs) } }, { upsert: true });
    return true;
  } catch (error) {
    if (isDuplicateKey(error)) return false;
    throw error;
  }
}

export interface LeaseRenewalHandlers {
  /** The renewal found the lease no longer held (taken over, or ended). */
  lost?: () => void;
  /** The renewal itself failed (the database did not answer). */
  failed?: (error: unknown) => void;
}

/**
 * Calls `renew` (which answers whether the lease was still held) every third of `leaseMs` until
 * the returned function is called. The timer does not keep the process alive by itself.
 */
export function renewEveryThird(leaseMs: number, renew: () => Promise<boolean>, handlers: LeaseRenewalHandlers): () => void {
  const timer = setInterval(() => {
    renew().then(
      (held) => {
        if (!held) handlers.lost?.();
      },
      (error: unknown) => handlers.failed?.(error),
    );
  }, Math.max(10, Math.floor(leaseMs / 3)));
  timer.unref();
  return () => clearInterval(timer);
}
