// Mail in a running process: the transport SMTP_URL names (or the local catcher when it is unset)
// and, when MAIL_WORKER is on, the worker that sends the outbox through it. The app starts it at
// boot and `npm run mail -- worker` runs it alone.
import type { Clock } from '../lib/clock';
import type { Config } from '../lib/config';
import type { Logger } from '../lib/logger';
import { startMailCatcher } from './mail-catcher';
import { createMailWorker, type MailWorker, type MailWorkerOptions } from './mail-worker';
import { createSmtpTransport } from './smtp-transport';

/** The worker's settings a caller may change (the tests shorten the backoff). */
export type MailWorkerTuning = Omit<MailWorkerOptions, 'transport' | 'logger' | 'clock'>;

export interface MailRuntimeOptions {
  config: Pick<Config, 'SMTP_URL' | 'MAIL_WORKER' | 'MAIL_RATE_PER_SECOND'>;
  logger: Logger;
  clock: Clock;
  worker?: Partial<MailWorkerTuning>;
  /** Runs the worker whatever MAIL_WORKER says (the worker command). */
  forceWorker?: boolean;
}

export interface MailRuntime {
  /** smtp://127.0.0.1:PORT of the local catcher, when there is no SMTP_URL. */
  catcherUrl?: string;
  worker?: MailWorker;
  stop(): Promise<void>;
}

export async function startMailRuntime(options: MailRuntimeOptions): Promise<MailRuntime> {
  const { config, logger, clock } = options;
  const runsWorker = options.forceWorker === true || config.MAIL_WORKER;
  // The catcher only receives what this process's worker sends; another process's worker runs its own.
  const catcher = runsWorker && !config.SMTP_URL ? await startMailCatcher({ logger, clock }) : undefined;
  const smtpUrl = config.SMTP_URL ?? catcher?.senderUrl;
  let worker: MailWorker | undefined;
  let transport: ReturnType<typeof createSmtpTransport> | undefined;
  if (runsWorker && smtpUrl) {
    const tuning = { ratePerSecond: config.MAIL_RATE_PER_SECOND, ...options.worker };
    transport = createSmtpTransport(smtpUrl, { maxConnections: tuning.concurrency ?? 1 });
    worker = createMailWorker({ ...tuning, transport, logger: logger.child({ component: 'mail-worker' }), clock });
    worker.start();
  }
  logger.info({ catcher: catcher?.url, worker: worker?.owner }, 'mail started');
  return {
    ...(catcher ? { catcherUrl: catcher.url } : {}),
    ...(worker ? { worker } : {}),
    async stop() {
      await worker?.stop();
      transport?.close();
      await catcher?.close();
    },
  };
}

/** The boot line that says where mail goes (never SMTP_URL's password). */
export function mailDestinationLine(runtime: MailRuntime, config: Pick<Config, 'SMTP_URL'>): string {
  if (runtime.catcherUrl) return `Mail is caught at ${runtime.catcherUrl} and shown at /admin/outbox (set SMTP_URL to send it).`;
  if (!config.SMTP_URL) return 'Mail is queued; a separate worker (npm run mail -- worker) sends it.';
  const url = new URL(config.SMTP_URL);
  const where = `${url.protocol}//${url.host}`;
  return runtime.worker ? `Mail is sent through ${where}.` : `Mail is queued; a separate worker (npm run mail -- worker) sends it through ${where}.`;
}
