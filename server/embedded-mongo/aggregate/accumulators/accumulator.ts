// The accumulator interface shared by $group, $bucket and $bucketAuto.
import type { Document } from 'bson';
import type { Collator } from '../../bson/index';
import type { Variables } from '../expressions/index';

/** One group's running state for one output field. */
export interface Accumulator {
  add(doc: Document, vars: Variables): void;
  /** The field's value once every document of the group was added (undefined = field missing). */
  result(): unknown;
}

export interface AccumulatorSpec {
  readonly operator: string;
  create(): Accumulator;
}

export interface AccumulatorOptions {
  readonly collator?: Collator;
  readonly variableNames: readonly string[];
}

export type AccumulatorParser = (argument: unknown, options: AccumulatorOptions, operator: string) => AccumulatorSpec;
