import { expect } from 'chai';
import { Browser } from '../../support/browser';
import { startTestApp, type TestApp } from '../../support/app';

describe('The home page', () => {
  let app: TestApp;
  before(async () => {
    app = await startTestApp();
    await app.reset();
  });
  after(async () => app.close());

  it('lists the surveys open for answers, and every survey for analysts', async () => {
    const page = await new Browser(app.url).open('/');
    expect(page.status).to.equal(200);
    const open = page.$('h1 + ul a').map((_, a) => page.$(a).attr('href')).get();
    expect(open).to.deep.equal(['/s/captic_2011', '/s/coworking_members_2026?lang=fr']);
    const results = page.$('h2 + ul a').map((_, a) => page.$(a).attr('href')).get();
    expect(results).to.include('/admin/surveys/coworking_members_2026/waves/current/report?lang=fr');
  });
});
