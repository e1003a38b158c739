// Shared by the planner's unit tests.
import type { Document } from 'bson';
import { PAUSE } from '../../../../server/embedded-mongo/commands/context';
import { compileFilter } from '../../../../server/embedded-mongo/query/index';
import type { Collection } from '../../../../server/embedded-mongo/storage/collection';
import { planQuery, type QueryShape } from '../../../../server/embedded-mongo/storage/planner';

/**
 * Runs a plan the way a find does: skip the pauses, keep the matches, and with a limit stop after
 * `limit` matches when the plan gives the order (otherwise every match, to be sorted).
 */
export function runPlan(collection: Collection, query: QueryShape & { limit?: number }) {
  const plan = planQuery(collection, query);
  const matcher = compileFilter(query.filter, query.collator ? { collator: query.collator } : {});
  const docs: Document[] = [];
  for (const item of plan.docs) {
    if (item === PAUSE) continue;
    if (!matcher.test(item)) continue;
    docs.push(item);
    if (query.limit !== undefined && plan.providesSort && docs.length >= query.limit) break;
  }
  return { docs, plan: plan.plan, providesSort: plan.providesSort };
}
