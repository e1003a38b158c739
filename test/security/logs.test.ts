// Logs are shipped, kept and read by more people than the data: nothing in them may open an
// account, a response or a panel member's mailbox. The app runs as a child process through a full
// run (first admin, sign-in failed and right, a password change, an API token made and used, a
// panel imported and invited, a resume link mailed, respondents finishing by each link, an
// export, a forgotten password reset by its mailed link), and every byte it printed is searched
// for every secret the run handled: passwords, the SECRET, cookie values, CSRF tokens, the API
// token, invitation, resume and password-link tokens, the people's addresses, and the setup code
// once it was used (boot prints it on the console on purpose, once: docs/accounts.md).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import * as cheerio from 'cheerio';
import { childEnv, startAppProcess, type AppProcess } from '../support/app-process';
import { startTestSmtpServer, type TestSmtpServer } from '../support/smtp';
import { cookieFetch, submitFormWithFetch, type CookieFetch } from '../support/staff';
import { CAPTIC_ID } from '../fixtures/captic-answers';
import { finishCaptic, openPage, postFormOn, respondentFetch, setupCodeOf, startCaptic, submitOn } from '../integration/processes/process-run';

const SECRET = 'logs-test-secret-must-never-be-printed-4f1c9e';
const FIRST_PASSWORD = 'lantern orchard velvet 2291 comet';
const NEW_PASSWORD = 'harbour thistle quartz 7713 meadow';
const WRONG_PASSWORD = 'wrong guess pelican 0042 saddle';
const LINK_PASSWORD = 'copper lagoon fennel 5580 raven';
const ADMIN_EMAIL = 'chief.admin@logs-test.example.org';
const MEMBERS = ['ana.martin@panel-logs.example.fr', 'bruno.petit@panel-logs.example.fr'];
const LATER_EMAIL = 'carla.later@respondent-logs.example.fr';
const WAVE = 'logs-panel';
const API = `/api/v1/surveys/${CAPTIC_ID}`;

/** What one run handled that must not reach its output, by what it is. */
type Secrets = Map<string, Set<string>>;

function remember(secrets: Secrets, kind: string, value: string | undefined): void {
  if (!value) return;
  const values = secrets.get(kind) ?? new Set<string>();
  // As sent and as it reads in a URL or a cookie header.
  for (const form of [value, encodeURIComponent(value), decodeURIComponent(value)]) values.add(form);
  secrets.set(kind, values);
}

/** Every secret of `secrets` found in `output`, as "kind: value". */
function leaksIn(output: string, secrets: Secrets): string[] {
  const lowered = output.toLowerCase();
  return [...secrets].flatMap(([kind, values]) => [...values].filter((value) => lowered.includes(value.toLowerCase())).map((value) => `${kind}: ${value}`));
}

/** The cookies and CSRF fields of every answer a client got, remembered as secrets. */
function rememberAnswer(secrets: Secrets, setCookies: string[], html: string | undefined): void {
  for (const line of setCookies) {
    const [pair = ''] = line.split(';');
    const value = pair.slice(pair.indexOf('=') + 1);
    // A cleared cookie has no value worth hiding.
    if (value.length >= 8) remember(secrets, `cookie ${pair.slice(0, pair.indexOf('='))}`, value);
    // The value inside a signed cookie (express-session's id, the resume and invitation cookies).
    remember(secrets, `signed value of ${pair.slice(0, pair.indexOf('='))}`, /^s:([^.]+)\./.exec(decodeURIComponent(value))?.[1]);
  }
  if (html) cheerio.load(html)('input[name=_csrf]').each((_, el) => remember(secrets, 'csrf token', el.attribs.value));
}

/** The path of the first link in `text` whose path starts with `prefix` (links may start with PUBLIC_URL). */
function linkPath(text: string, prefix: string): string {
  const match = new RegExp(`https?://[^\\s/"<>]+(${prefix.replace(/[/]/g, '\\/')}[^\\s"<>]+)`).exec(text);
  if (!match) throw new Error(`no link to ${prefix} in:\n${text}`);
  return match[1]!;
}

interface Mode {
  NODE_ENV: 'development' | 'production';
  LOG_LEVEL: 'debug' | 'info';
}

