// Bodies and query strings an attacker writes by hand: JSON where a form is expected, operator
// objects ({"$gt": ""}), prototype keys, repeated fields, deep nesting, huge or broken text. Every
// form the app draws (walked from its pages, staff and respondent) and every route of the router is
// sent them; none may answer 500, reach a query as an object, or touch Object.prototype.
import { expect } from 'chai';
import supertest from 'supertest';
import { startTestApp, type TestApp } from '../support/app';
import { Browser, type Page } from '../support/browser';
import { apiTokenFor, createStaff, signedInBrowser, type StaffMember } from '../support/staff';
import { CAPTIC_ID } from '../fixtures/captic-answers';
import { translator } from '../../server/lib/i18n/index';
import { concretePath, isStaffPath, SAFE_METHODS, walkRoutes, type RouteEntry, type WalkedRouter } from '../support/router-walk';

/** A form as a page draws it: where it posts, and the names of its fields. */
interface DrawnForm {
  action: string;
  fields: string[];
  csrf: string;
}

function formsOn(page: Page): DrawnForm[] {
  const forms: DrawnForm[] = [];
  page.$('form').each((_, form) => {
    const $form = page.$(form);
    if (($form.attr('method') ?? 'get').toLowerCase() !== 'post') return;
    // Multipart uploads are read by multer, with their own limits (server/lib/upload.ts).
    if ($form.attr('enctype') === 'multipart/form-data') return;
    const action = $form.attr('action');
    const csrf = $form.find('input[name=_csrf]').attr('value');
    if (!action || csrf === undefined) return;
    const fields = new Set<string>();
    $form.find('input[name], select[name], textarea[name], button[name]').each((_, el) => {
      const name = page.$(el).attr('name');
      if (name && name !== '_csrf') fields.add(name);
    });
    forms.push({ action, fields: [...fields], csrf });
  });
  return forms;
}

/** How many console pages the walk opens, at most, to find forms. */
const MAX_PAGES = 120;

/** The CSRF refusal page, in either language. */
const CSRF_REFUSALS = [translator('fr')('errors.csrf'), translator('en')('errors.csrf')];
/** A page with a form (the sign-out one, at least) for any signed-in account. */
const FORM_PAGE = '/admin';

/** Forms that sign out or end sessions (or block the account): posted with a session of their own. */
const ENDS_SESSIONS = /logout|sign-out-everywhere|password|disable/;

/** A JSON body 10,000 levels deep: parsed, it would exhaust a recursive reader's stack. */
const DEEP_JSON = `${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}`;

/** Field values a form never sends, each as it would arrive in a hand-written body. */
/** `token`: the CSRF token as it goes in the body (encoded), or a placeholder replaced when it is sent. */
function hostileBodies(form: DrawnForm, token: string): Array<{ name: string; body: string }> {
  const csrf = `_csrf=${token}`;
  const each = (value: string) => form.fields.map((field) => `${encodeURIComponent(field)}=${value}`).join('&');
  return [
    { name: 'every field twice', body: `${csrf}&${each('a')}&${each('b')}` },
    {
      name: 'operators and prototype keys',
      body: `${csrf}&${each(encodeURIComponent('{"$gt": ""}'))}&${form.fields.map((f) => `${encodeURIComponent(f)}[$ne]=x`).join('&')}&__proto__[polluted]=yes&constructor[prototype][polluted]=yes&__proto__=x&$where=1`,
    },
    { name: 'invalid UTF-8 and broken percent-encoding', body: `${csrf}&${each('%FF%FE%C3%28')}&${each('%E0%A4%A')}&%zz=%` },
    { name: 'empty names and values', body: `${csrf}&=&&=x&${each('')}` },
  ];
}

