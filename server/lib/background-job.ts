// Work that a request starts and a page follows (a panel import, a wave's invitations): the
// process that took the request runs it after answering, and the work reports on its record at
// least once per batch, on the app's clock. A record silent for longer than STALLED_AFTER_MS
// belongs to a process that died: the page shows it stopped, and starting again may take it over.
import { AppError } from './errors';
import type { Logger } from './logger';

/** Far longer than any one batch takes, so a live job is never taken for a dead one. */
export const STALLED_AFTER_MS = 2 * 60_000;

/** A job last reported before this instant has stalled. */
export function stalledBefore(now: Date): Date {
  return new Date(now.getTime() - STALLED_AFTER_MS);
}

export function hasStalled(lastReport: Date, now: Date): boolean {
  return lastReport.getTime() < stalledBefore(now).getTime();
}

/**
 * Lets work run on after the answer. The work records its own failure for the page to show; this
 * only keeps the rejection from going unhandled, and logs it (an unexpected one as an error).
 */
export function runInBackground(work: Promise<unknown>, logger: Logger, context: Record<string, unknown>, what: string): void {
  work.catch((error: unknown) => {
    if (error instanceof AppError && error.expected) logger.info({ ...context, code: error.code }, `${what}: ${error.message}`);
    else logger.error({ ...context, err: error }, `${what} failed`);
  });
}