async function fullRun(app: AppProcess, smtp: TestSmtpServer, secrets: Secrets, mode: Mode): Promise<{ setupUsedAt: number; setupCode: string }> {
  // Behind a TLS proxy in production: its cookies are Secure, and the app sets them only over https.
  const proto = mode.NODE_ENV === 'production' ? 'https' : 'http';
  const realFetch = globalThis.fetch;
  const staffFetch: typeof fetch = async (input, init) => {
    const headers = new Headers(init?.headers);
    headers.set('x-forwarded-proto', proto);
    const res = await realFetch(input, { ...init, headers });
    rememberAnswer(secrets, res.headers.getSetCookie(), res.headers.get('content-type')?.startsWith('text/html') ? await res.clone().text() : undefined);
    return res;
  };
  globalThis.fetch = staffFetch;
  try {
    // The first admin, with the code boot printed.
    const setupCode = await setupCodeOf(app);
    const admin: CookieFetch = cookieFetch(app.url);
    const setUp = await submitFormWithFetch(admin, '/setup', { code: setupCode, email: ADMIN_EMAIL, name: 'Chief Admin', password: FIRST_PASSWORD });
    expect(setUp.status, await setUp.text()).to.equal(303);
    const setupUsedAt = app.output().length;

    // A failed sign-in, then a right one, in another browser.
    const staff = cookieFetch(app.url);
    expect((await submitFormWithFetch(staff, '/login', { email: ADMIN_EMAIL, password: WRONG_PASSWORD })).status).to.equal(401);
    expect((await submitFormWithFetch(staff, '/login', { email: ADMIN_EMAIL, password: FIRST_PASSWORD })).status).to.equal(303);
    // A password change.
    const changed = await postFormOn(staff, '/admin/account', '/admin/account/password', { email: ADMIN_EMAIL, current_password: FIRST_PASSWORD, new_password: NEW_PASSWORD });
    expect(changed.status, await changed.text()).to.be.oneOf([200, 303]);
    // An API token, made in the console and used below.
    const made = await postFormOn(staff, '/admin/account', '/admin/account/tokens', { name: 'logs test', scope: 'manage', expires_in_days: '30' });
    expect(made.status).to.equal(200);
    const apiToken = cheerio.load(await made.text())('#new-token').text().trim();
    expect(apiToken).to.match(/^brm_/);
    remember(secrets, 'api token', apiToken);
    const api = (pathname: string, init: RequestInit = {}) => fetch(new URL(pathname, app.url), { ...init, headers: { authorization: `Bearer ${apiToken}`, ...(init.body && typeof init.body === 'string' && init.body.startsWith('{') ? { 'content-type': 'application/json' } : {}), ...(init.headers as Record<string, string>) } });

    // A panel, its members imported with their addresses, and a panel wave that invites them.
    expect((await api(`${API}/panels`, { method: 'POST', body: JSON.stringify({ panelId: 'pros', name: 'Professionals' }) })).status).to.equal(201);
    const csv = `email,name\n${MEMBERS.map((email, i) => `${email},Member ${i}`).join('\n')}\n`;
    const imported = await api(`${API}/panels/pros/imports`, { method: 'POST', body: csv, headers: { 'content-type': 'text/csv' } });
    expect(imported.status).to.equal(201);
    const { id: importId } = (await imported.json()) as { id: string };
    expect((await api(`${API}/panels/pros/imports/${importId}/confirm`, { method: 'POST' })).status).to.equal(200);
    expect((await api(`${API}/waves/demo/close`, { method: 'POST' })).status).to.equal(200);
    expect((await api(`${API}/waves`, { method: 'POST', body: JSON.stringify({ waveId: WAVE }) })).status).to.equal(201);
    const patched = await api(`${API}/waves/${WAVE}`, { method: 'PATCH', body: JSON.stringify({ accessMode: 'panel', panelId: 'pros' }) });
    expect(patched.status, await patched.clone().text()).to.equal(200);
    expect((await api(`${API}/waves/${WAVE}/open`, { method: 'POST' })).status).to.equal(200);
    const send = await api(`${API}/waves/${WAVE}/invitations/send`, { method: 'POST' });
    expect(send.status, await send.clone().text()).to.equal(202);
    const invitations = await smtp.waitForMessages(MEMBERS.length, 20_000);
    const links = invitations.slice(0, MEMBERS.length).map((mail) => linkPath(mail.text, `/s/${CAPTIC_ID}/i/`));
    for (const link of links) remember(secrets, 'invitation token', link.split('/i/')[1]);

    // One member finishes through the invitation link at once.
    const first = respondentFetch(app);
    expect((await finishCaptic(first, await startCaptic(first, links[0]))).$('h1').text()).to.contain('Merci');
    // The other starts, has the link to continue later mailed, and finishes from it in another browser.
    const second = respondentFetch(app);
    const started = await startCaptic(second, links[1]);
    remember(secrets, 'resume token', started.$('#resume-link').attr('href')?.split('/resume/')[1]);
    const mailed = await submitOn(second, started, { email: LATER_EMAIL }, 'form.resume-mail-form');
    expect(mailed.status, mailed.html.slice(0, 500)).to.equal(303);
    const [resumeMail] = await smtp.waitForMessages(MEMBERS.length + 1, 20_000).then((all) => all.slice(MEMBERS.length));
    const resumeLink = linkPath(resumeMail!.text, `/s/${CAPTIC_ID}/resume/`);
    remember(secrets, 'resume token', resumeLink.split('/resume/')[1]);
    const later = respondentFetch(app);
    const resumed = await openPage(later, resumeLink);
    expect((await finishCaptic(later, resumed)).$('h1').text()).to.contain('Merci');

    // The wave's figures by the API token, and its responses exported from the console.
    expect((await api(`${API}/waves/${WAVE}/figures`)).status).to.equal(200);
    const exported = await staff(`/admin/surveys/${CAPTIC_ID}/waves/${WAVE}/export.csv`);
    expect(exported.status).to.equal(200);
    expect(await exported.text()).to.contain('uses_social');
    // A forgotten password: the link mailed, opened, and a new password chosen with it.
    const forgot = await submitFormWithFetch(cookieFetch(app.url), '/login/forgot', { email: ADMIN_EMAIL });
    expect(forgot.status, await forgot.text()).to.be.oneOf([200, 303]);
    const [linkMail] = await smtp.waitForMessages(MEMBERS.length + 2, 20_000).then((all) => all.slice(MEMBERS.length + 1));
    const passwordLink = linkPath(linkMail!.text, '/account/password/');
    remember(secrets, 'password link token', passwordLink.split('/password/')[1]);
    const reset = await submitFormWithFetch(cookieFetch(app.url), passwordLink, { password: LINK_PASSWORD });
    expect(reset.status, await reset.text()).to.equal(303);
    return { setupUsedAt, setupCode };
  } finally {
    globalThis.fetch = realFetch;
  }
}

