// Waves, held in memory by survey and name. Every respondent request needs the survey's open
// wave, and reading it from the database each time was a third of a page's round trips.
//
// Invalidation: a change made through this process's wave service drops the survey's entries at
// once. A change made elsewhere (another app instance, a command-line tool, someone in the mongo
// shell) is seen when the entry expires, WAVES_MAX_AGE_MS after it was read: well inside the second the
// respondent path promises. A wave that is not found is not remembered, so one created elsewhere
// is found at once. lru-cache gives us the expiry, one shared load when many requests miss
// together, and the abort of a load that an invalidation overtook. Why not change streams or a
// broadcast: docs/decisions/0005-waves-cached-with-expiry.md.
import { LRUCache } from 'lru-cache';

/** How long a wave is trusted without asking the database again. */
export const WAVES_MAX_AGE_MS = 500;
/** Entries kept; a server runs a handful of surveys, so this only bounds a runaway. */
const MAX_ENTRIES = 10_000;

export interface WaveCache<W> {
  /** The wave a name stands for (`current` or a wave id), or undefined when there is none. */
  waveOf(surveyId: string, waveName: string): Promise<W | undefined>;
  /** Forgets the survey's waves: the next reads go to the database. */
  invalidate(surveyId: string): void;
}

export interface WaveCacheOptions {
  maxAgeMs?: number;
  /** The clock lru-cache measures ages with (tests move it by hand). */
  perf?: { now(): number };
}

function wasOvertaken(error: unknown): boolean {
  // lru-cache rejects a fetch whose entry was deleted or replaced while it ran.
  return error instanceof Error && (error.message === 'deleted' || error.message === 'replaced');
}

const keyOf = (surveyId: string, waveName: string) => JSON.stringify([surveyId, waveName]);

export function createWaveCache<W extends object>(
  load: (surveyId: string, waveName: string) => Promise<W | undefined>,
  options: WaveCacheOptions = {},
): WaveCache<W> {
  const keysBySurvey = new Map<string, Set<string>>();
  const cache = new LRUCache<string, W, { surveyId: string; waveName: string }>({
    max: MAX_ENTRIES,
    ttl: options.maxAgeMs ?? WAVES_MAX_AGE_MS,
    // Read the clock on every check: the default reuses a reading for 1 ms, which saves nothing
    // at our rates and makes expiry depend on timers.
    ttlResolution: 0,
    ...(options.perf ? { perf: options.perf } : {}),
    fetchMethod: (_key, _stale, { context }) => load(context.surveyId, context.waveName),
  });
  return {
    async waveOf(surveyId, waveName) {
      const key = keyOf(surveyId, waveName);
      const keys = keysBySurvey.get(surveyId) ?? new Set<string>();
      keysBySurvey.set(surveyId, keys.add(key));
      // A load overtaken by an invalidation may hold what was just changed: load again. Each
      // retry starts after the invalidation, so this ends as soon as changes stop racing reads.
      for (;;) {
        try {
          const wave = await cache.fetch(key, { context: { surveyId, waveName } });
          // Only names that found a wave are remembered, so made-up names cannot grow this.
          if (!wave) keys.delete(key);
          return wave;
        } catch (error) {
          if (!wasOvertaken(error)) throw error;
        }
      }
    },
    invalidate(surveyId) {
      for (const key of keysBySurvey.get(surveyId) ?? []) cache.delete(key);
      keysBySurvey.delete(surveyId);
    },
  };
}
