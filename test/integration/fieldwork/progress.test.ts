// The fieldwork progress of a wave, on a seeded CAP-TIC demo wave whose every figure is worked
// out by hand below: counts by status, completion rate, median duration, the drop-out funnel, a
// quota cell, and the target and field dates against the clock. Test responses count nowhere;
// voided ones are counted apart.
import { expect } from 'chai';
import supertest from 'supertest';
import mongoose from 'mongoose';
import type { Document } from 'mongodb';
import { useAppSuite } from '../../support/app-suite';
import { text } from '../../support/browser';
import { apiTokenFor, signedInBrowser, storedCollection } from '../../support/staff';
import { CAPTIC_ID } from '../../fixtures/captic-answers';
import { storedResponseDocument } from '../../fixtures/stored-response';
import { forgetWaves } from '../../../server/waves/wave.service';

const WAVE = 'demo';
const PROGRESS_PAGE = `/admin/surveys/${CAPTIC_ID}/waves/${WAVE}/progress`;
const PROGRESS_API = `/api/v1/surveys/${CAPTIC_ID}/waves/${WAVE}/progress`;
/** Midway through the field period set below: 10 March 2026, midnight in Paris. */
const NOW = '2026-03-10T23:00:00Z';
const MINUTE = 60_000;

let seeded = 0;

/** A stored response of the demo wave, started at 09:00 UTC on 2 March 2026. */
function response(spec: { status: 'partial' | 'complete' | 'screened_out' | 'voided'; lastPageId?: string; minutes?: number; companySize?: string; test?: boolean }): Document {
  seeded += 1;
  const startedAt = new Date(Date.UTC(2026, 2, 2, 9, 0) + seeded * MINUTE);
  const doc = storedResponseDocument({
    fingerprint: 'seeded',
    tokenSeed: `progress-${seeded}`,
    status: spec.status === 'complete' || (spec.status === 'voided' && spec.minutes !== undefined) ? 'complete' : 'partial',
    answers: spec.companySize ? { uses_social: 'no', company_size: spec.companySize } : { uses_social: 'no' },
    otherTexts: {},
    language: 'fr',
    lastPageId: spec.lastPageId ?? 'social_use',
    startedAt,
    savedAt: new Date(startedAt.getTime() + (spec.minutes ?? 1) * MINUTE),
    revision: 1,
  });
  if (!spec.lastPageId) delete doc.lastPageId;
  return { ...doc, waveId: WAVE, status: spec.status, ...(spec.test ? { test: true } : {}) };
}

/**
 * By hand: completes of 5, 7, 10 and 20 minutes -> median (7 + 10) / 2 = 8.5 min = 8 min 30 s.
 * Started = 4 complete + 4 partial + 1 screened out = 9; completion rate 4 / 9 = 44.4 %.
 * Funnel: the 4 completes and the screened-out one last saved "profile", the last page, so they
 * got as far as every page (5); 2 partials stopped after "social_use" (8 got that far), 1 after
 * "information" (6 got as far as social_usage, satisfaction and information: 5 + 1); 1 saved no
 * page. The test response (1 minute, tpe) and the voided one (2 minutes, tpe) change none of this.
 * Quota company_size = tpe, limit 3: 2 counted completes.
 */
async function seedWave(): Promise<void> {
  seeded = 0;
  await mongoose.connection.db!.collection('responses').insertMany([
    response({ status: 'complete', lastPageId: 'profile', minutes: 5, companySize: 'tpe' }),
    response({ status: 'complete', lastPageId: 'profile', minutes: 7, companySize: 'pme' }),
    response({ status: 'complete', lastPageId: 'profile', minutes: 10, companySize: 'tpe' }),
    response({ status: 'complete', lastPageId: 'profile', minutes: 20, companySize: 'pme' }),
    response({ status: 'partial', lastPageId: 'social_use' }),
    response({ status: 'partial', lastPageId: 'social_use' }),
    response({ status: 'partial', lastPageId: 'information' }),
    response({ status: 'partial' }),
    response({ status: 'screened_out', lastPageId: 'profile', companySize: 'tpe' }),
    response({ status: 'complete', lastPageId: 'profile', minutes: 1, companySize: 'tpe', test: true }),
    response({ status: 'partial', test: true }),
    response({ status: 'voided', lastPageId: 'profile', minutes: 2, companySize: 'tpe' }),
  ]);
  // Field dates 1–20 March 2026 in Paris, a target of 20 completes and a quota, as the console sets them.
  await storedCollection('waves').updateOne(
    { surveyId: CAPTIC_ID, waveId: WAVE },
    {
      $set: {
        opensAt: new Date('2026-02-28T23:00:00Z'),
        closesAt: new Date('2026-03-20T23:00:00Z'),
        targetSample: 20,
        quotas: [{ questionId: 'company_size', optionId: 'tpe', limit: 3 }],
      },
    },
  );
  forgetWaves(CAPTIC_ID);
}

