// Cooperative execution of long commands (decision 0004): a handler may return a generator that
// yields PAUSE at safe points. It is driven here in slices of a few milliseconds; between slices
// the event loop serves other connections (their pings, their short commands, their own slices),
// and at every pause the command's time limit is checked, as mongod checks for interrupts.
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { Document } from 'bson';
import type { CommandRun } from '../commands/context';
import { isNumeric, toNumber } from '../bson/index';
import { CommandError } from '../errors';

/** Long enough that switching costs little, short enough that a ping never waits noticeably. */
export const SLICE_MS = 4;

export interface RunLimits {
  /** Absolute time (performance.now() clock) after which the command fails with MaxTimeMSExpired. */
  deadline?: number;
}

export function maxTimeExpired(): CommandError {
  return new CommandError('MaxTimeMSExpired', 'operation exceeded time limit');
}

/**
 * Runs `run` to its reply. Throws what the generator throws, or MaxTimeMSExpired when the
 * deadline passes at a pause (the generator is then closed so its `finally` blocks run).
 */
export async function driveCommand(run: CommandRun, limits: RunLimits = {}, sliceMs = SLICE_MS): Promise<Document> {
  let sliceEnd = performance.now() + sliceMs;
  for (;;) {
    const step = run.next();
    if (step.done) return step.value;
    const now = performance.now();
    if (limits.deadline !== undefined && now >= limits.deadline) {
      closeQuietly(run);
      throw maxTimeExpired();
    }
    if (now >= sliceEnd) {
      await nextTurn();
      sliceEnd = performance.now() + sliceMs;
    }
  }
}

function closeQuietly(run: CommandRun): void {
  try {
    run.return(undefined as never);
  } catch {
    // The command is abandoned either way; a failure while unwinding must not replace error 50.
  }
}

/**
 * The time limit a command asks for, in ms, or undefined for none. mongod treats 0 as "no limit";
 * invalid values are left to the command's own validation.
 */
export function requestedMaxTimeMS(command: Document): number | undefined {
  const raw = command.maxTimeMS as unknown;
  if (!isNumeric(raw)) return undefined;
  const value = toNumber(raw);
  return Number.isFinite(value) && value > 0 ? value : undefined;
}
