// The admins' account pages, driven through a no-JS browser as an admin uses them: what the pages
// show, what each refusal says, and what is stored (or, after a refusal, not).
import { expect } from 'chai';
import { startTestApp, type TestApp } from '../../support/app';
import { useAppSuite } from '../../support/app-suite';
import { Browser, type FormFields, type Page } from '../../support/browser';
import { accountsOf, auditEvents, createStaff, signedInBrowser, storedUsers, STRONG_PASSWORD, submitForm, type StaffMember } from '../../support/staff';
import { CAPTIC_ID } from '../../fixtures/captic-answers';

const COWORKING_ID = 'coworking_members_2026';
const OTHER_PASSWORD = 'lantern orchard violin 2044 pebble';

function errorText(page: Page): string {
  return page.$('.error-summary').text().trim();
}

function checkedGrants(page: Page): string[] {
  return page.$('input[name=grants]:checked').map((_, el) => page.$(el).attr('value')).get();
}

/** The path of a shown one-time link, checked to be a full URL on the given base. */
function linkPath(page: Page, base: string): string {
  const link = page.$('#one-time-link').text().trim();
  expect(link.startsWith(`${base}/account/password/`), link).to.equal(true);
  return new URL(link).pathname;
}

/** Uses a one-time link as its recipient would, then signs in with the new password. */
async function useLinkAndSignIn(app: TestApp, path: string, email: string, password: string): Promise<Browser> {
  const browser = new Browser(app.url);
  const form = await browser.get(path);
  expect(form.status).to.equal(200);
  const saved = await submitForm(browser, form, 'form.stacked-form', { password });
  expect(saved.status, saved.html.slice(0, 300)).to.equal(303);
  expect(saved.location).to.equal('/login?password_saved=1');
  return signedInBrowser(app, { email, password });
}

