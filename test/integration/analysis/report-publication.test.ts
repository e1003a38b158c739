// The publication rules decide, from the survey's sampling, how the report shows intervals: the
// tables and the methodology box read the same rule. The same 250 CAP-TIC answers are stored
// under versions of the definition that differ only in `sampling` or `intervals`.
import { expect } from 'chai';
import * as cheerio from 'cheerio';
import mongoose from 'mongoose';
import supertest from 'supertest';
import { importResponses } from '../../../server/responses/import.service';
import { registerSurvey } from '../../../server/surveys/survey.catalog';
import { fingerprintSurvey } from '../../../server/surveys/fingerprint';
import type { LoadedSurvey } from '../../../server/surveys/survey.loader';
import type { TSurveyDefinition } from '../../../server/surveys/survey.schemas';
import { maximumMarginOfError } from '../../../server/analysis/report/publication-rules';
import { startTestApp, type TestApp } from '../../support/app';
import type { Browser } from '../../support/browser';
import { apiTokenFor, createStaff, signedInBrowser } from '../../support/staff';
import { captic250AsJsonLines } from '../../fixtures/captic-250';
import { CAPTIC_ID } from '../../fixtures/captic-answers';

function readable(text: string): string {
  return text.replace(/[\u00a0\u202f]/g, ' ').replace(/\s+/g, ' ').trim();
}

