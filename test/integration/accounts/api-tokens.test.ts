// API tokens, created by their owner on the account page: shown once, stored hashed, scoped,
// expiring, revocable, with their last use shown; and used as `Authorization: Bearer`.
import { createHash } from 'node:crypto';
import { expect } from 'chai';
import supertest from 'supertest';
import type { TestApp } from '../../support/app';
import { useAppSuite } from '../../support/app-suite';
import type { Browser, Page } from '../../support/browser';
import { apiTokens, createStaff, signedInBrowser, type StaffMember, storedCollection } from '../../support/staff';
import { CAPTIC_ID } from '../../fixtures/captic-answers';

const OTHER_SURVEY = 'coworking_members_2026';
const WEIGHTING = `/api/v1/surveys/${CAPTIC_ID}/waves/current/weighting`;
const TARGETS = { method: 'poststratify', targets: { company_size: { tpe: 50, pme: 30, eti: 12, ge: 8 } } };

function tokenForm(page: Page, fields: Record<string, string>): Record<string, string> {
  return { _csrf: page.$('#token-form input[name=_csrf]').attr('value') ?? '', ...fields };
}

/** Creates a token through the account page's form; the answer is the page that shows it. */
async function createThroughForm(browser: Browser, fields: Record<string, string>): Promise<Page> {
  const page = await browser.get('/admin/account');
  return browser.post('/admin/account/tokens', tokenForm(page, fields));
}

async function revokeThroughForm(browser: Browser, tokenId: string): Promise<Page> {
  const page = await browser.get('/admin/account');
  return browser.post(`/admin/account/tokens/${tokenId}/revoke`, tokenForm(page, {}));
}

function bearer(app: TestApp, token: string) {
  const api = supertest(app.url);
  return {
    get: (path: string) => api.get(path).set('Authorization', `Bearer ${token}`),
    put: (path: string, body: object) => api.put(path).set('Authorization', `Bearer ${token}`).send(body),
  };
}

