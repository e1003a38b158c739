// The console's home: each account sees the surveys it may see, with every wave's phase at the
// app's clock, its field dates in the survey's time zone, its counts of complete and partial
// responses, and only the links its role allows.
import { expect } from 'chai';
import { importResponses } from '../../../server/responses/import.service';
import { startResponse } from '../../../server/responses/response.service';
import { createLogger } from '../../../server/lib/logger';
import { createWaveLifecycle } from '../../../server/waves/wave-lifecycle.service';
import { parseLocalDateTime } from '../../../server/waves/wave-dates';
import { startTestApp, type TestApp } from '../../support/app';
import { createTestClock } from '../../support/clock';
import { createStaff, signedInBrowser } from '../../support/staff';
import { captic250AsJsonLines } from '../../fixtures/captic-250';
import { CAPTIC_ID } from '../../fixtures/captic-answers';

const COWORKING_ID = 'coworking_members_2026';

describe('The console home', function () {
  this.timeout(60_000);
  let app: TestApp;
  /** A month before the 2012 wave opens. */
  const clock = createTestClock('2012-02-01T10:00:00Z');
  const paris = (local: string) => parseLocalDateTime(local, 'Europe/Paris')!;

  before(async () => {
    app = await startTestApp({}, { clock });
    await app.reset();
    const survey = app.catalog.require(CAPTIC_ID);
    await importResponses({ survey, wave: '2011-03', format: 'jsonl', content: captic250AsJsonLines() });
    // The 2012 edition opens on 1 March and closes at the end of 31 March, Paris time.
    const waves = createWaveLifecycle({ catalog: app.catalog, logger: createLogger(app.config), clock });
    await waves.closeWave(CAPTIC_ID, 'demo', { via: 'cli' });
    await waves.createWave(CAPTIC_ID, { waveId: '2012-03', copyFrom: '2011-03' }, { via: 'cli' });
    await waves.setSchedule(CAPTIC_ID, '2012-03', { opensAt: paris('2012-03-01T00:00'), closesAt: paris('2012-04-01T00:00') }, { via: 'cli' });
    await waves.scheduleWave(CAPTIC_ID, '2012-03', { via: 'cli' });
    for (let i = 0; i < 3; i += 1) {
      await startResponse({ surveyId: CAPTIC_ID, waveId: '2011-03', fingerprint: survey.fingerprint, language: 'fr', consented: true, now: new Date('2011-03-10T10:00:00Z') });
    }
  });
  after(async () => app.close());

  function waveRows(page: Awaited<ReturnType<Awaited<ReturnType<typeof signedInBrowser>>['get']>>, surveyId: string) {
    return page.$(`#survey-${surveyId}`).closest('section').find('tbody tr').toArray().map((row) => {
      const cells = page.$(row).children().toArray().map((cell) => page.$(cell).text().replace(/\s+/g, ' ').trim());
      return { wave: cells[0], status: cells[1], dates: cells[2], complete: cells[3], partial: cells[4], links: page.$(row).find('a').toArray().map((a) => page.$(a).attr('href')) };
    });
  }

  it('shows an admin every survey, each wave with its phase at the clock, field dates in the survey\'s zone and counts', async () => {
    const admin = await createStaff(app, { email: 'admin@example.org', role: 'admin' });
    const browser = await signedInBrowser(app, admin);
    browser.acceptLanguage = 'en';
    clock.set('2012-02-01T10:00:00Z');
    const page = await browser.get('/admin');
    expect(page.status).to.equal(200);
    expect(page.$('section h2').length).to.equal(app.catalog.list().length);
    expect(page.$(`#survey-${CAPTIC_ID} a`).attr('href')).to.equal(`/admin/surveys/${CAPTIC_ID}`);
    expect(page.$(`#survey-${CAPTIC_ID}`).closest('section').text()).to.contain('Dates and times in the Europe/Paris time zone.');
    const rows = waveRows(page, CAPTIC_ID);
    expect(rows.map((row) => row.wave)).to.deep.equal(['2012-03', 'demo', '2011-03']);
    // Opening at midnight in Paris is 23:00 UTC the day before: the days shown are Paris days.
    expect(rows[0]).to.include({ status: 'Scheduled', dates: '2012-03-01 → 2012-03-31', complete: '0', partial: '0' });
    expect(rows[0]!.links).to.include(`/admin/surveys/${CAPTIC_ID}/waves/2012-03`);
    expect(rows[1]).to.include({ status: 'Closed' });
    expect(rows[2]).to.include({ status: 'Closed', dates: '2011-03-01 → 2011-03-31', complete: '250', partial: '3' });
    expect(rows[2]!.links).to.include(`/admin/surveys/${CAPTIC_ID}/waves/2011-03/report?lang=en`);
    expect(rows[2]!.links).to.include(`/admin/surveys/${CAPTIC_ID}/waves/2011-03/export.csv`);
    expect(page.$('.console-nav a[href="/admin/users"]').length).to.equal(1);
  });

  it('shows a scheduled wave open once the clock passes its open time, and closed after its close time, without anyone touching it', async () => {
    const admin = await createStaff(app, { email: 'clock-admin@example.org', role: 'admin' });
    const browser = await signedInBrowser(app, admin);
    browser.acceptLanguage = 'en';
    clock.set(paris('2012-03-01T00:00'));
    expect(waveRows(await browser.get('/admin'), CAPTIC_ID)[0]).to.include({ wave: '2012-03', status: 'Open' });
    clock.set(paris('2012-04-01T00:00'));
    expect(waveRows(await browser.get('/admin'), CAPTIC_ID)[0]).to.include({ wave: '2012-03', status: 'Closed' });
    clock.set('2012-02-01T10:00:00Z');
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
