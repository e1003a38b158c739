// The conditions of a filter an index can answer, per field. Only conjunctions are read (the
// top level and $and, recursively); $or, $nor, $expr and negations give no bounds. Everything
// not understood here is simply left to the matcher, which tests every candidate anyway.
import type { Document } from 'bson';
import { bsonType, isPlainObject } from '../../bson/index';

export type RangeOperator = '$gt' | '$gte' | '$lt' | '$lte';

export type Predicate =
  /** Equality as the matcher applies it (an array value also matches an element equal to it). */
  | { kind: 'eq'; value: unknown }
  | { kind: 'in'; values: unknown[] }
  | { kind: 'range'; op: RangeOperator; value: unknown }
  /** A regular expression match (of strings and symbols; also equal regex values). */
  | { kind: 'regex'; value: unknown }
  /** Conditions with no tighter bounds that cannot match a missing field ($exists: true, $size...). */
  | { kind: 'present' }
  /**
   * Conditions with no tighter bounds that may match a missing field ($ne, $nin, $not...). mongod
   * still answers them from an index over all its keys, so they make an indexed plan, not a scan.
   */
  | { kind: 'any' }
  /** $elemMatch on values: one element meets every condition, so their bounds may be intersected. */
  | { kind: 'element'; conditions: Predicate[] };

const RANGE_OPERATORS = new Set(['$gt', '$gte', '$lt', '$lte']);
/** Operators inside a value $elemMatch whose bounds hold for the one matching element. */
const ELEMENT_BOUND_OPERATORS = new Set(['$gt', '$gte', '$lt', '$lte', '$eq', '$in']);
/** Operators that never match a document lacking the field. */
const PRESENCE_OPERATORS = new Set(['$size', '$elemMatch', '$mod', '$bitsAllSet', '$bitsAnySet', '$bitsAllClear', '$bitsAnyClear']);

export function fieldPredicates(filter: Document | undefined): Map<string, Predicate[]> {
  const out = new Map<string, Predicate[]>();
  if (filter) collectConjunction(filter, out);
  return out;
}

function collectConjunction(filter: Document, out: Map<string, Predicate[]>): void {
  for (const [field, condition] of Object.entries(filter)) {
    if (field === '$and' && Array.isArray(condition)) {
      for (const clause of condition) if (isPlainObject(clause)) collectConjunction(clause, out);
      continue;
    }
    if (field.startsWith('$')) continue;
    const predicates = predicatesOf(condition);
    if (predicates.length === 0) continue;
    let list = out.get(field);
    if (!list) out.set(field, (list = []));
    list.push(...predicates);
  }
}

function isOperatorObject(value: unknown): value is Document {
  if (!isPlainObject(value)) return false;
  const keys = Object.keys(value);
  return keys.length > 0 && keys.every((key) => key.startsWith('$'));
}

export function isRegex(value: unknown): boolean {
  return bsonType(value) === 'regex';
}

function predicatesOf(condition: unknown): Predicate[] {
  if (isRegex(condition)) return [{ kind: 'regex', value: condition }];
  if (!isOperatorObject(condition)) {
    // A mix of $-keys and plain keys is an error for mongod; an object of plain keys is an equality.
    if (isPlainObject(condition) && Object.keys(condition).some((key) => key.startsWith('$'))) return [];
    return [{ kind: 'eq', value: condition }];
  }
  const out: Predicate[] = [];
  for (const [op, operand] of Object.entries(condition)) {
    if (op === '$eq') {
      // $eq with a regex matches that regex value only; a range over regexes and strings covers both readings.
      out.push(isRegex(operand) ? { kind: 'regex', value: operand } : { kind: 'eq', value: operand });
    } else if (op === '$in' && Array.isArray(operand)) {
      out.push({ kind: 'in', values: operand });
    } else if (RANGE_OPERATORS.has(op)) {
      out.push({ kind: 'range', op: op as RangeOperator, value: operand });
    } else if (op === '$regex') {
      out.push({ kind: 'regex', value: operand });
    } else if (op === '$exists') {
      // A missing field is keyed as null, so {$exists: false} lies within the null key.
      out.push(operand !== false && operand !== 0 && operand !== null ? { kind: 'present' } : { kind: 'eq', value: null });
    } else if (op === '$all' && Array.isArray(operand) && operand.length > 0) {
      // $all: [v, w] holds exactly when each of v and w is matched as an equality.
      for (const value of operand) {
        if (isRegex(value)) out.push({ kind: 'regex', value });
        else if (!isOperatorObject(value)) out.push({ kind: 'eq', value });
        else out.push({ kind: 'present' });
      }
    } else if (op === '$elemMatch' && isOperatorObject(operand) && Object.keys(operand).every((key) => ELEMENT_BOUND_OPERATORS.has(key))) {
      out.push({ kind: 'element', conditions: predicatesOf(operand) });
    } else if (PRESENCE_OPERATORS.has(op)) {
      out.push({ kind: 'present' });
    } else if (op === '$type') {
      out.push(typeMayMatchNull(operand) ? { kind: 'any' } : { kind: 'present' });
    } else if (op === '$ne' || op === '$nin' || op === '$not') {
      out.push({ kind: 'any' });
    }
  }
  return out;
}

function typeMayMatchNull(operand: unknown): boolean {
  const list = Array.isArray(operand) ? operand : [operand];
  return list.some((type) => type === 'null' || type === 10 || type === 'undefined' || type === 6);
}

/** Whether a document matching this predicate must have the field (what a sparse index needs). */
export function excludesMissing(predicate: Predicate): boolean {
  switch (predicate.kind) {
    case 'eq':
      return !isNullish(predicate.value);
    case 'in':
      return predicate.values.every((value) => !isNullish(value));
    case 'range':
      // {$gte: null} and {$lte: null} match a missing field; other bounds never do.
      return !isNullish(predicate.value) && bsonType(predicate.value) !== 'minKey' && bsonType(predicate.value) !== 'maxKey';
    case 'any':
      return false;
    default:
      return true;
  }
}

function isNullish(value: unknown): boolean {
  return value === null || value === undefined;
}
