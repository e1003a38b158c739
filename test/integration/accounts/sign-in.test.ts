// Signing in and out through the real forms, with sessions stored in the database.
import { expect } from 'chai';
import { useAppSuite } from '../../support/app-suite';
import { Browser, type FormFields, type Page } from '../../support/browser';
import { createStaff, postSignIn, setCookieNamed, signedInBrowser, storedCollection, type StaffMember } from '../../support/staff';
import { CAPTIC_ID } from '../../fixtures/captic-answers';

describe('Signing in', function () {
  this.timeout(30_000);
  const suite = useAppSuite();

  it('lets an analyst in to the console, and out again', async () => {
    const analyst = await createStaff(suite.app, { email: 'ana@example.org', role: 'analyst', grants: [CAPTIC_ID] });
    const browser = await signedInBrowser(suite.app, analyst);
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
    const page = await new Browser(suite.app.url).get('/admin/surveys/captic_2011/waves/current/report');
    expect(page.status).to.equal(303);
    expect(page.location).to.equal('/login?next=%2Fadmin%2Fsurveys%2Fcaptic_2011%2Fwaves%2Fcurrent%2Freport');
  });

  describe('bad input', () => {
    let analyst: StaffMember;
    const GENERIC_REFUSAL = "L'adresse e-mail ou le mot de passe est incorrect.";
    beforeEach(async () => {
      analyst = await createStaff(suite.app, { email: 'ana@example.org', role: 'analyst', grants: [CAPTIC_ID] });
    });

    /** The page without what legitimately differs between two answers: the CSRF token. */
    const withoutCsrfToken = (page: Page) => page.html.replace(/name="_csrf" value="[^"]*"/g, 'name="_csrf" value=""');

    it('answers an unknown email exactly as a wrong password: same status, same page, both audited', async () => {
      const wrong = await postSignIn(new Browser(suite.app.url), { email: 'ana@example.org', password: 'not the right password here' });
      // Same length as ana@example.org, so even the page's length says nothing.
      const unknown = await postSignIn(new Browser(suite.app.url), { email: 'bob@example.org', password: 'not the right password here' });
      for (const page of [wrong, unknown]) {
        expect(page.status).to.equal(401);
        expect(page.$('.error-summary').text().trim()).to.equal(GENERIC_REFUSAL);
        expect(setCookieNamed(page.headers, 'brm_session')).to.equal(undefined);
      }
      expect(withoutCsrfToken(unknown).replace('bob@example.org', 'ana@example.org')).to.equal(withoutCsrfToken(wrong));
      const failures = await storedCollection('audit_events').find({ action: 'sign_in_failed' }).sort({ at: 1 }).toArray();
      expect(failures.map((event) => event.target)).to.deep.equal(['ana@example.org', 'bob@example.org']);
      expect(await storedCollection('sessions').countDocuments()).to.equal(0);
      const user = await storedCollection('users').findOne({ email: 'ana@example.org' });
      expect(user).to.not.have.property('lastSignInAt');
    });

    it('takes comparable time for an unknown email and a wrong password', async () => {
      const browser = new Browser(suite.app.url);
      const fields = browser.hiddenFields(await browser.get('/login'));
      async function timed(email: string): Promise<number> {
        // Only the answer's work is compared, never the throttle's: each try starts with a clean count.
        await storedCollection('login_throttle').deleteMany({});
        const start = performance.now();
        const page = await browser.post('/login', { ...fields, email, password: 'not the right password here' });
        const elapsed = performance.now() - start;
        expect(page.status).to.equal(401);
        return elapsed;
      }
      const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
      const wrongPassword: number[] = [];
      const unknownEmail: number[] = [];
      // Interleaved, so a slower moment of the machine weighs on both.
      for (let i = 0; i < 9; i += 1) {
        wrongPassword.push(await timed('ana@example.org'));
        unknownEmail.push(await timed(`nobody${i}@example.org`));
      }
      const ratio = median(wrongPassword) / median(unknownEmail);
      expect(ratio, `wrong password ${median(wrongPassword).toFixed(1)} ms, unknown email ${median(unknownEmail).toFixed(1)} ms`).to.be.within(0.5, 2);
    });

    it('refuses an over-long password with 400 before hashing it, and counts nothing', async () => {
      const page = await postSignIn(new Browser(suite.app.url), { email: analyst.email, password: 'x'.repeat(5_000) });
      expect(page.status).to.equal(400);
      expect(page.$('.error-summary').text()).to.contain('Ce mot de passe est plus long que tout mot de passe accepté ici.');
      expect(page.$('input[name=email]').val()).to.equal(analyst.email);
      expect(page.$('input[name=password]').val() ?? '').to.equal('');
      // Refused before the throttle and the hash: no failure counted, none audited.
      expect(await storedCollection('login_throttle').countDocuments()).to.equal(0);
      expect(await storedCollection('audit_events').countDocuments({ action: 'sign_in_failed' })).to.equal(0);
      expect(await storedCollection('sessions').countDocuments()).to.equal(0);
    });

    it('still tries a long password that a person could have set (1,024 characters)', async () => {
      const page = await postSignIn(new Browser(suite.app.url), { email: analyst.email, password: 'x'.repeat(1_024) });
      expect(page.status).to.equal(401);
      expect(page.$('.error-summary').text().trim()).to.equal(GENERIC_REFUSAL);
    });

    it('refuses a body past the form limit with 413 and no detail', async () => {
      const page = await postSignIn(new Browser(suite.app.url), { email: analyst.email, password: 'x'.repeat(300_000) });
      expect(page.status).to.equal(413);
      expect(page.html).to.not.match(/node_modules|\/work\/|\.ts:\d+|at [\w.<>]+ \(/);
      expect(await storedCollection('login_throttle').countDocuments()).to.equal(0);
    });

    it('refuses an email with line breaks (header injection) like any wrong email, and signs nobody in', async () => {
      const injected = `${analyst.email}\r\nBcc: victim@example.org`;
      const page = await postSignIn(new Browser(suite.app.url), { email: injected, password: analyst.password });
      expect(page.status).to.equal(401);
      expect(page.$('.error-summary').text().trim()).to.equal(GENERIC_REFUSAL);
      expect(JSON.stringify(page.headers)).to.not.contain('victim@example.org');
      expect(await storedCollection('sessions').countDocuments()).to.equal(0);
      const user = await storedCollection('users').findOne({ email: analyst.email });
      expect(user).to.not.have.property('lastSignInAt');
    });

    it('echoes a hostile email back escaped', async () => {
      const hostile = '"><script>alert(1)</script>@example.org';
      const page = await postSignIn(new Browser(suite.app.url), { email: hostile, password: 'not the right password here' });
      expect(page.status).to.equal(401);
      expect(page.html).to.not.contain('<script>alert(1)</script>');
      expect(page.$('input[name=email]').val()).to.equal(hostile);
    });

    it('answers missing or repeated fields with the generic refusal, not an error', async () => {
      const browser = new Browser(suite.app.url);
      const fields = browser.hiddenFields(await browser.get('/login'));
      const variants: FormFields[] = [
        {}, { email: analyst.email }, { password: analyst.password },
        { email: [analyst.email, 'x@example.org'], password: analyst.password }, { email: analyst.email, password: [analyst.password, analyst.password] },
      ];
      for (const extra of variants) {
        const page = await browser.post('/login', { ...fields, ...extra });
        expect(page.status, JSON.stringify(extra)).to.equal(401);
        expect(page.$('.error-summary').text().trim()).to.equal(GENERIC_REFUSAL);
      }
      expect(await storedCollection('sessions').countDocuments()).to.equal(0);
    });

    it('refuses a sign-in without a CSRF token, or with another browser\'s, with 403 and tries nothing', async () => {
      const browser = new Browser(suite.app.url);
      const form = await browser.get('/login');
      const missing = await browser.post('/login', { email: analyst.email, password: analyst.password });
      expect(missing.status).to.equal(403);
      expect(missing.$('main').text()).to.contain('Votre session a expiré ou le formulaire a été altéré');
      const otherBrowser = new Browser(suite.app.url);
      const stolen = await otherBrowser.post('/login', { ...browser.hiddenFields(form), email: analyst.email, password: analyst.password });
      expect(stolen.status).to.equal(403);
      const garbled = await browser.post('/login', { _csrf: 'abc.def', email: analyst.email, password: analyst.password });
      expect(garbled.status).to.equal(403);
      for (const page of [missing, stolen, garbled]) expect(setCookieNamed(page.headers, 'brm_session')).to.equal(undefined);
      expect(await storedCollection('sessions').countDocuments()).to.equal(0);
      expect(await storedCollection('audit_events').countDocuments({ action: { $in: ['sign_in', 'sign_in_failed'] } })).to.equal(0);
      expect(await storedCollection('login_throttle').countDocuments()).to.equal(0);
    });

    it('never sends a person off the site after sign-in, whatever `next` says', async () => {
      const attempts = ['//evil.example', 'https://evil.example', '/\\evil.example', '/admin\\@evil.example', '\\\\evil.example', 'javascript:alert(1)', '/%2F%2Fevil.example', '/admin\r\nLocation: https://evil.example', ' //evil.example', '/login'];
      for (const next of attempts) {
        const page = await postSignIn(new Browser(suite.app.url), { email: analyst.email, password: analyst.password, next });
        expect(page.status, JSON.stringify(next)).to.equal(303);
        expect(page.location, JSON.stringify(next)).to.equal('/admin');
      }
      const form = await new Browser(suite.app.url).get(`/login?next=${encodeURIComponent('//evil.example')}`);
      expect(form.$('input[name=next]').val()).to.equal('/admin');
    });

    it('returns a person to the staff page they asked for', async () => {
      const browser = new Browser(suite.app.url);
      const report = '/admin/surveys/captic_2011/waves/current/report';
      const sent = await browser.get(report);
      const form = await browser.get(sent.location!);
      expect(form.$('input[name=next]').val()).to.equal(report);
      const page = await browser.post('/login', { ...browser.hiddenFields(form), email: analyst.email, password: analyst.password });
      expect(page.location).to.equal(report);
      expect((await browser.get(report)).status).to.equal(200);
    });
  });
});
