// Server parameters the planner obeys, per store (a process may run several stores, e.g. in
// tests): `notablescan` makes queries that need a collection scan fail, as in mongod.
import type { Document } from 'bson';
import { CommandError } from '../../errors';

export interface QueryParameters {
  notablescan: boolean;
}

const parametersByStore = new WeakMap<object, QueryParameters>();

/** The parameters of one store, keyed by its catalog (or any object that stands for the store). */
export function queryParameters(store: object): QueryParameters {
  let parameters = parametersByStore.get(store);
  if (!parameters) parametersByStore.set(store, (parameters = { notablescan: false }));
  return parameters;
}

export function getNotablescan(store: object): boolean {
  return queryParameters(store).notablescan;
}

/** Sets notablescan; returns the previous value (mongod answers `{ was: <old> }`). */
export function setNotablescan(store: object, value: unknown): boolean {
  const parameters = queryParameters(store);
  const was = parameters.notablescan;
  parameters.notablescan = parseBooleanParameter('notablescan', value);
  return was;
}

/** mongod accepts booleans and numbers for boolean server parameters. */
function parseBooleanParameter(name: string, value: unknown): boolean {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number' || typeof value === 'bigint') return Number(value) !== 0;
  if (value !== null && typeof value === 'object' && typeof (value as { valueOf(): unknown }).valueOf() === 'number') {
    return Number((value as { valueOf(): unknown }).valueOf()) !== 0;
  }
  throw new CommandError('BadValue', `Invalid value for parameter ${name}: ${String(value)}`);
}

/** mongod exempts queries with an empty filter, system collections and internal databases. */
export function exemptFromNotablescan(database: string, collection: string, filter: Document | undefined): boolean {
  if (!filter || Object.keys(filter).length === 0) return true;
  return collection.startsWith('system.') || database === 'admin' || database === 'local' || database === 'config';
}

/** 291 NoQueryExecutionPlans, with mongod's message. */
export function noTableScanError(): CommandError {
  const error = new CommandError(291, "No indexed plans available, and running with 'notablescan'");
  // ErrorCodes has no entry for 291 yet, so the generic Location291 name is replaced by mongod's.
  Object.defineProperty(error, 'codeName', { value: 'NoQueryExecutionPlans' });
  return error;
}
