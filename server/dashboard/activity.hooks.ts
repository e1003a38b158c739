// Keeps each wave's activity counters (the dashboard's header) in step with its complete
// responses, whichever path changed them; registered before the live hooks, so a dashboard told
// of a change reads the counters already moved.
import { registerResponseHooks } from '../responses/completion-hooks';
import type { StoredResponse } from '../responses/response.service';
import type { SurveyCatalog } from '../surveys/survey.catalog';
import { surveyTimeZone } from '../waves/wave-dates';
import { countCompletion } from './activity.service';

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
