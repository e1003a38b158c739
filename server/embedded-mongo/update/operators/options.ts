// What operators need to know beyond their argument when they are compiled.
import type { Collator } from '../../bson/index';

export interface OperatorOptions {
  /** The statement's collation: string comparisons in $min/$max, $addToSet, $pull and $push's $sort. */
  readonly collator: Collator | undefined;
}
