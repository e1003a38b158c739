// Changing a survey's waves in a test's setup, through the same use cases the console and the
// wave command use, as a command-line actor.
import type { AuditActor } from '../../server/audit/audit.service';
import type { Clock } from '../../server/lib/clock';
import { createLogger } from '../../server/lib/logger';
import { importResponses } from '../../server/responses/import.service';
import { createWaveLifecycle, type WaveLifecycle } from '../../server/waves/wave-lifecycle.service';
import type { TestApp } from './app';
import { captic250AsJsonLines, type FixtureResponse } from '../fixtures/captic-250';
import { CAPTIC_ID } from '../fixtures/captic-answers';

export const TEST_ACTOR: AuditActor = { via: 'cli', actorEmail: 'test-setup@example.org' };

/** The wave use cases against the app's surveys, on the app's clock unless given another. */
export function wavesOf(app: TestApp, clock?: Clock): WaveLifecycle {
  return createWaveLifecycle({ catalog: app.catalog, logger: createLogger(app.config), clock: clock ?? app.clock });
}

/**
 * Two CAP-TIC editions to compare: the 250 responses in wave 2011-03, then a wave 2012-03 copied
 * from it holding `nextEdition`.
 */
export async function importTwoCapticEditions(app: TestApp, nextEdition: FixtureResponse[]): Promise<void> {
  const survey = app.catalog.require(CAPTIC_ID);
  await importResponses({ survey, wave: '2011-03', format: 'jsonl', content: captic250AsJsonLines() });
  await wavesOf(app).createWave(CAPTIC_ID, { waveId: '2012-03', copyFrom: '2011-03' }, TEST_ACTOR);
  await importResponses({ survey, wave: '2012-03', format: 'jsonl', content: nextEdition.map((r) => JSON.stringify(r)).join('\n') });
}
