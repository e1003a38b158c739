// Staff sessions: what the cookie says, where it is stored, when it ends, and that it cannot be
// planted before sign-in or carried to another browser. Time-outs are simulated by moving the
// stored session's dates, never by waiting.
import { expect } from 'chai';
import supertest from 'supertest';
import { startTestApp, type TestApp } from '../../support/app';
import { useAppSuite } from '../../support/app-suite';
import { Browser, type Page } from '../../support/browser';
import {
  accountsOf, apiTokenFor, cookieHeaderFrom, createStaff, postSignIn, sessionIdOf, setCookieNamed, signedInBrowser,
  storedCollection, STRONG_PASSWORD, type SetCookie, type StaffMember,
} from '../../support/staff';
import { CAPTIC_ID, NON_USER_PAGES } from '../../fixtures/captic-answers';

const SESSION_COOKIE = 'brm_session';
const ENDED_NOTICE = 'Votre session a pris fin';

/** The session id a signed-in browser's last sign-in set. */
function sessionIdFrom(page: Page, name = SESSION_COOKIE): string {
  const cookie = setCookieNamed(page.headers, name);
  expect(cookie, `no ${name} cookie in ${JSON.stringify(page.headers['set-cookie'])}`).to.not.equal(undefined);
  return sessionIdOf(cookie!.value);
}

/** The cookie's Expires is `ms` from now, to the second HTTP dates carry. */
function expectExpiresIn(cookie: SetCookie, ms: number): void {
  const expires = new Date(cookie.attributes.expires as string).getTime();
  expect(expires).to.be.within(Date.now() + ms - 5_000, Date.now() + ms + 1_000);
}

/** Asserts the browser is sent to sign in again, told its session ended, and lands on the form. */
async function expectSentToSignInAsEnded(browser: Browser): Promise<void> {
  const page = await browser.get('/admin');
  expect(page.status).to.equal(303);
  expect(page.location).to.equal('/login?next=%2Fadmin&ended=1');
  const signIn = await browser.get(page.location!);
  expect(signIn.status).to.equal(200);
  expect(signIn.$('.notice').text()).to.contain(ENDED_NOTICE);
  expect(signIn.$('form[action="/login"] input[name=password]')).to.have.length(1);
}

