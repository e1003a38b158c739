// Each wave's live version: moved by every change to its figures (a completion, an edit, a void,
// an erasure, a weighting change or removal, a rebuild of the counters), by one atomic increment
// that concurrent first bumps share; read for many waves in one indexed query.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { expect } from 'chai';
import mongoose from 'mongoose';
import { bumpLiveVersion, readLiveVersion, readLiveVersions } from '../../../server/dashboard/live/live-version';
import { importResponses } from '../../../server/responses/import.service';
import { deleteResponse, editCompleteResponse } from '../../../server/responses/response.service';
import { createResponseAdmin } from '../../../server/responses/response-admin.service';
import { createWeightingSettings } from '../../../server/analysis/weighting/weighting-settings.service';
import { rebuildTallies } from '../../../server/analysis/tally/tally.service';
import { tallyTargetFor } from '../../../server/analysis/tally/tally.hooks';
import { createLogger } from '../../../server/lib/logger';
import { ROOT } from '../../support/app';
import { listenToCommands, setNoTableScan, useMonitoredApp } from '../../support/command-log';
import { TEST_ACTOR } from '../../support/waves';
import { CAPTIC_ID } from '../../fixtures/captic-answers';

const WAVE = '2011-03';

describe('live versions', () => {
  const suite = useMonitoredApp();
  beforeEach(() => suite.app.reset());

  it('counts concurrent first bumps of a wave in one document', async () => {
    const versions = await Promise.all(Array.from({ length: 20 }, () => bumpLiveVersion(CAPTIC_ID, 'fresh')));
    expect([...versions].sort((a, b) => a - b)).to.deep.equal(Array.from({ length: 20 }, (_, i) => i + 1));
    const docs = await mongoose.connection.db!.collection('live_versions').find({ surveyId: CAPTIC_ID, waveId: 'fresh' }).toArray();
    expect(docs).to.have.length(1);
    expect(docs[0]).to.include({ version: 20 });
    expect(docs[0]!.changedAt).to.be.instanceOf(Date);
  });

  it('reads the versions of many waves in one query from the index, a wave never bumped at 0', async () => {
    await bumpLiveVersion(CAPTIC_ID, 'a');
    await bumpLiveVersion(CAPTIC_ID, 'b');
    await bumpLiveVersion(CAPTIC_ID, 'b');
    const wasOn = await setNoTableScan(true);
    const commands: string[] = [];
    const stop = listenToCommands((event, collection) => {
      if (collection === 'live_versions') commands.push(event.commandName);
    });
    try {
      const versions = await readLiveVersions([{ surveyId: CAPTIC_ID, waveId: 'a' }, { surveyId: CAPTIC_ID, waveId: 'b' }, { surveyId: CAPTIC_ID, waveId: 'never' }]);
      expect(versions.map((v) => v.version)).to.deep.equal([1, 2, 0]);
    } finally {
      stop();
      await setNoTableScan(wasOn);
    }
    expect(commands).to.deep.equal(['find']);
  });

  it('moves with every change to the wave\'s complete responses: completion, edit, void and erasure', async () => {
    const survey = suite.app.catalog.require(CAPTIC_ID);
    const content = await readFile(path.join(ROOT, 'test', 'fixtures', 'import', 'captic-responses.jsonl'));
    const report = await importResponses({ survey, wave: WAVE, format: 'jsonl', content });
    expect(await readLiveVersion(CAPTIC_ID, WAVE)).to.equal(report.imported);

    const stored = await mongoose.connection.db!.collection('responses').find({ surveyId: CAPTIC_ID, waveId: WAVE }).sort({ _id: 1 }).toArray();
    const [first, second] = stored.map((doc) => ({ id: doc._id.toHexString(), answers: doc.answers as Record<string, unknown>, otherTexts: doc.otherTexts as Record<string, unknown> }));
    await editCompleteResponse(first!.id, survey.definition, { answers: { ...first!.answers, region: 'bretagne' }, otherTexts: first!.otherTexts });
    expect(await readLiveVersion(CAPTIC_ID, WAVE)).to.equal(report.imported + 1);

    const admin = createResponseAdmin({ catalog: suite.app.catalog, logger: createLogger(suite.app.config), clock: suite.app.clock });
    await admin.voidResponse({ surveyId: CAPTIC_ID, responseId: first!.id, reason: 'duplicate respondent' }, TEST_ACTOR);
    expect(await readLiveVersion(CAPTIC_ID, WAVE)).to.equal(report.imported + 2);
    await deleteResponse(second!.id, CAPTIC_ID);
    expect(await readLiveVersion(CAPTIC_ID, WAVE)).to.equal(report.imported + 3);
  });

  it('moves when the wave\'s weighting is set or removed, and when its counters are rebuilt', async () => {
    const weighting = createWeightingSettings(suite.app.catalog, createLogger(suite.app.config));
    await weighting.change(CAPTIC_ID, WAVE, { method: 'poststratify', targets: { company_size: { tpe: 50, pme: 30, eti: 12, ge: 8 } } }, TEST_ACTOR);
    expect(await readLiveVersion(CAPTIC_ID, WAVE)).to.equal(1);
    await weighting.remove(CAPTIC_ID, WAVE, TEST_ACTOR);
    expect(await readLiveVersion(CAPTIC_ID, WAVE)).to.equal(2);
    await rebuildTallies(tallyTargetFor(suite.app.catalog.require(CAPTIC_ID).definition, WAVE), []);
    expect(await readLiveVersion(CAPTIC_ID, WAVE)).to.equal(3);
  });
});
