// Issue 10's acceptance test: it walks the Express router and checks every /admin and /api route.
// Anonymous callers are sent to sign in (pages) or get 401 (API); a signed-in account without the
// route's requirement gets 403; the right role gets through. The routes come from the router
// itself, not from a list kept here, so a route added later without a guard fails this test.
// The same walk (test/support/router-walk.ts) checks CSRF on every change, sessions refused on API
// changes, disabled accounts and other surveys' organizers: test/security/csrf-and-access.test.ts.
import express, { Router, type RequestHandler } from 'express';
import { expect } from 'chai';
import * as cheerio from 'cheerio';
import supertest from 'supertest';
import { publicAccess, type Requirement } from '../../../server/lib/routes';
import { signedIn, surveyReader } from '../../../server/accounts/guards';
import { translator } from '../../../server/lib/i18n/index';
import { startTestApp, type TestApp } from '../../support/app';
import { Browser } from '../../support/browser';
import { apiTokenFor, createStaff, signedInBrowser, type StaffMember } from '../../support/staff';
import { CAPTIC_ID } from '../../fixtures/captic-answers';
import { concretePath, isStaffPath, SAFE_METHODS, walkRoutes, type RouteEntry, type WalkedRouter } from '../../support/router-walk';

const OTHER_SURVEY_ID = 'coworking_members_2026';
/** The codes of the guards' 403s (guards.ts), which a route's own refusals (a wrong current password, say) do not use. */
const GUARD_REFUSALS = ['admin_only', 'survey_not_granted', 'organizer_only', 'insufficient_scope'];
/** What the error page says for a guard's 403, in the test browser's French. */
const FORBIDDEN_PAGE_TEXT = translator('fr')('errors.forbidden');

/** What is wrong with the guards of these routes: each route named with its problem. */
function guardProblems(routes: readonly RouteEntry[]): string[] {
  const problems: string[] = [];
  for (const { method, path, requirement } of routes) {
    const route = `${method.toUpperCase()} ${path}`;
    if (!requirement) problems.push(`${route} has no guard as its first handler`);
    else if (isStaffPath(path) && requirement.kind === 'public') problems.push(`${route} is a staff route open to anyone`);
    else if (requirement.kind === 'survey' && !/:surveyId\b/.test(path)) problems.push(`${route} checks a survey grant but has no :surveyId`);
  }
  return problems;
}

const loginRedirect = (next: string) => `/login?${new URLSearchParams({ next })}`;

