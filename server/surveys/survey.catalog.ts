// The surveys this server runs: the definitions in SURVEYS_DIR, checked at boot, and every version
// of them recorded since (uploads from the console included). A survey's identity (its id, title,
// languages) comes from its file; what respondents of a wave answer is the version the wave pins.
import { LRUCache } from 'lru-cache';
import { NotFoundError } from '../lib/errors';
import type { Logger } from '../lib/logger';
import { seedWaves, type SeedOptions } from '../waves/wave-seed';
import { loadSurveyDirectory, type LoadedSurvey } from './survey.loader';
import { SurveyVersionModel } from './survey-version.model';
import type { TSurveyDefinition } from './survey.schemas';

export interface SurveyCatalog {
  list(): LoadedSurvey[];
  get(surveyId: string): LoadedSurvey | undefined;
  /** The survey, or a 404 for the caller. */
  require(surveyId: string): LoadedSurvey;
  /**
   * A recorded version of a survey, by fingerprint: the file's own, or one stored earlier. Versions
   * never change, so each is read from the database once and then kept (a bounded number).
   */
  version(surveyId: string, fingerprint: string): Promise<LoadedSurvey>;
  /**
   * The version a wave's respondents answer: the one it pins (boot pins the file's on any wave
   * made before versions were pinned, so the file's is only a fallback).
   */
  forWave(wave: { surveyId: string; fingerprint?: string }): Promise<LoadedSurvey>;
}

/** Versions kept in memory: a survey has a few per year. */
const MAX_VERSIONS = 500;

export function createSurveyCatalog(surveys: LoadedSurvey[]): SurveyCatalog {
  const byId = new Map(surveys.map((s) => [s.definition.id, s]));
  const versions = new LRUCache<string, LoadedSurvey, { surveyId: string; fingerprint: string }>({
    max: MAX_VERSIONS,
    fetchMethod: async (_key, _stale, { context }) => {
      const definition = await findSurveyVersion(context.surveyId, context.fingerprint);
      return definition ? { definition, fingerprint: context.fingerprint, file: `(stored version ${context.fingerprint})` } : undefined;
    },
  });
  const require = (surveyId: string) => {
    const survey = byId.get(surveyId);
    if (!survey) throw new NotFoundError(`No survey "${surveyId}"`, 'survey_not_found');
    return survey;
  };
  async function version(surveyId: string, fingerprint: string): Promise<LoadedSurvey> {
    const file = require(surveyId);
    if (file.fingerprint === fingerprint) return file;
    const found = await versions.fetch(JSON.stringify([surveyId, fingerprint]), { context: { surveyId, fingerprint } });
    if (!found) throw new NotFoundError(`Survey "${surveyId}" has no version ${fingerprint}`, 'version_not_found');
    return found;
  }
  return {
    list: () => [...byId.values()],
    get: (surveyId) => byId.get(surveyId),
    require,
    version,
    forWave: (wave) => (wave.fingerprint ? version(wave.surveyId, wave.fingerprint) : Promise.resolve(require(wave.surveyId))),
  };
}

/** Records a definition version; recording one that exists changes nothing. */
export async function recordSurveyVersion(
  survey: Pick<LoadedSurvey, 'definition' | 'fingerprint'>,
  origin: { source: 'file' | 'upload'; fileName?: string; uploadedBy?: string },
): Promise<{ created: boolean }> {
  const { definition, fingerprint } = survey;
  const result = await SurveyVersionModel.updateOne(
    { surveyId: definition.id, fingerprint },
    {
      $setOnInsert: {
        definition: JSON.parse(JSON.stringify(definition)) as TSurveyDefinition,
        firstSeenAt: new Date(),
        source: origin.source,
        ...(origin.fileName ? { fileName: origin.fileName } : {}),
        ...(origin.uploadedBy ? { uploadedBy: origin.uploadedBy } : {}),
      },
    },
    { upsert: true },
  );
  return { created: result.upsertedCount > 0 };
}

/** Records the file's version and, on a fresh database, creates the waves the file seeds. */
export async function registerSurvey(survey: LoadedSurvey, logger?: Logger, options: SeedOptions = {}): Promise<void> {
  await recordSurveyVersion(survey, { source: 'file', fileName: survey.file });
  await seedWaves(survey, logger, options);
}

export async function loadSurveyCatalog(directory: string, logger: Logger): Promise<SurveyCatalog> {
  const surveys = await loadSurveyDirectory(directory);
  for (const survey of surveys) {
    await registerSurvey(survey, logger, { reportDisagreements: true });
    logger.info({ survey: survey.definition.id, fingerprint: survey.fingerprint, file: survey.file }, 'survey loaded');
  }
  return createSurveyCatalog(surveys);
}

/** A definition version recorded earlier, by fingerprint. */
export async function findSurveyVersion(surveyId: string, fingerprint: string): Promise<TSurveyDefinition | undefined> {
  const doc = await SurveyVersionModel.findOne({ surveyId, fingerprint }).lean<{ definition: TSurveyDefinition }>();
  return doc?.definition;
}
