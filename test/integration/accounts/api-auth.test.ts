// Who the API lets in: tokens (scoped, expiring, revocable) for scripts, a session for reading
// only, and the survey grants behind both. Every refusal says why, and changes nothing.
import { expect } from 'chai';
import supertest from 'supertest';
import { useAppSuite } from '../../support/app-suite';
import { apiTokenFor, apiTokens, createStaff, signedInBrowser, storedCollection, type StaffMember } from '../../support/staff';
import { CAPTIC_ID } from '../../fixtures/captic-answers';

const OTHER_SURVEY = 'coworking_members_2026';
const ME = '/api/v1/me';
const figuresOf = (surveyId: string) => `/api/v1/surveys/${surveyId}/waves/current/figures`;
const WEIGHTING = `/api/v1/surveys/${CAPTIC_ID}/waves/2011-03/weighting`;
const TARGETS = { method: 'poststratify', targets: { company_size: { tpe: 50, pme: 30, eti: 12, ge: 8 } } };

const storedWeighting = async () => (await storedCollection('waves').findOne({ surveyId: CAPTIC_ID, waveId: '2011-03' }))?.weighting;

describe('API authentication', function () {
  this.timeout(30_000);
  const suite = useAppSuite();
  let organizer: StaffMember;
  let analyst: StaffMember;
  const api = () => supertest(suite.app.url);

  beforeEach(async () => {
    organizer = await createStaff(suite.app, { email: 'olga@example.org', role: 'organizer', grants: [CAPTIC_ID] });
    analyst = await createStaff(suite.app, { email: 'ana@example.org', role: 'analyst', grants: [CAPTIC_ID] });
  });

  /** A refused change: the status, the error's code and message, and no weighting stored. */
  async function expectWeightingRefused(res: supertest.Response, status: number, code: string, message?: RegExp): Promise<void> {
    expect(res.status, JSON.stringify(res.body)).to.equal(status);
    expect(res.type).to.equal('application/json');
    expect(res.body.error.code).to.equal(code);
    if (message) expect(res.body.error.message).to.match(message);
    expect(res.body.error).to.not.have.property('stack');
    expect(await storedWeighting()).to.equal(undefined);
    expect(await storedCollection('audit_events').countDocuments({ action: 'weighting_changed' })).to.equal(0);
  }

  describe('without valid credentials', () => {
    it('answers no credentials with 401, WWW-Authenticate and JSON, whatever the Accept header', async () => {
      for (const path of [ME, figuresOf(CAPTIC_ID)]) {
        const res = await api().get(path).set('Accept', 'text/html');
        expect(res.status, path).to.equal(401);
        expect(res.headers['www-authenticate']).to.equal('Bearer realm="Barometer"');
        expect(res.type).to.equal('application/json');
        expect(res.body.error).to.deep.equal({ code: 'unauthenticated', message: 'Sign in, or send an API token as "Authorization: Bearer <token>"' });
      }
      await expectWeightingRefused(await api().put(WEIGHTING).send(TARGETS), 401, 'unauthenticated');
    });

    it('refuses a malformed Authorization header, and says how to send a token', async () => {
      const token = await apiTokenFor(organizer, 'manage');
      const malformed = ['Basic b2xnYTpzZWNyZXQ=', `bearer ${token}`, `Bearer  ${token}`, 'Bearer', `Bearer ${token} extra`, `Bearer ${token}\u00e9`, `Token ${token}`, `Bearer ${'a'.repeat(201)}`, ''];
      for (const header of malformed) {
        const res = await api().put(WEIGHTING).set('Authorization', header).send(TARGETS);
        await expectWeightingRefused(res, 401, 'invalid_token', /^Send the token as "Authorization: Bearer <token>"$/);
      }
    });

    it('tells an unknown, an expired and a revoked token apart, with 401 each', async () => {
      const expired = await apiTokenFor(organizer, 'manage');
      await storedCollection('api_tokens').updateMany({}, { $set: { expiresAt: new Date(Date.now() - 1_000) } });
      const revoked = await apiTokenFor(organizer, 'manage');
      const stored = await storedCollection('api_tokens').findOne({ revokedAt: { $exists: false }, expiresAt: { $gt: new Date() } });
      await apiTokens.revoke(organizer.account.id, String(stored!._id), { via: 'cli' });
      const cases = [
        ['brm_thisTokenWasNeverIssuedByThisServer0123456789', 'The API token is not valid'],
        ['not-even-our-prefix', 'The API token is not valid'],
        [expired, 'The API token has expired'],
        [revoked, 'The API token was revoked'],
      ] as const;
      for (const [token, message] of cases) {
        await expectWeightingRefused(await api().put(WEIGHTING).auth(token, { type: 'bearer' }).send(TARGETS), 401, 'invalid_token', new RegExp(`^${message}$`));
        const read = await api().get(ME).auth(token, { type: 'bearer' });
        expect(read.status).to.equal(401);
        expect(read.body.error.message).to.equal(message);
      }
    });

    it('challenges every refused token with WWW-Authenticate error="invalid_token" (RFC 6750)', async () => {
      const token = await apiTokenFor(analyst, 'read');
      await storedCollection('users').updateOne({ email: analyst.email }, { $set: { disabledAt: new Date() } });
      for (const header of ['Bearer brm_neverIssued0123456789', 'Basic b2xnYTpzZWNyZXQ=', `Bearer ${token}`]) {
        const res = await api().get(ME).set('Authorization', header);
        expect(res.status, header).to.equal(401);
        expect(res.headers['www-authenticate'], header).to.equal('Bearer realm="Barometer", error="invalid_token"');
      }
      // A good token's answer carries no challenge.
      const good = await api().get(ME).auth(await apiTokenFor(organizer, 'read'), { type: 'bearer' });
      expect(good.status).to.equal(200);
      expect(good.headers).to.not.have.property('www-authenticate');
    });

    it('does not let a token stand in for a session on the console pages', async () => {
      const token = await apiTokenFor(organizer, 'manage');
      const res = await api().get('/admin').set('Accept', 'text/html').auth(token, { type: 'bearer' }).redirects(0);
      expect(res.status).to.equal(303);
      expect(res.headers.location).to.equal('/login?next=%2Fadmin');
    });
  });

  describe('scopes and grants', () => {
    it('refuses a read-scope token a change with 403 insufficient_scope', async () => {
      const token = await apiTokenFor(organizer, 'read');
      await expectWeightingRefused(await api().put(WEIGHTING).auth(token, { type: 'bearer' }).send(TARGETS), 403, 'insufficient_scope', /may only read/);
      const remove = await api().delete(WEIGHTING).auth(token, { type: 'bearer' });
      expect(remove.status).to.equal(403);
      expect(remove.body.error.code).to.equal('insufficient_scope');
      // Reading is what it is for.
      expect((await api().get(figuresOf(CAPTIC_ID)).auth(token, { type: 'bearer' })).status).to.equal(200);
    });

    it('refuses a session cookie on an API change with 401: changes need a token', async () => {
      const browser = await signedInBrowser(suite.app, organizer);
      const res = await browser.agent.put(WEIGHTING).send(TARGETS);
      await expectWeightingRefused(res, 401, 'unauthenticated', /^Changes through the API need an API token/);
      expect(res.headers['www-authenticate']).to.equal('Bearer realm="Barometer"');
    });

    it('lets a session read through the API', async () => {
      const browser = await signedInBrowser(suite.app, analyst);
      const me = await browser.agent.get(ME);
      expect(me.status).to.equal(200);
      expect(me.body).to.deep.equal({ email: analyst.email, name: '', role: 'analyst', grants: [CAPTIC_ID], via: 'session', scope: 'manage' });
      const figures = await browser.agent.get(figuresOf(CAPTIC_ID));
      expect(figures.status).to.equal(200);
      expect(figures.body.surveyId ?? CAPTIC_ID).to.equal(CAPTIC_ID);
    });

    it('refuses an analyst\'s token another survey with 403', async () => {
      const token = await apiTokenFor(analyst, 'read');
      const res = await api().get(figuresOf(OTHER_SURVEY)).auth(token, { type: 'bearer' });
      expect(res.status).to.equal(403);
      expect(res.body.error).to.deep.equal({ code: 'survey_not_granted', message: 'You have no access to this survey' });
      expect((await api().get(figuresOf(CAPTIC_ID)).auth(token, { type: 'bearer' })).status).to.equal(200);
    });

    it('refuses an analyst\'s manage token a change to its own survey: analysts only read', async () => {
      const token = await apiTokenFor(analyst, 'manage');
      await expectWeightingRefused(await api().put(WEIGHTING).auth(token, { type: 'bearer' }).send(TARGETS), 403, 'organizer_only');
    });

    it('refuses an organizer\'s token a survey it does not run', async () => {
      const token = await apiTokenFor(organizer, 'manage');
      const res = await api().put(`/api/v1/surveys/${OTHER_SURVEY}/waves/current/weighting`).auth(token, { type: 'bearer' }).send(TARGETS);
      expect(res.status).to.equal(403);
      expect(res.body.error.code).to.equal('survey_not_granted');
    });

    it('lets an organizer\'s manage token change the weighting (204), audited with who and how', async () => {
      const token = await apiTokenFor(organizer, 'manage');
      const res = await api().put(WEIGHTING).auth(token, { type: 'bearer' }).send(TARGETS);
      expect(res.status, JSON.stringify(res.body)).to.equal(204);
      expect(await storedWeighting()).to.deep.equal(TARGETS);
      const events = await storedCollection('audit_events').find({ action: 'weighting_changed' }).toArray();
      expect(events).to.have.length(1);
      expect(events[0]).to.include({ actorEmail: organizer.email, via: 'token', surveyId: CAPTIC_ID, target: '2011-03', ip: '127.0.0.1' });
      expect(String(events[0]!.actorId)).to.equal(organizer.account.id);
      expect(events[0]!.details).to.deep.equal({ weighting: TARGETS });
      // The token's last use is shown to its owner.
      const stored = await storedCollection('api_tokens').findOne({ userId: events[0]!.actorId });
      expect((stored!.lastUsedAt as Date).getTime()).to.be.closeTo(Date.now(), 10_000);
    });

    it('follows the account\'s rights now, not when the token was made', async () => {
      const token = await apiTokenFor(organizer, 'manage');
      await storedCollection('users').updateOne({ email: organizer.email }, { $set: { grants: [] } });
      const res = await api().put(WEIGHTING).auth(token, { type: 'bearer' }).send(TARGETS);
      expect(res.status).to.equal(403);
      expect(res.body.error.code).to.equal('survey_not_granted');
    });

    it('stores only a hash of a token', async () => {
      const token = await apiTokenFor(organizer, 'read');
      const stored = await storedCollection('api_tokens').findOne({});
      expect(JSON.stringify(stored)).to.not.contain(token);
      expect(stored!.hash).to.match(/^[0-9a-f]{64}$/);
      expect(token.startsWith(stored!.prefix)).to.equal(true);
    });
  });
});
