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
