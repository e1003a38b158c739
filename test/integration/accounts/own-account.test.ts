// One's own account page: who one is, changing one's password, signing out everywhere.
import { expect } from 'chai';
import type { TestApp } from '../../support/app';
import { useAppSuite } from '../../support/app-suite';
import { Browser } from '../../support/browser';
import { createStaff, postSignIn, signedInBrowser, type StaffMember, storedCollection, STRONG_PASSWORD, submitForm } from '../../support/staff';
import { CAPTIC_ID } from '../../fixtures/captic-answers';

const NEW_PASSWORD = 'marmalade lighthouse sixty wobbly kettles';

async function storedUser(email: string) {
  const user = await storedCollection('users').findOne({ email });
  if (!user) throw new Error(`no user ${email}`);
  return user;
}

async function signInAttempt(app: TestApp, email: string, password: string): Promise<number> {
  return (await postSignIn(new Browser(app.url), { email, password })).status;
}

describe('One’s own account', function () {
  this.timeout(30_000);
  const suite = useAppSuite();
  let analyst: StaffMember;
  beforeEach(async () => {
    analyst = await createStaff(suite.app, { email: 'ana@example.org', role: 'analyst', grants: [CAPTIC_ID], name: 'Ana Lyst' });
  });

  it('shows who one is: email, role and the surveys granted', async () => {
    const browser = await signedInBrowser(suite.app, analyst);
    browser.acceptLanguage = 'en';
    const page = await browser.get('/admin/account');
    expect(page.status).to.equal(200);
    expect(page.$('#account-email').text()).to.equal('ana@example.org');
    expect(page.$('#account-role').text()).to.equal('Analyst');
    expect(page.$('#account-grants').text()).to.contain(CAPTIC_ID);
    expect(page.$('#account-grants').text()).not.to.contain('coworking_members_2026');
    expect(page.$('#no-tokens').text()).to.equal('No token yet.');

    const admin = await createStaff(suite.app, { email: 'root@example.org', role: 'admin' });
    const adminPage = await (await signedInBrowser(suite.app, admin)).get('/admin/account?lang=en');
    expect(adminPage.$('#account-grants').text()).to.contain('All (administrator)');
  });

  it('sends an anonymous visitor to the sign-in page', async () => {
    const page = await new Browser(suite.app.url).get('/admin/account');
    expect(page.status).to.equal(303);
    expect(page.location).to.equal('/login?next=%2Fadmin%2Faccount');
    for (const path of ['/admin/account/password', '/admin/account/sign-out-everywhere', '/admin/account/tokens']) {
      const browser = new Browser(suite.app.url);
      const form = await browser.get('/login');
      const posted = await browser.post(path, browser.hiddenFields(form));
      expect(posted.status, path).to.equal(303);
      expect(posted.location, path).to.match(/^\/login\?/);
    }
  });

  describe('changing the password', () => {
    it('ends the other sessions, keeps this one, and only the new password signs in', async () => {
      const here = await signedInBrowser(suite.app, analyst);
      const elsewhere = await signedInBrowser(suite.app, analyst);
      const sessionCookieBefore = here.agent.jar.getCookie('brm_session', { domain: '127.0.0.1', path: '/', secure: false, script: false })?.value;
      const generationBefore = (await storedUser(analyst.email)).sessionGeneration as number;

      const page = await here.get('/admin/account');
      const changed = await submitForm(here, page, '#password-form', { current_password: analyst.password, new_password: NEW_PASSWORD });
      expect(changed.status).to.equal(303);
      expect(changed.location).to.equal('/admin/account?password_changed=1');

      const after = await here.get(changed.location!);
      expect(after.status).to.equal(200);
      expect(after.$('.notice').text()).to.contain('Mot de passe changé');
      // The session id changed with the generation: a copy of the old cookie is worth nothing.
      const sessionCookieAfter = here.agent.jar.getCookie('brm_session', { domain: '127.0.0.1', path: '/', secure: false, script: false })?.value;
      expect(sessionCookieAfter).to.be.a('string').and.not.equal(sessionCookieBefore);
      expect((await storedUser(analyst.email)).sessionGeneration).to.equal(generationBefore + 1);

      const other = await elsewhere.get('/admin');
      expect(other.status).to.equal(303);
      expect(other.location).to.equal('/login?next=%2Fadmin&ended=1');

      expect(await signInAttempt(suite.app, analyst.email, STRONG_PASSWORD)).to.equal(401);
      expect(await signInAttempt(suite.app, analyst.email, NEW_PASSWORD)).to.equal(303);
      expect((await here.get('/admin')).status).to.equal(200);

      const audit = await storedCollection('audit_events').findOne({ action: 'password_changed' });
      expect(audit).to.include({ actorEmail: analyst.email, target: analyst.email, via: 'session' });
      expect(JSON.stringify(audit)).not.to.contain(NEW_PASSWORD);
    });

    for (const [situation, fields, status, message] of [
      ['the current password is wrong', { current_password: 'not my password at all, sorry', new_password: NEW_PASSWORD }, 403, 'Le mot de passe actuel est incorrect.'],
      ['the current password is missing', { new_password: NEW_PASSWORD }, 403, 'Le mot de passe actuel est incorrect.'],
      ['the new password is short', { current_password: STRONG_PASSWORD, new_password: 'short' }, 422, 'au moins 12 caractères'],
      ['the new password is common', { current_password: STRONG_PASSWORD, new_password: 'password1234' }, 422, 'trop courant'],
      ['the new password is the email', { current_password: STRONG_PASSWORD, new_password: 'ana@example.org' }, 422, 'trop courant'],
      ['the new password is over-long', { current_password: STRONG_PASSWORD, new_password: 'word '.repeat(60) }, 422, 'au plus 256'],
      ['the new password is missing', { current_password: STRONG_PASSWORD }, 422, 'au moins 12 caractères'],
    ] as const) {
      it(`refuses with ${status} when ${situation}, and changes nothing`, async () => {
        const here = await signedInBrowser(suite.app, analyst);
        const elsewhere = await signedInBrowser(suite.app, analyst);
        const before = await storedUser(analyst.email);
        const page = await here.get('/admin/account');
        const refused = await submitForm(here, page, '#password-form', fields);
        expect(refused.status).to.equal(status);
        expect(refused.$('#form-error').text()).to.contain(message);
        // The page is drawn again, usable, and the password fields are empty.
        expect(refused.$('#password-form #current_password').attr('value')).to.equal(undefined);
        const after = await storedUser(analyst.email);
        expect(after.passwordHash).to.equal(before.passwordHash);
        expect(after.sessionGeneration).to.equal(before.sessionGeneration);
        expect((await here.get('/admin')).status).to.equal(200);
        expect((await elsewhere.get('/admin')).status).to.equal(200);
        expect(await storedCollection('audit_events').countDocuments({ action: 'password_changed' })).to.equal(0);
      });
    }

    it('refuses a form posted without its CSRF token', async () => {
      const here = await signedInBrowser(suite.app, analyst);
      const before = await storedUser(analyst.email);
      const refused = await here.post('/admin/account/password', { current_password: STRONG_PASSWORD, new_password: NEW_PASSWORD });
      expect(refused.status).to.equal(403);
      expect((await storedUser(analyst.email)).passwordHash).to.equal(before.passwordHash);
    });
  });

  describe('signing out everywhere', () => {
    it('ends every session of the account, this one included, and no one else’s', async () => {
      const here = await signedInBrowser(suite.app, analyst);
      const elsewhere = await signedInBrowser(suite.app, analyst);
      const colleague = await createStaff(suite.app, { email: 'col@example.org', role: 'analyst', grants: [CAPTIC_ID] });
      const colleagueBrowser = await signedInBrowser(suite.app, colleague);

      const page = await here.get('/admin/account');
      const ended = await submitForm(here, page, '#sign-out-everywhere-form');
      expect(ended.status).to.equal(303);
      expect(ended.location).to.equal('/login?signed_out=1');

      const hereAfter = await here.get('/admin/account');
      expect(hereAfter.status).to.equal(303);
      expect(hereAfter.location).to.match(/^\/login\?next=%2Fadmin%2Faccount/);
      const elsewhereAfter = await elsewhere.get('/admin');
      expect(elsewhereAfter.status).to.equal(303);
      expect(elsewhereAfter.location).to.equal('/login?next=%2Fadmin&ended=1');
      expect((await colleagueBrowser.get('/admin')).status).to.equal(200);

      // The password still works: signing out everywhere is not a lock-out.
      expect(await signInAttempt(suite.app, analyst.email, analyst.password)).to.equal(303);
      const audit = await storedCollection('audit_events').findOne({ action: 'sign_out_everywhere' });
      expect(audit).to.include({ actorEmail: analyst.email, target: analyst.email });
    });
  });
});