describe('The report under each sampling method', function () {
  this.timeout(60_000);
  let app: TestApp;
  let organizer: Browser;
  let manageToken: string;

  /** A wave whose respondents read a version of CAP-TIC changed by `change`, with the 250 answers. */
  async function waveOfVersion(waveId: string, change: Partial<TSurveyDefinition>, seed: number, weightOf?: (index: number) => number): Promise<void> {
    const definition = { ...(JSON.parse(JSON.stringify(app.catalog.require(CAPTIC_ID).definition)) as TSurveyDefinition), ...change };
    const survey: LoadedSurvey = { definition, fingerprint: fingerprintSurvey(definition), file: `${waveId}.yaml` };
    await registerSurvey(survey);
    const now = new Date();
    await mongoose.connection.db!.collection('waves').insertOne({ surveyId: CAPTIC_ID, waveId, status: 'closed', fingerprint: survey.fingerprint, createdAt: now, updatedAt: now });
    // Another seed for each wave: an import skips records it has already stored.
    const lines = captic250AsJsonLines(seed);
    const content = weightOf
      ? lines.trim().split('\n').map((line, i) => JSON.stringify({ ...(JSON.parse(line) as object), weight: weightOf(i) })).join('\n')
      : lines;
    const report = await importResponses({ survey, wave: waveId, format: 'jsonl', content });
    expect(report.problems).to.deep.equal([]);
    expect(report.imported).to.equal(250);
  }

  const report = async (waveId: string, query = '') => {
    const res = await organizer.agent.get(`/admin/surveys/${CAPTIC_ID}/waves/${waveId}/report?lang=en${query}`).set('Accept', 'text/html');
    expect(res.status).to.equal(200);
    return cheerio.load(res.text);
  };
  const tableHeaders = ($: cheerio.CheerioAPI) => $('.question-result table.figures:not(.crosstab) thead th').map((_, th) => readable($(th).text())).get();

  before(async () => {
    app = await startTestApp();
    await app.reset();
    await importResponses({ survey: app.catalog.require(CAPTIC_ID), wave: '2011-03', format: 'jsonl', content: captic250AsJsonLines(7) });
    await waveOfVersion('probability', { sampling: 'probability' }, 1);
    await waveOfVersion('census', { sampling: 'census' }, 2);
    await waveOfVersion('opt-in-hidden', { sampling: 'opt_in', intervals: 'hidden' }, 3);
    await waveOfVersion('design-weighted', {}, 4, (i) => [1, 2.5, 4][i % 3] as number);
    const staff = await createStaff(app, { email: 'organizer@example.org', role: 'organizer', grants: [CAPTIC_ID] });
    organizer = await signedInBrowser(app, staff);
    manageToken = await apiTokenFor(staff, 'manage');
  });
  after(async () => app.close());

  it('gives a probability sample margins of error, in the tables and in the box, widened by the weighting', async () => {
    const weighting = { method: 'poststratify', targets: { company_size: { tpe: 40, pme: 30, eti: 20, ge: 10 } } };
    // A weighted comparison needs both waves weighted.
    for (const waveId of ['probability', '2011-03']) {
      const put = await supertest(app.url).put(`/api/v1/surveys/${CAPTIC_ID}/waves/${waveId}/weighting`).set('Authorization', `Bearer ${manageToken}`).send(weighting);
      expect(put.status).to.equal(204);
    }
    const figures = (await supertest(app.url).get(`/api/v1/surveys/${CAPTIC_ID}/waves/probability/figures?weighted=1`).set('Authorization', `Bearer ${manageToken}`)).body;
    const { designEffect, efficiency } = figures.weighting as { designEffect: number; efficiency: number };

    const $ = await report('probability', '&weighted=1&compare=2011-03');
    expect(tableHeaders($)).to.include('95% interval (margin of error)');
    expect(readable($('#sampling').text())).to.equal('Probability (random) sample');
    const moe = maximumMarginOfError('probability', 250, designEffect)!.toFixed(1);
    const samplingError = readable($('.methodology dd.margin').text());
    expect(samplingError).to.contain(`± ${moe} points at most`);
    expect(samplingError).to.contain('Korn-Graubard');
    expect(samplingError).not.to.contain('credibility');
    // n per wave when comparing.
    expect(readable($('#sample-size').text())).to.equal('Wave probability: 250 respondents; Wave 2011-03: 250 respondents');
    // The weighting's targets, in the wording respondents read, and its efficiency.
    const box = readable($('#weighting').text());
    expect(box).to.contain('Post-stratification on these targets (share of the population):');
    expect(box).to.contain('“How large is your company?”:');
    expect(box).to.contain('40.0%');
    expect(box).to.contain(`Weighting efficiency ${Math.round(100 * efficiency)}%`);

    // Unweighted, the box says a weighting exists and names Wilson intervals.
    const unweighted = await report('probability');
    expect(readable(unweighted('#weighting').text())).to.contain('this wave has a weighting');
    expect(readable(unweighted('.methodology dd.margin').text())).to.contain(`± ${maximumMarginOfError('probability', 250)!.toFixed(1)} points at most`);
    expect(readable(unweighted('.methodology dd.margin').text())).to.contain('Wilson score intervals.');
  });

  it('shows no interval for a census, and says why', async () => {
    const $ = await report('census');
    expect(tableHeaders($).some((h) => /interval/.test(h))).to.equal(false);
    expect($('.question-result table.figures:not(.crosstab) tbody tr').first().find('td')).to.have.length(2);
    expect(readable($('#sampling').text())).to.equal('Census of the population');
    expect(readable($('.methodology dd.margin').text())).to.equal('Census: the whole population was asked, so the figures carry no sampling error and no interval is shown.');
  });

  it('shows no interval for an opt-in survey whose definition hides them, and keeps the AAPOR note', async () => {
    const $ = await report('opt-in-hidden');
    expect(tableHeaders($).some((h) => /interval/.test(h))).to.equal(false);
    const samplingError = readable($('.methodology dd.margin').text());
    expect(samplingError).to.contain('no margin of sampling error is reported');
    expect(samplingError).not.to.contain('credibility');
  });

  it('names design weights alone, and calls a calibration on them a range of factors, not of weights', async () => {
    const alone = readable((await report('design-weighted', '&weighted=1'))('#weighting').text());
    expect(alone).to.contain('Design weights alone, no calibration.');
    expect(alone).to.match(/Efficiency of the design weights \d+%/);
    expect(alone).to.contain('Respondents carry design weights');
    expect(alone).not.to.contain('weights from');
    const dashboard = await organizer.agent.get(`/admin/surveys/${CAPTIC_ID}/waves/design-weighted/dashboard?lang=en&weighted=1`).set('Accept', 'text/html').redirects(2);
    expect(dashboard.status).to.equal(200);
    expect(readable(cheerio.load(dashboard.text)('body').text())).to.contain('Design weights alone, no calibration');

    const weighting = { method: 'poststratify', targets: { company_size: { tpe: 40, pme: 30, eti: 20, ge: 10 } } };
    const put = await supertest(app.url).put(`/api/v1/surveys/${CAPTIC_ID}/waves/design-weighted/weighting`).set('Authorization', `Bearer ${manageToken}`).send(weighting);
    expect(put.status).to.equal(204);
    const calibrated = readable((await report('design-weighted', '&weighted=1'))('#weighting').text());
    expect(calibrated).to.contain('Post-stratification on these targets');
    expect(calibrated).to.match(/calibration factors from \d\.\d\d to \d\.\d\d \(mean 1\), applied to the design weights/);
  });
});