describe('Staff sessions', function () {
  this.timeout(30_000);
  const suite = useAppSuite();
  let analyst: StaffMember;
  beforeEach(async () => {
    analyst = await createStaff(suite.app, { email: 'ana@example.org', role: 'analyst', grants: [CAPTIC_ID] });
  });

  describe('the cookie', () => {
    it('is HttpOnly, SameSite=Lax, for path /, and not Secure over plain http in test', async () => {
      const page = await postSignIn(new Browser(suite.app.url), analyst);
      expect(page.status).to.equal(303);
      const cookie = setCookieNamed(page.headers, SESSION_COOKIE)!;
      expect(cookie.attributes).to.include({ httponly: true, samesite: 'Lax', path: '/' });
      expect(cookie.attributes).to.not.have.property('secure');
      expect(cookie.attributes).to.not.have.property('domain');
      // The browser forgets it after the idle time-out (60 minutes by default).
      expectExpiresIn(cookie, 3_600_000);
      expect(setCookieNamed(page.headers, '__Host-brm.session')).to.equal(undefined);
    });

    describe('under the production configuration', () => {
      let production: TestApp;
      before(async () => {
        production = await startTestApp({ NODE_ENV: 'production', SECRET: 'a production secret of more than 32 characters', PUBLIC_URL: 'https://barometer.example.org', TRUST_PROXY: 'true' });
      });
      after(async () => production.close());

      /** Signs in by hand: a client on plain http keeps no Secure cookie, so they travel in headers. */
      async function signInBehind(proto: 'https' | 'http') {
        await createStaff(production, { email: 'prod@example.org', role: 'analyst', grants: [CAPTIC_ID] });
        const form = await supertest(production.url).get('/login').set('Accept', 'text/html').set('X-Forwarded-Proto', proto);
        const csrfToken = /name="_csrf" value="([^"]+)"/.exec(form.text)?.[1];
        const signIn = await supertest(production.url)
          .post('/login')
          .set('X-Forwarded-Proto', proto)
          .set('Cookie', cookieHeaderFrom(form.headers))
          .type('form')
          .send({ _csrf: csrfToken, email: 'prod@example.org', password: STRONG_PASSWORD })
          .redirects(0);
        expect(signIn.status, signIn.text.slice(0, 300)).to.equal(303);
        return { form, signIn };
      }

      it('marks every cookie Secure and names the session and CSRF cookies __Host-', async () => {
        const { form, signIn } = await signInBehind('https');
        expect(setCookieNamed(form.headers, '__Host-brm.csrf')?.attributes).to.include({ secure: true, httponly: true, path: '/' });
        expect(setCookieNamed(form.headers, 'brm_browser')?.attributes).to.include({ secure: true, httponly: true });
        const cookie = setCookieNamed(signIn.headers, '__Host-brm.session');
        expect(cookie?.attributes).to.include({ secure: true, httponly: true, samesite: 'Lax', path: '/' });
        // A __Host- cookie with a Domain is refused by browsers.
        expect(cookie?.attributes).to.not.have.property('domain');
        expect(setCookieNamed(signIn.headers, SESSION_COOKIE)).to.equal(undefined);
        const home = await supertest(production.url).get('/admin').set('X-Forwarded-Proto', 'https')
          .set('Cookie', `${cookieHeaderFrom(form.headers)}; __Host-brm.session=${cookie!.value}`).redirects(0);
        expect(home.status).to.equal(200);
      });

      it('never sends the session cookie over plain http', async () => {
        const { signIn } = await signInBehind('http');
        expect(setCookieNamed(signIn.headers, '__Host-brm.session')).to.equal(undefined);
        expect(setCookieNamed(signIn.headers, SESSION_COOKIE)).to.equal(undefined);
      });
    });

    it('follows SESSION_IDLE_MINUTES in its expiry and in the stored one', async () => {
      const shortIdle = await startTestApp({ SESSION_IDLE_MINUTES: '5' });
      try {
        const before = Date.now();
        const page = await postSignIn(new Browser(shortIdle.url), analyst);
        expectExpiresIn(setCookieNamed(page.headers, SESSION_COOKIE)!, 300_000);
        const stored = await storedCollection('sessions').findOne({ _id: sessionIdFrom(page) as never });
        const expires = (stored?.expires as Date).getTime();
        expect(expires).to.be.within(before + 300_000 - 2_000, Date.now() + 300_000 + 2_000);
      } finally {
        await shortIdle.close();
      }
    });
  });

  describe('what is stored', () => {
    it('keeps the session in `sessions` with its account, browser, sign-in time and an expiry', async () => {
      const before = Date.now();
      const browser = new Browser(suite.app.url);
      const page = await postSignIn(browser, analyst);
      const id = sessionIdFrom(page);
      const stored = await storedCollection('sessions').findOne({ _id: id as never });
      expect(stored, 'the session is stored under the cookie\'s id').to.not.equal(null);
      expect(stored!.session.userId).to.equal(analyst.account.id);
      expect(stored!.session.generation).to.equal(analyst.account.sessionGeneration);
      expect(stored!.session.browserId).to.be.a('string').with.length.greaterThan(20);
      expect(stored!.session.signedInAt).to.be.within(before, Date.now());
      expect((stored!.expires as Date).getTime()).to.be.within(before + 3_600_000 - 2_000, Date.now() + 3_600_000 + 2_000);
      expect(stored!.session.cookie.httpOnly).to.equal(true);
      // The store forgets expired sessions by itself: a TTL index on `expires`.
      const indexes = await storedCollection('sessions').indexes();
      expect(indexes.find((index) => index.key.expires === 1)).to.include({ expireAfterSeconds: 0 });
    });

    it('sets no session cookie and stores no session before sign-in or on a refused sign-in', async () => {
      const browser = new Browser(suite.app.url);
      const form = await browser.get('/login');
      expect(setCookieNamed(form.headers, SESSION_COOKIE)).to.equal(undefined);
      const refused = await browser.post('/login', { ...browser.hiddenFields(form), email: analyst.email, password: 'not the password at all' });
      expect(refused.status).to.equal(401);
      expect(setCookieNamed(refused.headers, SESSION_COOKIE)).to.equal(undefined);
      expect(await storedCollection('sessions').countDocuments()).to.equal(0);
    });

    it('never gives a respondent a session cookie, even in a signed-in staff browser', async () => {
      const respondent = new Browser(suite.app.url);
      const intro = await respondent.get(`/s/${CAPTIC_ID}`);
      expect(intro.status).to.equal(200);
      let page = await respondent.submit(intro, { consent: 'yes' });
      page = await respondent.submit(page, NON_USER_PAGES.social_use!);
      expect(page.status).to.equal(200);
      for (const answer of [intro, page]) expect(setCookieNamed(answer.headers, SESSION_COOKIE)).to.equal(undefined);

      const staff = await signedInBrowser(suite.app, analyst);
      const sessionsBefore = await storedCollection('sessions').find({}).toArray();
      const staffIntro = await staff.get(`/s/${CAPTIC_ID}`);
      expect(staffIntro.status).to.equal(200);
      expect(setCookieNamed(staffIntro.headers, SESSION_COOKIE)).to.equal(undefined);
      expect(await storedCollection('sessions').find({}).toArray()).to.deep.equal(sessionsBefore);
    });
  });

  describe('sign-in rotates the session id', () => {
    it('does not keep a session id planted in the browser before sign-in', async () => {
      // The attacker signs in to their own account and plants its session cookie in the victim's browser.
      const attacker = await createStaff(suite.app, { email: 'mallory@example.org', role: 'analyst', grants: [] });
      const attackerSignIn = await postSignIn(new Browser(suite.app.url), attacker);
      const planted = setCookieNamed(attackerSignIn.headers, SESSION_COOKIE)!.value;
      const victim = new Browser(suite.app.url);
      await victim.get('/login');
      victim.agent.jar.setCookie(`${SESSION_COOKIE}=${planted}; Path=/`, '127.0.0.1', '/');

      const signIn = await postSignIn(victim, analyst);
      expect(signIn.status).to.equal(303);
      const after = sessionIdFrom(signIn);
      expect(after).to.not.equal(sessionIdOf(planted));
      const stored = await storedCollection('sessions').findOne({ _id: after as never });
      expect(stored!.session.userId).to.equal(analyst.account.id);
      // The planted id leads nowhere near the victim's account.
      const withPlanted = await supertest(suite.app.url).get('/api/v1/me').set('Cookie', `${SESSION_COOKIE}=${planted}`);
      expect(withPlanted.status).to.equal(401);
    });

    it('gives a new id when a signed-in browser signs in again, and drops the old session', async () => {
      const browser = new Browser(suite.app.url);
      const first = sessionIdFrom(await postSignIn(browser, analyst));
      // GET /login now sends a signed-in person on to /admin; its sign-out form carries the CSRF token.
      const home = await browser.get('/admin');
      const csrf = home.$('form[action="/logout"] input[name=_csrf]').val() as string;
      const second = sessionIdFrom(await browser.post('/login', { _csrf: csrf, email: analyst.email, password: analyst.password }));
      expect(second).to.not.equal(first);
      expect(await storedCollection('sessions').findOne({ _id: first as never })).to.equal(null);
      expect((await browser.get('/admin')).status).to.equal(200);
    });
  });

  describe('time-outs', () => {
    /** A signed-in browser whose stored session has passed its idle expiry (what the TTL index removes). */
    async function idleBrowser(): Promise<Browser> {
      const browser = await signedInBrowser(suite.app, analyst);
      expect((await browser.get('/admin')).status).to.equal(200);
      await storedCollection('sessions').updateMany({}, { $set: { expires: new Date(Date.now() - 1_000) } });
      return browser;
    }

    it('ends a session idle past SESSION_IDLE_MINUTES: the stored expiry has passed', async () => {
      const browser = await idleBrowser();
      const page = await browser.get('/admin');
      expect(page.status).to.equal(303);
      expect(page.location).to.match(/^\/login\?next=%2Fadmin(&|$)/);
      const api = await browser.agent.get('/api/v1/me');
      expect(api.status).to.equal(401);
    });

    it('tells the person their idle session ended', async () => {
      await expectSentToSignInAsEnded(await idleBrowser());
    });

    it('ends a session past SESSION_MAX_HOURS since sign-in, however active', async () => {
      const browser = await signedInBrowser(suite.app, analyst);
      const twelveHoursAgo = Date.now() - 12 * 3_600_000 - 1_000;
      await storedCollection('sessions').updateMany({}, { $set: { 'session.signedInAt': twelveHoursAgo } });
      await expectSentToSignInAsEnded(browser);
      expect(await storedCollection('sessions').countDocuments(), 'the ended session is removed').to.equal(0);
    });

    it('keeps a session just inside SESSION_MAX_HOURS', async () => {
      const browser = await signedInBrowser(suite.app, analyst);
      await storedCollection('sessions').updateMany({}, { $set: { 'session.signedInAt': Date.now() - 11 * 3_600_000 } });
      expect((await browser.get('/admin')).status).to.equal(200);
    });

    it('counts SESSION_MAX_HOURS from its configured value', async () => {
      const oneHour = await startTestApp({ SESSION_MAX_HOURS: '1' });
      try {
        const browser = await signedInBrowser(oneHour, analyst);
        await storedCollection('sessions').updateMany({}, { $set: { 'session.signedInAt': Date.now() - 3_600_000 - 1_000 } });
        await expectSentToSignInAsEnded(browser);
      } finally {
        await oneHour.close();
      }
    });
  });

  describe('a session cookie carried to another browser', () => {
    async function stolenCookie(): Promise<{ owner: Browser; cookie: string; id: string }> {
      const owner = new Browser(suite.app.url);
      const signIn = await postSignIn(owner, analyst);
      const cookie = setCookieNamed(signIn.headers, SESSION_COOKIE)!.value;
      return { owner, cookie, id: sessionIdOf(cookie) };
    }

    it('does not work there, and ends the session for its owner too', async () => {
      const { owner, cookie, id } = await stolenCookie();
      const thief = new Browser(suite.app.url);
      await thief.get('/login');
      thief.agent.jar.setCookie(`${SESSION_COOKIE}=${cookie}; Path=/`, '127.0.0.1', '/');
      await expectSentToSignInAsEnded(thief);
      expect(await storedCollection('sessions').findOne({ _id: id as never })).to.equal(null);
      const ownerPage = await owner.get('/admin');
      expect(ownerPage.status).to.equal(303);
      expect(ownerPage.location).to.match(/^\/login\?next=%2Fadmin/);
    });

    it('does not work without any browser id cookie either, on a page or the API', async () => {
      const { cookie } = await stolenCookie();
      const api = await supertest(suite.app.url).get('/api/v1/me').set('Cookie', `${SESSION_COOKIE}=${cookie}`);
      expect(api.status).to.equal(401);
      expect(api.body.error.code).to.equal('unauthenticated');
      expect(await storedCollection('sessions').countDocuments()).to.equal(0);
    });

    it('ignores a forged or garbled session cookie', async () => {
      const browser = new Browser(suite.app.url);
      await browser.get('/login');
      for (const forged of ['s%3Anot-a-real-session.AAAA', 'garbage', `s%3A${'x'.repeat(5000)}.sig`]) {
        browser.agent.jar.setCookie(`${SESSION_COOKIE}=${forged}; Path=/`, '127.0.0.1', '/');
        const page = await browser.get('/admin');
        expect(page.status).to.equal(303);
        expect(page.location).to.match(/^\/login\?next=%2Fadmin/);
      }
      expect(await storedCollection('sessions').countDocuments()).to.equal(0);
    });
  });

  describe('ending sessions', () => {
    it('signs out everywhere: both browsers are sent to sign in again, told their session ended', async () => {
      const office = await signedInBrowser(suite.app, analyst);
      const laptop = await signedInBrowser(suite.app, analyst);
      expect(await storedCollection('sessions').countDocuments()).to.equal(2);
      await accountsOf(suite.app).endAllSessions(analyst.account.id, { via: 'session', actorId: analyst.account.id, actorEmail: analyst.email });
      await expectSentToSignInAsEnded(office);
      await expectSentToSignInAsEnded(laptop);
      expect(await storedCollection('sessions').countDocuments()).to.equal(0);
      const user = await storedCollection('users').findOne({ email: analyst.email });
      expect(user!.sessionGeneration).to.equal(analyst.account.sessionGeneration + 1);
      expect(await storedCollection('audit_events').countDocuments({ action: 'sign_out_everywhere', target: analyst.email })).to.equal(1);
      // A new sign-in opens a session of the new generation.
      const again = await signedInBrowser(suite.app, analyst);
      expect((await again.get('/admin')).status).to.equal(200);
    });

    it('signing out removes the stored session and expires the cookie', async () => {
      const browser = await signedInBrowser(suite.app, analyst);
      const home = await browser.get('/admin');
      const signOut = await browser.post('/logout', { _csrf: home.$('form[action="/logout"] input[name=_csrf]').val() as string });
      expect(signOut.status).to.equal(303);
      expect(signOut.location).to.equal('/login?signed_out=1');
      const cleared = setCookieNamed(signOut.headers, SESSION_COOKIE);
      expect(cleared?.value).to.equal('');
      expect(new Date(cleared!.attributes.expires as string).getTime()).to.be.below(Date.now());
      expect(await storedCollection('sessions').countDocuments()).to.equal(0);
      expect(await storedCollection('audit_events').countDocuments({ action: 'sign_out', actorEmail: analyst.email })).to.equal(1);
    });

    it('disabling an account ends its sessions and stops its tokens', async () => {
      const browser = await signedInBrowser(suite.app, analyst);
      const token = await apiTokenFor(analyst, 'read');
      expect((await supertest(suite.app.url).get('/api/v1/me').auth(token, { type: 'bearer' })).status).to.equal(200);

      await accountsOf(suite.app).setDisabled(analyst.account.id, true, { via: 'cli' });
      await expectSentToSignInAsEnded(browser);
      const api = await supertest(suite.app.url).get('/api/v1/me').auth(token, { type: 'bearer' });
      expect(api.status).to.equal(401);
      expect(api.body.error.message).to.equal('The API token\'s account is disabled');
    });

    it('tells a disabled account it is disabled only when the password is right', async () => {
      await accountsOf(suite.app).setDisabled(analyst.account.id, true, { via: 'cli' });
      const right = await postSignIn(new Browser(suite.app.url), analyst);
      expect(right.status).to.equal(403);
      expect(right.$('.error-summary').text()).to.contain('Ce compte est désactivé');
      expect(setCookieNamed(right.headers, SESSION_COOKIE)).to.equal(undefined);
      const wrong = await postSignIn(new Browser(suite.app.url), { email: analyst.email, password: 'a wrong guess of a password' });
      expect(wrong.status).to.equal(401);
      expect(wrong.$('.error-summary').text()).to.contain("L'adresse e-mail ou le mot de passe est incorrect.");
      expect(wrong.html).to.not.contain('désactivé');
      expect(await storedCollection('sessions').countDocuments()).to.equal(0);
    });
  });
});