describe('Account administration pages', function () {
  this.timeout(60_000);
  const suite = useAppSuite();
  let admin: StaffMember;
  let browser: Browser;

  beforeEach(async () => {
    admin = await createStaff(suite.app, { email: 'admin@example.org', role: 'admin', name: 'Ada Admin' });
    browser = await signedInBrowser(suite.app, admin);
  });

  describe('the list', () => {
    it('shows every account with its role, grants by survey title, status and last sign-in, in French and English', async () => {
      await createStaff(suite.app, { email: 'ana@example.org', role: 'analyst', grants: [CAPTIC_ID, COWORKING_ID], name: 'Ana Lyst' });
      const accounts = accountsOf(suite.app);
      await accounts.createAccount({ email: 'waiting@example.org', role: 'organizer', grants: [COWORKING_ID] }, { via: 'cli' });
      const off = await createStaff(suite.app, { email: 'off@example.org', role: 'analyst' });
      await accounts.setDisabled(off.account.id, true, { via: 'cli' });

      const page = await browser.get('/admin/users');
      expect(page.status).to.equal(200);
      expect(page.$('html').attr('lang')).to.equal('fr');
      const row = (email: string) => page.$(`tr[data-email="${email}"]`);
      expect(page.$('tbody tr').map((_, el) => page.$(el).attr('data-email')).get()).to.deep.equal(['admin@example.org', 'ana@example.org', 'off@example.org', 'waiting@example.org']);
      expect(row('admin@example.org').text()).to.contain('Administrateur').and.contain('Toutes (administrateur)').and.contain('Actif').and.match(/\d{4}-\d\d-\d\d \d\d:\d\d UTC/);
      expect(row('ana@example.org').text()).to.contain('Ana Lyst').and.contain('Analyste')
        .and.contain('Utilisation des réseaux sociaux par les professionnels, La vie à l\'espace de coworking Canal Street').and.contain('Jamais');
      expect(row('waiting@example.org').text()).to.contain('Organisateur').and.contain('Mot de passe à choisir');
      expect(row('off@example.org').text()).to.contain('Désactivé').and.contain('Aucune');
      const ana = await accounts.findAccountByEmail('ana@example.org');
      expect(row('ana@example.org').find('a').attr('href')).to.equal(`/admin/users/${ana.id}`);
      expect(page.$('a[href="/admin/users/new"]').text()).to.equal('Créer un compte');

      const english = await browser.get('/admin/users?lang=en');
      expect(english.$('html').attr('lang')).to.equal('en');
      expect(english.$('tr[data-email="waiting@example.org"]').text()).to.contain('Organizer').and.contain('Waiting for a password').and.contain('Life at the Canal Street coworking space');
      expect(english.$('tr[data-email="off@example.org"]').text()).to.contain('Disabled');
      expect(english.$('a[href="/admin/users/new"]').text()).to.equal('Create an account');
    });
  });

  describe('creating an account', () => {
    it('offers every role and every survey of the catalog', async () => {
      const page = await browser.get('/admin/users/new');
      expect(page.status).to.equal(200);
      expect(page.$('#role option').map((_, el) => page.$(el).attr('value')).get()).to.deep.equal(['admin', 'organizer', 'analyst']);
      expect(page.$('input[name=grants]').map((_, el) => page.$(el).attr('value')).get()).to.have.members([CAPTIC_ID, COWORKING_ID]);
      expect(page.$('label.grant-choice').text()).to.contain('Utilisation des réseaux sociaux par les professionnels');
    });

    it('stores the account, shows its one-time link once on the request\'s own origin, and the link sets the password', async () => {
      const form = await browser.get('/admin/users/new');
      const created = await submitForm(browser, form, '#new-account', { email: ' Ana@Example.org ', name: 'Ana Lyst', role: 'analyst', grants: [CAPTIC_ID] });
      expect(created.status, errorText(created)).to.equal(201);
      expect(created.headers['cache-control']).to.equal('no-store');
      expect(created.$('h1').text()).to.equal('Compte créé');
      // Mailed or not (password-mail.test.ts), the admin is told to hand the link over if need be.
      expect(created.$('main').text()).to.contain('transmettez-le vous-même');
      expect(created.$('main').text()).to.contain('Il expire dans 72 heures');
      const path = linkPath(created, suite.app.url);

      const [stored] = (await storedUsers()).filter((user) => user.email === 'ana@example.org');
      expect(stored).to.deep.include({ email: 'ana@example.org', name: 'Ana Lyst', role: 'analyst', grants: [CAPTIC_ID] });
      // Only the link's hash is kept, and no page shows it again.
      expect(JSON.stringify(stored)).not.to.contain(path.split('/').pop());
      const account = await accountsOf(suite.app).findAccountByEmail('ana@example.org');
      const again = await browser.get(`/admin/users/${account.id}`);
      expect(again.html).not.to.contain(path);
      expect((await browser.get('/admin/users')).html).not.to.contain(path);

      const [audit] = (await auditEvents('account_created')).filter((event) => event.via === 'session');
      expect(audit).to.deep.include({ via: 'session', actorEmail: 'admin@example.org', target: 'ana@example.org', details: { role: 'analyst', grants: [CAPTIC_ID] } });

      const analyst = await useLinkAndSignIn(suite.app, path, 'ana@example.org', OTHER_PASSWORD);
      expect((await analyst.get('/admin')).$('#survey-captic_2011').length).to.equal(1);
      expect((await new Browser(suite.app.url).get(path)).status, 'a used link is gone').to.equal(410);
    });

    it('builds the link on PUBLIC_URL when it is set', async () => {
      const behindProxy = await startTestApp({ PUBLIC_URL: 'https://barometer.example.org/' });
      try {
        const proxied = await signedInBrowser(behindProxy, admin);
        const form = await proxied.get('/admin/users/new');
        const created = await submitForm(proxied, form, '#new-account', { email: 'org@example.org', role: 'organizer', grants: [COWORKING_ID] });
        expect(created.status).to.equal(201);
        linkPath(created, 'https://barometer.example.org');
      } finally {
        await behindProxy.close();
      }
    });

    const refusals: Array<{ situation: string; fields: FormFields; status: number; message: string }> = [
      { situation: 'a header injection with CR LF', fields: { email: 'a@b.c\r\nBcc: x@y.z' }, status: 400, message: 'Adresse e-mail invalide' },
      { situation: 'a header injection on a valid address', fields: { email: 'ana@example.org\r\nBcc: x@example.org' }, status: 400, message: 'Adresse e-mail invalide' },
      { situation: 'two addresses', fields: { email: 'a@b.c, x@y.z' }, status: 400, message: 'Adresse e-mail invalide' },
      { situation: 'a display name with angle brackets', fields: { email: 'Ana <ana@example.org>' }, status: 400, message: 'Adresse e-mail invalide' },
      { situation: 'no email', fields: { email: '' }, status: 400, message: 'Adresse e-mail invalide' },
      { situation: 'not an email', fields: { email: 'ana.example.org' }, status: 400, message: 'Adresse e-mail invalide' },
      { situation: 'an email of 255 characters', fields: { email: `${'a'.repeat(243)}@example.org` }, status: 400, message: 'Adresse e-mail invalide' },
      { situation: 'an existing email', fields: { email: 'admin@example.org' }, status: 409, message: 'Un compte existe déjà pour cette adresse.' },
      { situation: 'an existing email in capitals', fields: { email: 'ADMIN@example.org' }, status: 409, message: 'Un compte existe déjà pour cette adresse.' },
      { situation: 'an unknown role', fields: { role: 'superuser' }, status: 400, message: 'Choisissez un rôle' },
      { situation: 'no role', fields: { role: '' }, status: 400, message: 'Choisissez un rôle' },
      { situation: 'an unknown survey grant', fields: { grants: [CAPTIC_ID, 'no_such_survey'] }, status: 400, message: 'Une des enquêtes choisies n’existe pas.' },
      { situation: 'a name of 101 characters', fields: { name: 'n'.repeat(101) }, status: 400, message: 'Le nom compte au plus 100 caractères' },
      { situation: 'a name with a control character', fields: { name: 'Ana\u0007' }, status: 400, message: 'Le nom compte au plus 100 caractères' },
    ];
    for (const { situation, fields, status, message } of refusals) {
      it(`refuses ${situation} with ${status}, keeps what was typed and stores nothing`, async () => {
        const before = await storedUsers();
        const auditedBefore = await auditEvents('account_created');
        const form = await browser.get('/admin/users/new');
        const typed = { email: 'new@example.org', name: 'New Person', role: 'organizer', grants: [CAPTIC_ID], ...fields };
        const page = await submitForm(browser, form, '#new-account', typed);
        expect(page.status).to.equal(status);
        expect(errorText(page)).to.contain(message);
        expect(page.$('#one-time-link').length).to.equal(0);
        // The form is drawn again with what was typed; HTML reads a CR LF in an attribute as LF.
        expect(page.$('#email').attr('value')).to.equal(String(typed.email).slice(0, 254).replace(/\r\n/g, '\n'));
        expect(page.$('#name').attr('value')).to.equal(typed.name);
        expect(page.$('#role option[selected]').attr('value')).to.equal(['admin', 'organizer', 'analyst'].includes(String(typed.role)) ? typed.role : undefined);
        expect(checkedGrants(page)).to.deep.equal((Array.isArray(typed.grants) ? typed.grants : [typed.grants]).filter((id) => id !== 'no_such_survey'));
        expect(await storedUsers()).to.deep.equal(before);
        expect(await auditEvents('account_created')).to.deep.equal(auditedBefore);
      });
    }

    it('refuses a form without its CSRF token and stores nothing', async () => {
      const page = await browser.post('/admin/users', { email: 'new@example.org', role: 'admin' });
      expect(page.status).to.equal(403);
      expect(await storedUsers()).to.have.length(1);
    });
  });

  describe('an account\'s page', () => {
    let analyst: StaffMember;
    beforeEach(async () => {
      analyst = await createStaff(suite.app, { email: 'ana@example.org', role: 'analyst', grants: [CAPTIC_ID], name: 'Ana Lyst' });
    });
    const pathOf = (staff: StaffMember) => `/admin/users/${staff.account.id}`;

    it('shows the account and changes its name, role and grants', async () => {
      const page = await browser.get(pathOf(analyst));
      expect(page.status).to.equal(200);
      expect(page.$('h1').text()).to.equal('ana@example.org');
      expect(page.$('.account-facts').text()).to.contain('Actif').and.contain('Jamais');
      expect(page.$('#name').attr('value')).to.equal('Ana Lyst');
      expect(page.$('#role option[selected]').attr('value')).to.equal('analyst');
      expect(checkedGrants(page)).to.deep.equal([CAPTIC_ID]);

      const saved = await submitForm(browser, page, '#edit-account', { name: 'Ana Organiser', role: 'organizer', grants: [COWORKING_ID] });
      expect(saved.status, errorText(saved)).to.equal(303);
      expect(saved.location).to.equal(`${pathOf(analyst)}?done=saved`);
      const after = await browser.get(saved.location!);
      expect(after.$('.notice').text()).to.equal('Modifications enregistrées.');
      expect(after.$('#role option[selected]').attr('value')).to.equal('organizer');
      expect(checkedGrants(after)).to.deep.equal([COWORKING_ID]);

      const [stored] = (await storedUsers()).filter((user) => user.email === 'ana@example.org');
      expect(stored).to.deep.include({ name: 'Ana Organiser', role: 'organizer', grants: [COWORKING_ID] });
      const [audit] = await auditEvents('account_changed');
      expect(audit).to.deep.include({ actorEmail: 'admin@example.org', target: 'ana@example.org', details: { from: { role: 'analyst', grants: [CAPTIC_ID] }, to: { role: 'organizer', grants: [COWORKING_ID] } } });

      // Unticking every survey takes every grant away.
      const cleared = await submitForm(browser, after, '#edit-account', { name: 'Ana Organiser', role: 'organizer' });
      expect(cleared.status).to.equal(303);
      expect((await storedUsers()).find((user) => user.email === 'ana@example.org')?.grants).to.deep.equal([]);
    });

    const changeRefusals: Array<{ situation: string; fields: FormFields; status: number; message: string }> = [
      { situation: 'an unknown role', fields: { role: 'root' }, status: 400, message: 'Choisissez un rôle' },
      { situation: 'an unknown survey grant', fields: { grants: ['no_such_survey'] }, status: 400, message: 'Une des enquêtes choisies n’existe pas.' },
      { situation: 'an over-long name', fields: { name: 'n'.repeat(150) }, status: 400, message: 'Le nom compte au plus 100 caractères' },
    ];
    for (const { situation, fields, status, message } of changeRefusals) {
      it(`refuses a change with ${situation}, draws the page again with ${status} and changes nothing`, async () => {
        const before = await storedUsers();
        const page = await browser.get(pathOf(analyst));
        const typed = { name: 'Ana Lyst', role: 'analyst', grants: [CAPTIC_ID], ...fields };
        const refused = await submitForm(browser, page, '#edit-account', typed);
        expect(refused.status).to.equal(status);
        expect(errorText(refused)).to.contain(message);
        expect(refused.$('#name').attr('value')).to.equal(typed.name);
        expect(await storedUsers()).to.deep.equal(before);
        expect(await auditEvents('account_changed')).to.have.length(0);
      });
    }

    it('refuses to take away the admin\'s own admin role or disable the admin\'s own account', async () => {
      const before = await storedUsers();
      const page = await browser.get(pathOf(admin));
      const demoted = await submitForm(browser, page, '#edit-account', { name: 'Ada Admin', role: 'analyst', grants: [CAPTIC_ID] });
      expect(demoted.status).to.equal(403);
      expect(errorText(demoted)).to.equal('Vous ne pouvez pas retirer votre propre rôle d’administrateur : demandez-le à un autre administrateur.');
      const disabled = await submitForm(browser, page, '#disable-account');
      expect(disabled.status).to.equal(403);
      expect(errorText(disabled)).to.equal('Vous ne pouvez pas désactiver votre propre compte.');
      expect(await storedUsers()).to.deep.equal(before);
      expect((await browser.get('/admin/users')).status, 'the admin is still signed in').to.equal(200);
    });

    it('disables an account, which ends its sessions and its sign-ins, and enables it again', async () => {
      const analystBrowser = await signedInBrowser(suite.app, analyst);
      const page = await browser.get(pathOf(analyst));
      const disabled = await submitForm(browser, page, '#disable-account');
      expect(disabled.status).to.equal(303);
      const after = await browser.get(disabled.location!);
      expect(after.$('.notice').text()).to.equal('Compte désactivé : ses sessions ont pris fin.');
      expect(after.$('.account-facts').text()).to.contain('Désactivé');
      expect((await storedUsers()).find((user) => user.email === 'ana@example.org')?.disabledAt).to.be.instanceOf(Date);
      expect(await auditEvents('account_disabled')).to.have.length(1);

      expect((await analystBrowser.get('/admin')).location).to.match(/^\/login\?/);
      const form = await new Browser(suite.app.url).get('/login');
      const signIn = await new Browser(suite.app.url).post('/login', { ...browser.hiddenFields(form), email: analyst.email, password: STRONG_PASSWORD });
      expect(signIn.status).to.not.equal(303);

      const enabled = await submitForm(browser, after, '#enable-account');
      expect(enabled.location).to.equal(`${pathOf(analyst)}?done=enabled`);
      expect((await storedUsers()).find((user) => user.email === 'ana@example.org')?.disabledAt).to.equal(undefined);
      expect(await auditEvents('account_enabled')).to.have.length(1);
      await signedInBrowser(suite.app, analyst);
    });

    it('shows a new one-time link once; the link replaces the earlier one and sets a new password', async () => {
      const page = await browser.get(pathOf(analyst));
      const issued = await submitForm(browser, page, '#password-link');
      expect(issued.status).to.equal(200);
      expect(issued.headers['cache-control']).to.equal('no-store');
      expect(issued.$('h1').text()).to.equal('Nouveau lien de mot de passe');
      const first = linkPath(issued, suite.app.url);
      const reissued = await submitForm(browser, page, '#password-link');
      const second = linkPath(reissued, suite.app.url);
      expect(second).not.to.equal(first);
      expect((await new Browser(suite.app.url).get(first)).status, 'the replaced link').to.equal(410);
      expect(await auditEvents('password_link_issued')).to.have.length(2);

      await useLinkAndSignIn(suite.app, second, analyst.email, OTHER_PASSWORD);
      const old = await new Browser(suite.app.url).post('/login', { ...browser.hiddenFields(await new Browser(suite.app.url).get('/login')), email: analyst.email, password: STRONG_PASSWORD });
      expect(old.status, 'the old password').to.not.equal(303);
    });

    it('signs an account out everywhere', async () => {
      const analystBrowser = await signedInBrowser(suite.app, analyst);
      expect((await analystBrowser.get('/admin')).status).to.equal(200);
      const page = await browser.get(pathOf(analyst));
      const done = await submitForm(browser, page, '#sign-out-everywhere');
      expect(done.location).to.equal(`${pathOf(analyst)}?done=signed_out`);
      expect((await browser.get(done.location!)).$('.notice').text()).to.equal('Toutes les sessions de ce compte ont pris fin.');
      const ended = await analystBrowser.get('/admin');
      expect(ended.status).to.equal(303);
      expect(ended.location).to.contain('ended=1');
      const [audit] = await auditEvents('sign_out_everywhere');
      expect(audit).to.deep.include({ actorEmail: 'admin@example.org', target: 'ana@example.org' });
    });

    it('answers 404 for an unknown or malformed account id, on every page and action', async () => {
      const before = await storedUsers();
      const page = await browser.get(pathOf(analyst));
      const csrf = { _csrf: page.$('#edit-account input[name=_csrf]').attr('value') ?? '' };
      for (const id of ['000000000000000000000000', 'not-an-id', '..%2Fusers']) {
        const shown = await browser.get(`/admin/users/${id}`);
        expect(shown.status, id).to.equal(404);
        expect(shown.$('main').text()).to.contain('Ce compte n’existe pas.');
        for (const action of ['', '/disable', '/enable', '/password-link', '/sign-out-everywhere']) {
          const posted = await browser.post(`/admin/users/${id}${action}`, { ...csrf, name: 'x', role: 'analyst' });
          expect(posted.status, `${id}${action}`).to.equal(404);
        }
      }
      expect(await storedUsers()).to.deep.equal(before);
    });
  });

  describe('who may use the pages', () => {
    for (const role of ['organizer', 'analyst'] as const) {
      it(`refuses an ${role} every page and action with 403, changing nothing`, async () => {
        const staff = await createStaff(suite.app, { email: `${role}@example.org`, role, grants: [CAPTIC_ID] });
        const staffBrowser = await signedInBrowser(suite.app, staff);
        const home = await staffBrowser.get('/admin');
        expect(home.$('a[href="/admin/users"]').length, 'no link to the accounts').to.equal(0);
        const csrf = { _csrf: home.$('form[action="/logout"] input[name=_csrf]').attr('value') ?? '' };
        const before = await storedUsers();
        const target = `/admin/users/${admin.account.id}`;
        for (const path of ['/admin/users', '/admin/users/new', target]) {
          expect((await staffBrowser.get(path)).status, path).to.equal(403);
        }
        const posts: Array<[string, FormFields]> = [
          ['/admin/users', { email: 'sneaky@example.org', role: 'admin' }],
          [target, { name: 'x', role: 'analyst' }],
          [`/admin/users/${staff.account.id}`, { name: 'x', role: 'admin' }],
          [`${target}/disable`, {}],
          [`${target}/enable`, {}],
          [`${target}/password-link`, {}],
          [`${target}/sign-out-everywhere`, {}],
        ];
        for (const [path, fields] of posts) {
          const posted = await staffBrowser.post(path, { ...csrf, ...fields });
          expect(posted.status, path).to.equal(403);
          expect(posted.html).not.to.contain('/account/password/');
        }
        expect(await storedUsers()).to.deep.equal(before);
        expect(await auditEvents('password_link_issued')).to.have.length(0);
        expect((await browser.get('/admin/users')).status, 'the admin was not signed out').to.equal(200);
      });
    }

    it('sends an anonymous visitor to the sign-in page', async () => {
      const page = await new Browser(suite.app.url).get('/admin/users/new');
      expect(page.status).to.equal(303);
      expect(page.location).to.equal('/login?next=%2Fadmin%2Fusers%2Fnew');
    });
  });
});
