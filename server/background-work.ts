// What a process does besides answering requests: sending the outbox, and queuing the reminders
// that fall due. The app runs it after it listens (unless MAIL_WORKER is off), the mail command runs
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
}

export interface BackgroundWork {
  mail: MailRuntime;
  /** Present in a process that sends mail: reminders are queued where the outbox is sent. */
  reminders?: ReminderScheduler;
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
  return {
    mail,
    ...(reminders ? { reminders } : {}),
    async stop() {
      // Reminders first: a run in flight queues into the outbox the worker is still sending.
      await reminders?.stop();
      await mail.stop();
    },
  };
}
