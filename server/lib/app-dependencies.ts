// What the app is built from. Boot (server/index.ts) and the tests (test/support/app.ts) make
// these; route modules take the part they need.
import type { Config } from './config';
import type { Logger } from './logger';
import type { SurveyCatalog } from '../surveys/survey.catalog';
import type { FirstAdminSetup } from '../accounts/first-admin';
import type { Clock } from './clock';
import type { LiveHub } from '../dashboard/live/live.types';

export interface AppDependencies {
  config: Config;
  logger: Logger;
  secret: string;
  catalog: SurveyCatalog;
  /** Flipped by boot on SIGTERM so health checks send traffic elsewhere while in-flight work ends. */
  lifecycle: { draining: boolean };
  /** The one-time code that creates the first admin while there is no account. */
  firstAdmin: FirstAdminSetup;
  /** The time, for the rules that depend on it (field dates, grace periods). */
  clock: Clock;
  /** Pushes changed figures to the dashboards open in this process (dashboard/live/). */
  live: LiveHub;
}
