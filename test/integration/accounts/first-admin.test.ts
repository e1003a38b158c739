// The first admin: while no account exists, /setup creates one for whoever holds the setup code
// boot printed; never without it, never twice.
import { expect } from 'chai';
import type { TestApp } from '../../support/app';
import { useAppSuite } from '../../support/app-suite';
import { Browser, type Page } from '../../support/browser';
import { createStaff, setCookieNamed, storedCollection, STRONG_PASSWORD } from '../../support/staff';

const ADMIN = { email: 'root@example.org', name: 'Première Admin', password: STRONG_PASSWORD };

/** Opens /setup in a new browser and posts its form with `fields`. */
async function postSetup(app: TestApp, fields: Record<string, string>): Promise<{ browser: Browser; page: Page }> {
  const browser = new Browser(app.url);
  const form = await browser.get('/setup');
  expect(form.status).to.equal(200);
  const page = await browser.post('/setup', { ...browser.hiddenFields(form), ...ADMIN, ...fields });
  return { browser, page };
}

describe('Setting up the first admin', function () {
  this.timeout(30_000);
  const suite = useAppSuite();

  const users = () => storedCollection('users').find({}).toArray();

  it('shows the setup form while no account exists', async () => {
    const page = await new Browser(suite.app.url).get('/setup');
    expect(page.status).to.equal(200);
    expect(page.$('h1').text()).to.equal('Créer le premier administrateur');
    const form = page.$('form[action="/setup"]');
    for (const field of ['code', 'email', 'name', 'password', '_csrf']) expect(form.find(`[name=${field}]`), field).to.have.length(1);
  });

  it('refuses a wrong code with 403, creates nothing and keeps what was typed', async () => {
    const { page } = await postSetup(suite.app, { code: 'AAAA-BBBB-CCCC' });
    expect(page.status).to.equal(403);
    expect(page.$('.error-summary').text()).to.contain('Ce code de mise en route est incorrect.');
    expect(page.$('input[name=email]').val()).to.equal(ADMIN.email);
    expect(page.$('input[name=name]').val()).to.equal(ADMIN.name);
    expect(page.$('input[name=password]').val() ?? '').to.equal('');
    expect(page.$('input[name=code]').val() ?? '').to.equal('');
    expect(await users()).to.have.length(0);
    expect(await storedCollection('sessions').countDocuments()).to.equal(0);
  });

  it('refuses a missing, empty, over-long or repeated code with 403', async () => {
    const browser = new Browser(suite.app.url);
    const fields = browser.hiddenFields(await browser.get('/setup'));
    for (const code of [undefined, '', `${suite.app.firstAdmin.code}${'0'.repeat(60)}`, [suite.app.firstAdmin.code, suite.app.firstAdmin.code]]) {
      const page = await browser.post('/setup', { ...fields, ...ADMIN, ...(code === undefined ? {} : { code }) });
      expect(page.status, JSON.stringify(code)).to.equal(403);
    }
    expect(await users()).to.have.length(0);
  });

  it('throttles repeated wrong codes: 429 with Retry-After, even for the right code then', async () => {
    const browser = new Browser(suite.app.url);
    const fields = browser.hiddenFields(await browser.get('/setup'));
    for (let i = 0; i < 6; i += 1) {
      const page = await browser.post('/setup', { ...fields, ...ADMIN, code: `WRNG-${String(i).padStart(4, '0')}-0000` });
      expect(page.status).to.equal(403);
    }
    const throttled = await storedCollection('login_throttle').find({ blockedUntil: { $gt: new Date() } }).toArray();
    expect(throttled.length, 'the sixth wrong code starts a delay').to.be.greaterThan(0);
    // Hold the delay, rather than race its one second.
    await storedCollection('login_throttle').updateMany({}, { $set: { blockedUntil: new Date(Date.now() + 60_000) } });
    const page = await browser.post('/setup', { ...fields, ...ADMIN, code: suite.app.firstAdmin.code });
    expect(page.status).to.equal(429);
    expect(Number(page.headers['retry-after'])).to.be.within(55, 60);
    expect(page.$('.error-summary').text()).to.contain('Trop de tentatives');
    expect(await users()).to.have.length(0);
  });

  it('creates the admin with the right code, signs them in and records it', async () => {
    const { browser, page } = await postSetup(suite.app, { code: suite.app.firstAdmin.code });
    expect(page.status, page.html.slice(0, 300)).to.equal(303);
    expect(page.location).to.equal('/admin');
    expect(setCookieNamed(page.headers, 'brm_session')).to.not.equal(undefined);
    const stored = await users();
    expect(stored).to.have.length(1);
    expect(stored[0]).to.include({ email: ADMIN.email, name: ADMIN.name, role: 'admin' });
    expect(stored[0]!.passwordHash).to.match(/^scrypt\$/);
    expect(JSON.stringify(stored[0])).to.not.contain(STRONG_PASSWORD);
    expect((await browser.get('/admin')).status).to.equal(200);
    const event = await storedCollection('audit_events').findOne({ action: 'first_admin_created' });
    expect(event).to.include({ target: ADMIN.email, actorEmail: ADMIN.email, via: 'anonymous' });
  });

  it('accepts the code typed in lower case, with spaces instead of dashes', async () => {
    const typed = suite.app.firstAdmin.code.toLowerCase().replace(/-/g, ' ');
    const { page } = await postSetup(suite.app, { code: ` ${typed} ` });
    expect(page.status, page.html.slice(0, 300)).to.equal(303);
    expect(await users()).to.have.length(1);
  });

  it('refuses a bad email or a weak password with the right code, and keeps the setup open', async () => {
    const refusals: Array<[Record<string, string>, number, RegExp]> = [
      [{ email: 'root@example.org\r\nBcc: victim@example.org' }, 400, /adresse e-mail n’est pas valide/],
      [{ email: 'not an email' }, 400, /adresse e-mail n’est pas valide/],
      [{ email: 'root@example.org' + 'x'.repeat(250) }, 400, /adresse e-mail n’est pas valide/],
      [{ password: 'short' }, 422, /au moins 12 caractères/],
      [{ password: 'password1234' }, 422, /trop courant ou trop facile à deviner/],
      [{ password: 'root@example.org' }, 422, /trop courant ou trop facile à deviner/],
      [{ password: 'x'.repeat(257) }, 422, /au plus 256 caractères/],
      [{ name: 'Eve\u0007' }, 400, /sans caractères de contrôle/],
    ];
    for (const [fields, status, message] of refusals) {
      const { page } = await postSetup(suite.app, { code: suite.app.firstAdmin.code, ...fields });
      expect(page.status, JSON.stringify(fields)).to.equal(status);
      expect(page.$('.error-summary').text(), JSON.stringify(fields)).to.match(message);
      expect(page.html).to.not.contain('victim@example.org\r');
    }
    expect(await users()).to.have.length(0);
    expect(await storedCollection('app_state').countDocuments()).to.equal(0);
    // The code still works once the form is right.
    expect((await postSetup(suite.app, { code: suite.app.firstAdmin.code })).page.status).to.equal(303);
  });

  it('explains a refused email in the person\'s language', async () => {
    const { page } = await postSetup(suite.app, { code: suite.app.firstAdmin.code, email: 'root@example.org\r\nBcc: victim@example.org' });
    expect(page.status).to.equal(400);
    expect(page.$('.error-summary').text()).to.not.match(/an email address|Email:/);
  });

  it('sends /setup to the sign-in page once an account exists, and refuses a POST with 409 even with the right code', async () => {
    await createStaff(suite.app, { email: 'ana@example.org', role: 'analyst' });
    const browser = new Browser(suite.app.url);
    const form = await browser.get('/setup');
    expect(form.status).to.equal(303);
    expect(form.location).to.equal('/login');
    const login = await browser.get('/login');
    const page = await browser.post('/setup', { ...browser.hiddenFields(login), ...ADMIN, code: suite.app.firstAdmin.code });
    expect(page.status).to.equal(409);
    expect(page.$('.error-summary').text()).to.contain('Un administrateur existe déjà');
    const stored = await users();
    expect(stored.map((user) => user.email)).to.deep.equal(['ana@example.org']);
    expect(await storedCollection('sessions').countDocuments()).to.equal(0);
  });

  it('lets exactly one of two setups at the same moment through', async () => {
    const browsers = [new Browser(suite.app.url), new Browser(suite.app.url)];
    const forms = await Promise.all(browsers.map((browser) => browser.get('/setup')));
    const pages = await Promise.all(browsers.map((browser, i) =>
      browser.post('/setup', { ...browser.hiddenFields(forms[i]!), ...ADMIN, email: `admin${i}@example.org`, code: suite.app.firstAdmin.code })));
    expect(pages.map((page) => page.status).sort()).to.deep.equal([303, 409]);
    const stored = await users();
    expect(stored).to.have.length(1);
    expect(stored[0]!.role).to.equal('admin');
    const winner = pages.findIndex((page) => page.status === 303);
    expect(stored[0]!.email).to.equal(`admin${winner}@example.org`);
    expect(await storedCollection('sessions').countDocuments()).to.equal(1);
  });
});
