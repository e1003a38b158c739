// How the engine's unit tests read the CommandError a call throws, as mongod's clients would.
import assert from 'node:assert/strict';
import { CommandError } from '../../../server/embedded-mongo/errors';

/** The MongoDB error code `run` throws (-1 for an error without one), or undefined if it does not throw. */
export function codeOf(run: () => unknown): number | undefined {
  try {
    run();
  } catch (error) {
    return error instanceof CommandError ? error.code : -1;
  }
  return undefined;
}

/** The CommandError a call throws (fails the test if it throws nothing or something else). */
export function errorOf(run: () => unknown): CommandError {
  try {
    run();
  } catch (error) {
    if (error instanceof CommandError) return error;
    throw error;
  }
  throw new Error('expected a CommandError, but nothing was thrown');
}

/** Asserts that `run` throws mongod's error: code and, when given, the exact message (or one it matches). */
export function assertCommandError(run: () => unknown, code: number, message?: string | RegExp): void {
  const error = errorOf(run);
  assert.equal(error.code, code, `code of "${error.message}"`);
  if (typeof message === 'string') assert.equal(error.message, message);
  else if (message) assert.match(error.message, message);
}