describe('Injection: hand-written bodies and query strings reach no handler as objects', function () {
  this.timeout(60_000);
  let app: TestApp;
  let admin: StaffMember;
  let routes: RouteEntry[];
  let respondent: Browser;
  /** Every form drawn by the pages walked, by action (the first drawing of each). */
  const forms = new Map<string, DrawnForm & { staff: boolean }>();

  before(async () => {
    app = await startTestApp({ LIVE_STREAM_MAX_AGE_MS: '1000' });
    await app.reset();
    admin = await createStaff(app, { email: 'admin@example.org', role: 'admin' });
    routes = walkRoutes(app.express.router as unknown as WalkedRouter);
    // The console's pages: each GET route, then the console pages they link to (real waves, panels, accounts).
    const browser = await signedInBrowser(app, admin);
    const toVisit = routes.filter((r) => r.method === 'get' && isStaffPath(r.path) && !r.path.startsWith('/api')).map((r) => concretePath(r.path));
    const visited = new Set<string>();
    while (toVisit.length > 0 && visited.size < MAX_PAGES) {
      const path = toVisit.shift()!;
      if (visited.has(path) || /stream|events|\.(csv|xlsx|json|sav)$/.test(path)) continue;
      visited.add(path);
      const page = await browser.get(path);
      for (const form of formsOn(page)) if (!forms.has(form.action)) forms.set(form.action, { ...form, staff: true });
      page.$('a[href^="/admin/"]').each((_, a) => { toVisit.push(page.$(a).attr('href')!.split('#')[0]!); });
    }
    // The respondent's side: the survey's pages as far as its first questions, and the sign-in pages.
    respondent = new Browser(app.url);
    const start = await respondent.open(`/s/${CAPTIC_ID}`);
    const firstQuestions = await respondent.submit(start, { consent: 'yes' });
    for (const page of [start, firstQuestions, await respondent.open('/login'), await respondent.open('/login/forgot')]) {
      for (const form of formsOn(page)) if (!forms.has(form.action)) forms.set(form.action, { ...form, staff: false });
    }
  });
  after(async () => app.close());

  afterEach(() => {
    // Whatever was sent, nothing may have been written on every object's prototype.
    expect(Object.prototype).to.not.have.property('polluted');
    expect(({} as Record<string, unknown>).polluted).to.equal(undefined);
  });

  it('finds the forms of the console, the accounts and the survey', () => {
    const actions = [...forms.keys()];
    expect(actions.length, actions.join('\n')).to.be.greaterThan(20);
    expect(actions).to.include.members(['/login', '/logout']);
    expect(actions.some((a) => a.startsWith(`/s/${CAPTIC_ID}/p/`))).to.equal(true);
  });

  it('answers every form sent odd shapes with a page, never a 500', async () => {
    const failures: string[] = [];
    const shared = await signedInBrowser(app, admin);
    /** A CSRF token of `browser` (tokens are bound to the browser, not to the form). */
    const tokenOf = async (browser: Browser) => (await browser.get(FORM_PAGE)).$('form input[name=_csrf]').first().attr('value')!;
    const sharedToken = await tokenOf(shared);
    // The forms that end sessions (every session of the account, the shared one too) come last, each with a session of its own.
    const lastThoseThatEndSessions = [...forms.values()].sort((a, b) => Number(a.staff && ENDS_SESSIONS.test(a.action)) - Number(b.staff && ENDS_SESSIONS.test(b.action)));
    for (const form of lastThoseThatEndSessions) {
      const endsSessions = form.staff && ENDS_SESSIONS.test(form.action);
      for (const { name, body } of hostileBodies(form, '{token}')) {
        // A form that may end sessions gets a session of its own each time; the respondent's keep the respondent's cookie.
        const own = endsSessions ? await signedInBrowser(app, admin) : undefined;
        const browser = !form.staff ? respondent : own ?? shared;
        const token = !form.staff ? form.csrf : own ? await tokenOf(own) : sharedToken;
        const res = await browser.agent.post(form.action).set('Accept', 'text/html').type('form').send(body.replace('{token}', encodeURIComponent(token))).redirects(0);
        if (res.status >= 500) failures.push(`${form.action} (${name}): ${res.status} ${res.text.slice(0, 200)}`);
        // Refused by the CSRF check, the body would not have reached the handler: the test would prove nothing.
        if (res.status === 403 && CSRF_REFUSALS.some((text) => res.text.includes(text))) failures.push(`${form.action} (${name}): refused by the CSRF check, not tried`);
        // Sent to sign in again, the body did not reach the handler either.
        if (String(res.headers.location ?? '').includes('ended=1')) failures.push(`${form.action} (${name}): the session had ended, not tried`);
      }
    }
    expect(failures).to.deep.equal([]);
  });

  it('answers 415 to every form route sent JSON or text, before its handler: a page or JSON by Accept', async () => {
    const browser = await signedInBrowser(app, admin);
    const { csrf } = forms.get('/logout')!;
    const formRoutes = routes.filter((r) => !SAFE_METHODS.has(r.method) && !r.path.startsWith('/api/') && forms.has(concretePath(r.path)));
    expect(formRoutes.length).to.be.greaterThan(8);
    const failures: string[] = [];
    const bodies: Array<[string, string]> = [
      ['application/json', JSON.stringify({ _csrf: csrf, email: { $gt: '' }, password: { $ne: null }, trap: 1, answers: [1, 2] })],
      ['application/json', DEEP_JSON],
      ['text/plain', `_csrf=${csrf}&email=a`],
      ['application/xml', '<a/>'],
    ];
    for (const route of formRoutes) {
      for (const [type, body] of bodies) {
        for (const accept of ['text/html', 'application/json']) {
          // The CSRF token goes in the header: were the body read, the request would reach the handler.
          const res = await browser.agent.post(concretePath(route.path)).set('Accept', accept).set('X-CSRF-Token', csrf).set('Content-Type', type).send(body).redirects(0);
          const answeredAs = String(res.headers['content-type'] ?? '');
          const wellFormed = accept === 'application/json'
            ? (res.body as { error?: { code?: string } }).error?.code === 'form_encoding_required'
            : answeredAs.startsWith('text/html') && res.text.includes('Ce formulaire s\u2019envoie depuis sa page');
          if (res.status !== 415 || !wellFormed) failures.push(`${route.method.toUpperCase()} ${route.path} (${type}, Accept ${accept}): ${res.status} ${answeredAs} ${res.text.slice(0, 120)}`);
        }
      }
    }
    expect(failures).to.deep.equal([]);
  });

  it('refuses a form body past its size or field limits with 413, not a 500', async () => {
    const { csrf } = forms.get('/login')!;
    const respondent = new Browser(app.url);
    await respondent.open('/login');
    const huge = await respondent.agent.post('/login').type('form').send(`_csrf=${csrf}&email=${'a'.repeat(1_048_576)}`).redirects(0);
    expect(huge.status).to.equal(413);
    const many = await respondent.agent.post('/login').type('form').send(Array.from({ length: 2_500 }, (_, i) => `f${i}=x`).join('&')).redirects(0);
    expect(many.status).to.equal(413);
  });

  it('reads a query string as flat text: operators and prototype keys in it change no answer', async () => {
    const browser = await signedInBrowser(app, admin);
    const failures: string[] = [];
    const hostile = '__proto__[polluted]=yes&constructor[prototype][polluted]=yes';
    const gets = routes.filter((r) => r.method === 'get' && !/stream|events/.test(r.path));
    for (const route of gets) {
      const path = concretePath(route.path);
      // Operators, prototype keys and repeated names at once: each handler reads text or refuses.
      const query = `lang[$ne]=x&page[$gt]=&status[$ne]=x&email[$regex]=.*&since[$gt]=&question[$ne]=x&${hostile}&lang=fr&lang=en&page=1&page=2&status=a&status=b&email=a&email=b&since=1&since=2&question=a&question=b`;
      const request = path.startsWith('/api') ? supertest(app.url).get(`${path}?${query}`).set('Authorization', `Bearer ${await adminToken()}`) : browser.agent.get(`${path}?${query}`).set('Accept', 'text/html');
      const res = await request.redirects(0);
      if (res.status >= 500) failures.push(`GET ${path}: ${res.status} ${res.text.slice(0, 200)}`);
    }
    expect(failures).to.deep.equal([]);
    // Said in app.ts, not left to Express's default: an 'extended' parser would make `?a[$ne]=x` an object.
    expect(app.express.get('query parser')).to.equal('simple');
  });

  let token: string | undefined;
  async function adminToken(): Promise<string> {
    token ??= await apiTokenFor(admin, 'manage');
    return token;
  }

  it('refuses operator objects and prototype keys in every JSON body of the API with 400, never 500', async () => {
    const failures: string[] = [];
    const changes = routes.filter((r) => !SAFE_METHODS.has(r.method) && r.path.startsWith('/api/'));
    const bodies = [
      { reason: { $gt: '' }, name: { $ne: null }, questionId: { $where: 'sleep(1000)' }, email: { $regex: '.*' } },
      JSON.parse('{"__proto__": {"polluted": "yes"}, "constructor": {"prototype": {"polluted": "yes"}}}') as object,
      [{ $gt: '' }],
    ];
    for (const route of changes) {
      for (const body of [...bodies.map((b) => JSON.stringify(b)), DEEP_JSON]) {
        // A real wave, so that the body is read (an unknown one is refused first, with 404).
        const path = concretePath(route.path.replace(':waveId', '2011-03'));
        const res = await supertest(app.url)[route.method as 'post'](path).set('Authorization', `Bearer ${await adminToken()}`).set('Content-Type', 'application/json').send(body);
        if (res.status >= 500) failures.push(`${route.method.toUpperCase()} ${route.path}: ${res.status} ${res.text.slice(0, 200)}`);
      }
    }
    expect(failures).to.deep.equal([]);
  });
});