describe('Fieldwork progress', function () {
  this.timeout(30_000);
  const suite = useAppSuite({ startAt: NOW, seed: seedWave, organizerOf: [CAPTIC_ID], analystOf: [CAPTIC_ID] });

  it('shows the counts, the completion rate, the median duration and the funnel worked out by hand', async () => {
    const page = await suite.browser.get(PROGRESS_PAGE);
    expect(page.status).to.equal(200);
    expect(text(page, 'h1')).to.equal('Fieldwork of wave demo');
    expect(page.$('nav.wave-nav a[aria-current=page]').attr('href')).to.equal(PROGRESS_PAGE);
    expect(text(page, '#count-started')).to.equal('9');
    expect(text(page, '#count-complete')).to.equal('4');
    expect(text(page, '#count-partial')).to.equal('4');
    expect(text(page, '#count-screened-out')).to.equal('1');
    expect(text(page, '#count-voided')).to.equal('1');
    expect(text(page, '#completion-rate')).to.equal('44.4%');
    expect(text(page, '#median-duration')).to.equal('8 min 30 s');
    expect(text(page, '#counts-definition')).to.contain('Completion rate = complete ÷ started');

    const funnel = page.$('#funnel tbody tr').toArray().map((row) => {
      const cells = page.$(row).find('td').toArray().map((cell) => page.$(cell).text().trim());
      return [page.$(row).attr('data-page'), ...cells];
    });
    expect(funnel).to.deep.equal([
      ['', '–', '1'],
      ['social_use', '8', '2'],
      ['social_usage', '6', '0'],
      ['satisfaction', '6', '0'],
      ['information', '6', '1'],
      ['real_networks', '5', '0'],
      ['club_obstacles_page', '5', '0'],
      ['reasons_page', '5', '0'],
      ['captic_project', '5', '0'],
      ['profile', '5', '0'],
    ]);

    expect(text(page, '#quota-cells tr[data-cell="company_size.tpe"]')).to.equal('How large is your company? – Fewer than 50 employees (micro / small) 2 / 3');
    expect(text(page, '#target-progress')).to.equal('4 completes of 20 (20%)');
    expect(text(page, '#field-dates')).to.contain('2026-03-01 to 2026-03-20');
    expect(text(page, '#field-elapsed')).to.equal('50%');
    expect(text(page, '#field-expected')).to.equal('10 completes by now');
    expect(page.$('#set-quotas').attr('href')).to.equal(`/admin/surveys/${CAPTIC_ID}/waves/${WAVE}/quotas`);
  });

  it('is in French for a French reader, and readable by an analyst, without the quota settings', async () => {
    const browser = await signedInBrowser(suite.app, suite.analyst);
    const page = await browser.get(PROGRESS_PAGE);
    expect(page.status).to.equal(200);
    expect(text(page, 'h1')).to.equal('Terrain de la vague demo');
    expect(text(page, '#completion-rate')).to.match(/^44,4\s%$/);
    expect(text(page, '#median-duration')).to.equal('8 min 30 s');
    expect(text(page, '#field-dates')).to.contain('du 2026-03-01 au 2026-03-20');
    expect(page.$('#set-quotas')).to.have.length(0);
  });

  it('answers the same figures as JSON', async () => {
    const token = await apiTokenFor(suite.analyst, 'read');
    const res = await supertest(suite.app.url).get(PROGRESS_API).set('Authorization', `Bearer ${token}`).expect(200);
    expect(res.body).to.deep.include({
      surveyId: CAPTIC_ID,
      waveId: WAVE,
      phase: 'open',
      timeZone: 'Europe/Paris',
      medianDurationMs: 8.5 * MINUTE,
      noPageSaved: 1,
      targetSample: 20,
      targetShare: 0.2,
    });
    expect(res.body.counts).to.deep.equal({ started: 9, complete: 4, partial: 4, screenedOut: 1, voided: 1 });
    expect(res.body.completionRate).to.be.closeTo(4 / 9, 1e-12);
    expect(res.body.funnel[0]).to.deep.include({ pageId: 'social_use', reached: 8, stoppedHere: 2 });
    expect(res.body.quotas).to.deep.equal([{ questionId: 'company_size', optionId: 'tpe', limit: 3, count: 2, full: false }]);
    expect(res.body.pace).to.deep.equal({
      startDay: '2026-03-01',
      endDay: '2026-03-20',
      opensAt: '2026-02-28T23:00:00.000Z',
      closesAt: '2026-03-20T23:00:00.000Z',
      elapsedShare: 0.5,
      expectedCompletes: 10,
    });
  });

  it('shows no rate nor median before anyone starts', async () => {
    await mongoose.connection.db!.collection('responses').deleteMany({});
    const page = await suite.browser.get(PROGRESS_PAGE);
    expect(text(page, '#count-started')).to.equal('0');
    expect(text(page, '#completion-rate')).to.equal('–');
    expect(text(page, '#median-duration')).to.equal('–');
    expect(text(page, '#quota-cells tr[data-cell="company_size.tpe"]')).to.contain('0 / 3');
  });

  it('answers 404 for a wave the survey does not have', async () => {
    expect((await suite.browser.get(`/admin/surveys/${CAPTIC_ID}/waves/1999-01/progress`)).status).to.equal(404);
  });
});
