// Weighted figures from the live counters kept per weighting cell must equal a recompute over the
// responses (to 1e-9, every figure), with design weights, post-stratification and raking, for the
// whole wave and by segment; after voids, edits and deletions; after a change of the weighting
// variables; and never come from cells still being moved to new variables.
import { expect } from 'chai';
import mongoose from 'mongoose';
import supertest from 'supertest';
import { importResponses } from '../../../server/responses/import.service';
import { deleteResponse, editCompleteResponse, streamCompleteAnswers } from '../../../server/responses/response.service';
import { weightedTallyTargetFor } from '../../../server/analysis/tally/tally.hooks';
import { rebuildTallies } from '../../../server/analysis/tally/tally.service';
import type { TAnswers } from '../../../server/surveys/answers';
import { startTestApp, type TestApp } from '../../support/app';
import { apiTokenFor, createStaff } from '../../support/staff';
import { buildCaptic250, captic250AsJsonLines } from '../../fixtures/captic-250';
import { CAPTIC_ID } from '../../fixtures/captic-answers';
import { seededRandom } from '../../support/seeded-random';
import { expectSameFigures } from './weighted-same-figures';

const WAVE = '2011-03';
const WAVE_PATH = `/api/v1/surveys/${CAPTIC_ID}/waves/${WAVE}`;
/** Every respondent answers uses_social (required, first page): a filter on all its options selects the whole wave, from the responses. */
const WHOLE_WAVE_FROM_RESPONSES = 'filter=uses_social:yes,no';
const POSTSTRATIFY = { method: 'poststratify', targets: { company_size: { tpe: 50, pme: 30, eti: 12, ge: 8 } } };
const RAKE = {
  method: 'rake',
  // Few of the 250 say no: a cap above the default 5 lets the margins be met.
  cap: 20,
  targets: {
    company_size: { tpe: 45, pme: 30, eti: 15, ge: 10 },
    uses_social: { yes: 60, no: 40 },
  },
};

