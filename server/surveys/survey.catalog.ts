// The surveys this server runs: the definitions in SURVEYS_DIR, checked at boot. Each version is
// recorded by fingerprint, and each survey gets its default wave, before the first request.
import { NotFoundError } from '../lib/errors';
import type { Logger } from '../lib/logger';
import { ensureDefaultWave } from '../waves/wave.service';
import { loadSurveyDirectory, type LoadedSurvey } from './survey.loader';
import { SurveyVersionModel } from './survey-version.model';
import type { TSurveyDefinition } from './survey.schemas';

export interface SurveyCatalog {
  list(): LoadedSurvey[];
  get(surveyId: string): LoadedSurvey | undefined;
  /** The survey, or a 404 for the caller. */
  require(surveyId: string): LoadedSurvey;
}

export function createSurveyCatalog(surveys: LoadedSurvey[]): SurveyCatalog {
  const byId = new Map(surveys.map((s) => [s.definition.id, s]));
  return {
    list: () => [...byId.values()],
    get: (surveyId) => byId.get(surveyId),
    require(surveyId) {
      const survey = byId.get(surveyId);
      if (!survey) throw new NotFoundError(`No survey "${surveyId}"`, 'survey_not_found');
      return survey;
    },
  };
}

/** Records a definition version (idempotent) and creates the survey's default wave if needed. */
export async function registerSurvey(survey: LoadedSurvey): Promise<void> {
  const { definition, fingerprint } = survey;
  await SurveyVersionModel.updateOne(
    { surveyId: definition.id, fingerprint },
    { $setOnInsert: { definition: JSON.parse(JSON.stringify(definition)) as TSurveyDefinition, firstSeenAt: new Date() } },
    { upsert: true },
  );
  const wave = definition.default_wave;
  await ensureDefaultWave({
    surveyId: definition.id,
    waveId: wave?.id ?? 'default',
    label: wave?.label,
    status: wave?.status ?? 'open',
    ...(wave ? { fieldStart: wave.field_start, fieldEnd: wave.field_end } : {}),
  });
}

export async function loadSurveyCatalog(directory: string, logger: Logger): Promise<SurveyCatalog> {
  const surveys = await loadSurveyDirectory(directory);
  for (const survey of surveys) {
    await registerSurvey(survey);
    logger.info({ survey: survey.definition.id, fingerprint: survey.fingerprint, file: survey.file }, 'survey loaded');
  }
  return createSurveyCatalog(surveys);
}

/** A definition version recorded earlier, by fingerprint. */
export async function findSurveyVersion(surveyId: string, fingerprint: string): Promise<TSurveyDefinition | undefined> {
  const doc = await SurveyVersionModel.findOne({ surveyId, fingerprint }).lean<{ definition: TSurveyDefinition }>();
  return doc?.definition;
}
