// CSRF and access, walked from the router (test/support/router-walk.ts, the walk of
// test/integration/accounts/route-guards.test.ts, which checks each route's guard for anonymous
// callers, the wrong role and the right one). Here, what that walk leaves out:
// - every POST/PUT/PATCH/DELETE page route, posted by a signed-in admin without a CSRF token or
//   with a forged one, is refused (403 csrf_invalid) before its handler;
// - every API route that changes something refuses a browser session (a cross-site page can make
//   the browser send its cookie, never an Authorization header): only a token changes data;
// - a disabled account's session and token open nothing, on any /admin or /api route;
// - another survey's organizer is refused every route of CAP-TIC that needs a grant.
import { expect } from 'chai';
import supertest from 'supertest';
import { startTestApp, type TestApp } from '../support/app';
import { Browser } from '../support/browser';
import { accountsOf, apiTokenFor, createStaff, signedInBrowser, type StaffMember } from '../support/staff';
import { concretePath, isStaffPath, SAFE_METHODS, walkRoutes, type RouteEntry, type WalkedRouter } from '../support/router-walk';

const OTHER_SURVEY_ID = 'coworking_members_2026';

/**
 * Changes made without a CSRF token on purpose, each with its reason: the one-click unsubscribe
 * (RFC 8058), which a mail client posts with no page and no cookie, and whose link is itself the
 * signed proof.
 */
const NO_CSRF_ON_PURPOSE = new Set(['POST /u/:link']);

const nameOf = (route: RouteEntry) => `${route.method.toUpperCase()} ${route.path}`;

