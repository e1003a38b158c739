// Keeps each wave's activity counters (the dashboard's header) in step with its complete
// responses, whichever path changed them; registered before the live hooks, so a dashboard told
// of a change reads the counters already moved.
import { registerResponseHooks } from '../responses/completion-hooks';
import type { StoredResponse } from '../responses/response.service';
import type { SurveyCatalog } from '../surveys/survey.catalog';
import { dayIn, surveyTimeZone } from '../waves/wave-dates';
import { countCompletion, replaceWaveActivity } from './activity.service';

export function registerActivityHooks(catalog: SurveyCatalog): void {
  // A survey no longer in the catalog keeps its counters in UTC days; a rebuild puts them right.
  const zoneOf = (response: StoredResponse) => {
    const survey = catalog.get(response.surveyId);
    return survey ? surveyTimeZone(survey) : 'UTC';
  };
  registerResponseHooks('activity', {
    async completed(response) {
      await countCompletion(response, zoneOf(response), 1);
    },
    async deleted(response) {
      await countCompletion(response, zoneOf(response), -1);
    },
  });
}

/**
 * A wave's activity counted from responses as a recount streams them (the counter sweep's single
 * pass, which must count the activity from the very responses it counts the tallies from), then
 * written in place of the stored counters.
 */
export function activityRecount(wave: { surveyId: string; waveId: string }, timeZone: string) {
  let completes = 0;
  const days: Record<string, number> = {};
  let last: Date | undefined;
  return {
    add(completedAt: Date | undefined): void {
      completes += 1;
      if (!completedAt) return;
      const day = dayIn(completedAt, timeZone);
      days[day] = (days[day] ?? 0) + 1;
      if (!last || completedAt > last) last = completedAt;
    },
    write: () => replaceWaveActivity(wave, { completes, days, ...(last ? { lastCompletedAt: last } : {}) }),
  };
}
