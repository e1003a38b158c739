// Secure by default: stack traces, file paths and internal messages reach a browser or an API
// client only when SHOW_ERROR_DETAILS=1 says so; a respondent's error page stays friendly.
import { expect } from 'chai';
import supertest from 'supertest';
import { TEST_ACTOR, wavesOf } from '../../support/waves';
import { startTestApp, type TestApp } from '../../support/app';
import { Browser } from '../../support/browser';
import { apiTokenFor, createStaff } from '../../support/staff';
import { CAPTIC_ID } from '../../fixtures/captic-answers';

/** A survey id the catalog fails on unexpectedly, as a bug or a broken disk would make it. */
const EXPLODING_SURVEY = 'explodes';
const INTERNAL_MESSAGE = 'ENOENT: no such file or directory, open /work/main/surveys/explodes.yaml';
/** What a stack trace or a server path looks like in an answer. */
const TECHNICAL = /ENOENT|\/work\/|node_modules|\.ts\b|\.js:\d+|\bat [\w.<>]+ \(|at async /;

/** Makes the app's own catalog throw a plain Error (not an AppError) for EXPLODING_SURVEY. */
function makeCatalogExplode(app: TestApp): void {
  const original = app.catalog.require.bind(app.catalog);
  app.catalog.require = (surveyId) => {
    if (surveyId === EXPLODING_SURVEY) throw new Error(INTERNAL_MESSAGE);
    return original(surveyId);
  };
}

async function adminToken(app: TestApp): Promise<string> {
  const admin = await createStaff(app, { email: 'root@example.org', role: 'admin' });
  return apiTokenFor(admin, 'read');
}

describe('Error details', function () {
  this.timeout(30_000);

  describe('by default', () => {
    let app: TestApp;
    before(async () => {
      // Development is where stacks used to leak: check the default there, not only in test.
      app = await startTestApp({ NODE_ENV: 'development' });
      makeCatalogExplode(app);
    });
    beforeEach(async () => app.reset());
    after(async () => app.close());

    it('answers an unexpected failure on a page with a plain 500 page: no stack, path or message', async () => {
      const page = await new Browser(app.url).get(`/s/${EXPLODING_SURVEY}`);
      expect(page.status).to.equal(500);
      expect(page.$('h1').text()).to.equal('Une erreur est survenue');
      expect(page.$('pre.stack')).to.have.length(0);
      expect(page.html).to.not.match(TECHNICAL);
    });

    it('answers an unexpected failure on the API with a bare JSON 500', async () => {
      const res = await supertest(app.url).get(`/api/v1/surveys/${EXPLODING_SURVEY}/waves/current/figures`).auth(await adminToken(app), { type: 'bearer' });
      expect(res.status).to.equal(500);
      expect(res.body).to.deep.equal({ error: { code: 'internal', message: 'Internal server error' } });
      expect(res.text).to.not.match(TECHNICAL);
    });

    it('answers a 500 to a client that wants neither HTML nor JSON in plain text, without detail', async () => {
      const res = await supertest(app.url).get(`/s/${EXPLODING_SURVEY}`).set('Accept', 'text/plain');
      expect(res.status).to.equal(500);
      expect(res.text).to.equal('500 Internal server error');
    });

    it('answers a 404, page or API, without a stack or a path', async () => {
      const page = await new Browser(app.url).get('/no/such/page');
      expect(page.status).to.equal(404);
      expect(page.$('h1').text()).to.equal('Page introuvable');
      expect(page.html).to.not.match(TECHNICAL);
      const api = await supertest(app.url).get('/api/v1/no/such/thing').auth(await adminToken(app), { type: 'bearer' });
      expect(api.status).to.equal(404);
      expect(api.body).to.deep.equal({ error: { code: 'not_found', message: 'No page at GET /api/v1/no/such/thing' } });
      const json = await supertest(app.url).get('/no/such/page').set('Accept', 'application/json');
      expect(json.status).to.equal(404);
      expect(json.body.error).to.not.have.property('stack');
    });

    it('answers a malformed API body with a 400 that names the problem, not the parser\'s insides', async () => {
      const admin = await createStaff(app, { email: 'root@example.org', role: 'admin' });
      const res = await supertest(app.url)
        .put(`/api/v1/surveys/${CAPTIC_ID}/waves/2011-03/weighting`)
        .auth(await apiTokenFor(admin, 'manage'), { type: 'bearer' })
        .set('Content-Type', 'application/json')
        .send('{"method": "rake", "targets": ');
      expect(res.status).to.equal(400);
      expect(res.body.error).to.not.have.property('stack');
      expect(res.text).to.not.match(TECHNICAL);
    });

    it('tells a respondent a closed survey is closed, with 410, in French and in English, without technical detail', async () => {
      await wavesOf(app).closeWave(CAPTIC_ID, 'demo', TEST_ACTOR);
      const expected = { fr: 'Cette enquête est close', en: 'This survey is closed' };
      for (const [lang, text] of Object.entries(expected)) {
        const browser = new Browser(app.url);
        browser.acceptLanguage = lang;
        const page = await browser.get(`/s/${CAPTIC_ID}`);
        expect(page.status, lang).to.equal(410);
        expect(page.$('html').attr('lang')).to.equal(lang);
        expect(page.$('main').text()).to.contain(text);
        expect(page.html).to.not.match(TECHNICAL);
        expect(page.$('pre.stack')).to.have.length(0);
      }
    });

    it('shows the respondent only the friendly sentence, not the developer\'s message', async () => {
      await wavesOf(app).closeWave(CAPTIC_ID, 'demo', TEST_ACTOR);
      const page = await new Browser(app.url).get(`/s/${CAPTIC_ID}`);
      expect(page.status).to.equal(410);
      expect(page.$('main').text()).to.not.match(/not open|Wave "|captic_2011/);
    });
  });

  describe('with SHOW_ERROR_DETAILS=1', () => {
    let app: TestApp;
    before(async () => {
      app = await startTestApp({ SHOW_ERROR_DETAILS: '1' });
      makeCatalogExplode(app);
    });
    beforeEach(async () => app.reset());
    after(async () => app.close());

    it('shows the stack on the 500 page', async () => {
      const page = await new Browser(app.url).get(`/s/${EXPLODING_SURVEY}`);
      expect(page.status).to.equal(500);
      expect(page.$('pre.stack').text()).to.contain(INTERNAL_MESSAGE).and.match(/error-details\.test\.ts/);
    });

    it('puts the stack in the API\'s JSON error', async () => {
      const res = await supertest(app.url).get(`/api/v1/surveys/${EXPLODING_SURVEY}/waves/current/figures`).auth(await adminToken(app), { type: 'bearer' });
      expect(res.status).to.equal(500);
      expect(res.body.error).to.include({ code: 'internal', message: 'Internal server error' });
      expect(res.body.error.stack).to.contain(INTERNAL_MESSAGE);
    });
  });
});
