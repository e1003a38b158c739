import { ConflictError, GoneError, NotFoundError } from '../lib/errors';
import type { TWeightingConfig } from '../analysis/figures/figures.schemas';
import { WaveModel } from './wave.model';
import { createWaveCache } from './wave.cache';

export type WaveStatus = 'draft' | 'open' | 'closed';

export interface Wave {
  surveyId: string;
  waveId: string;
  label?: unknown;
  status: WaveStatus;
  fieldStart?: string;
  fieldEnd?: string;
}

/** The name that, in URLs and command lines, stands for a survey's current wave. */
export const CURRENT_WAVE = 'current';

interface StoredWave {
  surveyId: string;
  waveId: string;
  label?: unknown;
  status: WaveStatus;
  fieldStart?: string | null;
  fieldEnd?: string | null;
}

/** What a wave lookup needs of the stored waves: not their weighting targets, which can be long. */
const WAVE_FIELDS = { _id: 0, surveyId: 1, waveId: 1, label: 1, status: 1, fieldStart: 1, fieldEnd: 1 } as const;

/**
 * `current` is the most recently opened open wave, or else the most recent wave of any status (so
 * reports keep working after a wave closes). Both reads are served by an index of their own.
 */
async function loadWave(surveyId: string, waveName: string): Promise<Wave | undefined> {
  const stored = waveName !== CURRENT_WAVE
    ? await WaveModel.findOne({ surveyId, waveId: waveName }, WAVE_FIELDS).lean<StoredWave>()
    : ((await WaveModel.findOne({ surveyId, status: 'open' }, WAVE_FIELDS).sort({ openedAt: -1, createdAt: -1 }).lean<StoredWave>())
      ?? (await WaveModel.findOne({ surveyId }, WAVE_FIELDS).sort({ createdAt: -1 }).lean<StoredWave>()));
  // Every request shares the cached object: frozen, so no caller can change it for the others.
  return stored ? Object.freeze(toWave(stored)) : undefined;
}

function toWave(doc: StoredWave): Wave {
  return {
    surveyId: doc.surveyId,
    waveId: doc.waveId,
    label: doc.label,
    status: doc.status,
    ...(doc.fieldStart ? { fieldStart: doc.fieldStart } : {}),
    ...(doc.fieldEnd ? { fieldEnd: doc.fieldEnd } : {}),
  };
}

const waves = createWaveCache(loadWave);

/**
 * Creates a survey's default wave if it has none. Never changes an existing wave: once an
 * organizer closes a wave, restarting the server must not reopen it.
 */
export async function ensureDefaultWave(wave: Wave): Promise<void> {
  await WaveModel.updateOne(
    { surveyId: wave.surveyId, waveId: wave.waveId },
    {
      $setOnInsert: {
        label: wave.label,
        status: wave.status,
        fieldStart: wave.fieldStart,
        fieldEnd: wave.fieldEnd,
        ...(wave.status === 'open' ? { openedAt: new Date() } : {}),
      },
    },
    { upsert: true },
  );
  waves.invalidate(wave.surveyId);
}

/** Every wave of a survey, the newest first; read fresh, for the console. */
export async function listWaves(surveyId: string): Promise<Wave[]> {
  const stored = await WaveModel.find({ surveyId }, WAVE_FIELDS).sort({ createdAt: -1 }).lean<StoredWave[]>();
  return stored.map(toWave);
}

/** Resolves a wave name: `current` (see loadWave) or a wave id. */
export async function findWave(surveyId: string, waveName: string): Promise<Wave> {
  const wave = await waves.waveOf(surveyId, waveName);
  if (wave) return wave;
  throw new NotFoundError(
    waveName === CURRENT_WAVE ? `Survey "${surveyId}" has no wave yet` : `Survey "${surveyId}" has no wave "${waveName}"`,
    'wave_not_found',
  );
}

export async function findOpenWave(surveyId: string, waveName: string = CURRENT_WAVE): Promise<Wave> {
  const wave = await findWave(surveyId, waveName);
  if (wave.status !== 'open') {
    throw new GoneError(`Wave "${wave.waveId}" of survey "${surveyId}" is not open`, 'wave_closed');
  }
  return wave;
}

export async function setWaveStatus(surveyId: string, waveId: string, status: WaveStatus): Promise<void> {
  const now = new Date();
  const result = await WaveModel.updateOne(
    { surveyId, waveId },
    { $set: { status, ...(status === 'open' ? { openedAt: now } : {}), ...(status === 'closed' ? { closedAt: now } : {}) } },
  );
  waves.invalidate(surveyId);
  if (result.matchedCount === 0) throw new NotFoundError(`Survey "${surveyId}" has no wave "${waveId}"`, 'wave_not_found');
}

/** The weighting targets of a wave, when an analyst has set them. */
export async function findWaveWeighting(surveyId: string, waveId: string): Promise<TWeightingConfig | undefined> {
  const doc = await WaveModel.findOne({ surveyId, waveId }, { weighting: 1 }).lean<{ weighting?: TWeightingConfig }>();
  return doc?.weighting ?? undefined;
}

export async function setWaveWeighting(surveyId: string, waveId: string, weighting: TWeightingConfig | null): Promise<void> {
  const result = await WaveModel.updateOne({ surveyId, waveId }, weighting ? { $set: { weighting } } : { $unset: { weighting: 1 } });
  if (result.matchedCount === 0) throw new NotFoundError(`Survey "${surveyId}" has no wave "${waveId}"`, 'wave_not_found');
}

/** Creates a new wave (edition) of a survey; waves are never overwritten. */
export async function createWave(wave: Wave): Promise<Wave> {
  try {
    await WaveModel.create({
      surveyId: wave.surveyId,
      waveId: wave.waveId,
      label: wave.label,
      status: wave.status,
      fieldStart: wave.fieldStart,
      fieldEnd: wave.fieldEnd,
      ...(wave.status === 'open' ? { openedAt: new Date() } : {}),
    });
  } catch (error) {
    if ((error as { code?: unknown }).code === 11000) {
      throw new ConflictError(`Survey "${wave.surveyId}" already has a wave "${wave.waveId}"`, 'wave_exists');
    }
    throw error;
  } finally {
    waves.invalidate(wave.surveyId);
  }
  return wave;
}
