// Keeps the quota counters equal to the counted completes of each cell whichever path changed a
// complete response. A web completion took its place in reserveQuotaCells already; an import
// counts here; an edit moves the response between cells; voiding or erasing gives its place back.
import { registerResponseHooks } from '../responses/completion-hooks';
import { shiftCountsOf } from './quotas';

export function registerQuotaHooks(): void {
  registerResponseHooks('quotas', {
    async completed(response) {
      if (response.source === 'import') await shiftCountsOf(response, [{ answers: response.answers, delta: 1 }]);
    },
    async edited(before, after) {
      // An edit keeps the response in its wave: one read of the wave's counters serves both moves.
      await shiftCountsOf(after, [
        { answers: before.answers, delta: -1 },
        { answers: after.answers, delta: 1 },
      ]);
    },
    async deleted(response) {
      await shiftCountsOf(response, [{ answers: response.answers, delta: -1 }]);
    },
  });
}
