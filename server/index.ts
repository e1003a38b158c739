// Boot. The order matters: configuration first (a bad setting must stop us before anything
// opens), then the database (the surveys are registered in it), then the survey definitions
// (a bad definition stops boot, naming the file), and only then do we listen, so the first
// request never meets a half-ready app.
import type { Server } from 'node:http';
import { ConfigError, getConfig } from './lib/config';
import { createLogger } from './lib/logger';
import { openDatabase } from './lib/database';
import { resolveSecret } from './lib/secret';
import { createApp } from './app';
import { loadSurveyCatalog } from './surveys/survey.catalog';
import { followResponseChanges } from './response-followers';
import { SurveyDefinitionError } from './surveys/survey.loader';
import { createFirstAdminSetup } from './accounts/first-admin';
import { announceFirstAdminSetup } from './accounts/first-admin.announce';
import { systemClock } from './lib/clock';
import { mailDestinationLine } from './mail/mail-runtime';
import { startBackgroundWork, type BackgroundWork } from './background-work';
import { publicBaseUrl, serverOrigin } from './lib/public-url';
import { createLiveHub } from './dashboard/live/live-hub';
import { listenHttp } from './lib/http-server';
import { MigrationFailedError, runMigrations } from './migrations/runner';

async function main(): Promise<void> {
  let config;
  try {
    config = getConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
  const logger = createLogger(config);
  const database = await openDatabase(config, logger, { role: 'app' });
  // Data migrations run once, before anything reads the data they change (several processes take turns).
  try {
    await runMigrations(logger.child({ component: 'migrations' }));
  } catch (error) {
    await database.close();
    if (error instanceof MigrationFailedError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
  let catalog;
  try {
    catalog = await loadSurveyCatalog(config.surveysDir, logger);
  } catch (error) {
    await database.close();
    if (error instanceof SurveyDefinitionError) {
      console.error(`Refusing to start: a survey definition is invalid.\n${error.message}`);
      process.exit(1);
    }
    throw error;
  }
  // Every change to a complete response moves the live counters and the quota counts, whichever path made it.
  followResponseChanges(catalog);
  const secret = await resolveSecret(config);
  const lifecycle = { draining: false };
  const firstAdmin = createFirstAdminSetup();
  const live = createLiveHub({ config, logger: logger.child({ component: 'live' }) });
  const app = createApp({ config, logger, secret, catalog, lifecycle, firstAdmin, clock: systemClock, live });
  const server: Server = await listenHttp(app, config, config.PORT, config.HOST);
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.PORT;
  logger.info({ port, host: config.HOST }, 'listening');
  console.log(`Barometer is running at http://${config.HOST}:${port}/`);
  announceFirstAdminSetup(firstAdmin, config, logger, port).catch((error: unknown) => logger.error({ err: error }, 'could not check for a first account'));
  // Mail once the app listens: reminders link to the address it listens on when PUBLIC_URL is unset.
  const background: BackgroundWork = await startBackgroundWork({
    config,
    logger,
    clock: systemClock,
    catalog,
    secret,
    publicBase: publicBaseUrl(config, serverOrigin(config.HOST, port)),
  });
  console.log(mailDestinationLine(background.mail, config));

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    lifecycle.draining = true;
    logger.info({ signal }, 'shutting down: refusing new connections, finishing requests in flight');
    const forced = setTimeout(() => {
      logger.error('shutdown timed out; closing remaining connections');
      server.closeAllConnections();
    }, config.SHUTDOWN_TIMEOUT_MS);
    forced.unref();
    // Open dashboard streams never end by themselves: end them, and their pages reconnect elsewhere.
    await live.stop();
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      // Keep-alive sockets with no request in flight would otherwise hold close() open.
      server.closeIdleConnections();
    });
    // The send in flight is recorded before the database closes; the rest stays queued.
    await background.stop();
    await database.close();
    logger.info('stopped');
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
