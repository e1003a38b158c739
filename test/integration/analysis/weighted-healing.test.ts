// Counters whose weighting cells cannot serve a weighted view (kept before cells existed, here)
// send the first weighted read to a recompute over the responses, as before, and have the wave's
// cells rebuilt in the background: later reads come from the counters again, equal to the
// recompute, without anyone running `npm run tallies:rebuild`.
import { expect } from 'chai';
import mongoose from 'mongoose';
import supertest from 'supertest';
import { importResponses } from '../../../server/responses/import.service';
import { cellHealingOf, healCellTallies } from '../../../server/analysis/tally/cell-healing';
import { startTestApp, type TestApp } from '../../support/app';
import { apiTokenFor, createStaff } from '../../support/staff';
import { captic250AsJsonLines } from '../../fixtures/captic-250';
import { CAPTIC_ID } from '../../fixtures/captic-answers';
import { expectSameFigures } from './weighted-same-figures';

const WAVE = '2011-03';
const WAVE_PATH = `/api/v1/surveys/${CAPTIC_ID}/waves/${WAVE}`;
const POSTSTRATIFY = { method: 'poststratify', targets: { company_size: { tpe: 50, pme: 30, eti: 12, ge: 8 } } };

describe('Weighted figures heal stale weighting cells of the counters', function () {
  this.timeout(60_000);
  let app: TestApp;
  let readToken: string;
  const read = (query: string) => supertest(app.url).get(`${WAVE_PATH}/figures?${query}`).set('Authorization', `Bearer ${readToken}`);

  before(async () => {
    app = await startTestApp();
    await app.reset();
    await importResponses({ survey: app.catalog.require(CAPTIC_ID), wave: WAVE, format: 'jsonl', content: captic250AsJsonLines() });
    readToken = await apiTokenFor(await createStaff(app, { email: 'analyst@example.org', role: 'analyst', grants: [CAPTIC_ID] }), 'read');
    const manageToken = await apiTokenFor(await createStaff(app, { email: 'organizer@example.org', role: 'organizer', grants: [CAPTIC_ID] }), 'manage');
    await supertest(app.url).put(`${WAVE_PATH}/weighting`).set('Authorization', `Bearer ${manageToken}`).send(POSTSTRATIFY).expect(204);
  });
  after(async () => app.close());

  it('recomputes the first weighted read of old-style counters, then reads the rebuilt cells', async () => {
    const fresh = (await read('weighted=1&by=company_size').expect(200)).body;
    expect(fresh.source).to.equal('counters');
    // Counters as they were kept before weighting cells: plain counts only.
    await mongoose.connection.db!.collection('tallies').updateMany({ surveyId: CAPTIC_ID, waveId: WAVE }, { $unset: { k: '' } });

    const first = (await read('weighted=1&by=company_size').expect(200)).body;
    expect(first.source).to.equal('responses');
    // The reader did not wait for the rebuild; the test waits for it to end, not for a time.
    const healing = cellHealingOf(CAPTIC_ID, WAVE);
    expect(healing, 'a rebuild of the cells was started').to.not.equal(undefined);
    await healing;

    const later = (await read('weighted=1&by=company_size').expect(200)).body;
    expect(later.source).to.equal('counters');
    expectSameFigures(later, first);
    expect(cellHealingOf(CAPTIC_ID, WAVE)).to.equal(undefined);
  });

  it('runs one rebuild at a time per wave: asked again while it runs, it gives the running one', async () => {
    const { definition } = app.catalog.require(CAPTIC_ID);
    const running = healCellTallies(definition, WAVE);
    expect(healCellTallies(definition, WAVE)).to.equal(running);
    await running;
    expect((await read('weighted=1').expect(200)).body.source).to.equal('counters');
  });
});