describe('Route guards: every /admin and /api route, walked from the router', function () {
  this.timeout(120_000);

  describe('the walk itself', () => {
    const handler: RequestHandler = (_req, res) => {
      res.end();
    };

    it('flags a staff route added without a guard, wherever its router is mounted', () => {
      const app = express();
      app.use(Router().get('/admin/x', handler));
      app.use('/api/v1', Router().post('/things/:id', handler));
      const routes = walkRoutes(app.router as unknown as WalkedRouter);
      expect(routes).to.deep.equal([
        { method: 'get', path: '/admin/x', requirement: undefined },
        { method: 'post', path: '/api/v1/things/:id', requirement: undefined },
      ]);
      expect(guardProblems(routes)).to.deep.equal([
        'GET /admin/x has no guard as its first handler',
        'POST /api/v1/things/:id has no guard as its first handler',
      ]);
    });

    it('flags a guard that is not first, a public staff route, and a survey guard without :surveyId', () => {
      const router = Router();
      router.get('/admin/late', handler, signedIn);
      router.get('/admin/open', publicAccess, handler);
      router.get('/admin/reports', surveyReader, handler);
      router.get('/admin/fine', signedIn, handler);
      router.get('/s/:surveyId', publicAccess, handler);
      expect(guardProblems(walkRoutes(router as unknown as WalkedRouter))).to.deep.equal([
        'GET /admin/late has no guard as its first handler',
        'GET /admin/open is a staff route open to anyone',
        'GET /admin/reports checks a survey grant but has no :surveyId',
      ]);
    });
  });

  describe('the app', () => {
    let app: TestApp;
    let routes: RouteEntry[];
    /** Who is refused (b) and who gets through (c), for each kind of requirement. */
    let cast: { admin: StaffMember; organizer: StaffMember; capticAnalyst: StaffMember; otherAnalyst: StaffMember };

    before(async () => {
      // A dashboard's event stream never ends by itself: here it ends after a second, so walking it returns.
      app = await startTestApp({ LIVE_STREAM_MAX_AGE_MS: '1000' });
      await app.reset();
      routes = walkRoutes(app.express.router as unknown as WalkedRouter);
      cast = {
        admin: await createStaff(app, { email: 'admin@example.org', role: 'admin' }),
        organizer: await createStaff(app, { email: 'organizer@example.org', role: 'organizer', grants: [CAPTIC_ID] }),
        capticAnalyst: await createStaff(app, { email: 'analyst@example.org', role: 'analyst', grants: [CAPTIC_ID] }),
        otherAnalyst: await createStaff(app, { email: 'other.analyst@example.org', role: 'analyst', grants: [OTHER_SURVEY_ID] }),
      };
    });
    after(async () => app.close());

    const staffRoutes = () => routes.filter((r) => isStaffPath(r.path));

    function roles(requirement: Requirement): { refused?: StaffMember; allowed: StaffMember } {
      switch (requirement.kind) {
        case 'signed_in':
          return { allowed: cast.otherAnalyst };
        case 'admin':
          return { refused: cast.organizer, allowed: cast.admin };
        case 'survey':
          return requirement.access === 'read'
            ? { refused: cast.otherAnalyst, allowed: cast.capticAnalyst }
            : { refused: cast.capticAnalyst, allowed: cast.organizer };
        case 'public':
          throw new Error('a public staff route is reported by guardProblems');
      }
    }

    interface Answer {
      status: number;
      location?: string;
      wwwAuthenticate?: string;
      contentType?: string;
      errorCode?: string;
      /** A 403 from the route's guard, not from its handler. */
      refusedByGuard: boolean;
    }

    function answerOf(res: supertest.Response): Answer {
      const body = res.body as { error?: { code?: string } } | undefined;
      const contentType = res.headers['content-type'] as string | undefined;
      const errorCode = body?.error?.code;
      const refusedByGuard = res.status === 403 && (contentType?.startsWith('text/html')
        ? cheerio.load(res.text)('main p.lead').text() === FORBIDDEN_PAGE_TEXT
        : GUARD_REFUSALS.includes(errorCode ?? ''));
      return {
        status: res.status,
        location: res.headers.location as string | undefined,
        wwwAuthenticate: res.headers['www-authenticate'] as string | undefined,
        contentType,
        errorCode,
        refusedByGuard,
      };
    }

    /** Calls an API route as a script would: with a token whose scope is just enough, or none. */
    async function callApi(route: RouteEntry, who: StaffMember | undefined): Promise<Answer> {
      const path = concretePath(route.path);
      const method = route.method === 'all' ? 'get' : route.method;
      let request = supertest(app.url)[method as 'get'](path).set('Accept', 'application/json');
      if (who) {
        const changes = !SAFE_METHODS.has(method) || route.requirement?.kind === 'admin' || (route.requirement?.kind === 'survey' && route.requirement.access === 'manage');
        request = request.set('Authorization', `Bearer ${await apiTokenFor(who, changes ? 'manage' : 'read')}`);
      }
      if (!SAFE_METHODS.has(method)) request = request.set('Content-Type', 'application/json').send('{}');
      return answerOf(await request);
    }

    async function csrfTokenOf(browser: Browser, pagePath: string): Promise<string> {
      const csrf = (await browser.get(pagePath)).$('form input[name=_csrf]').first().attr('value');
      if (csrf === undefined) throw new Error(`no CSRF token on ${pagePath}`);
      return csrf;
    }

    /**
     * One signed-in browser per account, kept for the calls that cannot end or change its session:
     * a read, or a request the guard must refuse (one let through fails the test anyway). Signing in
     * runs scrypt, so a sign-in per call was most of the walk's time.
     */
    const sharedSessions = new Map<string, Promise<Browser>>();
    function sessionOf(who: StaffMember, shared: boolean): Promise<Browser> {
      if (!shared) {
        // What this call does may end the account's other sessions (signing out everywhere): the next read signs in again.
        sharedSessions.delete(who.email);
        return signedInBrowser(app, who);
      }
      let session = sharedSessions.get(who.email);
      if (!session) sharedSessions.set(who.email, (session = signedInBrowser(app, who)));
      return session;
    }

    /** Opens or posts a page as a browser would: signed in through the form, with the CSRF token of one of its pages. */
    async function callPage(route: RouteEntry, who: StaffMember | undefined, expectRefusal: boolean): Promise<Answer> {
      const path = concretePath(route.path);
      const method = route.method === 'all' ? 'get' : route.method;
      // A post let through may sign out, change a password or disable an account: it gets a session of its own.
      const browser = who ? await sessionOf(who, expectRefusal || SAFE_METHODS.has(method)) : new Browser(app.url);
      // Read first: the agent attaches its cookies (the CSRF one too) when a request is made.
      const csrf = SAFE_METHODS.has(method) ? undefined : await csrfTokenOf(browser, who ? '/admin' : '/login');
      const request = browser.agent[method as 'get'](path).set('Accept', 'text/html').redirects(0);
      return answerOf(await (csrf === undefined ? request : request.type('form').send({ _csrf: csrf })));
    }

    const call = (route: RouteEntry, who: StaffMember | undefined, expectRefusal = false) => (route.path.startsWith('/api') ? callApi(route, who) : callPage(route, who, expectRefusal));

    it('finds the routes of every route file, each guarded, and no staff route open to anyone', () => {
      const names = routes.map((r) => `${r.method.toUpperCase()} ${r.path}`);
      // The walk must see the routers app.ts mounts, or an empty walk would pass everything.
      expect(names).to.include.members([
        'GET /',
        'GET /login',
        'GET /s/:surveyId',
        'GET /admin',
        'GET /admin/surveys/:surveyId/waves/:wave/report',
        'GET /admin/surveys/:surveyId/waves/:wave/export.csv',
        'GET /api/v1/surveys/:surveyId/waves/:wave/figures',
        'PUT /api/v1/surveys/:surveyId/waves/:wave/weighting',
        'GET /api/v1/me',
      ]);
      expect(guardProblems(routes)).to.deep.equal([]);
    });

    it('sends an anonymous caller to sign in: 401 with a challenge on the API, a redirect to /login on pages', async () => {
      const failures: string[] = [];
      for (const route of staffRoutes()) {
        const name = `${route.method.toUpperCase()} ${route.path}`;
        const answer = await call(route, undefined);
        if (route.path.startsWith('/api')) {
          if (answer.status !== 401 || !/^Bearer realm=/.test(answer.wwwAuthenticate ?? '') || !answer.contentType?.startsWith('application/json') || answer.errorCode !== 'unauthenticated') {
            failures.push(`${name}: expected a 401 JSON "unauthenticated" with WWW-Authenticate, got ${JSON.stringify(answer)}`);
          }
        } else {
          // After signing in, a page visit comes back to the page; a refused form post to the console.
          const expected = loginRedirect(SAFE_METHODS.has(route.method) ? concretePath(route.path) : '/admin');
          if (answer.status !== 303 || answer.location !== expected) failures.push(`${name}: expected 303 to ${expected}, got ${JSON.stringify(answer)}`);
        }
      }
      expect(failures).to.deep.equal([]);
    });

    it('answers 403 to a signed-in account without the route\'s role or grant', async () => {
      const failures: string[] = [];
      let checked = 0;
      for (const route of staffRoutes()) {
        const { refused } = roles(route.requirement!);
        // Any account passes "signed in": there is nobody to refuse.
        if (!refused) continue;
        checked += 1;
        const answer = await call(route, refused, true);
        const name = `${route.method.toUpperCase()} ${route.path} as ${refused.email}`;
        // The guard's own 403, not a CSRF refusal or the handler's: the page or JSON says which.
        if (!answer.refusedByGuard) failures.push(`${name}: expected the guard's 403, got ${JSON.stringify(answer)}`);
      }
      expect(failures).to.deep.equal([]);
      expect(checked, 'routes with somebody to refuse').to.be.greaterThan(5);
    });

    it('lets the right role through: no 401, no guard\'s 403, no redirect to sign in', async () => {
      const failures: string[] = [];
      // Reads first: they share a session per account, which a post let through may end.
      const readsFirst = [...staffRoutes().filter((r) => SAFE_METHODS.has(r.method)), ...staffRoutes().filter((r) => !SAFE_METHODS.has(r.method))];
      for (const route of readsFirst) {
        const { allowed } = roles(route.requirement!);
        const answer = await call(route, allowed);
        const name = `${route.method.toUpperCase()} ${concretePath(route.path)} as ${allowed.email}`;
        // The handler may still refuse what was sent (an empty form, an unknown id): that shows the
        // guard let the request through. /login?signed_out=1 after signing out everywhere is the handler's too.
        if (answer.status === 401 || answer.refusedByGuard || answer.location?.startsWith('/login?next=') || answer.status >= 500) {
          failures.push(`${name}: not let through: ${JSON.stringify(answer)}`);
        }
      }
      expect(failures).to.deep.equal([]);
    });
  });
});
