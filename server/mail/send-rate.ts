// The send-rate limit (MAIL_RATE_PER_SECOND): a token bucket on the real clock. It holds a tenth of
// a second's worth of sends, so a worker that was idle may send a small burst, and over any
// second it hands SMTP at most the rate plus that burst. The limit is per worker: two workers send
// up to twice as much.
import { performance } from 'node:perf_hooks';

export interface SendRate {
  /** Resolves when one more send is allowed. */
  take(): Promise<void>;
}

export function createSendRate(perSecond: number): SendRate {
  if (!Number.isFinite(perSecond)) return { take: () => Promise.resolve() };
  const capacity = Math.max(1, Math.floor(perSecond / 10));
  let tokens = capacity;
  let refilledAt = performance.now();
  let queue = Promise.resolve();

  const refill = () => {
    const now = performance.now();
    tokens = Math.min(capacity, tokens + ((now - refilledAt) / 1000) * perSecond);
    refilledAt = now;
  };

  const takeOne = async () => {
    refill();
    while (tokens < 1) {
      await new Promise((resolve) => setTimeout(resolve, Math.ceil(((1 - tokens) / perSecond) * 1000)));
      refill();
    }
    tokens -= 1;
  };

  return {
    // Callers are served in turn, so parallel senders of one worker share the one budget.
    take() {
      const turn = queue.then(takeOne);
      queue = turn;
      return turn;
    },
  };
}