describe('CSRF and access on every route that changes something, for every kind of caller', function () {
  this.timeout(60_000);
  let app: TestApp;
  let routes: RouteEntry[];
  let admin: StaffMember;
  /** Every change the router holds. */
  let changes: RouteEntry[];

  before(async () => {
    app = await startTestApp({ LIVE_STREAM_MAX_AGE_MS: '1000' });
    await app.reset();
    routes = walkRoutes(app.express.router as unknown as WalkedRouter);
    changes = routes.filter((r) => !SAFE_METHODS.has(r.method));
    admin = await createStaff(app, { email: 'admin@example.org', role: 'admin' });
  });
  after(async () => app.close());

  it('finds the changes of every route file: pages, respondents\' forms and the API', () => {
    const names = changes.map(nameOf);
    expect(names).to.include.members(['POST /login', 'POST /logout', 'POST /admin/users', 'PUT /api/v1/surveys/:surveyId/waves/:wave/weighting']);
    expect(names.some((n) => n.startsWith('POST /s/:surveyId/'))).to.equal(true);
    expect(changes.length).to.be.greaterThan(40);
  });

  it('refuses every page change without a CSRF token, or with a forged one, with 403 before its handler', async () => {
    const browser = await signedInBrowser(app, admin);
    // A token of another browser: valid in form, bound to another browser id.
    const stranger = new Browser(app.url);
    const forged = (await stranger.get('/login')).$('input[name=_csrf]').attr('value')!;
    const failures: string[] = [];
    for (const route of changes.filter((r) => !r.path.startsWith('/api/') && !NO_CSRF_ON_PURPOSE.has(nameOf(r)))) {
      for (const token of [undefined, forged, '']) {
        const fields = token === undefined ? { email: 'admin@example.org' } : { _csrf: token, email: 'admin@example.org' };
        const res = await browser.agent[route.method as 'post'](concretePath(route.path)).set('Accept', 'application/json').type('form').send(fields).redirects(0);
        const code = (res.body as { error?: { code?: string } }).error?.code;
        if (res.status !== 403 || code !== 'csrf_invalid') failures.push(`${nameOf(route)} (token ${token === undefined ? 'absent' : token === '' ? 'empty' : 'forged'}): ${res.status} ${code ?? res.text.slice(0, 80)}`);
      }
      // The uploads read their form with multer, then check the token (server/lib/upload.ts): as multipart too.
      if (/\/(versions|imports)$/.test(route.path)) {
        const res = await browser.agent.post(concretePath(route.path)).set('Accept', 'application/json').attach(route.path.endsWith('/versions') ? 'definition' : 'file', Buffer.from('email\na@example.org\n'), 'upload.csv').redirects(0);
        const code = (res.body as { error?: { code?: string } }).error?.code;
        if (res.status !== 403 || code !== 'csrf_invalid') failures.push(`${nameOf(route)} (multipart, no token): ${res.status} ${code ?? res.text.slice(0, 80)}`);
      }
    }
    expect(failures).to.deep.equal([]);
    // The session survived every refusal: nothing ran.
    expect((await browser.get('/admin')).status).to.equal(200);
  });

  it('changes nothing through the API with a browser\'s session: a token is required', async () => {
    const browser = await signedInBrowser(app, admin);
    const failures: string[] = [];
    for (const route of changes.filter((r) => r.path.startsWith('/api/'))) {
      const res = await browser.agent[route.method as 'post'](concretePath(route.path)).set('Content-Type', 'application/json').send('{}').redirects(0);
      const code = (res.body as { error?: { code?: string } }).error?.code;
      if (res.status !== 401 || code !== 'unauthenticated') failures.push(`${nameOf(route)}: ${res.status} ${code ?? res.text.slice(0, 80)}`);
    }
    expect(failures).to.deep.equal([]);
  });

  it('opens nothing to a disabled account: its session ends and its token stops working, on every staff route', async () => {
    const disabled = await createStaff(app, { email: 'gone@example.org', role: 'admin' });
    const browser = await signedInBrowser(app, disabled);
    const token = await apiTokenFor(disabled, 'manage');
    await accountsOf(app).setDisabled(disabled.account.id, true, { via: 'cli' });
    const failures: string[] = [];
    for (const route of routes.filter((r) => isStaffPath(r.path))) {
      const path = concretePath(route.path);
      if (route.path.startsWith('/api/')) {
        const res = await supertest(app.url)[route.method as 'get'](path).set('Authorization', `Bearer ${token}`).set('Content-Type', 'application/json').send(SAFE_METHODS.has(route.method) ? undefined : '{}');
        if (res.status !== 401) failures.push(`${nameOf(route)} with its token: ${res.status}`);
      } else if (SAFE_METHODS.has(route.method)) {
        const res = await browser.agent.get(path).set('Accept', 'text/html').redirects(0);
        if (res.status !== 303 || !String(res.headers.location).startsWith('/login?')) failures.push(`${nameOf(route)} with its session: ${res.status} ${String(res.headers.location)}`);
      }
    }
    expect(failures).to.deep.equal([]);
  });

  it('refuses another survey\'s organizer every CAP-TIC route that needs a grant, pages and API', async () => {
    const stranger = await createStaff(app, { email: 'other.organizer@example.org', role: 'organizer', grants: [OTHER_SURVEY_ID] });
    const browser = await signedInBrowser(app, stranger);
    const csrf = (await browser.get('/admin')).$('form input[name=_csrf]').first().attr('value')!;
    const token = await apiTokenFor(stranger, 'manage');
    const failures: string[] = [];
    for (const route of routes.filter((r) => r.requirement?.kind === 'survey')) {
      const path = concretePath(route.path);
      const changesData = !SAFE_METHODS.has(route.method);
      let res: supertest.Response;
      if (route.path.startsWith('/api/')) {
        res = await supertest(app.url)[route.method as 'get'](path).set('Authorization', `Bearer ${token}`).set('Content-Type', 'application/json').send(changesData ? '{}' : undefined);
      } else {
        const request = browser.agent[route.method as 'get'](path).set('Accept', 'application/json').redirects(0);
        res = await (changesData ? request.type('form').send({ _csrf: csrf }) : request);
      }
      const code = (res.body as { error?: { code?: string } }).error?.code;
      if (res.status !== 403 || code !== 'survey_not_granted') failures.push(`${nameOf(route)}: ${res.status} ${code ?? res.text.slice(0, 80)}`);
    }
    expect(failures).to.deep.equal([]);
  });
});
