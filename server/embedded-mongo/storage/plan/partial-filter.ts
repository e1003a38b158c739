// Tests documents against a partial index's filter with the engine's matcher, under the
// index's collation (mongod evaluates partialFilterExpression with the index's collation).
import type { Document } from 'bson';
import type { Collator } from '../../bson/index';
import { compileFilter } from '../../query/index';

export interface PartialFilterMatcher {
  test(doc: Document): boolean;
}

export function compilePartialFilter(filter: Document, collator: Collator | undefined): PartialFilterMatcher {
  return compileFilter(filter, collator ? { collator } : {});
}
