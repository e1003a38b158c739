// Bumps a wave's live version after every change to its complete responses, whichever path made
// it (the form, an import, an edit, a void or an erasure). Registered after the tallies' hook
// (server/response-followers.ts), so a dashboard told of the change reads counters already moved.
import { registerResponseHooks } from '../../responses/completion-hooks';
import { bumpLiveVersion } from './live-version';

export function registerLiveHooks(): void {
  registerResponseHooks('live', {
    async completed(response) {
      await bumpLiveVersion(response.surveyId, response.waveId);
    },
    async edited(_before, after) {
      await bumpLiveVersion(after.surveyId, after.waveId);
    },
    async deleted(response) {
      await bumpLiveVersion(response.surveyId, response.waveId);
    },
  });
}
