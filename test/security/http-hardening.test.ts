// HTTP hardening, as a client sees it: links never built from a forged Host, answers that show
// answers or personal data never cached, cookies' flags in development and production, and slow
// clients cut off by the server's timeouts (while a dashboard's event stream, a long answer, is not).
import { expect } from 'chai';
import * as cheerio from 'cheerio';
import supertest from 'supertest';
import { startTestApp, type TestApp } from '../support/app';
import { encodeForm, type FormFields } from '../support/browser';
import { outboxCollection } from '../support/outbox';
import { createStaff, type StaffMember } from '../support/staff';
import { CAPTIC_ID } from '../fixtures/captic-answers';

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

describe('HTTP hardening', function () {
  this.timeout(60_000);

  for (const mode of ['development', 'production'] as const) {
    describe(`links, in ${mode}, with Host: ${EVIL_HOST}`, () => {
      let app: TestApp;
      let admin: StaffMember;
      /** Where every link must point. */
      let expectedOrigin: string;
      const env = mode === 'production'
        ? { NODE_ENV: 'production', SECRET: 'a production secret of more than 32 characters', PUBLIC_URL: 'https://surveys.example.org/', TRUST_PROXY: 'true' }
        : { ALLOWED_HOSTS: 'survey.lan:8080' };
      // Behind the TLS proxy production expects; in development, plain http.
      const headers: Record<string, string> = mode === 'production' ? { 'X-Forwarded-Proto': 'https' } : {};

      before(async () => {
        app = await startTestApp(env);
        await app.reset();
        await outboxCollection().deleteMany({});
        admin = await createStaff(app, { email: 'admin@example.org', role: 'admin' });
        expectedOrigin = mode === 'production' ? 'https://surveys.example.org' : app.url;
      });
      after(async () => app.close());

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
        const other = await createStaff(app, { email: 'analyst@example.org', role: 'analyst' });
        const account = await signedIn.send('get', `/admin/users/${other.account.id}`);
        const issued = await signedIn.submit(account, `form[action="/admin/users/${other.account.id}/password-link"]`);
        const drawn = appLinkOrigins(issued.text);
        expect(drawn, issued.text.slice(0, 800)).to.deep.equal([expectedOrigin]);
        // The invitations' preview shows a member's link too.
        await signedIn.send('get', `/admin/surveys/${CAPTIC_ID}/waves/current/invitations`);
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
});
