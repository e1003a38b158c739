// What every command-line tool that works on one survey does first: read the settings, load and
// check the survey definitions, find the survey. A problem is a CommandRefusal whose message is
// meant for the terminal, as is.
import type { Config } from '../lib/config';
import type { Logger } from '../lib/logger';
import { CommandRefusal, commandSetup } from '../lib/command-line';
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
