// Runs the real app, as boot does, on a free loopback port against the test database.
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import type { Express } from 'express';
import path from 'node:path';
import { createApp } from '../../server/app';
import { listenHttp } from '../../server/lib/http-server';
import { parseConfig, type Config } from '../../server/lib/config';
import { createLogger } from '../../server/lib/logger';
import { loadSurveyCatalog, registerSurvey, type SurveyCatalog } from '../../server/surveys/survey.catalog';
import { resetDatabase } from './database';
import { forgetWaves } from '../../server/waves/wave.service';
import { followResponseChanges } from '../../server/response-followers';
import { createLiveHub } from '../../server/dashboard/live/live-hub';
import type { LiveHub } from '../../server/dashboard/live/live.types';
import { createFirstAdminSetup, type FirstAdminSetup } from '../../server/accounts/first-admin';
import { systemClock, type Clock } from '../../server/lib/clock';
import type { MailRuntime, MailWorkerTuning } from '../../server/mail/mail-runtime';
import { startBackgroundWork } from '../../server/background-work';
import { OutboxModel } from '../../server/mail/outbox.model';
import type { ReminderScheduler } from '../../server/invitations/reminder-scheduler';

export const ROOT = path.resolve(import.meta.dirname, '..', '..');

export interface TestApp {
  url: string;
  /** The Express app itself, so a test can walk its router. */
  express: Express;
  config: Config;
  catalog: SurveyCatalog;
  lifecycle: { draining: boolean };
  /** The setup code boot would print while there is no account. */
  firstAdmin: FirstAdminSetup;
  clock: Clock;
  /** The live figures' hub: its open streams, and stop(). */
  live: LiveHub;
  /** The secret the app signs with (unsubscribe links, sealed tokens, cookies). */
  secret: string;
  /** The mail runtime (worker, and the catcher without SMTP_URL), when started with `mail`. */
  mail?: MailRuntime;
  /** The reminder scheduler, with `mail`: it runs when a test calls runOnce(), on the app's clock. */
  reminders?: ReminderScheduler;
  /** Empties the database and registers the surveys again (versions, default waves), as boot does. */
  reset(): Promise<void>;
  close(): Promise<void>;
}

/** Emptying the database behind the app's back: what this process remembers of waves goes too. */
function forgetAllWaves(catalog: SurveyCatalog): void {
  for (const survey of catalog.list()) forgetWaves(survey.definition.id);
}

/** The secret every test app signs with; tests that sign or unseal what the app made read it as `app.secret`. */
const TEST_APP_SECRET = 'test-secret-test-secret-test-secret-0123';

export interface TestAppOptions {
  /** The app's clock; the system's unless a test sets the time (test/support/clock.ts). */
  clock?: Clock;
  /**
   * Starts the mail worker with the app, as boot does, sending to the env's SMTP_URL (a test SMTP
   * server, test/support/smtp.ts); an object changes the worker's settings (a short backoff).
   */
  mail?: boolean | Partial<MailWorkerTuning>;
  /** With `mail`: keep what the outbox holds (an app restarted mid-test), instead of emptying it first. */
  keepOutbox?: boolean;
}

export async function startTestApp(env: Record<string, string> = {}, options: TestAppOptions = {}): Promise<TestApp> {
  const config = parseConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'silent',
    MONGODB_URI: process.env.MONGODB_URI,
    SURVEYS_DIR: path.join(ROOT, 'surveys'),
    DATA_DIR: path.join(ROOT, 'test', 'artifacts', 'data'),
    RESPONSE_RATE_LIMIT: '1000',
    ...env,
  });
  const logger = createLogger(config);
  const catalog = await loadSurveyCatalog(config.surveysDir, logger);
  followResponseChanges(catalog);
  const lifecycle = { draining: false };
  const firstAdmin = createFirstAdminSetup();
  const clock = options.clock ?? systemClock;
  const secret = TEST_APP_SECRET;
  const live = createLiveHub({ config, logger });
  const app = createApp({ config, logger, secret, catalog, lifecycle, firstAdmin, clock, live });
  const server: Server = await listenHttp(app, config, 0, '127.0.0.1');
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  // Mail another test file left queued must not reach this test's SMTP server.
  if (options.mail && !options.keepOutbox) await OutboxModel.deleteMany({});
  // As boot does, with the worker on whatever the env says, and reminders only when a test asks.
  const background = options.mail
    ? await startBackgroundWork(
        { config, logger, clock, catalog, secret, publicBase: url },
        { forceWorker: true, reminderTimer: false, worker: { idlePollMs: { min: 20, max: 200 }, ...(options.mail === true ? {} : options.mail) } },
      )
    : undefined;
  return {
    url,
    express: app,
    config,
    catalog,
    lifecycle,
    firstAdmin,
    clock,
    secret,
    live,
    ...(background ? { mail: background.mail } : {}),
    ...(background?.reminders ? { reminders: background.reminders } : {}),
    async reset() {
      await resetDatabase();
      // Seeded as at the app's time, as boot would seed at that moment.
      for (const survey of catalog.list()) await registerSurvey(survey, undefined, { now: clock.now() });
      forgetAllWaves(catalog);
    },
    async close() {
      await live.stop();
      await background?.stop();
      await new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      });
    },
  };
}
