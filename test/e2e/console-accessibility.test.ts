// axe-core in the real Chromium on the staff side: sign-in, first-admin setup, the one-time
// password link, and every console page an admin reaches (surveys, accounts, a new account and
// its link, one account, own account with a new token, the audit trail, panels and their imports
// and members, a wave's invitations, the outbox), in French and in English, including the states
// after a refused form; and the pages a panel member or a visitor meets (a password link by
// mail, unsubscribing, a wave by invitation only). Nothing serious or critical may be found.
import { PassThrough, Readable } from 'node:stream';
import { expect } from 'chai';
import type { Page } from 'playwright-core';
import { CAPTIC_ID } from '../fixtures/captic-answers';

import { createInvitationSends } from '../../server/invitations/invitation-send.service';
import { unsubscribePath } from '../../server/invitations/unsubscribe-link';
import { createLogger } from '../../server/lib/logger';
import { PanelImportModel } from '../../server/panels/panel-import.model';
import { createPanelImports } from '../../server/panels/panel-import.service';
import { createPanel, listMembers } from '../../server/panels/panel.service';
import type { TestApp } from '../support/app';
import { accountsOf, createStaff, signInChromium } from '../support/staff';
import { TEST_ACTOR, wavesOf } from '../support/waves';
import { describeViolations, findSeriousViolations } from './support/axe';
import { useChromiumSuite } from './support/chromium';
import { inPage, submitWith } from './support/survey';

type Lang = 'fr' | 'en';

const PANEL_ID = 'pros';
/** Five rows: two members to add (Ana, Bob), and what the report lists: an invalid address, a duplicate, a bad company size, an unknown column. */
const MEMBERS_CSV = [
  'email,name,language,company_size,shoe_size',
  'ana.martin@example.fr,Ana Martin,fr,tpe,38',
  'bob.smith@example.com,Bob Smith,en,pme,44',
  'chloe.durand@example.fr,Chloé Durand,fr,huge,39',
  'not-an-email,Nobody Atall,fr,tpe,40',
  'Ana.Martin@Example.fr,Ana M.,fr,pme,38',
].join('\n');

/**
 * CAP-TIC's panel, made and filled through the services the console uses, with its import left
 * staged (its report not confirmed) or applied; the import's id.
 */
async function panelWithImport(app: TestApp, confirm: boolean): Promise<string> {
  const logger = createLogger(app.config);
  await createPanel(CAPTIC_ID, { panelId: PANEL_ID, name: 'Professionnels / Professionals' }, TEST_ACTOR, logger);
  const imports = createPanelImports({ catalog: app.catalog, logger, clock: app.clock });
  const started = await imports.startImport({ surveyId: CAPTIC_ID, panelId: PANEL_ID, fileName: 'members.csv', source: { kind: 'stream', stream: Readable.from([Buffer.from(MEMBERS_CSV)]), format: 'csv' } }, TEST_ACTOR);
  const read = await started.reading;
  expect(read.status, JSON.stringify(read.failure)).to.equal('ready');
  if (confirm) await imports.confirmImport(CAPTIC_ID, PANEL_ID, started.importId, TEST_ACTOR);
  return started.importId;
}

/**
 * An import whose file is still arriving: its page shows the reading progress until `finish`
 * sends the rest and waits for the report.
 */
async function importStillReading(app: TestApp): Promise<{ importId: string; finish: () => Promise<void> }> {
  const imports = createPanelImports({ catalog: app.catalog, logger: createLogger(app.config), clock: app.clock });
  const [header, ...rows] = MEMBERS_CSV.split('\n');
  const file = new PassThrough();
  file.write(Buffer.from(`${header}\n${rows[0]}\n`));
  const started = await imports.startImport({ surveyId: CAPTIC_ID, panelId: PANEL_ID, fileName: 'slow.csv', source: { kind: 'stream', stream: file, format: 'csv' } }, TEST_ACTOR);
  return {
    importId: started.importId,
    async finish() {
      file.end(Buffer.from(rows.slice(1).join('\n')));
      expect((await started.reading).status).to.equal('ready');
    },
  };
}

/** The id of the panel member with this address. */
async function memberIdOf(email: string): Promise<string> {
  const { members } = await listMembers(CAPTIC_ID, PANEL_ID, { email });
  expect(members, email).to.have.length(1);
  return members[0]!.id;
}

