// Issue 10's story in a real browser, on a fresh database: the first admin is set up with the code
// boot prints, creates an analyst with a grant on CAP-TIC and hands over the one-time link; the
// analyst chooses a password, signs in, reads CAP-TIC's report, is refused the weighting change
// (with the session and with a read token) and another survey's report, and signs out. Each step
// checks what the person sees and what the database holds. The steps share one story, in order.
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { expect } from 'chai';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { importResponses } from '../../server/responses/import.service';
import { CAPTIC_ID } from '../fixtures/captic-answers';
import { captic250AsJsonLines } from '../fixtures/captic-250';
import { ROOT, startTestApp, type TestApp } from '../support/app';
import { storedCollection } from '../support/staff';
import { launchChromium, openContext } from './support/chromium';
import { inPage, submitWith } from './support/survey';

const OTHER_SURVEY_ID = 'coworking_members_2026';
const ADMIN = { email: 'admin@example.org', name: 'Alice Martin', password: 'lantern orchard velvet 2031 harbour' };
const ANALYST = { email: 'analyst@example.org', name: 'Bruno Petit', password: 'copper meadow kettle 1994 sparrow' };
const WEIGHTING_URL = `/api/v1/surveys/${CAPTIC_ID}/waves/current/weighting`;
/** Valid targets, so that a refusal can only be about who asks. */
const WEIGHTING = { method: 'poststratify', targets: { company_size: { tpe: 95.6, pme: 3.4, eti: 0.8, ge: 0.2 } } };
const ARTIFACTS = path.join(ROOT, 'test', 'artifacts');

interface FetchResult {
  status: number;
  wwwAuthenticate: string | null;
  body: { error?: { code: string; message: string } };
}

/** A fetch made by the page itself (its cookies, its origin), as a script on it would. */
function fetchInPage(page: Page, url: string, init: { method: string; headers?: Record<string, string>; body?: string }): Promise<FetchResult> {
  return inPage<FetchResult>(page, `
    fetch(${JSON.stringify(url)}, ${JSON.stringify(init)}).then(async (r) => ({
      status: r.status,
      wwwAuthenticate: r.headers.get('www-authenticate'),
      body: await r.json(),
    }))
  `);
}

async function screenshot(page: Page, name: string): Promise<void> {
  await mkdir(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: path.join(ARTIFACTS, `accounts-${name}.png`), fullPage: true });
}

