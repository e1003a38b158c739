// axe-core in the real Chromium on the staff side: sign-in, first-admin setup, the one-time
// password link, and every console page an admin reaches (surveys, accounts, a new account and
// its link, one account, own account with a new token, the audit trail), in French and in
// English, including the states after a refused form. Nothing serious or critical may be found.
import { expect } from 'chai';
import type { Page } from 'playwright-core';
import { CAPTIC_ID } from '../fixtures/captic-answers';

import { accountsOf, createStaff, signInChromium } from '../support/staff';
import { describeViolations, findSeriousViolations } from './support/axe';
import { useChromiumSuite } from './support/chromium';
import { inPage, submitWith } from './support/survey';

type Lang = 'fr' | 'en';

describe('Accessibility of the staff pages (axe-core in Chromium)', function () {
  this.timeout(60_000);
  const suite = useChromiumSuite();

  /** A page in the given language, and an audit that gathers violations by page state. */
  async function auditor(lang: Lang) {
    const page: Page = await suite.newPage({ locale: lang === 'fr' ? 'fr-FR' : 'en-GB' });
    const failures: Record<string, string[]> = {};
    const seen: string[] = [];
    const audit = async (state: string) => {
      expect(await page.locator('html').getAttribute('lang'), state).to.equal(lang);
      seen.push(state);
      const found = describeViolations(await findSeriousViolations(page));
      if (found.length) failures[state] = found;
    };
    const visit = async (path: string, expectedStatus = 200) => {
      const response = await page.goto(`${suite.app.url}${path}`);
      expect(response?.status(), path).to.equal(expectedStatus);
      await audit(path);
    };
    return { page, failures, seen, audit, visit };
  }

  /** Lets a form post what the browser's own validation would stop, as an old browser would. */
  async function skipBrowserChecks(page: Page, formSelector: string): Promise<void> {
    await inPage<void>(page, `void (document.querySelector(${JSON.stringify(formSelector)}).noValidate = true)`);
  }

  for (const lang of ['fr', 'en'] as const) {
    it(`finds nothing serious on the setup, sign-in and one-time link pages in ${lang}, refused forms included`, async () => {
      const { page, failures, seen, audit, visit } = await auditor(lang);

      await visit('/setup');
      await page.locator('#code').fill('WRNG-CODE-0000');
      await page.locator('#email').fill('first@example.org');
      await page.locator('#password').fill('short');
      // The browser's own checks would stop a too-short password before the server sees it.
      await skipBrowserChecks(page, 'form[action="/setup"]');
      expect(await submitWith(page, page.locator('form[action="/setup"] button[type="submit"]'))).to.equal(403);
      await audit('/setup, wrong code');

      const admin = await createStaff(suite.app, { email: 'admin@example.org', role: 'admin' });
      await visit('/login');
      await page.locator('#email').fill(admin.email);
      await page.locator('#password').fill('not the right password at all');
      expect(await submitWith(page, page.locator('form[action="/login"] button[type="submit"]'))).to.equal(401);
      await audit('/login, wrong password');

      const { passwordLink } = await accountsOf(suite.app).createAccount({ email: 'new@example.org', role: 'analyst', grants: [CAPTIC_ID] }, { via: 'cli' });
      await visit(`/account/password/${passwordLink.token}`);
      await page.locator('#password').fill('password1234');
      expect(await submitWith(page, page.locator('form.stacked-form button[type="submit"]'))).to.equal(422);
      await audit('one-time link, guessable password');
      await visit('/account/password/not-a-link', 410);

      expect(seen).to.have.length(7);
      expect(failures).to.deep.equal({});
    });

    it(`finds nothing serious on any console page an admin reaches in ${lang}`, async () => {
      const { page, failures, seen, audit, visit } = await auditor(lang);
      const admin = await createStaff(suite.app, { email: 'admin@example.org', role: 'admin', name: 'Alice Martin' });
      const analyst = await createStaff(suite.app, { email: 'analyst@example.org', role: 'analyst', grants: [CAPTIC_ID] });
      await signInChromium(page, suite.app, admin);

      await visit('/admin');
      await visit('/admin/users');
      await visit('/admin/users/new');
      await page.locator('#email').fill('not an email');
      await skipBrowserChecks(page, '#new-account');
      expect(await submitWith(page, page.locator('#new-account button[type="submit"]'))).to.equal(400);
      await audit('/admin/users/new, invalid email');
      await page.locator('#email').fill('organizer@example.org');
      await page.locator('#role').selectOption('organizer');
      await page.locator(`input[name="grants"][value="${CAPTIC_ID}"]`).check();
      expect(await submitWith(page, page.locator('#new-account button[type="submit"]'))).to.equal(201);
      await audit('/admin/users, account created with its one-time link');

      await visit(`/admin/users/${analyst.account.id}`);
      await visit('/admin/account');
      await page.locator('#token-name').fill('nightly figures');
      expect(await submitWith(page, page.locator('#token-form button[type="submit"]'))).to.equal(200);
      await audit('/admin/account, new token shown');
      await visit('/admin/audit');
      await visit('/admin/audit?action=sign_in');

      expect(seen).to.have.length(10);
      expect(failures).to.deep.equal({});
    });

    it(`finds nothing serious on the wave pages an organizer reaches in ${lang}, refused forms included, nor on the closed survey page`, async () => {
      const { page, failures, seen, audit, visit } = await auditor(lang);
      const organizer = await createStaff(suite.app, { email: 'organizer@example.org', role: 'organizer', grants: [CAPTIC_ID] });
      await signInChromium(page, suite.app, organizer);
      const survey = `/admin/surveys/${CAPTIC_ID}`;
      const wave = `${survey}/waves/demo`;

      await visit(survey);
      await page.locator('#waveId').fill('2027-03');
      expect(await submitWith(page, page.locator('#new-wave button[type="submit"]'))).to.equal(303);
      await audit(`${survey}/waves/2027-03, just made`);
      await page.locator('#opensAt').fill('2027-03-31T09:00');
      await page.locator('#closesAt').fill('2027-03-01T09:00');
      expect(await submitWith(page, page.locator('#wave-schedule button[type="submit"]'))).to.equal(422);
      await audit('wave page, close before open');
      await visit(wave);
      await visit(`${wave}/progress`);
      await visit(`${wave}/quotas?question=company_size`);
      await page.locator('input[name="limit.tpe"]').fill('-3');
      await skipBrowserChecks(page, '#quota-limits');
      expect(await submitWith(page, page.locator('#quota-limits button[type="submit"]'))).to.equal(422);
      await audit('quotas page, negative limit');
      await visit(`${wave}/responses`);
      await visit(`${wave}/changes`);
      await visit(`${survey}/versions`);

      // A respondent meets the closed page once the wave closes.
      await page.goto(`${suite.app.url}${wave}`);
      expect(await submitWith(page, page.locator('#close-wave button[type="submit"]'))).to.equal(303);
      await visit(`/s/${CAPTIC_ID}`, 410);

      expect(seen).to.have.length(11);
      expect(failures).to.deep.equal({});
    });

    it(`finds nothing serious on what an analyst sees in ${lang}: the console, the account page, a refusal, the wave pages read-only`, async () => {
      const { page, failures, visit } = await auditor(lang);
      const analyst = await createStaff(suite.app, { email: 'analyst@example.org', role: 'analyst', grants: [CAPTIC_ID] });
      await signInChromium(page, suite.app, analyst);
      await visit('/admin');
      await visit('/admin/account');
      await visit('/admin/users', 403);
      // The wave pages an analyst may read: without the organizers' forms.
      await visit(`/admin/surveys/${CAPTIC_ID}`);
      await visit(`/admin/surveys/${CAPTIC_ID}/waves/demo`);
      await visit(`/admin/surveys/${CAPTIC_ID}/waves/demo/quotas?question=company_size`);
      await visit(`/admin/surveys/${CAPTIC_ID}/waves/demo/responses`);
      expect(failures).to.deep.equal({});
    });
  }
});
