// The console's home: each account sees the surveys it may see, with every wave's status, field
// dates and counts of complete and partial responses, and only the links its role allows.
import { expect } from 'chai';
import { importResponses } from '../../../server/responses/import.service';
import { startResponse } from '../../../server/responses/response.service';
import { TEST_ACTOR, wavesOf } from '../../support/waves';
import { startTestApp, type TestApp } from '../../support/app';
import { createStaff, signedInBrowser } from '../../support/staff';
import { captic250AsJsonLines } from '../../fixtures/captic-250';
import { CAPTIC_ID } from '../../fixtures/captic-answers';

const COWORKING_ID = 'coworking_members_2026';

describe('The console home', function () {
  this.timeout(60_000);
  let app: TestApp;

  before(async () => {
    app = await startTestApp();
    await app.reset();
    const survey = app.catalog.require(CAPTIC_ID);
    await importResponses({ survey, wave: '2011-03', format: 'jsonl', content: captic250AsJsonLines() });
    await wavesOf(app).createWave(CAPTIC_ID, { waveId: '2012-03' }, TEST_ACTOR);
    for (let i = 0; i < 3; i += 1) {
      await startResponse({ surveyId: CAPTIC_ID, waveId: '2011-03', fingerprint: survey.fingerprint, language: 'fr', consented: true, now: new Date() });
    }
  });
  after(async () => app.close());

  function waveRows(page: Awaited<ReturnType<Awaited<ReturnType<typeof signedInBrowser>>['get']>>, surveyId: string) {
    return page.$(`#survey-${surveyId}`).closest('section').find('tbody tr').toArray().map((row) => {
      const cells = page.$(row).children().toArray().map((cell) => page.$(cell).text().replace(/\s+/g, ' ').trim());
      return { wave: cells[0], status: cells[1], dates: cells[2], complete: cells[3], partial: cells[4], links: page.$(row).find('a').toArray().map((a) => page.$(a).attr('href')) };
    });
  }

  it('shows an admin every survey, each wave with its status, field dates and counts', async () => {
    const admin = await createStaff(app, { email: 'admin@example.org', role: 'admin' });
    const browser = await signedInBrowser(app, admin);
    browser.acceptLanguage = 'en';
    const page = await browser.get('/admin');
    expect(page.status).to.equal(200);
    expect(page.$('section h2').length).to.equal(app.catalog.list().length);
    const rows = waveRows(page, CAPTIC_ID);
    expect(rows.map((row) => row.wave)).to.deep.equal(['2012-03', '2011-03']);
    expect(rows[0]).to.include({ status: 'Draft', dates: '2012-03-01 → 2012-03-31', complete: '0', partial: '0' });
    expect(rows[1]).to.include({ status: 'Open', complete: '250', partial: '3' });
    expect(rows[1]!.links).to.include(`/admin/surveys/${CAPTIC_ID}/waves/2011-03/report?lang=en`);
    expect(rows[1]!.links).to.include(`/admin/surveys/${CAPTIC_ID}/waves/2011-03/export.csv`);
    expect(page.$('.console-nav a[href="/admin/users"]').length).to.equal(1);
  });

  it('shows an analyst only the surveys granted, without the admin links, in French by default', async () => {
    const analyst = await createStaff(app, { email: 'analyst@example.org', role: 'analyst', grants: [COWORKING_ID] });
    const browser = await signedInBrowser(app, analyst);
    const page = await browser.get('/admin');
    expect(page.status).to.equal(200);
    expect(page.$('section h2').length).to.equal(1);
    expect(page.$(`#survey-${COWORKING_ID}`).length).to.equal(1);
    expect(page.$(`#survey-${CAPTIC_ID}`).length).to.equal(0);
    expect(page.$('.console-nav a[href="/admin/users"]').length).to.equal(0);
    expect(page.$('.console-nav a[href="/admin/audit"]').length).to.equal(0);
    expect(page.$('h1').text()).to.equal('Console');
    expect(page.html).to.contain('Votre rôle : Analyste');
  });

  it('tells an account with no grant yet that an administrator will grant access', async () => {
    const newcomer = await createStaff(app, { email: 'newcomer@example.org', role: 'organizer' });
    const browser = await signedInBrowser(app, newcomer);
    browser.acceptLanguage = 'en';
    const page = await browser.get('/admin');
    expect(page.$('section').length).to.equal(0);
    expect(page.html).to.contain('No survey is open to you yet');
  });
});