describe('Accounts end to end in Chromium: first admin, an analyst, and what the analyst may not do', function () {
  this.timeout(60_000);
  let app: TestApp;
  let browser: Browser;
  let adminContext: BrowserContext | undefined;
  let analystContext: BrowserContext | undefined;
  let admin: Page;
  let analyst: Page;
  let oneTimeLink: string;

  before(async () => {
    app = await startTestApp();
    await app.reset();
    await importResponses({ survey: app.catalog.require(CAPTIC_ID), format: 'jsonl', content: captic250AsJsonLines() });
    browser = await launchChromium();
    adminContext = await openContext(browser, { locale: 'fr-FR' });
    admin = await adminContext.newPage();
    analystContext = await openContext(browser, { locale: 'en-GB' });
    analyst = await analystContext.newPage();
  });
  after(async () => {
    await adminContext?.close();
    await analystContext?.close();
    await browser?.close();
    await app?.close();
  });

  it('sets up the first admin with the code boot prints, after refusing a wrong code', async () => {
    expect(await storedCollection('users').countDocuments()).to.equal(0);
    await admin.goto(`${app.url}/setup`);
    expect(await admin.locator('h1').textContent()).to.equal('Créer le premier administrateur');
    await screenshot(admin, 'setup');

    await admin.locator('#code').fill('AAAA-BBBB-CCCC');
    await admin.locator('#email').fill(ADMIN.email);
    await admin.locator('#name').fill(ADMIN.name);
    await admin.locator('#password').fill(ADMIN.password);
    expect(await submitWith(admin, admin.getByRole('button', { name: 'Créer le compte administrateur' }))).to.equal(403);
    expect(await admin.locator('.error-summary').textContent()).to.contain('Ce code de mise en route est incorrect.');
    expect(await admin.locator('#email').inputValue()).to.equal(ADMIN.email);
    expect(await storedCollection('users').countDocuments()).to.equal(0);

    // Typed as a person copies it from a terminal: lower case, with the dashes.
    await admin.locator('#code').fill(app.firstAdmin.code.toLowerCase());
    await admin.locator('#password').fill(ADMIN.password);
    expect(await submitWith(admin, admin.getByRole('button', { name: 'Créer le compte administrateur' }))).to.equal(303);
    expect(new URL(admin.url()).pathname).to.equal('/admin');
    expect(await admin.locator('h1').textContent()).to.equal('Console');
    expect(await admin.locator(`#survey-${CAPTIC_ID}`).textContent()).to.contain('réseaux sociaux');
    expect(await admin.locator(`#survey-${OTHER_SURVEY_ID}`).count()).to.equal(1);
    await screenshot(admin, 'console');

    const users = await storedCollection('users').find().toArray();
    expect(users.map((u) => [u.email, u.role])).to.deep.equal([[ADMIN.email, 'admin']]);
    expect(users[0]!.passwordHash).to.match(/^scrypt\$/);
    expect(await storedCollection('audit_events').countDocuments({ action: 'first_admin_created', target: ADMIN.email })).to.equal(1);

    // The page is closed for good once an account exists.
    const again = await admin.goto(`${app.url}/setup`);
    expect(new URL(again!.url()).pathname).to.equal('/admin');
  });

  it('lets the admin create an analyst with a grant on CAP-TIC and shows the one-time link once', async () => {
    await admin.getByRole('link', { name: 'Comptes' }).click();
    await admin.waitForURL(`${app.url}/admin/users`);
    await admin.locator('#new-account-link').click();
    await admin.waitForURL(`${app.url}/admin/users/new`);
    await admin.locator('#email').fill(ANALYST.email);
    await admin.locator('#name').fill(ANALYST.name);
    await admin.locator('#role').selectOption('analyst');
    await admin.locator(`input[name="grants"][value="${CAPTIC_ID}"]`).check();
    expect(await submitWith(admin, admin.locator('#new-account button[type="submit"]'))).to.equal(201);

    oneTimeLink = (await admin.locator('#one-time-link').textContent())!.trim();
    expect(oneTimeLink).to.match(new RegExp(`^${app.url}/account/password/[A-Za-z0-9_%-]{40,}$`));
    const stored = await storedCollection('users').findOne({ email: ANALYST.email });
    expect(stored).to.deep.include({ role: 'analyst', grants: [CAPTIC_ID], name: ANALYST.name });
    expect(stored!.passwordHash).to.equal(undefined);
    // Only a hash of the link is kept.
    expect(JSON.stringify(stored)).not.to.contain(oneTimeLink.split('/').pop());

    await admin.goto(`${app.url}/admin/users`);
    const row = admin.locator(`tr[data-email="${ANALYST.email}"]`);
    expect(await row.locator('td').nth(2).textContent()).to.contain('Utilisation des réseaux sociaux');
    await screenshot(admin, 'users');

    expect(await submitWith(admin, admin.locator('form[action="/logout"] button'))).to.equal(303);
    expect(new URL(admin.url()).pathname).to.equal('/login');
    expect(await admin.locator('.notice').textContent()).to.equal('Vous êtes déconnecté.');
  });

  it('lets the analyst choose a password with the link, which then works no more, and sign in', async () => {
    await analyst.goto(oneTimeLink);
    expect(await analyst.locator('form.stacked-form').textContent()).to.contain(ANALYST.email);
    // A guessable password is refused on the page, and the link still works.
    await analyst.locator('#password').fill('password1234');
    expect(await submitWith(analyst, analyst.getByRole('button', { name: 'Save the password' }))).to.equal(422);
    expect(await analyst.locator('.error-summary').textContent()).to.contain('too common or too easy to guess');
    await analyst.locator('#password').fill(ANALYST.password);
    expect(await submitWith(analyst, analyst.getByRole('button', { name: 'Save the password' }))).to.equal(303);
    expect(await analyst.locator('.notice').textContent()).to.equal('Password saved: you can sign in now.');

    const spent = await analyst.goto(oneTimeLink);
    expect(spent!.status()).to.equal(410);

    await analyst.goto(`${app.url}/login`);
    await analyst.locator('#email').fill(ANALYST.email);
    await analyst.locator('#password').fill(ANALYST.password);
    expect(await submitWith(analyst, analyst.getByRole('button', { name: 'Sign in' }))).to.equal(303);
    expect(new URL(analyst.url()).pathname).to.equal('/admin');
    // Only the granted survey, and no link to the admins' pages.
    expect(await analyst.locator(`#survey-${CAPTIC_ID}`).count()).to.equal(1);
    expect(await analyst.locator(`#survey-${OTHER_SURVEY_ID}`).count()).to.equal(0);
    expect(await analyst.locator('a[href="/admin/users"]').count()).to.equal(0);
  });

  it("shows the analyst CAP-TIC's report", async () => {
    await analyst.locator(`section[aria-labelledby="survey-${CAPTIC_ID}"] a[href*="/report"]`).first().click();
    await analyst.waitForURL(/\/admin\/surveys\/captic_2011\/waves\/[^/]+\/report/);
    expect(await analyst.locator('h1').textContent()).to.contain('social networks');
    expect(await analyst.locator('canvas[data-chart]').count()).to.be.greaterThan(8);
  });

  it('refuses the analyst the weighting change: 401 with the session, 403 with a read token', async () => {
    const withSession = await fetchInPage(analyst, WEIGHTING_URL, { method: 'PUT', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(WEIGHTING) });
    expect(withSession.status).to.equal(401);
    expect(withSession.wwwAuthenticate).to.equal('Bearer realm="Barometer"');
    expect(withSession.body.error?.message).to.contain('need an API token');

    // The same session reads through the API.
    const figures = await inPage<number>(analyst, `fetch('/api/v1/surveys/${CAPTIC_ID}/waves/current/figures').then((r) => r.status)`);
    expect(figures).to.equal(200);

    await analyst.goto(`${app.url}/admin/account`);
    await analyst.locator('#token-name').fill('weekly export script');
    await analyst.locator('input[name="scope"][value="read"]').check();
    expect(await submitWith(analyst, analyst.getByRole('button', { name: 'Create the token' }))).to.equal(200);
    const token = (await analyst.locator('#new-token').textContent())!.trim();
    expect(token).to.match(/^brm_/);

    const withToken = await fetchInPage(analyst, WEIGHTING_URL, {
      method: 'PUT',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
      body: JSON.stringify(WEIGHTING),
    });
    expect(withToken.status).to.equal(403);
    expect(withToken.body.error?.code).to.equal('insufficient_scope');

    const wave = await storedCollection('waves').findOne({ surveyId: CAPTIC_ID });
    expect(wave?.weighting ?? null).to.equal(null);
    expect(await storedCollection('audit_events').countDocuments({ action: 'weighting_changed' })).to.equal(0);
  });

  it("refuses the analyst another survey's report with a 403 page in their language", async () => {
    const refused = await analyst.goto(`${app.url}/admin/surveys/${OTHER_SURVEY_ID}/waves/current/report`);
    expect(refused!.status()).to.equal(403);
    expect(await analyst.locator('main').textContent()).to.contain('Your account has no access to this page.');
    expect(await analyst.content()).not.to.match(/at \S+\.ts:\d+/);
    await screenshot(analyst, 'analyst-refused');
  });

  it('signs the analyst out: the session is gone from the database and /admin asks to sign in', async () => {
    const analystId = String((await storedCollection('users').findOne({ email: ANALYST.email }))!._id);
    expect(await storedCollection('sessions').countDocuments({ 'session.userId': analystId })).to.equal(1);
    await analyst.goto(`${app.url}/admin`);
    expect(await submitWith(analyst, analyst.locator('form[action="/logout"] button'))).to.equal(303);
    expect(await analyst.locator('.notice').textContent()).to.equal('You are signed out.');
    expect(await storedCollection('sessions').countDocuments({ 'session.userId': analystId })).to.equal(0);

    await analyst.goto(`${app.url}/admin`);
    expect(new URL(analyst.url()).pathname).to.equal('/login');
    expect(new URL(analyst.url()).searchParams.get('next')).to.equal('/admin');
    const actions = (await storedCollection('audit_events').find({ actorEmail: ANALYST.email }).sort({ at: 1 }).toArray()).map((e) => e.action);
    expect(actions).to.deep.equal(['password_set', 'sign_in', 'token_created', 'sign_out']);
  });
});