/** CAP-TIC's open demo wave made to invite the panel only, through the wave's settings. */
async function makePanelWave(app: TestApp): Promise<void> {
  await wavesOf(app).setSettings(CAPTIC_ID, 'demo', { accessMode: 'panel', panelId: PANEL_ID }, TEST_ACTOR);
}

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

    it(`finds nothing serious on the panel, invitation and outbox pages an admin reaches in ${lang}, refused forms included`, async () => {
      const { page, failures, seen, audit, visit } = await auditor(lang);
      const admin = await createStaff(suite.app, { email: 'admin@example.org', role: 'admin' });
      const staged = await panelWithImport(suite.app, false);
      await signInChromium(page, suite.app, admin);
      const panels = `/admin/surveys/${CAPTIC_ID}/panels`;
      const panel = `${panels}/${PANEL_ID}`;

      await visit(panels);
      await page.locator('#panelId').fill(PANEL_ID);
      await page.locator('#name').fill('Another panel with the same id');
      expect(await submitWith(page, page.locator('#new-panel button[type="submit"]'))).to.equal(409);
      await audit(`${panels}, panel id taken`);
      await visit(panel);
      // The report an organizer reviews before anything is saved, then the applied import.
      await visit(`${panel}/imports/${staged}`);
      expect(await submitWith(page, page.locator('#confirm-import button[type="submit"]'))).to.equal(303);
      await page.locator('#import-applied').waitFor();
      await audit(`${panel}/imports/${staged}, applied`);
      await visit(panel);

      const member = `${panel}/members/${await memberIdOf('bob.smith@example.com')}`;
      await visit(member);
      await page.locator('#email').fill('not an email');
      await skipBrowserChecks(page, '#edit-member');
      expect(await submitWith(page, page.locator('#edit-member button[type="submit"]'))).to.equal(422);
      await audit(`${member}, invalid email`);

      await makePanelWave(suite.app);
      const invitations = `/admin/surveys/${CAPTIC_ID}/waves/demo/invitations`;
      await visit(invitations);
      // The send runs in the background; the page it leads to reloads itself until it says what it did.
      expect(await submitWith(page, page.locator(`form[action="${invitations}/send"] button[type="submit"]`))).to.equal(303);
      await page.locator('#notice').waitFor();
      await audit(`${invitations}, sent`);

      // No mail worker runs in this suite: the invitations wait in the outbox, queued.
      await visit('/admin/outbox');
      const message = await page.locator('a[href^="/admin/outbox/messages/"]').first().getAttribute('href');
      expect(message).to.be.a('string');
      await visit(message!);
      await visit('/admin/outbox?status=nowhere', 400);

      expect(seen).to.have.length(13);
      expect(failures).to.deep.equal({});
    });

    it(`finds nothing serious in ${lang} on the pages that follow work done in the background: an import read, then saved; invitations being sent`, async () => {
      const { page, failures, seen, audit } = await auditor(lang);
      const admin = await createStaff(suite.app, { email: 'admin@example.org', role: 'admin' });
      await panelWithImport(suite.app, true);
      await signInChromium(page, suite.app, admin);
      /** The page as it shows a job still running; these pages reload themselves until it ends. */
      const showRunning = async (state: string, path: string, progress: string) => {
        expect((await page.goto(`${suite.app.url}${path}`))?.status(), state).to.equal(200);
        await page.locator(progress).waitFor();
        await audit(state);
      };

      const slow = await importStillReading(suite.app);
      const importPage = `/admin/surveys/${CAPTIC_ID}/panels/${PANEL_ID}/imports/${slow.importId}`;
      await showRunning('import page, file being read', importPage, '#reading-progress');
      await slow.finish();
      // Confirming writes three members faster than a page can be caught in between: the import
      // is put in the state confirming gives it while it writes, with one member written.
      await PanelImportModel.updateOne({ _id: slow.importId }, { $set: { status: 'applying', 'progress.applied': 1, 'progress.at': suite.app.clock.now() } });
      await showRunning('import page, members being saved', importPage, '#applying-progress');

      // A send held after its first progress report, until the page is audited.
      await makePanelWave(suite.app);
      let release = () => {};
      const held = new Promise<void>((resolve) => (release = resolve));
      const { app } = suite;
      const { send, finished } = await createInvitationSends({ config: app.config, logger: createLogger(app.config), clock: app.clock, catalog: app.catalog, secret: app.secret })
        .startSend(CAPTIC_ID, 'demo', TEST_ACTOR, app.url, { onProgress: () => held });
      await showRunning('invitations page, send running', `/admin/surveys/${CAPTIC_ID}/waves/demo/invitations?send=${send.id}`, '#send-progress');
      release();
      expect((await finished).queued).to.equal(2);

      expect(seen).to.have.length(3);
      expect(failures).to.deep.equal({});
    });

    it(`finds nothing serious on what a visitor or a panel member meets in ${lang}: a password link by mail, unsubscribing, a wave by invitation only`, async () => {
      const { page, failures, seen, audit, visit } = await auditor(lang);
      await createStaff(suite.app, { email: 'analyst@example.org', role: 'analyst', grants: [CAPTIC_ID] });
      await visit('/login/forgot');
      await page.locator('#email').fill('analyst@example.org');
      expect(await submitWith(page, page.locator('form[action="/login/forgot"] button[type="submit"]'))).to.equal(303);
      await audit('/login/forgot, link on its way');

      await panelWithImport(suite.app, true);
      // The page speaks the member's language: Ana reads French, Bob English.
      const member = await memberIdOf(lang === 'fr' ? 'ana.martin@example.fr' : 'bob.smith@example.com');
      await visit(unsubscribePath(suite.app.secret, member));
      expect(await submitWith(page, page.locator('#unsubscribe-form button[type="submit"]'))).to.equal(200);
      await page.locator('#unsubscribed').waitFor();
      await audit('unsubscribe page, done');

      await makePanelWave(suite.app);
      await visit(`/s/${CAPTIC_ID}`, 403);

      expect(seen).to.have.length(5);
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
