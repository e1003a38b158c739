// Changing a survey's waves in a test's setup, through the same use cases the console and the
// wave command use, as a command-line actor.
import type { AuditActor } from '../../server/audit/audit.service';
import type { Clock } from '../../server/lib/clock';
import { createLogger } from '../../server/lib/logger';
import { createWaveLifecycle, type WaveLifecycle } from '../../server/waves/wave-lifecycle.service';
import type { TestApp } from './app';

export const TEST_ACTOR: AuditActor = { via: 'cli', actorEmail: 'test-setup@example.org' };

/** The wave use cases against the app's surveys, on the app's clock unless given another. */
export function wavesOf(app: TestApp, clock?: Clock): WaveLifecycle {
  return createWaveLifecycle({ catalog: app.catalog, logger: createLogger(app.config), clock: clock ?? app.clock });
}
