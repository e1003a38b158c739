// Signing in and out through the real forms, with sessions stored in the database.
import { expect } from 'chai';
import { startTestApp, type TestApp } from '../../support/app';
import { Browser } from '../../support/browser';
import { createStaff, signedInBrowser } from '../../support/staff';
import { CAPTIC_ID } from '../../fixtures/captic-answers';

describe('Signing in', function () {
  this.timeout(30_000);
  let app: TestApp;
  before(async () => {
    app = await startTestApp();
  });
  beforeEach(async () => app.reset());
  after(async () => app.close());

  it('lets an analyst in to the console, and out again', async () => {
    const analyst = await createStaff(app, { email: 'ana@example.org', role: 'analyst', grants: [CAPTIC_ID] });
    const browser = await signedInBrowser(app, analyst);
    const home = await browser.get('/admin');
    expect(home.status).to.equal(200);
    expect(home.$('#survey-captic_2011').text()).to.contain('réseaux sociaux');
    const signOut = await browser.post('/logout', browser.hiddenFields(home));
    expect(signOut.status).to.equal(303);
    const after = await browser.get('/admin');
    expect(after.status).to.equal(303);
    expect(after.location).to.match(/^\/login\?next=%2Fadmin/);
  });

  it('sends an anonymous visitor of /admin to the sign-in page', async () => {
    const page = await new Browser(app.url).get('/admin/surveys/captic_2011/waves/current/report');
    expect(page.status).to.equal(303);
    expect(page.location).to.equal('/login?next=%2Fadmin%2Fsurveys%2Fcaptic_2011%2Fwaves%2Fcurrent%2Freport');
  });
});