describe('Weighted figures from the counters kept per weighting cell', function () {
  this.timeout(120_000);
  let app: TestApp;
  let readToken: string;
  let manageToken: string;
  const read = (query: string) => supertest(app.url).get(`${WAVE_PATH}/figures?${query}`).set('Authorization', `Bearer ${readToken}`);
  const setWeighting = (body: object) => supertest(app.url).put(`${WAVE_PATH}/weighting`).set('Authorization', `Bearer ${manageToken}`).send(body).expect(204);
  const removeWeighting = () => supertest(app.url).delete(`${WAVE_PATH}/weighting`).set('Authorization', `Bearer ${manageToken}`).expect(204);

  /** Design weights on the stored responses (an import would carry them), then the counters rebuilt as `npm run tallies:rebuild` does. */
  async function giveDesignWeights(weightOf: (index: number) => number): Promise<void> {
    const responses = mongoose.connection.db!.collection('responses');
    const ids = (await responses.find({ surveyId: CAPTIC_ID, waveId: WAVE }, { projection: { _id: 1 } }).sort({ _id: 1 }).toArray()).map((doc) => doc._id);
    await responses.bulkWrite(ids.map((_id, i) => ({ updateOne: { filter: { _id }, update: { $set: { weight: weightOf(i) } } } })));
    const { definition } = app.catalog.require(CAPTIC_ID);
    await rebuildTallies(await weightedTallyTargetFor(definition, WAVE), streamCompleteAnswers(CAPTIC_ID, WAVE));
  }

  /** The live figures, whole wave and by company size, equal the recompute's; returns the whole wave's. */
  async function expectLiveEqualsRecompute(): Promise<Record<string, unknown>> {
    const live = (await read('weighted=1').expect(200)).body;
    expect(live.source).to.equal('counters');
    expectSameFigures(live, (await read(`weighted=1&${WHOLE_WAVE_FROM_RESPONSES}`).expect(200)).body);
    const liveBy = (await read('weighted=1&by=company_size').expect(200)).body;
    expect(liveBy.source).to.equal('counters');
    const recomputedBy = (await read(`weighted=1&by=company_size&${WHOLE_WAVE_FROM_RESPONSES}`).expect(200)).body;
    expect(recomputedBy.source).to.equal('responses');
    expectSameFigures(liveBy, recomputedBy);
    // A filter on segment options alone reads their counters too, calibrated on the whole wave.
    const segmentFilter = (await read('weighted=1&filter=company_size:tpe,ge').expect(200)).body;
    expect(segmentFilter.source).to.equal('counters');
    expectSameFigures(segmentFilter, (await read('weighted=1&filter=company_size:tpe,ge;uses_social:yes,no').expect(200)).body);
    return live;
  }

  /** Σd·[answer] ÷ Σd over the stored responses of the wave, by hand: what design weights alone must give. */
  async function designWeightedShare(question: string, option: string): Promise<number> {
    let numerator = 0;
    let denominator = 0;
    for await (const { answers, weight } of streamCompleteAnswers(CAPTIC_ID, WAVE)) {
      if (answers[question] === undefined) continue;
      denominator += weight;
      if (answers[question] === option) numerator += weight;
    }
    return numerator / denominator;
  }

  before(async () => {
    app = await startTestApp();
    await app.reset();
    await importResponses({ survey: app.catalog.require(CAPTIC_ID), wave: WAVE, format: 'jsonl', content: captic250AsJsonLines() });
    const random = seededRandom(14);
    await giveDesignWeights(() => 0.5 + Math.round(random() * 250) / 100);
    readToken = await apiTokenFor(await createStaff(app, { email: 'analyst@example.org', role: 'analyst', grants: [CAPTIC_ID] }), 'read');
    manageToken = await apiTokenFor(await createStaff(app, { email: 'organizer@example.org', role: 'organizer', grants: [CAPTIC_ID] }), 'manage');
  });
  after(async () => app.close());

  it('weights by the design weights alone when the wave has them and no targets', async () => {
    const live = await expectLiveEqualsRecompute();
    const weighting = live.weighting as { method: string; effectiveN: number; designEffect: number };
    expect(weighting.method).to.equal('design');
    expect(weighting.effectiveN).to.be.closeTo(250 / weighting.designEffect, 1e-9);
    expect(live.designWeighted).to.equal(true);
    const usesSocial = (live.questions as Record<string, { options: Record<string, { proportion: number }> }>).uses_social!;
    expect(usesSocial.options.yes!.proportion).to.be.closeTo(await designWeightedShare('uses_social', 'yes'), 1e-12);
  });

  it('post-stratifies from the design weights, to the targets exactly', async () => {
    await setWeighting(POSTSTRATIFY);
    const live = await expectLiveEqualsRecompute();
    const size = (live.questions as Record<string, { options: Record<string, { proportion: number }> }>).company_size!;
    expect(size.options.tpe!.proportion).to.be.closeTo(0.5, 1e-12);
    expect(size.options.ge!.proportion).to.be.closeTo(0.08, 1e-12);
    expect((live.weighting as { method: string }).method).to.equal('poststratify');
  });

  it('rakes on new weighting variables once the counters are split by their cells', async () => {
    await setWeighting(RAKE);
    const live = await expectLiveEqualsRecompute();
    expect((live.weighting as { variables: string[] }).variables).to.deep.equal(['company_size', 'uses_social']);
    const usesSocial = (live.questions as Record<string, { options: Record<string, { proportion: number }> }>).uses_social!;
    expect(usesSocial.options.yes!.proportion, JSON.stringify(live.weighting)).to.be.closeTo(0.6, 1e-3);
    expect((live.weighting as { maxMarginGap: number }).maxMarginGap).to.be.below(0.1);
  });

  it('stays equal after voids, edits, deletions and new responses', async () => {
    await setWeighting(RAKE);
    const responses = mongoose.connection.db!.collection('responses');
    const ids = (await responses.find({ surveyId: CAPTIC_ID, waveId: WAVE, status: 'complete' }, { projection: { _id: 1 } }).sort({ _id: 1 }).toArray()).map((doc) => doc._id.toHexString());
    const pool = buildCaptic250(77);
    const { definition } = app.catalog.require(CAPTIC_ID);
    for (let i = 0; i < 6; i += 1) {
      await editCompleteResponse(ids[i]!, definition, { answers: pool[i]!.answers as TAnswers, otherTexts: pool[i]!.otherTexts });
    }
    await deleteResponse(ids[10]!);
    await deleteResponse(ids[11]!);
    for (const id of [ids[20]!, ids[21]!]) {
      await supertest(app.url).post(`/api/v1/surveys/${CAPTIC_ID}/responses/${id}/void`).set('Authorization', `Bearer ${manageToken}`).send({ reason: 'Duplicate of another response' }).expect(200);
    }
    await importResponses({ survey: app.catalog.require(CAPTIC_ID), wave: WAVE, format: 'jsonl', content: pool.slice(200, 212).map((r) => JSON.stringify(r)).join('\n') });
    await expectLiveEqualsRecompute();
    await setWeighting(POSTSTRATIFY);
    await expectLiveEqualsRecompute();
  });

  it('recomputes from the responses while the cells do not add up to the counts, never publishing half-moved cells', async () => {
    await setWeighting(POSTSTRATIFY);
    const before = (await read('weighted=1').expect(200)).body;
    const tallies = mongoose.connection.db!.collection('tallies');
    // As a change of variables leaves them mid-way: one question's cells emptied, its plain counts kept.
    await tallies.updateOne({ surveyId: CAPTIC_ID, waveId: WAVE, segment: 'all', questionId: 'usage' }, { $set: { k: {} } });
    const meanwhile = (await read('weighted=1').expect(200)).body;
    expect(meanwhile.source).to.equal('responses');
    expectSameFigures(before, meanwhile);
    // A change of variables rebuilds the cells from the responses.
    await setWeighting(RAKE);
    expect((await read('weighted=1').expect(200)).body.source).to.equal('counters');
  });

  it('still refuses weighted=1 with neither targets nor design weights (404 weighting_not_set)', async () => {
    await removeWeighting();
    await giveDesignWeights(() => 1);
    const res = await read('weighted=1');
    expect(res.status).to.equal(404);
    expect(res.body.error.code).to.equal('weighting_not_set');
  });
});
