// Reading waves, for every request that needs one. The respondent path asks for a survey's
// current wave on every page, so reads go through a short-lived cache (wave.cache.ts); whether a
// wave takes answers at this moment is computed by the caller, with its clock (wave-phase.ts).
// Creating, opening and closing waves are the use cases of wave-lifecycle.service.ts.
import { NotFoundError } from '../lib/errors';
import type { TWeightingConfig } from '../analysis/figures/figures.schemas';
import { WaveModel } from './wave.model';
import { createWaveCache } from './wave.cache';
import { phaseOf } from './wave-phase';

export type WaveStatus = 'draft' | 'scheduled' | 'open' | 'closed';

export interface WaveQuota {
  questionId: string;
  optionId: string;
  limit: number;
}

export interface EditorialChange {
  ref: string;
  markedBy?: string;
  markedAt: Date;
}

export interface Wave {
  surveyId: string;
  waveId: string;
  label?: unknown;
  status: WaveStatus;
  /** The definition version respondents answer; absent only on waves made before versions were pinned. */
  fingerprint?: string;
  opensAt?: Date;
  closesAt?: Date;
  openedAt?: Date;
  closedAt?: Date;
  graceMinutes: number;
  accessMode: 'open' | 'panel';
  /** The panel a panel wave invites. */
  panelId?: string;
  /** Responses not linkable to panel members. */
  anonymous: boolean;
  targetSample?: number;
  quotas: WaveQuota[];
  reminderDays: number[];
  copiedFrom?: string;
  editorialChanges: EditorialChange[];
  createdAt?: Date;
}

/** The name that, in URLs and command lines, stands for a survey's current wave. */
export const CURRENT_WAVE = 'current';

type StoredWave = Partial<Wave> & Pick<Wave, 'surveyId' | 'waveId' | 'status'> & Record<string, unknown>;

/** What a wave lookup needs of the stored waves: not their weighting targets, which can be long. */
const WAVE_FIELDS = { _id: 0, weighting: 0, __v: 0, updatedAt: 0 } as const;

export function toWave(doc: StoredWave): Wave {
  const date = (value: unknown) => (value instanceof Date ? value : undefined);
  const opensAt = date(doc.opensAt);
  const closesAt = date(doc.closesAt);
  const openedAt = date(doc.openedAt);
  const closedAt = date(doc.closedAt);
  const createdAt = date(doc.createdAt);
  return {
    surveyId: doc.surveyId,
    waveId: doc.waveId,
    ...(doc.label !== undefined && doc.label !== null ? { label: doc.label } : {}),
    status: doc.status,
    ...(typeof doc.fingerprint === 'string' ? { fingerprint: doc.fingerprint } : {}),
    ...(opensAt ? { opensAt } : {}),
    ...(closesAt ? { closesAt } : {}),
    ...(openedAt ? { openedAt } : {}),
    ...(closedAt ? { closedAt } : {}),
    graceMinutes: typeof doc.graceMinutes === 'number' ? doc.graceMinutes : 60,
    accessMode: doc.accessMode === 'panel' ? 'panel' : 'open',
    ...(typeof doc.panelId === 'string' ? { panelId: doc.panelId } : {}),
    anonymous: doc.anonymous === true,
    ...(typeof doc.targetSample === 'number' ? { targetSample: doc.targetSample } : {}),
    quotas: (doc.quotas ?? []).map((q) => ({ questionId: q.questionId, optionId: q.optionId, limit: q.limit })),
    reminderDays: [...(doc.reminderDays ?? [])],
    ...(typeof doc.copiedFrom === 'string' ? { copiedFrom: doc.copiedFrom } : {}),
    editorialChanges: (doc.editorialChanges ?? []).map((c) => ({ ref: c.ref, ...(c.markedBy ? { markedBy: c.markedBy } : {}), markedAt: c.markedAt })),
    ...(createdAt ? { createdAt } : {}),
  };
}

