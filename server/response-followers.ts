// What follows every change to a complete response: the live counters, the quota counts, the
// waves' activity and the live dashboards. Each entry point that can change responses (boot, the import command, the test
// app) registers the same followers here, so none can forget one (the import command once missed
// the quota counts).
import { registerTallyHooks } from './analysis/tally/tally.hooks';
import { registerQuotaHooks } from './fieldwork/quota.hooks';
import { registerActivityHooks } from './dashboard/activity.hooks';
import { registerLiveHooks } from './dashboard/live/live-hooks';
import type { SurveyCatalog } from './surveys/survey.catalog';

export function followResponseChanges(catalog: SurveyCatalog): void {
  registerTallyHooks(catalog);
  registerQuotaHooks();
  registerActivityHooks(catalog);
  // Last: a dashboard told of a change must find the counters already moved.
  registerLiveHooks();
}
