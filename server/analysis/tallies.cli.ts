// `npm run tallies:rebuild -- --survey ID [--wave W]`
// Recomputes a wave's live counters (plain and by weighting cell), its activity (completes per day)
// and its quota counts from its complete responses. After a crash the app's counter sweep does
// this by itself (counter-sweep.ts); this is for counters changed by other means: edited by hand,
// new declared segments, a restore. It rebuilds as the sweep does, under the wave's lease, so apps
// may keep taking responses meanwhile.
import { parseArgs } from 'node:util';
import { setUpSurveyCli } from '../surveys/survey-cli-setup';
import { createSurveyCatalog } from '../surveys/survey.catalog';
import { EXIT_OK, EXIT_USAGE, runCommand, withDatabase } from '../lib/command-line';
import { CURRENT_WAVE, findWave } from '../waves/wave.service';
import { rebuildWaveCounters } from './tally/counter-sweep';

const USAGE = 'Usage: npm run tallies:rebuild -- --survey ID [--wave WAVE]';

async function main(argv: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({ args: argv, options: { survey: { type: 'string' }, wave: { type: 'string', default: CURRENT_WAVE } } }));
  } catch (error) {
    console.error(`${(error as Error).message}\n${USAGE}`);
    return EXIT_USAGE;
  }
  if (!values.survey) {
    console.error(`--survey is required\n${USAGE}`);
    return EXIT_USAGE;
  }
  const { config, surveys, survey, logger } = await setUpSurveyCli(values.survey);
  return withDatabase(config, logger, async () => {
    const wave = await findWave(survey.definition.id, values.wave ?? CURRENT_WAVE);
    // Counted as the live counters count them: with the version the wave pins (the catalog's forWave).
    const { responses } = await rebuildWaveCounters({ catalog: createSurveyCatalog(surveys), logger }, survey.definition.id, wave.waveId);
    console.log(`Rebuilt the live counters, the activity and the quota counts of ${survey.definition.id}, wave ${wave.waveId}, from ${responses} complete responses.`);
    return EXIT_OK;
  });
}

await runCommand(main);
