// Leases kept in MongoDB (a claimed outbox message, a wave being swept, the data migrations) are
// short, so that a holder that dies frees its work soon; a live holder renews its lease every third
// of its length, so that one or two renewals can fail before the lease runs out. One loop for all.
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
