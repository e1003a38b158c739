// Wave comparisons across a reworded question: the figures API and the report mark the break in
// series and do not test across it, until an organizer marks the change as editorial.
import { expect } from 'chai';
import supertest from 'supertest';
import { importResponses } from '../../../server/responses/import.service';
import { startTestApp, type TestApp } from '../../support/app';
import { apiTokenFor, createStaff, signedInBrowser } from '../../support/staff';
import type { Browser } from '../../support/browser';
import { buildCaptic250, captic250AsJsonLines } from '../../fixtures/captic-250';
import { CAPTIC_ID } from '../../fixtures/captic-answers';
import { launchRewordedWave, NEXT_WAVE } from './support';

const FIGURES = `/api/v1/surveys/${CAPTIC_ID}/waves`;
const REPORT = `/admin/surveys/${CAPTIC_ID}/waves/${NEXT_WAVE}/report`;
const CHANGES = `/admin/surveys/${CAPTIC_ID}/waves/${NEXT_WAVE}/changes`;

describe('A break in series in wave comparisons', function () {
  this.timeout(60_000);
  let app: TestApp;
  let token: string;
  let analyst: Browser;
  let organizer: Browser;
  const figures = async (path: string) => {
    const res = await supertest(app.url).get(`${FIGURES}/${path}`).set('Authorization', `Bearer ${token}`);
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    return res.body;
  };
  const markEditorial = async (editorial: 'yes' | 'no') => {
    const page = await organizer.get(CHANGES);
    const posted = await organizer.post(`${CHANGES}/editorial`, { ...organizer.hiddenFields(page), ref: 'question:uses_social', editorial });
    expect(posted.status).to.equal(303);
  };

  before(async () => {
    app = await startTestApp();
    await app.reset();
    const survey = app.catalog.require(CAPTIC_ID);
    await importResponses({ survey, wave: '2011-03', format: 'jsonl', content: captic250AsJsonLines() });
    await launchRewordedWave(app);
    const nextYear = buildCaptic250(99).map((r) => JSON.stringify(r)).join('\n');
    await importResponses({ survey, wave: NEXT_WAVE, format: 'jsonl', content: nextYear, skipDuplicates: true });
    const analystStaff = await createStaff(app, { email: 'analyst@example.org', role: 'analyst', grants: [CAPTIC_ID] });
    token = await apiTokenFor(analystStaff, 'read');
    analyst = await signedInBrowser(app, analystStaff);
    organizer = await signedInBrowser(app, await createStaff(app, { email: 'organizer@example.org', role: 'organizer', grants: [CAPTIC_ID] }));
  });
  after(async () => app.close());

  it('marks the reworded question in the figures API and leaves out its wave-over-wave test', async () => {
    const body = await figures(`${NEXT_WAVE}/figures?compare=2011-03`);
    expect(body.comparedWith.wave).to.equal('2011-03');
    expect(body.questions.uses_social.seriesBreak).to.deep.equal({ reworded: ['question:uses_social'] });
    expect(body.questions.uses_social.options.yes).to.not.have.property('change');
    // Questions worded alike are still compared.
    expect(body.questions.club_member).to.not.have.property('seriesBreak');
    expect(body.questions.club_member.options.yes.change).to.have.keys(['previous', 'difference', 'z', 'pValue', 'significant']);
  });

  it('marks it whichever wave is compared with which, and not without a comparison', async () => {
    const backwards = await figures(`2011-03/figures?compare=${NEXT_WAVE}`);
    expect(backwards.questions.uses_social.seriesBreak).to.deep.equal({ reworded: ['question:uses_social'] });
    expect(backwards.questions.uses_social.options.yes).to.not.have.property('change');
    const alone = await figures(`${NEXT_WAVE}/figures`);
    expect(alone.questions.uses_social).to.not.have.property('seriesBreak');
  });

  it('shows a note in the report instead of the changes of the reworded question', async () => {
    const page = await analyst.get(`${REPORT}?lang=en&compare=2011-03`);
    expect(page.status).to.equal(200);
    expect(page.$('#compared-with').text()).to.contain('2011-03');
    const reworded = page.$('#result-uses_social');
    expect(reworded.find('.series-break').text()).to.contain('Break in series').and.contain('2011-03').and.contain('the question');
    expect(reworded.find('td.change').length).to.equal(0);
    const alike = page.$('#result-club_member');
    expect(alike.find('.series-break').length).to.equal(0);
    expect(alike.find('td.change').length).to.equal(2);
    expect(alike.find('td.change').first().text()).to.match(/[+−±]\d+\.\d pts/);
    // The report offers the comparison with the other waves, and the way back to none.
    expect(page.$('.compare-waves strong').text()).to.equal('2011-03');
    expect(page.$('.compare-waves a').map((_, a) => page.$(a).text()).get()).to.deep.equal(['no wave', 'demo']);
  });

  it('compares across the rewording once an organizer marks it editorial, and stops again when unmarked', async () => {
    await markEditorial('yes');
    const body = await figures(`${NEXT_WAVE}/figures?compare=2011-03`);
    expect(body.questions.uses_social).to.not.have.property('seriesBreak');
    expect(body.questions.uses_social.options.yes.change).to.have.keys(['previous', 'difference', 'z', 'pValue', 'significant']);
    const page = await analyst.get(`${REPORT}?lang=en&compare=2011-03`);
    expect(page.$('#result-uses_social .series-break').length).to.equal(0);
    expect(page.$('#result-uses_social td.change').length).to.equal(2);

    await markEditorial('no');
    expect((await figures(`${NEXT_WAVE}/figures?compare=2011-03`)).questions.uses_social.seriesBreak).to.deep.equal({ reworded: ['question:uses_social'] });
  });
});