describe('logs of a full run', function () {
  this.timeout(90_000);
  let dir: string;
  let smtp: TestSmtpServer;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'barometer-logs-'));
    smtp = await startTestSmtpServer();
  });
  afterEach(async () => {
    await smtp.stop();
    await rm(dir, { recursive: true, force: true });
  });

  const modes: Mode[] = [
    { NODE_ENV: 'development', LOG_LEVEL: 'debug' },
    { NODE_ENV: 'production', LOG_LEVEL: 'info' },
  ];
  for (const mode of modes) {
    it(`hold no password, secret, cookie, token or address (${mode.NODE_ENV}, ${mode.LOG_LEVEL})`, async () => {
      const app = await startAppProcess(
        childEnv({
          ...mode,
          DATA_DIR: dir,
          SECRET,
          SMTP_URL: smtp.url,
          MAIL_FROM: 'Barometer <surveys@logs-test.example.org>',
          TRUST_PROXY: 'true',
          ...(mode.NODE_ENV === 'production' ? { PUBLIC_URL: 'https://surveys.logs-test.example.org' } : {}),
        }),
      );
      const secrets: Secrets = new Map();
      for (const [kind, value] of [['password', FIRST_PASSWORD], ['password', NEW_PASSWORD], ['password', WRONG_PASSWORD], ['password', LINK_PASSWORD], ['SECRET', SECRET], ['staff email', ADMIN_EMAIL], ['respondent email', LATER_EMAIL], ...MEMBERS.map((email) => ['panel member email', email])] as const) {
        remember(secrets, kind, value);
      }
      try {
        const { setupUsedAt, setupCode } = await fullRun(app, smtp, secrets, mode);
        await app.stop();
        const output = app.output();
        // The grep sees what the app printed: the setup code, on the console once, at boot.
        expect(output.split(setupCode).length - 1, 'the setup code printed once').to.equal(1);
        expect(output.slice(setupUsedAt)).not.to.contain(setupCode);
        expect(secrets.get('invitation token')?.size).to.be.at.least(2);
        expect(secrets.get('resume token')?.size).to.be.at.least(1);
        expect(secrets.get('csrf token')?.size).to.be.at.least(1);
        expect(leaksIn(output, secrets)).to.deep.equal([]);
      } finally {
        await app.stop();
      }
    });
  }
});
