// Runs the reminders every minute in the process that sends mail. Several processes may run it:
// reminder.service.ts queues each reminder once whoever finds it first. Tests call runOnce() with
// a test clock instead of waiting for the timer.
import type { Logger } from '../lib/logger';
import { sendDueReminders, type ReminderDependencies } from './reminder.service';

const EVERY_MS = 60_000;

export interface ReminderScheduler {
  /** Queues the reminders due now; resolves to how many. A run already going is waited for, not doubled. */
  runOnce(): Promise<number>;
  stop(): Promise<void>;
}

export function startReminderScheduler(deps: ReminderDependencies & { publicBase: string; logger: Logger }, options: { timer?: boolean } = {}): ReminderScheduler {
  let running: Promise<number> | undefined;
  const runOnce = (): Promise<number> => {
    running ??= sendDueReminders(deps, deps.publicBase).finally(() => {
      running = undefined;
    });
    return running;
  };
  const timer =
    options.timer === false
      ? undefined
      : setInterval(() => {
          runOnce()
            .then((queued) => {
              if (queued > 0) deps.logger.info({ queued }, 'reminders queued');
            })
            .catch((error: unknown) => deps.logger.error({ err: error }, 'the reminder run failed; the next one retries'));
        }, EVERY_MS);
  timer?.unref();
  return {
    runOnce,
    async stop() {
      if (timer) clearInterval(timer);
      await running?.catch(() => undefined);
    },
  };
}
