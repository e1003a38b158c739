// Whatever reads a wave's responses back reads them with the version the wave pins, not the
// survey file's: the rebuild of its live counters, and the export of a wave nobody has completed.
import { expect } from 'chai';
import mongoose from 'mongoose';
import { useAppSuite } from '../../support/app-suite';
import { runCli } from '../../support/run-cli';
import { TEST_ACTOR, wavesOf } from '../../support/waves';
import { buildCaptic250 } from '../../fixtures/captic-250';
import { CAPTIC_ID } from '../../fixtures/captic-answers';
import { tallyResponses } from '../../../server/analysis/figures/figures.service';
import { readTallies } from '../../../server/analysis/tally/tally.service';
import type { Contribution } from '../../../server/analysis/tally/contribution';
import { resolveExportTarget } from '../../../server/exports/export.service';
import { importResponses } from '../../../server/responses/import.service';
import { streamCompleteResponses, type StoredResponse } from '../../../server/responses/response.service';
import type { LoadedSurvey } from '../../../server/surveys/survey.loader';
import { CAPTIC_TEXT, NEXT_WAVE, recordVersionText, replaceOnce } from './support';

const ADDED_QUESTION = 'trust_other';

/** CAP-TIC with one optional question more, after `trust_unmediated`. */
const CAPTIC_WITH_QUESTION = replaceOnce(
  CAPTIC_TEXT,
  '      - id: comments\n',
  `      - id: ${ADDED_QUESTION}
        type: yes_no
        required: false
        text:
          fr: Feriez-vous confiance à une autre plateforme ?
          en: Would you trust another platform?
      - id: comments
`,
);

function sorted(tally: Contribution): Record<string, Record<string, number>> {
  return Object.fromEntries([...tally].sort(([a], [b]) => a.localeCompare(b)).map(([q, counts]) => [q, Object.fromEntries(Object.entries(counts).filter(([, v]) => v !== 0).sort(([a], [b]) => a.localeCompare(b)))]));
}

describe('A wave pinned to another version than the file', function () {
  this.timeout(60_000);
  let pinned: LoadedSurvey;
  const suite = useAppSuite({
    seed: async ({ app }) => {
      pinned = await recordVersionText(CAPTIC_WITH_QUESTION, 'captic-2012.yaml');
      await wavesOf(app).createWave(CAPTIC_ID, { waveId: NEXT_WAVE, copyFrom: '2011-03', fingerprint: pinned.fingerprint }, TEST_ACTOR);
    },
  });

  it('exports, while nobody has completed it, the columns of the pinned version', async () => {
    const target = await resolveExportTarget(suite.app.catalog, { surveyId: CAPTIC_ID, wave: NEXT_WAVE });
    expect(target.fingerprints).to.deep.equal([pinned.fingerprint]);
    expect(target.columns.map((c) => c.name)).to.include(ADDED_QUESTION);
  });

  it('gets its live counters rebuilt by npm run tallies:rebuild with the pinned version', async () => {
    const survey = suite.app.catalog.require(CAPTIC_ID);
    const records = buildCaptic250(5).slice(0, 20);
    const report = await importResponses({ survey, wave: NEXT_WAVE, format: 'jsonl', content: records.map((r) => JSON.stringify(r)).join('\n') });
    expect(report.imported, JSON.stringify(report.problems)).to.equal(20);
    const stored: StoredResponse[] = [];
    for await (const r of streamCompleteResponses(CAPTIC_ID, NEXT_WAVE)) stored.push(r);
    const expected = sorted(tallyResponses(pinned.definition, stored).counts);
    // The added question is counted (shown to everyone who reached its page): the file's version would not count it.
    expect(expected[ADDED_QUESTION]).to.have.property('shown').that.is.greaterThan(0);

    await mongoose.connection.db!.collection('tallies').deleteMany({ surveyId: CAPTIC_ID, waveId: NEXT_WAVE });
    const run = await runCli('server/analysis/tallies.cli.ts', ['--survey', CAPTIC_ID, '--wave', NEXT_WAVE]);
    expect(run.code, run.stderr).to.equal(0);
    expect(run.stdout).to.equal(`Rebuilt the live counters, the activity and the quota counts of ${CAPTIC_ID}, wave ${NEXT_WAVE}, from 20 complete responses.\n`);
    expect(sorted(await readTallies(CAPTIC_ID, NEXT_WAVE))).to.deep.equal(expected);
  });
});
