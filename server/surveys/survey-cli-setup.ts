// What every command-line tool that works on one survey does first: read the settings, load and
// check the survey definitions, find the survey. A problem is a CliSetupError whose message is
// meant for the terminal, as is.
import { ConfigError, getConfig, type Config } from '../lib/config';
import { createLogger, type Logger } from '../lib/logger';
import { loadSurveyDirectory, SurveyDefinitionError, type LoadedSurvey } from './survey.loader';

export class CliSetupError extends Error {}

export interface SurveyCliSetup {
  config: Config;
  surveys: LoadedSurvey[];
  survey: LoadedSurvey;
  /** Logs to stderr at warn level by default, so standard output carries only the tool's output. */
  logger: Logger;
}

export async function setUpSurveyCli(surveyId: string): Promise<SurveyCliSetup> {
  let config: Config;
  try {
    config = getConfig();
  } catch (error) {
    if (error instanceof ConfigError) throw new CliSetupError(error.message);
    throw error;
  }
  let surveys: LoadedSurvey[];
  try {
    surveys = await loadSurveyDirectory(config.surveysDir);
  } catch (error) {
    if (error instanceof SurveyDefinitionError) throw new CliSetupError(`A survey definition is invalid:\n${error.message}`);
    throw error;
  }
  const survey = surveys.find((s) => s.definition.id === surveyId);
  if (!survey) {
    throw new CliSetupError(`Unknown survey "${surveyId}". Surveys in ${config.surveysDir}: ${surveys.map((s) => s.definition.id).join(', ') || 'none'}.`);
  }
  const logger = createLogger({ LOG_LEVEL: config.LOG_LEVEL === 'info' ? 'warn' : config.LOG_LEVEL, NODE_ENV: config.NODE_ENV }, 'stderr');
  return { config, surveys, survey, logger };
}
