// The waves a definition file seeds. On a fresh database they make the survey answerable on first
// start; once the survey has waves, the console and `npm run wave` are the authority and the file
// is not read for waves again. When the two disagree, boot says so in one line, so nobody edits
// the file expecting it to close a wave.
import type { Logger } from '../lib/logger';
import type { LoadedSurvey } from '../surveys/survey.loader';
import type { TSeedWave } from '../surveys/survey.schemas';
import { endOfDay, startOfDay, surveyTimeZone } from './wave-dates';
import { WaveModel } from './wave.model';
import { forgetWaves, listWaves, type Wave } from './wave.service';
import { phaseOf } from './wave-phase';

function seedDocument(survey: LoadedSurvey, seed: TSeedWave, now: Date, order: number) {
  const timeZone = surveyTimeZone(survey);
  const opensAt = seed.field_start ? startOfDay(seed.field_start, timeZone) : undefined;
  const closesAt = seed.field_end ? endOfDay(seed.field_end, timeZone) : undefined;
  // "open" from a day still to come is a wave scheduled to open then: an open wave's open time is past.
  const status = seed.status === 'open' && opensAt && opensAt > now ? 'scheduled' : seed.status;
  return {
    surveyId: survey.definition.id,
    waveId: seed.id,
    label: seed.label,
    status,
    fingerprint: survey.fingerprint,
    ...(opensAt ? { opensAt } : {}),
    ...(closesAt ? { closesAt } : {}),
    ...(status === 'open' ? { openedAt: opensAt ?? now } : {}),
    ...(seed.status === 'closed' ? { closedAt: closesAt && closesAt < now ? closesAt : now } : {}),
    createdBy: `file ${survey.file}`,
    // One millisecond apart, in the file's order: `current` and "the wave before" go by creation.
    createdAt: new Date(now.getTime() + order),
    updatedAt: now,
  };
}

/** What the stored wave says that the file's seed does not, for the boot line. */
function disagreement(stored: Wave | undefined, seed: TSeedWave, now: Date): string | undefined {
  if (!stored) return `${seed.id} is in the file but not in the database`;
  const phase = phaseOf(stored, now);
  if (stored.status !== seed.status) return `${seed.id} is ${stored.status}${phase !== stored.status ? ` (${phase} now)` : ''} in the database, ${seed.status} in the file`;
  return undefined;
}

/**
 * Before waves had a life, a new wave could be opened while the old one stayed open. Only the
 * most recently opened one took new respondents (`current`), so the others are recorded closed
 * now (their respondents in progress get the grace period), and the one-open-wave index, which
 * such a database stopped from being built, is built.
 */
async function keepOneOpenWave(surveyId: string, existing: readonly Wave[], now: Date, logger?: Logger): Promise<void> {
  const open = existing.filter((w) => w.status === 'open').sort((a, b) => (b.openedAt?.getTime() ?? 0) - (a.openedAt?.getTime() ?? 0));
  const older = open.slice(1);
  if (older.length === 0) return;
  await WaveModel.updateMany({ surveyId, waveId: { $in: older.map((w) => w.waveId) }, status: 'open' }, { $set: { status: 'closed', closedAt: now } });
  forgetWaves(surveyId);
  await WaveModel.createIndexes();
  logger?.warn(
    { survey: surveyId, kept: open[0]?.waveId, closed: older.map((w) => w.waveId) },
    `survey ${surveyId}: ${older.length === 1 ? 'wave' : 'waves'} ${older.map((w) => w.waveId).join(', ')} recorded closed: only one wave of a survey may be open, and ${open[0]?.waveId} is the one respondents were joining`,
  );
}

export interface SeedOptions {
  /** Say when the file and the database disagree: at boot, not in every command-line run. */
  reportDisagreements?: boolean;
  now?: Date;
}

export async function seedWaves(survey: LoadedSurvey, logger?: Logger, options: SeedOptions = {}): Promise<void> {
  const now = options.now ?? new Date();
  const { definition } = survey;
  const seeds = definition.seed_waves ?? [];
  const existing = await listWaves(definition.id);
  if (existing.length === 0) {
    // Oldest first, so creation order (what `current` falls back on) follows the file.
    for (const [order, seed] of seeds.entries()) {
      await WaveModel.updateOne(
        { surveyId: definition.id, waveId: seed.id },
        { $setOnInsert: seedDocument(survey, seed, now, order) },
        { upsert: true, timestamps: false },
      );
    }
    forgetWaves(definition.id);
    if (seeds.length > 0) logger?.info({ survey: definition.id, waves: seeds.map((s) => s.id) }, 'waves seeded from the definition file');
    return;
  }
  // Waves made before versions were pinned ran the file's definition: pin that.
  const unpinned = existing.filter((w) => !w.fingerprint).map((w) => w.waveId);
  if (unpinned.length > 0) {
    await WaveModel.updateMany({ surveyId: definition.id, waveId: { $in: unpinned }, fingerprint: { $exists: false } }, { $set: { fingerprint: survey.fingerprint } });
    forgetWaves(definition.id);
    logger?.info({ survey: definition.id, waves: unpinned, fingerprint: survey.fingerprint }, 'waves without a pinned version now pin the file\'s version');
  }
  await keepOneOpenWave(definition.id, existing, now, logger);
  if (!options.reportDisagreements) return;
  const running = existing.filter((w) => phaseOf(w, now) === 'open' && w.fingerprint && w.fingerprint !== survey.fingerprint);
  for (const wave of running) {
    logger?.warn(
      { survey: definition.id, wave: wave.waveId, pinned: wave.fingerprint, file: survey.fingerprint },
      `survey ${definition.id}: open wave ${wave.waveId} keeps the version it was launched with (${wave.fingerprint}), not ${survey.file} (${survey.fingerprint}), so its respondents all answer the same questions; the file's version is recorded: launch a new wave to use it`,
    );
  }
  const differences = seeds.map((seed) => disagreement(existing.find((w) => w.waveId === seed.id), seed, now)).filter((d): d is string => d !== undefined);
  if (differences.length > 0) {
    logger?.warn(
      { survey: definition.id, file: survey.file, differences },
      `survey ${definition.id}: the database's waves win over seed_waves in ${survey.file}, which only seeds a fresh database (${differences.join('; ')}); change waves in the console or with npm run wave`,
    );
  }
}
