// What a process does besides answering requests: sending the outbox, queuing the reminders that
// fall due, and sweeping the live counters back to the recompute after a crash (every process
// sweeps; a lease per wave keeps two from sweeping the same wave). The app runs it after it listens (unless MAIL_WORKER is off), the mail command runs
// it alone, and the tests start it with the test app. The mail hooks come first: the worker's checks
// before each send (is this member still subscribed? has the invitation been answered?) and the
// bounce marking must be in place before the first message goes.
import type { Clock } from './lib/clock';
import type { Config } from './lib/config';
import type { Logger } from './lib/logger';
import type { SurveyCatalog } from './surveys/survey.catalog';
import { startMailRuntime, type MailRuntime, type MailWorkerTuning } from './mail/mail-runtime';
import { followInvitationMail } from './invitations/invitation-hooks';
import { followResumeLinkMail } from './responses/resume-mail.service';
import { startReminderScheduler, type ReminderScheduler } from './invitations/reminder-scheduler';
import { startCounterSweeper, type CounterSweeper, type CounterSweepOptions } from './analysis/tally/counter-sweep';

export interface BackgroundWorkDependencies {
  config: Config;
  logger: Logger;
  clock: Clock;
  catalog: SurveyCatalog;
  /** Signs the unsubscribe links and opens the sealed invitation tokens reminders carry. */
  secret: string;
  /** The address links in reminders start with: PUBLIC_URL, else where this app listens. */
  publicBase: string;
}

export interface BackgroundWorkOptions {
  /** Sends whatever MAIL_WORKER says (the worker command, the tests). */
  forceWorker?: boolean;
  worker?: Partial<MailWorkerTuning>;
  /** false: reminders run only when runOnce() is called (the tests, on a test clock). */
  reminderTimer?: boolean;
  /** The counter sweep: on by default, every COUNTER_SWEEP_MS; false leaves it off (a test that sweeps by hand). */
  counterSweep?: boolean | Partial<CounterSweepOptions>;
}

export interface BackgroundWork {
  mail: MailRuntime;
  /** Present in a process that sends mail: reminders are queued where the outbox is sent. */
  reminders?: ReminderScheduler;
  counterSweep?: CounterSweeper;
  stop(): Promise<void>;
}

export async function startBackgroundWork(deps: BackgroundWorkDependencies, options: BackgroundWorkOptions = {}): Promise<BackgroundWork> {
  const { config, logger, clock } = deps;
  followInvitationMail({ clock });
  followResumeLinkMail();
  const mail = await startMailRuntime({ config, logger, clock, ...(options.forceWorker ? { forceWorker: true } : {}), ...(options.worker ? { worker: options.worker } : {}) });
  const reminders = mail.worker
    ? startReminderScheduler({ ...deps, logger: logger.child({ component: 'reminders' }) }, { timer: options.reminderTimer !== false })
    : undefined;
  const counterSweep = options.counterSweep === false
    ? undefined
    : startCounterSweeper({ catalog: deps.catalog, logger }, { intervalMs: config.COUNTER_SWEEP_MS, ...(typeof options.counterSweep === 'object' ? options.counterSweep : {}) });
  return {
    mail,
    ...(reminders ? { reminders } : {}),
    ...(counterSweep ? { counterSweep } : {}),
    async stop() {
      // Reminders first: a run in flight queues into the outbox the worker is still sending.
      await reminders?.stop();
      // A sweep in flight finishes and gives its lease back before the database closes.
      await counterSweep?.stop();
      await mail.stop();
    },
  };
}
