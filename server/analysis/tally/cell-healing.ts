// Weighted figures read the counters kept per weighting cell; when a reader finds those cells
// unusable (counters kept before cells existed, cells of other weighting variables, or cells out of
// step with the plain counts) it recomputes from the responses, which costs a pass over the wave.
// Rather than pay that on every read until someone runs `npm run tallies:rebuild`, the first such
// read has the wave's cells rebuilt in the background: one rebuild at a time per wave in this
// process, logged, and never an error for the reader, who already has its figures.
import type { Logger } from '../../lib/logger';
import { streamCompleteAnswers } from '../../responses/response.service';
import type { TSurveyDefinition } from '../../surveys/survey.schemas';
import { weightedTallyTargetFor } from './tally.hooks';
import { pendingWaveRebuildOf, rebuildCellTallies } from './tally.service';

const rebuilding = new Map<string, Promise<void>>();

/**
 * Starts rebuilding the wave's cells unless a rebuild of that wave is already running or waiting
 * here, and returns it (tests wait for it; the figures service does not).
 */
export function healCellTallies(definition: TSurveyDefinition, waveId: string, logger?: Logger): Promise<void> {
  const key = `${definition.id}\u0000${waveId}`;
  const running = rebuilding.get(key);
  if (running) return running;
  // A rebuild already asked of this process (a change of weighting variables, which read them
  // after changing them, or a counter sweep) writes the cells a heal would: wait for it rather
  // than pass over the wave a second time.
  const pending = pendingWaveRebuildOf(definition.id, waveId);
  if (pending) return track(key, pending.then(() => undefined));
  const log = logger?.child({ surveyId: definition.id, waveId });
  log?.info('weighting cells of the counters unusable: rebuilding them in the background');
  const rebuild = (async () => {
    const started = Date.now();
    const count = await rebuildCellTallies(await weightedTallyTargetFor(definition, waveId), streamCompleteAnswers(definition.id, waveId));
    log?.info({ responses: count, ms: Date.now() - started }, 'weighting cells of the counters rebuilt');
  })()
    .catch((error: unknown) => {
      if (log) log.error({ err: error }, 'rebuilding the weighting cells of the counters failed');
      else process.emitWarning(`rebuilding the weighting cells of ${definition.id} ${waveId} failed: ${String(error)}`);
    });
  return track(key, rebuild);
}

function track(key: string, rebuild: Promise<void>): Promise<void> {
  const tracked = rebuild.finally(() => rebuilding.delete(key));
  rebuilding.set(key, tracked);
  return tracked;
}

/** The rebuild running for a wave, if any. */
export function cellHealingOf(surveyId: string, waveId: string): Promise<void> | undefined {
  return rebuilding.get(`${surveyId}\u0000${waveId}`);
}
