// What every command-line tool that works on one survey does first: read the settings, load and
// check the survey definitions, find the survey; and, for those that change it, open the database
// and register the survey as boot does. A problem is a CommandRefusal whose message is meant for
// the terminal, as is.
import type { Config } from '../lib/config';
import type { Logger } from '../lib/logger';
import { CommandRefusal, commandSetup, withDatabase } from '../lib/command-line';
import { registerSurvey } from './survey.catalog';
import { loadSurveyDirectory, SurveyDefinitionError, type LoadedSurvey } from './survey.loader';

export interface SurveyCliSetup {
  config: Config;
  surveys: LoadedSurvey[];
  survey: LoadedSurvey;
  /** Logs to stderr at warn level by default, so standard output carries only the tool's output. */
  logger: Logger;
}

export async function setUpSurveyCli(surveyId: string): Promise<SurveyCliSetup> {
  const { config, logger } = commandSetup();
  let surveys: LoadedSurvey[];
  try {
    surveys = await loadSurveyDirectory(config.surveysDir);
  } catch (error) {
    if (error instanceof SurveyDefinitionError) throw new CommandRefusal(`A survey definition is invalid:\n${error.message}`);
    throw error;
  }
  const survey = surveys.find((s) => s.definition.id === surveyId);
  if (!survey) {
    throw new CommandRefusal(`Unknown survey "${surveyId}". Surveys in ${config.surveysDir}: ${surveys.map((s) => s.definition.id).join(', ') || 'none'}.`);
  }
  return { config, surveys, survey, logger };
}

/**
 * Sets the survey up (setUpSurveyCli), opens the database and, as boot does, records the file's
 * definition version and seeds a fresh database's waves, then runs `work`; the database is closed
 * after it, whatever happens.
 */
export async function withSurveyDatabase<T>(surveyId: string, work: (setup: SurveyCliSetup) => Promise<T>): Promise<T> {
  const setup = await setUpSurveyCli(surveyId);
  return withDatabase(setup.config, setup.logger, async () => {
    await registerSurvey(setup.survey, setup.logger);
    return work(setup);
  });
}
