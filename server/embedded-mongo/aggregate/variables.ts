// Helpers about `$$variables` in specifications.
import { isPlainObject } from '../bson/index';

/** Whether a specification reads a `$$variable` anywhere (so depends on the run's variables). */
export function mentionsVariable(value: unknown): boolean {
  if (typeof value === 'string') return value.startsWith('$$');
  if (Array.isArray(value)) return value.some(mentionsVariable);
  if (isPlainObject(value)) return Object.values(value).some(mentionsVariable);
  return false;
}
