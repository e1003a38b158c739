// `npm run tallies:rebuild -- --survey ID [--wave W]`
// Recomputes a wave's live counters from its complete responses. The counters are updated right
// after a response is written; a process killed between the two writes (a standalone MongoDB has
// no transactions) leaves them one response short, and this puts them right.
import { parseArgs } from 'node:util';
import { openDatabase } from '../lib/database';
import { streamCompleteAnswers } from '../responses/response.service';
import { CliSetupError, setUpSurveyCli } from '../surveys/survey-cli-setup';
import { CURRENT_WAVE, findWave } from '../waves/wave.service';
import { AppError } from '../lib/errors';
import { tallyTargetFor } from './tally/tally.hooks';
import { rebuildTallies } from './tally/tally.service';

const USAGE = 'Usage: npm run tallies:rebuild -- --survey ID [--wave WAVE]';

async function main(argv: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({ args: argv, options: { survey: { type: 'string' }, wave: { type: 'string', default: CURRENT_WAVE } } }));
  } catch (error) {
    console.error(`${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  if (!values.survey) {
    console.error(`--survey is required\n${USAGE}`);
    return 2;
  }
  let setup;
  try {
    setup = await setUpSurveyCli(values.survey);
  } catch (error) {
    if (error instanceof CliSetupError) {
      console.error(error.message);
      return 1;
    }
    throw error;
  }
  const { config, survey, logger } = setup;
  const database = await openDatabase(config, logger, { role: 'cli' });
  try {
    const wave = await findWave(survey.definition.id, values.wave ?? CURRENT_WAVE);
    const count = await rebuildTallies(tallyTargetFor(survey.definition, wave.waveId), streamCompleteAnswers(survey.definition.id, wave.waveId));
    console.log(`Rebuilt the live counters of ${survey.definition.id}, wave ${wave.waveId}, from ${count} complete responses.`);
    return 0;
  } catch (error) {
    if (error instanceof AppError && error.expected) {
      console.error(error.message);
      return 1;
    }
    throw error;
  } finally {
    await database.close();
  }
}

process.exitCode = await main(process.argv.slice(2)).catch((error: unknown) => {
  console.error(error);
  return 1;
});
