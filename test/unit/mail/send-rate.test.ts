// The send-rate limit as a lower bound only: n sends at r a second cannot finish sooner than the
// bucket allows, however fast the machine (an upper bound on time would be a timed test).
import { expect } from 'chai';
import { performance } from 'node:perf_hooks';
import { createSendRate } from '../../../server/mail/send-rate';

describe('the send-rate limit', () => {
  it('lets no more than the rate through, after a burst of a tenth of a second\'s worth', async () => {
    const rate = createSendRate(100);
    const started = performance.now();
    await Promise.all(Array.from({ length: 60 }, () => rate.take()));
    // 10 at once (the burst), then 50 more at 100 a second: at least 0.5 s.
    expect(performance.now() - started).to.be.at.least(490);
  });

  it('does not hold anything back with no limit', async () => {
    const rate = createSendRate(Infinity);
    await Promise.all(Array.from({ length: 1000 }, () => rate.take()));
  });
});
