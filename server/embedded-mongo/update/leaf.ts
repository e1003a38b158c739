// What every update operator ($set, $inc, $push...) provides to the tree that applies it.
// The shapes follow mongod's ModifierNode: an operator either updates an element that exists,
// or produces the value of an element it creates; some never create (e.g. $pop, $unset).
import { serialize, type Document } from 'bson';
import type { Collator } from '../bson/index';

/** The state of one application of a compiled update to one document. */
export interface ApplyState {
  /** The document as it was before this update (for error messages and immutable checks). */
  readonly original: Document;
  /** The working copy the update writes into. */
  readonly doc: Document;
  readonly inserting: boolean;
  readonly collator: Collator | undefined;
  /** One clock reading per update, so every $currentDate of a statement agrees. */
  readonly now: Date;
  /** The array index the query matched, for the positional `$` (as a path component). */
  readonly matchedIndex: string | undefined;
  modified: boolean;
}

export interface LeafContext {
  readonly state: ApplyState;
  /** The concrete path of the element ($, $[] and $[id] resolved to indexes). */
  readonly parts: readonly string[];
}

export type LeafOutcome = { readonly kind: 'noop' } | { readonly kind: 'set'; readonly value: unknown } | { readonly kind: 'remove' };

export const NOOP: LeafOutcome = { kind: 'noop' };

export interface LeafOperator {
  readonly operatorName: string;
  /** Creates the element (and the path to it) when it is missing ($set, $inc, $push...). */
  readonly createsPath: boolean;
  /** A missing element under a scalar is silently skipped rather than refused ($unset, $pop). */
  readonly allowsNonViablePath: boolean;
  /** Applies only when the update inserts ($setOnInsert). */
  readonly insertOnly: boolean;
  updateExisting(current: unknown, context: LeafContext): LeafOutcome;
  /** The value of a created element; only called when `createsPath`. */
  valueForNewElement(context: LeafContext): unknown;
}

/**
 * Same BSON type and bytes: how mongod decides that a $set, $inc... changed nothing. 1 and 1.0
 * differ here (the type changes), although they compare equal in queries.
 */
export function sameBsonValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === undefined || b === undefined) return false;
  return Buffer.from(serialize({ v: a })).equals(Buffer.from(serialize({ v: b })));
}

/** Whole documents, byte for byte (field order included). */
export function sameDocument(a: Document, b: Document): boolean {
  return Buffer.from(serialize(a)).equals(Buffer.from(serialize(b)));
}
