// Server parameters the planner obeys: `notablescan` makes queries that need a collection scan
// fail, as in mongod. Like mongod's, the setting is server-wide: one store per process (or per
// worker thread, where the store runs isolated), so module state is that store's state.
import type { Document } from 'bson';
import { CommandError } from '../../errors';

const parameters = { notablescan: false };

export function getNotablescan(): boolean {
  return parameters.notablescan;
}

/** Sets notablescan; returns the previous value (mongod answers setParameter with `{ was: <old> }`). */
export function setNotablescan(value: unknown): boolean {
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
export function noTableScanError(message = "No indexed plans available, and running with 'notablescan'"): CommandError {
  return new CommandError('NoQueryExecutionPlans', message);
}
