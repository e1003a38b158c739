// Shared helpers of the update engine's unit tests.
import type { Document } from 'bson';
import { compileFilter } from '../../../../server/embedded-mongo/query/index';
import { compileUpdate, type UpdateOptions, type UpdateResult } from '../../../../server/embedded-mongo/update/index';

export interface TestApplyOptions extends UpdateOptions {
  inserting?: boolean;
  /** The statement's query, for the positional operator. */
  query?: Document;
}

export function applyUpdate(doc: Document, update: Document, options: TestApplyOptions = {}): UpdateResult {
  const { inserting = false, query, ...compileOptions } = options;
  const compiled = compileUpdate(update, compileOptions);
  const matcher = query ? compileFilter(query) : undefined;
  if (matcher && !matcher.test(doc)) throw new Error('test setup: the query does not match the document');
  return compiled.apply(doc, matcher ? { inserting, matcher } : { inserting });
}

/** The document after the update (asserting nothing about whether it changed). */
export function updated(doc: Document, update: Document, options: TestApplyOptions = {}): Document {
  return applyUpdate(doc, update, options).doc;
}