/**
 * What `current` resolves from: the waves that are or will be open (a handful at most), and the
 * most recently created wave that is not a draft (a draft is the organizers' own until it is
 * scheduled or opened), else the most recent of all, for when none is open.
 */
interface CurrentCandidates {
  live: Wave[];
  latest?: Wave;
}

type Cached = { wave?: Wave } | CurrentCandidates;

/** Both reads are served by an index of their own (wave.model.ts). */
async function loadWave(surveyId: string, waveName: string): Promise<Cached | undefined> {
  if (waveName !== CURRENT_WAVE) {
    const stored = await WaveModel.findOne({ surveyId, waveId: waveName }, WAVE_FIELDS).lean<StoredWave>();
    // Every request shares the cached object: frozen, so no caller can change it for the others.
    return stored ? Object.freeze({ wave: Object.freeze(toWave(stored)) }) : undefined;
  }
  const live = await WaveModel.find({ surveyId, status: { $in: ['open', 'scheduled'] } }, WAVE_FIELDS)
    .sort({ status: 1, openedAt: -1, createdAt: -1 })
    .lean<StoredWave[]>();
  // Newest first along {surveyId, createdAt}: the read stops at the first wave that is not a draft.
  const latest =
    (await WaveModel.findOne({ surveyId, status: { $ne: 'draft' } }, WAVE_FIELDS).sort({ createdAt: -1 }).hint({ surveyId: 1, createdAt: -1 }).lean<StoredWave>()) ??
    (await WaveModel.findOne({ surveyId }, WAVE_FIELDS).sort({ createdAt: -1 }).lean<StoredWave>());
  if (!latest) return undefined;
  return Object.freeze({ live: live.map((w) => Object.freeze(toWave(w))), latest: Object.freeze(toWave(latest)) });
}

const waves = createWaveCache<Cached>(loadWave);

/**
 * The current wave at `now`: the one taking answers; else the next one scheduled to open (its
 * respondents are told when); else the most recently created one that is not a draft, so
 * respondents meet the last wave's closed page and reports keep working after a wave closes.
 */
function currentOf(candidates: CurrentCandidates, now: Date): Wave | undefined {
  const open = candidates.live.find((w) => phaseOf(w, now) === 'open');
  if (open) return open;
  const upcoming = candidates.live
    .filter((w) => phaseOf(w, now) === 'scheduled')
    .sort((a, b) => (a.opensAt?.getTime() ?? 0) - (b.opensAt?.getTime() ?? 0))[0];
  return upcoming ?? candidates.latest;
}

/** Forgets what this process remembers of a survey's waves, after a change to them. */
export function forgetWaves(surveyId: string): void {
  waves.invalidate(surveyId);
}

/** Every wave of a survey, the newest first; read fresh, for the console. */
export async function listWaves(surveyId: string): Promise<Wave[]> {
  const stored = await WaveModel.find({ surveyId }, WAVE_FIELDS).sort({ createdAt: -1 }).lean<StoredWave[]>();
  return stored.map(toWave);
}

/** Resolves a wave name, `current` (see currentOf) or a wave id; undefined when there is none. */
export async function lookUpWave(surveyId: string, waveName: string, now: Date = new Date()): Promise<Wave | undefined> {
  const cached = await waves.waveOf(surveyId, waveName);
  if (!cached) return undefined;
  return 'live' in cached ? currentOf(cached, now) : cached.wave;
}

/** Resolves a wave name, or answers 404. */
export async function findWave(surveyId: string, waveName: string, now: Date = new Date()): Promise<Wave> {
  const wave = await lookUpWave(surveyId, waveName, now);
  if (wave) return wave;
  throw new NotFoundError(
    waveName === CURRENT_WAVE ? `Survey "${surveyId}" has no wave yet` : `Survey "${surveyId}" has no wave "${waveName}"`,
    'wave_not_found',
  );
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
