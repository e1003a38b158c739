// `npm run tallies:rebuild -- --survey ID [--wave W]`
// Recomputes a wave's live counters (plain and by weighting cell) and its activity (completes per day) from its complete
// responses. After a crash the app's counter sweep does this by itself (counter-sweep.ts); this is
// for counters changed by other means: edited by hand, new declared segments, a restore. It does
// not hold the wave's followers back as the sweep does: run it while the wave is quiet.
import { parseArgs } from 'node:util';
import { streamCompleteAnswers } from '../responses/response.service';
import { setUpSurveyCli } from '../surveys/survey-cli-setup';
import { createSurveyCatalog } from '../surveys/survey.catalog';
import { EXIT_OK, EXIT_USAGE, runCommand, withDatabase } from '../lib/command-line';
import { CURRENT_WAVE, findWave } from '../waves/wave.service';
import { weightedTallyTargetFor } from './tally/tally.hooks';
import { rebuildTallies } from './tally/tally.service';
import { rebuildWaveActivity } from '../dashboard/activity.service';
import { surveyTimeZone } from '../waves/wave-dates';

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
    // Counted as the live counters count them: with the version the wave pins, not the file's.
    const pinned = await createSurveyCatalog(surveys).forWave(wave);
    // The activity first: rebuilding the tallies tells open dashboards, which then read both.
    await rebuildWaveActivity(wave, surveyTimeZone(survey));
    const count = await rebuildTallies(await weightedTallyTargetFor(pinned.definition, wave.waveId), streamCompleteAnswers(survey.definition.id, wave.waveId));
    console.log(`Rebuilt the live counters and the activity of ${survey.definition.id}, wave ${wave.waveId}, from ${count} complete responses.`);
    return EXIT_OK;
  });
}

await runCommand(main);
