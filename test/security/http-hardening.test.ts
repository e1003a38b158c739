// HTTP hardening, as a client sees it: links never built from a forged Host, answers that show
// answers or personal data never cached, cookies' flags in development and production, and slow
// clients cut off by the server's timeouts (while a dashboard's event stream, a long answer, is not).
import { expect } from 'chai';
import * as cheerio from 'cheerio';
import supertest from 'supertest';
import net from 'node:net';
import { startTestApp, type TestApp } from '../support/app';
import { encodeForm, type FormFields } from '../support/browser';
import { outboxCollection } from '../support/outbox';
import { apiTokenFor, createStaff, setCookieNamed, signedInFetch, type StaffMember } from '../support/staff';
import { CAPTIC_ID, NON_USER_PAGES } from '../fixtures/captic-answers';
import { cookieIsSecure } from '../../server/lib/security';

const EVIL_HOST = 'evil.example';

/** A page as the client got it. */
interface Answer {
  status: number;
  location?: string;
  text: string;
  $: cheerio.CheerioAPI;
  headers: Record<string, unknown>;
}

/**
 * A browser whose every request claims `Host: evil.example` (and X-Forwarded-Host, which a proxy
 * could pass on): cookies kept by hand, Secure ones too, since the app may sit behind TLS. It keeps
 * every body it read, so a test can check that none names the forged host.
 */
class ForgedHostBrowser {
  private readonly jar = new Map<string, string>();
  readonly bodies: string[] = [];

  constructor(private readonly baseUrl: string, private readonly headers: Record<string, string> = {}) {}

  async send(method: 'get' | 'post', path: string, form?: FormFields): Promise<Answer> {
    let request = supertest(this.baseUrl)[method](path)
      .set({ Host: EVIL_HOST, 'X-Forwarded-Host': EVIL_HOST, Accept: 'text/html', ...this.headers })
      .redirects(0);
    if (this.jar.size > 0) request = request.set('Cookie', [...this.jar].map(([name, value]) => `${name}=${value}`).join('; '));
    const res = await (form ? request.type('form').send(encodeForm(form)) : request);
    const setCookies = (res.headers['set-cookie'] as unknown as string[] | undefined) ?? [];
    for (const line of setCookies) {
      const pair = line.split(';')[0]!;
      this.jar.set(pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1));
    }
    const text = res.text ?? '';
    this.bodies.push(text);
    return { status: res.status, ...(res.headers.location ? { location: res.headers.location as string } : {}), text, $: cheerio.load(text), headers: res.headers };
  }

  /** Posts the form `selector` of `page` with its hidden fields and `fields`. */
  async submit(page: Answer, selector: string, fields: FormFields = {}): Promise<Answer> {
    const form = page.$(selector).first();
    const hidden: FormFields = {};
    form.find('input[type=hidden]').each((_, el) => {
      hidden[page.$(el).attr('name') ?? ''] = page.$(el).attr('value') ?? '';
    });
    const action = form.attr('action');
    if (!action) throw new Error(`no ${selector} on:\n${page.text.slice(0, 500)}`);
    return this.send('post', action, { ...hidden, ...fields });
  }

  async follow(answer: Answer): Promise<Answer> {
    let page = answer;
    for (let hops = 0; page.location && hops < 5; hops += 1) page = await this.send('get', page.location);
    return page;
  }
}

