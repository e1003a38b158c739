// Whether a query implies an index's partialFilterExpression, so every document the query can
// match is in the partial index. Conservative: "no" whenever the proof is not simple.
import type { Document } from 'bson';
import { bsonType, compareValues, isPlainObject, valuesEqual } from '../../bson/index';
import { rangeBracket } from './key-order';
import { excludesMissing, fieldPredicates, type Predicate } from './predicates';

/** `predicates`: the filter's, when the caller already has them (storage/plan/predicates.ts). */
export function queryImplies(filter: Document | undefined, partialFilter: Document, predicates = fieldPredicates(filter)): boolean {
  return conjunctionImplied(partialFilter, filter ?? {}, predicates);
}

function conjunctionImplied(partialFilter: Document, filter: Document, predicates: Map<string, Predicate[]>): boolean {
  return Object.entries(partialFilter).every(([field, condition]) => {
    if (field === '$and' && Array.isArray(condition)) {
      return condition.every((clause) => isPlainObject(clause) && conjunctionImplied(clause, filter, predicates));
    }
    if (field === '$or' && Array.isArray(condition)) {
      return condition.some((clause) => isPlainObject(clause) && conjunctionImplied(clause, filter, predicates));
    }
    if (field.startsWith('$')) return false;
    // The same condition, written the same way, is implied whatever it means.
    if (field in filter && valuesEqual(filter[field], condition)) return true;
    const known = predicates.get(field) ?? [];
    const operators = isPlainObject(condition) && Object.keys(condition).length > 0 && Object.keys(condition).every((key) => key.startsWith('$'))
      ? Object.entries(condition)
      : [['$eq', condition] as [string, unknown]];
    return operators.every(([op, operand]) => known.some((predicate) => predicateImplies(predicate, op, operand)));
  });
}

/** Whether every document satisfying `predicate` satisfies `{field: {[op]: operand}}`. */
function predicateImplies(predicate: Predicate, op: string, operand: unknown): boolean {
  switch (op) {
    case '$exists':
      return operand !== false && operand !== 0 && operand !== null && excludesMissing(predicate);
    case '$eq':
      return predicate.kind === 'eq' && valuesEqual(predicate.value, operand);
    case '$in': {
      if (!Array.isArray(operand)) return false;
      const values = predicate.kind === 'eq' ? [predicate.value] : predicate.kind === 'in' ? predicate.values : undefined;
      return values !== undefined && values.every((value) => operand.some((allowed) => valuesEqual(value, allowed)));
    }
    case '$type':
      return predicate.kind === 'eq' && typeMatches(predicate.value, operand);
    case '$gt':
    case '$gte':
    case '$lt':
    case '$lte':
      return rangeImplied(predicate, op, operand);
    default:
      return false;
  }
}

function typeMatches(value: unknown, operand: unknown): boolean {
  if (Array.isArray(value)) return false;
  const type = bsonType(value);
  const names = Array.isArray(operand) ? operand : [operand];
  return names.some((name) => name === type || (name === 'number' && ['int', 'long', 'double', 'decimal'].includes(type)));
}

/** Ranges over numbers and dates only: string order would depend on collations. */
function rangeImplied(predicate: Predicate, op: string, bound: unknown): boolean {
  const boundRank = rangeBracket(bound);
  if (boundRank === undefined || bsonType(bound) === 'string' || bsonType(bound) === 'symbol') return false;
  const check = (value: unknown, valueOp: string): boolean => {
    if (Array.isArray(value) || rangeBracket(value) !== boundRank) return false;
    const c = compareValues(value, bound);
    const upward = op === '$gt' || op === '$gte';
    if (upward) {
      if (valueOp === '$lt' || valueOp === '$lte') return false;
      // value > bound, or value == bound when the bound is inclusive or the value is exclusive.
      return c > 0 || (c === 0 && (op === '$gte' || valueOp === '$gt'));
    }
    if (valueOp === '$gt' || valueOp === '$gte') return false;
    return c < 0 || (c === 0 && (op === '$lte' || valueOp === '$lt'));
  };
  if (predicate.kind === 'eq') return check(predicate.value, '$eq');
  if (predicate.kind === 'in') return predicate.values.length > 0 && predicate.values.every((value) => check(value, '$eq'));
  if (predicate.kind === 'range') return check(predicate.value, predicate.op);
  return false;
}