describe('API tokens', function () {
  this.timeout(30_000);
  const suite = useAppSuite();
  let analyst: StaffMember;
  let browser: Browser;
  beforeEach(async () => {
    analyst = await createStaff(suite.app, { email: 'ana@example.org', role: 'analyst', grants: [CAPTIC_ID] });
    browser = await signedInBrowser(suite.app, analyst);
    browser.acceptLanguage = 'en';
  });

  it('shows a new token once, with how to use it, and stores only its hash', async () => {
    const created = await createThroughForm(browser, { name: 'Monthly dashboard', scope: 'read', expires_in_days: '30' });
    expect(created.status).to.equal(200);
    expect(created.headers['cache-control']).to.equal('no-store');
    const token = created.$('#new-token').text();
    expect(token).to.match(/^brm_[A-Za-z0-9_-]{20,}$/);
    expect(created.$('.new-token').text()).to.contain('it will never be shown again');
    expect(created.$('.token-usage').text()).to.equal(`curl -H "Authorization: Bearer ${token}" ${suite.app.url}/api/v1/me`);

    const row = created.$('#tokens tbody tr');
    expect(row.length).to.equal(1);
    expect(row.find('th').text()).to.equal('Monthly dashboard');
    expect(row.text()).to.contain('Read').and.to.contain(`${token.slice(0, 10)}…`).and.to.contain('never');
    const days = (Date.parse(row.find('.token-expires').text().replace(' UTC', 'Z').replace(' ', 'T')) - Date.now()) / 86_400_000;
    expect(days).to.be.within(29.9, 30.01);

    const stored = await storedCollection('api_tokens').find().toArray();
    expect(stored).to.have.length(1);
    expect(stored[0]!.hash).to.equal(createHash('sha256').update(token).digest('hex'));
    expect(JSON.stringify(stored)).not.to.contain(token);
    expect(stored[0]).to.include({ name: 'Monthly dashboard', scope: 'read', prefix: token.slice(0, 10) });

    const again = await browser.get('/admin/account');
    expect(again.html).not.to.contain(token);
    expect(again.$('#new-token').length).to.equal(0);

    const audit = await storedCollection('audit_events').find({ action: 'token_created' }).toArray();
    expect(audit).to.have.length(1);
    expect(audit[0]).to.include({ actorEmail: analyst.email, target: 'Monthly dashboard', via: 'session' });
    expect(JSON.stringify(audit)).not.to.contain(token);
  });

  it('lets the token read as its owner: who am I, and the figures of a granted survey only', async () => {
    const token = (await createThroughForm(browser, { name: 'script', scope: 'read', expires_in_days: '90' })).$('#new-token').text();
    const me = await bearer(suite.app, token).get('/api/v1/me');
    expect(me.status).to.equal(200);
    expect(me.body).to.deep.include({ email: analyst.email, role: 'analyst', grants: [CAPTIC_ID], via: 'token', scope: 'read' });

    const figures = await bearer(suite.app, token).get(`/api/v1/surveys/${CAPTIC_ID}/waves/current/figures`);
    expect(figures.status).to.equal(200);
    expect(figures.body).to.have.property('questions');
    const other = await bearer(suite.app, token).get(`/api/v1/surveys/${OTHER_SURVEY}/waves/current/figures`);
    expect(other.status).to.equal(403);
    expect(other.body.error.code).to.equal('survey_not_granted');

    const page = await browser.get('/admin/account');
    const lastUsed = page.$('#tokens .token-last-used').text();
    expect(lastUsed).to.match(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC$/);
    expect(Math.abs(Date.parse(lastUsed.replace(' UTC', 'Z').replace(' ', 'T')) - Date.now())).to.be.below(120_000);
    const stored = await storedCollection('api_tokens').findOne({});
    expect(stored!.lastUsedAt).to.be.instanceOf(Date);
  });

  it('refuses a read token on a change (403 insufficient_scope) and lets an organizer’s manage token through', async () => {
    const readToken = (await createThroughForm(browser, { name: 'reader', scope: 'read', expires_in_days: '7' })).$('#new-token').text();
    const refused = await bearer(suite.app, readToken).put(WEIGHTING, TARGETS);
    expect(refused.status).to.equal(403);
    expect(refused.body.error.code).to.equal('insufficient_scope');

    // A manage token never gives more than its account has: an analyst still only reads.
    const analystManage = (await createThroughForm(browser, { name: 'too much', scope: 'manage', expires_in_days: '7' })).$('#new-token').text();
    expect((await bearer(suite.app, analystManage).put(WEIGHTING, TARGETS)).body.error.code).to.equal('organizer_only');
    expect(await storedCollection('audit_events').countDocuments({ action: 'weighting_changed' })).to.equal(0);

    const organizer = await createStaff(suite.app, { email: 'org@example.org', role: 'organizer', grants: [CAPTIC_ID] });
    const organizerBrowser = await signedInBrowser(suite.app, organizer);
    const manageToken = (await createThroughForm(organizerBrowser, { name: 'weights', scope: 'manage', expires_in_days: '7' })).$('#new-token').text();
    const changed = await bearer(suite.app, manageToken).put(WEIGHTING, TARGETS);
    expect(changed.status, JSON.stringify(changed.body)).to.equal(204);
    const audit = await storedCollection('audit_events').findOne({ action: 'weighting_changed' });
    expect(audit).to.include({ actorEmail: organizer.email, via: 'token', surveyId: CAPTIC_ID });
  });

  it('stops a revoked token at once (401), and says when it was revoked', async () => {
    const created = await createThroughForm(browser, { name: 'old script', scope: 'read', expires_in_days: '30' });
    const token = created.$('#new-token').text();
    const tokenId = created.$('#tokens tbody tr').attr('data-token-id')!;
    expect((await bearer(suite.app, token).get('/api/v1/me')).status).to.equal(200);

    const revoked = await revokeThroughForm(browser, tokenId);
    expect(revoked.status).to.equal(200);
    expect(revoked.$('.notice').text()).to.equal('The token “old script” is revoked.');
    expect(revoked.$('#tokens .token-revoked').text()).to.match(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC$/);
    expect(revoked.$('#tokens .revoke-form').length).to.equal(0);

    const refused = await bearer(suite.app, token).get('/api/v1/me');
    expect(refused.status).to.equal(401);
    expect(refused.body.error.message).to.equal('The API token was revoked');

    // Revoking again is harmless and audited once.
    expect((await revokeThroughForm(browser, tokenId)).status).to.equal(200);
    const audit = await storedCollection('audit_events').find({ action: 'token_revoked' }).toArray();
    expect(audit).to.have.length(1);
    expect(audit[0]).to.include({ actorEmail: analyst.email, target: 'old script' });
  });

  it('refuses an expired token (401) and marks it expired on the page', async () => {
    const longAgo = new Date(Date.now() - 40 * 86_400_000);
    const { token } = await apiTokens.create({ userId: analyst.account.id, name: 'forgotten', scope: 'read', expiresInDays: 30 }, { via: 'cli' }, longAgo);
    const refused = await bearer(suite.app, token).get('/api/v1/me');
    expect(refused.status).to.equal(401);
    expect(refused.body.error.message).to.equal('The API token has expired');
    const page = await browser.get('/admin/account');
    expect(page.$('#tokens .token-expires').text()).to.contain('expired');
    expect(page.$('#tokens .token-last-used').text()).to.equal('never');
  });

  it('answers 404 to someone revoking another’s token, or no token, and revokes nothing', async () => {
    const colleague = await createStaff(suite.app, { email: 'col@example.org', role: 'analyst', grants: [CAPTIC_ID] });
    const { token, summary } = await apiTokens.create({ userId: colleague.account.id, name: 'colleague’s', scope: 'read', expiresInDays: 30 }, { via: 'cli' });
    for (const tokenId of [summary.id, '000000000000000000000000', 'not-an-id']) {
      const refused = await revokeThroughForm(browser, tokenId);
      expect(refused.status, tokenId).to.equal(404);
      expect(refused.$('#form-error').text()).to.equal('None of your tokens has that id.');
    }
    expect((await bearer(suite.app, token).get('/api/v1/me')).status).to.equal(200);
    expect(await storedCollection('api_tokens').countDocuments({ revokedAt: { $exists: true } })).to.equal(0);
    expect(await storedCollection('audit_events').countDocuments({ action: 'token_revoked' })).to.equal(0);
    // Nor does the colleague's token show on this account's page.
    expect((await browser.get('/admin/account')).html).not.to.contain('colleague’s');
  });

  for (const [situation, fields, message] of [
    ['no name', { name: '   ', scope: 'read', expires_in_days: '30' }, 'Name the token'],
    ['a name over 100 characters', { name: 'n'.repeat(101), scope: 'read', expires_in_days: '30' }, 'Name the token'],
    ['an unknown scope', { name: 'x', scope: 'admin', expires_in_days: '30' }, 'The scope must be'],
    ['no scope', { name: 'x', expires_in_days: '30' }, 'The scope must be'],
    ['an expiry of 0 days', { name: 'x', scope: 'read', expires_in_days: '0' }, 'A token expires in 1 to 366 days'],
    ['an expiry of 367 days', { name: 'x', scope: 'read', expires_in_days: '367' }, 'A token expires in 1 to 366 days'],
    ['a negative expiry', { name: 'x', scope: 'read', expires_in_days: '-5' }, 'A token expires in 1 to 366 days'],
    ['a fractional expiry', { name: 'x', scope: 'read', expires_in_days: '1.5' }, 'A token expires in 1 to 366 days'],
    ['an expiry in scientific notation', { name: 'x', scope: 'read', expires_in_days: '1e2' }, 'A token expires in 1 to 366 days'],
    ['no expiry', { name: 'x', scope: 'read', expires_in_days: '' }, 'A token expires in 1 to 366 days'],
  ] as const) {
    it(`refuses a token with ${situation} (400), keeps the form, and stores nothing`, async () => {
      const refused = await createThroughForm(browser, fields);
      expect(refused.status).to.equal(400);
      expect(refused.$('#form-error').text()).to.contain(message);
      expect(refused.$('#new-token').length).to.equal(0);
      expect(refused.$('#token-name').attr('value')).to.equal(fields.name.slice(0, 200));
      expect(await storedCollection('api_tokens').countDocuments()).to.equal(0);
      expect(await storedCollection('audit_events').countDocuments({ action: 'token_created' })).to.equal(0);
    });
  }

  it('accepts the bounds of the expiry, 1 and 366 days', async () => {
    for (const days of ['1', '366']) {
      const created = await createThroughForm(browser, { name: `for ${days}`, scope: 'manage', expires_in_days: days });
      expect(created.status, days).to.equal(200);
    }
    expect(await storedCollection('api_tokens').countDocuments({ scope: 'manage' })).to.equal(2);
  });
});