/** The links that lead into the app (a resume link, a password link, an invitation) in `text`, as origins. */
function appLinkOrigins(text: string): string[] {
  return [...text.matchAll(/(https?:\/\/[^\s"'<>/]+)\/(s\/[\w-]+\/resume|account\/password|s\/[\w-]+\/i|u)\//g)].map((match) => match[1]!);
}

/** Small timeouts, so a slow client is seen cut off in a test's time; a heartbeat often, to watch a stream live. */
const TIMEOUTS = { HEADERS_TIMEOUT_MS: 1000, REQUEST_TIMEOUT_MS: 2000 };
/** Node checks the timeouts every tenth of the headers' one (server/lib/http-server.ts); and a loaded CI machine is late. */
const CHECK_SLACK_MS = TIMEOUTS.HEADERS_TIMEOUT_MS / 10 + 1500;

const ENVIRONMENTS = {
  development: {
    ALLOWED_HOSTS: 'survey.lan:8080',
    HEADERS_TIMEOUT_MS: String(TIMEOUTS.HEADERS_TIMEOUT_MS),
    REQUEST_TIMEOUT_MS: String(TIMEOUTS.REQUEST_TIMEOUT_MS),
    LIVE_HEARTBEAT_MS: '200',
  },
  production: { NODE_ENV: 'production', SECRET: 'a production secret of more than 32 characters', PUBLIC_URL: 'https://surveys.example.org/', TRUST_PROXY: 'true' },
};
type Mode = keyof typeof ENVIRONMENTS;

describe('HTTP hardening', function () {
  this.timeout(60_000);
  const apps = {} as Record<Mode, TestApp>;
  let admin: StaffMember;

  before(async () => {
    // Both apps share the test database: one reset, one admin.
    apps.development = await startTestApp(ENVIRONMENTS.development);
    apps.production = await startTestApp(ENVIRONMENTS.production);
    await apps.development.reset();
    await outboxCollection().deleteMany({});
    admin = await createStaff(apps.development, { email: 'admin@example.org', role: 'admin' });
  });
  after(async () => {
    await apps.development?.close();
    await apps.production?.close();
  });

  /** Behind the TLS proxy production expects; in development, plain http. */
  const proxyHeaders = (mode: Mode): Record<string, string> => (mode === 'production' ? { 'X-Forwarded-Proto': 'https' } : {});

  for (const mode of ['development', 'production'] as const) {
    describe(`links, in ${mode}, with Host: ${EVIL_HOST}`, () => {
      let app: TestApp;
      /** Where every link must point. */
      let expectedOrigin: string;
      const headers = proxyHeaders(mode);

      before(async () => {
        app = apps[mode];
        await outboxCollection().deleteMany({});
        expectedOrigin = mode === 'production' ? 'https://surveys.example.org' : app.url;
      });

      it('gives the respondent a resume link, and mails it, on the real origin', async () => {
        const browser = new ForgedHostBrowser(app.url, headers);
        const intro = await browser.follow(await browser.send('get', `/s/${CAPTIC_ID}`));
        const page = await browser.follow(await browser.submit(intro, 'form', { consent: 'yes' }));
        const shown = appLinkOrigins(page.text);
        expect(shown.length, page.text.slice(0, 800)).to.be.greaterThan(0);
        expect(shown.every((origin) => origin === expectedOrigin), shown.join(' ')).to.equal(true);
        const mailed = await browser.submit(page, 'form.resume-mail-form', { email: 'respondent@example.org' });
        expect(mailed.status, mailed.text.slice(0, 500)).to.be.below(400);
        for (const body of browser.bodies) expect(body).to.not.include(EVIL_HOST);
      });

      it('mails password links and draws them on the real origin', async () => {
        const anonymous = new ForgedHostBrowser(app.url, headers);
        const forgot = await anonymous.send('get', '/login/forgot');
        const asked = await anonymous.submit(forgot, 'main form', { email: admin.email });
        expect(asked.status, asked.text.slice(0, 300)).to.equal(303);

        const signedIn = new ForgedHostBrowser(app.url, headers);
        const login = await signedIn.send('get', '/login');
        expect((await signedIn.submit(login, 'main form', { email: admin.email, password: admin.password })).status).to.equal(303);
        const other = await createStaff(app, { email: `analyst.${mode}@example.org`, role: 'analyst' });
        const account = await signedIn.send('get', `/admin/users/${other.account.id}`);
        const issued = await signedIn.submit(account, `form[action="/admin/users/${other.account.id}/password-link"]`);
        const drawn = appLinkOrigins(issued.text);
        expect(drawn, issued.text.slice(0, 800)).to.deep.equal([expectedOrigin]);
        // The invitations' preview shows a member's link too, and the account page an API call's address.
        await signedIn.send('get', `/admin/surveys/${CAPTIC_ID}/waves/current/invitations`);
        const ownAccount = await signedIn.send('get', '/admin/account');
        const withToken = await signedIn.submit(ownAccount, 'form[action="/admin/account/tokens"]', { name: 'script', scope: 'read', expires_in_days: '30' });
        expect(withToken.text, withToken.text.slice(0, 500)).to.include(`${expectedOrigin}/api/v1/me`);
        for (const body of [...anonymous.bodies, ...signedIn.bodies]) expect(body).to.not.include(EVIL_HOST);
      });

      it('names the forged host in no message of the outbox', async () => {
        const messages = await outboxCollection().find({}).toArray();
        expect(messages.map((m) => m.purpose as string)).to.include.members(['resume_link']);
        expect(messages.length).to.be.greaterThan(2);
        for (const message of messages) {
          const stored = JSON.stringify(message);
          expect(stored).to.not.include(EVIL_HOST);
          for (const origin of appLinkOrigins(stored.replace(/\\n/g, '\n'))) expect(origin).to.equal(expectedOrigin);
        }
      });

      if (mode === 'development') {
        it('builds links from a Host ALLOWED_HOSTS lists, and from a loopback name with the listening port', async () => {
          const port = new URL(app.url).port;
          const cases: Array<[string, string]> = [
            ['survey.lan:8080', 'http://survey.lan:8080'],
            ['survey.lan:9090', app.url],
            [`localhost:${port}`, `http://localhost:${port}`],
            ['localhost:1', `http://localhost:${port}`],
            ['[::1]', `http://[::1]:${port}`],
            ['127.0.0.1.evil.example', app.url],
            ['evil.example:8080', app.url],
          ];
          const failures: string[] = [];
          for (const [host, expected] of cases) {
            const browser = new ForgedHostBrowser(app.url, { Host: host, 'X-Forwarded-Host': host });
            const intro = await browser.follow(await browser.send('get', `/s/${CAPTIC_ID}`));
            const page = await browser.follow(await browser.submit(intro, 'form', { consent: 'yes' }));
            const shown = [...new Set(appLinkOrigins(page.text))];
            if (shown.length !== 1 || shown[0] !== expected) failures.push(`Host ${host}: expected ${expected}, got ${shown.join(' ')}`);
          }
          expect(failures).to.deep.equal([]);
        });
      }
    });
  }

  /** A respondent from the survey's first page to its thank-you page, through the resume link once: every answer on the way. */
  async function respondentJourney(mode: Mode): Promise<Array<{ what: string; answer: Answer }>> {
    const browser = new ForgedHostBrowser(apps[mode].url, proxyHeaders(mode));
    const seen: Array<{ what: string; answer: Answer }> = [];
    const open = async (what: string, answer: Answer) => {
      seen.push({ what, answer });
      let page = answer;
      for (let hops = 0; page.location && hops < 5; hops += 1) {
        page = await browser.send('get', page.location);
        seen.push({ what: `${what}, then ${page.location ?? 'its page'}`, answer: page });
      }
      return page;
    };
    const intro = await open('the survey intro', await browser.send('get', `/s/${CAPTIC_ID}`));
    let page = await open('consent', await browser.submit(intro, 'form', { consent: 'yes' }));
    const resumePath = /\/s\/[\w-]+\/resume\/[\w-]+/.exec(page.text)?.[0];
    expect(resumePath, 'a resume link on the first question page').to.be.a('string');
    page = await open('the resume link', await browser.send('get', resumePath!));
    for (let steps = 0; steps < 12; steps += 1) {
      const pageId = page.$('form#survey-form').attr('action')?.split('/p/')[1];
      if (!pageId) break;
      page = await open(`page ${pageId}`, await browser.submit(page, 'form#survey-form', { ...NON_USER_PAGES[pageId], action: 'next' }));
    }
    expect(page.$('form#survey-form').length, `the thank-you page: ${page.text.slice(0, 300)}`).to.equal(0);
    return seen;
  }

  it('puts only http or https in a link, whatever scheme a proxy header claims (development, TRUST_PROXY, no PUBLIC_URL)', async () => {
    const behindProxy = await startTestApp({ ...ENVIRONMENTS.development, TRUST_PROXY: 'true' });
    try {
      const shown: string[] = [];
      for (const proto of ['javascript', 'data', 'https']) {
        const browser = new ForgedHostBrowser(behindProxy.url, { Host: 'survey.lan:8080', 'X-Forwarded-Proto': proto });
        const intro = await browser.follow(await browser.send('get', `/s/${CAPTIC_ID}`));
        const page = await browser.follow(await browser.submit(intro, 'form', { consent: 'yes' }));
        shown.push(/id="resume-link"[^>]*href="([a-z]+:\/\/[^/"]+)/.exec(page.text)?.[1] ?? page.text.slice(0, 200));
      }
      expect(shown).to.deep.equal(['http://survey.lan:8080', 'http://survey.lan:8080', 'https://survey.lan:8080']);
    } finally {
      await behindProxy.close();
    }
  });

  describe('Cache-Control', () => {
    it('is no-store on every respondent page, from the intro to the thank-you page', async () => {
      const seen = await respondentJourney('development');
      expect(seen.length).to.be.greaterThan(8);
      const cached = seen.filter(({ answer }) => answer.headers['cache-control'] !== 'no-store').map(({ what, answer }) => `${what}: ${String(answer.headers['cache-control'])}`);
      expect(cached).to.deep.equal([]);
    });

    it('is no-store on staff pages, exports and the API; static files keep their caching', async () => {
      const app = apps.development;
      const get = await signedInFetch(app, admin);
      const wave = `/admin/surveys/${CAPTIC_ID}/waves/current`;
      const failures: string[] = [];
      for (const path of ['/login', '/admin', '/admin/users', `/admin/users/${admin.account.id}`, '/admin/account', `${wave}/report`, `${wave}/dashboard`, `${wave}/export.csv`, `${wave}/export.xlsx`, `${wave}/responses`, '/admin/audit', '/no/such/page']) {
        const res = await get(path, { headers: { accept: 'text/html' } });
        await res.arrayBuffer();
        if (res.headers.get('cache-control') !== 'no-store') failures.push(`${path} (${res.status}): ${res.headers.get('cache-control')}`);
      }
      const token = await apiTokenFor(admin);
      for (const path of ['/api/v1/me', `/api/v1/surveys/${CAPTIC_ID}/waves/current/figures`, `/api/v1/surveys/${CAPTIC_ID}/waves/current/invitations`, '/api/v1/no-such-thing']) {
        const res = await supertest(app.url).get(path).set('Authorization', `Bearer ${token}`);
        if (res.headers['cache-control'] !== 'no-store') failures.push(`${path} (${res.status}): ${String(res.headers['cache-control'])}`);
      }
      expect(failures).to.deep.equal([]);
      const css = await supertest(app.url).get('/public/css/app.css');
      expect(css.status).to.equal(200);
      expect(css.headers['cache-control']).to.equal('public, max-age=3600');
      const chart = await supertest(app.url).get('/vendor/chart.js/chart.umd.js');
      expect(chart.headers['cache-control']).to.equal('public, max-age=86400');
    });
  });

  describe('cookies', () => {
    for (const mode of ['development', 'production'] as const) {
      it(`are HttpOnly and SameSite=Lax, Secure in production (the CSRF one __Host-), the resume cookie scoped to its survey: ${mode}`, async () => {
        const seen = await respondentJourney(mode);
        const secure = mode === 'production';
        const set = (name: string) => seen.map(({ answer }) => setCookieNamed(answer.headers, name)).find((cookie) => cookie !== undefined);
        const csrfName = secure ? '__Host-brm.csrf' : 'brm_csrf';
        const expected: Array<[string, Record<string, string | true>]> = [
          ['brm_browser', { httponly: true, samesite: 'Lax', path: '/' }],
          [csrfName, { httponly: true, samesite: 'Lax', path: '/' }],
          [`brm_resume_${CAPTIC_ID}`, { httponly: true, samesite: 'Lax', path: `/s/${CAPTIC_ID}` }],
        ];
        for (const [name, attributes] of expected) {
          const cookie = set(name);
          expect(cookie, `${name} set on the way`).to.not.equal(undefined);
          expect(cookie!.attributes, name).to.include(attributes);
          expect(cookie!.attributes, name).to.not.have.property('domain');
          if (secure) expect(cookie!.attributes, name).to.include({ secure: true });
          else expect(cookie!.attributes, name).to.not.have.property('secure');
        }
        // The staff session cookie's flags, both ways, are checked in test/integration/accounts/sessions.test.ts.
      });
    }

    it('are Secure behind a TLS proxy for an https PUBLIC_URL, in development too, and plain on a plain-http run', () => {
      const development = { NODE_ENV: 'development', TRUST_PROXY: true } as const;
      expect(cookieIsSecure({ ...development, PUBLIC_URL: 'https://surveys.example.org' })).to.equal(true);
      expect(cookieIsSecure({ ...development, PUBLIC_URL: 'http://survey.lan:3000' })).to.equal(false);
      // Without TRUST_PROXY the app cannot see HTTPS, and express-session would never send a Secure cookie.
      expect(cookieIsSecure({ ...development, TRUST_PROXY: false, PUBLIC_URL: 'https://surveys.example.org' })).to.equal(false);
      expect(cookieIsSecure({ ...development, PUBLIC_URL: undefined })).to.equal(false);
      expect(cookieIsSecure({ NODE_ENV: 'production', TRUST_PROXY: false, PUBLIC_URL: 'https://surveys.example.org' })).to.equal(true);
    });
  });

  describe('slow clients', () => {
    /** A raw connection: what it receives, and when (ms after it opened) the server closed it. */
    function rawClient(app: TestApp) {
      const { hostname, port } = new URL(app.url);
      const socket = net.connect(Number(port), hostname);
      const opened = Date.now();
      let received = '';
      socket.setEncoding('latin1');
      socket.on('data', (chunk: string) => { received += chunk; });
      socket.on('error', () => undefined);
      const closed = new Promise<number>((resolve) => socket.once('close', () => resolve(Date.now() - opened)));
      /** Writes `text` one byte every `everyMs`, until it is all sent or the connection closes. */
      const trickle = (text: string, everyMs: number) => new Promise<void>((resolve) => {
        let sent = 0;
        const timer = setInterval(() => {
          if (socket.destroyed || sent >= text.length) {
            clearInterval(timer);
            resolve();
            return;
          }
          socket.write(text[sent]!);
          sent += 1;
        }, everyMs);
      });
      return { socket, closed, trickle, received: () => received };
    }

    // Connection: close, so the server ends the connection once it has answered (no keep-alive wait).
    const formHead = (length: number) => `POST /login HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: ${length}\r\n\r\n`;

    it('cuts off a body sent a byte at a time, within REQUEST_TIMEOUT_MS', async () => {
      const client = rawClient(apps.development);
      client.socket.write(formHead(10_000));
      void client.trickle('x'.repeat(10_000), 100);
      const after = await client.closed;
      expect(client.received()).to.match(/^HTTP\/1\.1 408 /);
      expect(after).to.be.within(TIMEOUTS.REQUEST_TIMEOUT_MS - 200, TIMEOUTS.REQUEST_TIMEOUT_MS + CHECK_SLACK_MS);
    });

    it('cuts off headers sent a byte at a time, within HEADERS_TIMEOUT_MS', async () => {
      const client = rawClient(apps.development);
      client.socket.write('GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n');
      void client.trickle(`X-Slow: ${'y'.repeat(1000)}`, 50);
      const after = await client.closed;
      expect(client.received()).to.match(/^HTTP\/1\.1 408 /);
      expect(after).to.be.within(TIMEOUTS.HEADERS_TIMEOUT_MS - 200, TIMEOUTS.HEADERS_TIMEOUT_MS + CHECK_SLACK_MS);
    });

    it('answers a slow but complete form within the bound', async () => {
      const client = rawClient(apps.development);
      const body = 'email=a%40example.org&password=x';
      client.socket.write(formHead(body.length));
      // About 0.7 s for the body, well inside the 2 s: the app answers (here, a refused CSRF token), not a 408.
      await client.trickle(body, 20);
      await client.closed;
      expect(client.received()).to.match(/^HTTP\/1\.1 403 /);
    });

    it('keeps a dashboard\'s event stream open past REQUEST_TIMEOUT_MS: the time counts until the request is received', async () => {
      const get = await signedInFetch(apps.development, admin);
      const controller = new AbortController();
      const opened = Date.now();
      const res = await get(`/admin/surveys/${CAPTIC_ID}/waves/current/dashboard/events`, { headers: { accept: 'text/event-stream' }, signal: controller.signal });
      expect(res.status).to.equal(200);
      const reader = res.body!.getReader();
      const decoder = new TextDecoder();
      // Heartbeats until one comes after the request timeout has passed and been checked: the stream was not cut.
      const cutBy = TIMEOUTS.REQUEST_TIMEOUT_MS + TIMEOUTS.HEADERS_TIMEOUT_MS / 10 + 300;
      for (;;) {
        const { value, done } = await reader.read();
        expect(done, `the stream ended after ${Date.now() - opened} ms`).to.equal(false);
        const chunk = decoder.decode(value, { stream: true });
        if (Date.now() - opened > cutBy && /event: heartbeat/.test(chunk)) break;
      }
      controller.abort();
    });
  });
});
