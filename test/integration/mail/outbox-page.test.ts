// The admins' outbox page and its JSON twin, driven through a no-JS browser as an admin uses them:
// who may see it, the counts, the list and its filters, one message whole, "retry failed", and,
// with no SMTP_URL, what the local catcher received, with links that work.
import { expect } from 'chai';
import mongoose from 'mongoose';
import { startTestApp, type TestApp } from '../../support/app';
import { resetDatabase } from '../../support/database';
import { outboxCollection } from '../../support/outbox';
import { useAppSuite } from '../../support/app-suite';
import { Browser, type Page } from '../../support/browser';
import { apiTokenFor, auditEvents, createStaff, signedInBrowser, STRONG_PASSWORD, submitForm, type StaffMember } from '../../support/staff';
import { CAPTIC_ID } from '../../fixtures/captic-answers';
import { enqueueMail, type MailPurpose, type OutgoingMail } from '../../../server/mail/outbox.service';

const SENDER = { from: 'Barometer <barometer@example.org>' };
const START = new Date('2026-11-02T09:00:00.000Z');

function mailNumber(n: number, purpose: MailPurpose = 'invitation', surveyId = CAPTIC_ID): OutgoingMail {
  return {
    key: `test:${purpose}:${n}`,
    purpose,
    to: { address: `member${n}@example.org`, name: `Member ${n}` },
    subject: `Message ${n}`,
    text: `Hello ${n}, answer at http://127.0.0.1/s/${surveyId}/i/token${n}.`,
    html: `<p>Hello ${n}, <a href="http://127.0.0.1/s/${surveyId}/i/token${n}">answer</a></p><script>parent.document.title = 'owned'</script>`,
    headers: { 'List-Unsubscribe': `<http://127.0.0.1/u/${n}>` },
    about: { surveyId, waveId: '2011-03' },
  };
}

/** Queues messages one second apart, the first oldest; returns their ids in that order. */
async function queue(mails: OutgoingMail[]): Promise<string[]> {
  const ids: string[] = [];
  for (const [index, mail] of mails.entries()) ids.push((await enqueueMail(mail, SENDER, new Date(START.getTime() + index * 1000))).id);
  return ids;
}

/** Puts a message in a state the worker would have left it in. */
async function settle(id: string, fields: Record<string, unknown>): Promise<void> {
  await outboxCollection().updateOne({ _id: new mongoose.Types.ObjectId(id) }, { $set: fields });
}

function countCell(page: Page, purpose: string, status: string): string {
  return page.$(`#outbox-counts tr[data-purpose="${purpose}"] td[data-status="${status}"]`).text().trim();
}

function listedSubjects(page: Page): string[] {
  return page.$('#outbox-messages tbody tr td:nth-child(5)').map((_, el) => page.$(el).text().trim()).get();
}

describe('The outbox page', function () {
  this.timeout(60_000);
  const suite = useAppSuite({ organizerOf: [CAPTIC_ID], analystOf: [CAPTIC_ID] });
  let admin: StaffMember;
  let browser: Browser;

  beforeEach(async () => {
    admin = await createStaff(suite.app, { email: 'admin@example.org', role: 'admin' });
    browser = await signedInBrowser(suite.app, admin);
    browser.acceptLanguage = 'en';
  });

  it('is for admins only: organizers and analysts get 403, page and API, and a visitor is sent to sign in', async () => {
    const [id] = await queue([mailNumber(1)]);
    for (const path of ['/admin/outbox', `/admin/outbox/messages/${id}`]) {
      expect((await suite.browser.get(path)).status, path).to.equal(403);
      const analyst = await signedInBrowser(suite.app, suite.analyst);
      expect((await analyst.get(path)).status, path).to.equal(403);
    }
    await settle(id!, { status: 'failed' });
    // With a valid CSRF token (the organizer's own sign-out form has one): refused for the role.
    const home = await suite.browser.get('/admin');
    const refusedRetry = await suite.browser.post('/admin/outbox/retry', suite.browser.hiddenFields(home));
    expect(refusedRetry.status).to.equal(403);
    expect((await outboxCollection().findOne({}))!.status).to.equal('failed');
    const token = await apiTokenFor(suite.analyst);
    const api = await fetch(`${suite.app.url}/api/v1/outbox`, { headers: { authorization: `Bearer ${token}` } });
    expect(api.status).to.equal(403);
    const visitor = await new Browser(suite.app.url).get('/admin/outbox');
    expect(visitor.status).to.equal(303);
    expect(visitor.location).to.equal('/login?next=%2Fadmin%2Foutbox');
  });

  it('counts messages by purpose and status, and lists them newest first, 50 a page', async () => {
    const ids = await queue([
      ...Array.from({ length: 50 }, (_, n) => mailNumber(n + 1)),
      mailNumber(51, 'reminder'),
      mailNumber(52, 'password_link', ''),
      mailNumber(53, 'reminder'),
    ]);
    await settle(ids[0]!, { status: 'sent', sentAt: START });
    await settle(ids[1]!, { status: 'failed', attempts: 8, lastError: '451 Try again later' });
    await settle(ids[50]!, { status: 'bounced', lastError: '550 Mailbox unavailable' });

    const page = await browser.get('/admin/outbox');
    expect(page.status).to.equal(200);
    expect(page.headers['cache-control']).to.equal('no-store');
    expect(countCell(page, 'invitation', 'queued')).to.equal('48');
    expect(countCell(page, 'invitation', 'sent')).to.equal('1');
    expect(countCell(page, 'invitation', 'failed')).to.equal('1');
    expect(countCell(page, 'reminder', 'queued')).to.equal('1');
    expect(countCell(page, 'reminder', 'bounced')).to.equal('1');
    expect(countCell(page, 'password_link', 'queued')).to.equal('1');
    expect(countCell(page, 'other', 'queued')).to.equal('0');

    const subjects = listedSubjects(page);
    expect(subjects).to.have.length(50);
    expect(subjects.slice(0, 3)).to.deep.equal(['Message 53', 'Message 52', 'Message 51']);
    expect(page.$('.pager').text()).to.contain('Page 1 of 2 (53 message(s))');
    const older = await browser.get(page.$('#outbox-older').attr('href')!);
    expect(listedSubjects(older)).to.deep.equal(['Message 3', 'Message 2', 'Message 1']);
    expect(older.$('#outbox-newer').attr('href')).to.equal('/admin/outbox');
    expect(older.$('#outbox-messages tr[data-status="failed"]').text()).to.contain('451 Try again later');
  });

  it('filters by status, purpose and survey, and refuses an unknown filter with 400, keeping what was typed', async () => {
    const ids = await queue([mailNumber(1), mailNumber(2, 'reminder'), mailNumber(3, 'invitation', 'coworking_members_2026'), mailNumber(4)]);
    await settle(ids[3]!, { status: 'sent' });

    expect(listedSubjects(await browser.get('/admin/outbox?status=sent'))).to.deep.equal(['Message 4']);
    expect(listedSubjects(await browser.get('/admin/outbox?purpose=reminder'))).to.deep.equal(['Message 2']);
    const bySurvey = await browser.get('/admin/outbox?survey=coworking_members_2026');
    expect(listedSubjects(bySurvey)).to.deep.equal(['Message 3']);
    // The counts are the survey's, whatever status or purpose is picked.
    expect(countCell(bySurvey, 'invitation', 'queued')).to.equal('1');
    expect(countCell(bySurvey, 'reminder', 'queued')).to.equal('0');
    expect(listedSubjects(await browser.get(`/admin/outbox?survey=${CAPTIC_ID}&purpose=invitation&status=queued`))).to.deep.equal(['Message 1']);

    const refused = await browser.get('/admin/outbox?status=lost');
    expect(refused.status).to.equal(400);
    expect(refused.$('.error-summary').text()).to.contain('Unknown filter: “lost”');
    expect(refused.$('#outbox-messages')).to.have.length(0);
    const french = await browser.get('/admin/outbox?purpose=spam&lang=fr');
    expect(french.status).to.equal(400);
    expect(french.$('.error-summary').text()).to.contain('Filtre inconnu : « spam »');
  });

  it('shows one message whole: delivery, headers, both parts, the HTML only inside a sandboxed frame, and its links', async () => {
    const [id] = await queue([mailNumber(7)]);
    await settle(id!, { status: 'bounced', attempts: 2, lastError: '550 5.1.1 No such user', smtpResponse: '550 5.1.1 No such user', finishedAt: START });

    const page = await browser.get(`/admin/outbox/messages/${id}`);
    expect(page.status).to.equal(200);
    expect(page.headers['cache-control']).to.equal('no-store');
    expect(page.$('#message-status').attr('data-status')).to.equal('bounced');
    expect(page.$('#message-to').text()).to.equal('Member 7 <member7@example.org>');
    expect(page.$('#message-attempts').text()).to.equal('2');
    expect(page.$('#message-last-error').text()).to.equal('550 5.1.1 No such user');
    expect(page.$('#message-smtp-response').text()).to.equal('550 5.1.1 No such user');
    expect(page.$('#message-delivery').text()).to.contain('test:invitation:7');
    expect(page.$('#message-headers').text()).to.contain('List-Unsubscribe').and.contain('<http://127.0.0.1/u/7>');
    expect(page.$('#message-text').text()).to.equal(`Hello 7, answer at http://127.0.0.1/s/${CAPTIC_ID}/i/token7.`);
    expect(page.$('#message-links a').map((_, el) => page.$(el).attr('href')).get()).to.deep.equal([`http://127.0.0.1/s/${CAPTIC_ID}/i/token7`]);

    const frame = page.$('iframe#message-html');
    expect(frame.attr('sandbox')).to.equal('');
    expect(frame.attr('srcdoc')).to.contain('<script>parent.document.title');
    // Outside the frame, the message's HTML is text: no tag of it is part of the page.
    expect(page.$('script')).to.have.length(0);
    expect(page.html).not.to.contain('<script>parent');

    expect((await browser.get('/admin/outbox/messages/000000000000000000000000')).status).to.equal(404);
    expect((await browser.get('/admin/outbox/messages/nonsense')).status).to.equal(404);
  });

  it('queues failed messages again with their attempts from zero, leaves bounced ones, and audits mail_retried with the count', async () => {
    const ids = await queue([mailNumber(1), mailNumber(2), mailNumber(3), mailNumber(4, 'reminder')]);
    await settle(ids[0]!, { status: 'failed', attempts: 8, lastError: '421 Too busy', finishedAt: START });
    await settle(ids[1]!, { status: 'failed', attempts: 8, lastError: '421 Too busy', finishedAt: START });
    await settle(ids[2]!, { status: 'bounced', attempts: 1, lastError: '550 No such user' });
    await settle(ids[3]!, { status: 'failed', attempts: 8 });

    const page = await browser.get('/admin/outbox?purpose=invitation');
    const retried = await submitForm(browser, page, '#retry-failed');
    expect(retried.status).to.equal(303);
    expect(retried.location).to.equal('/admin/outbox?purpose=invitation&done=retried&count=2');
    const after = await browser.get(retried.location!);
    expect(after.$('#outbox-notice').text()).to.equal('2 message(s) queued again.');

    const stored = await outboxCollection().find({}, { projection: { key: 1, status: 1, attempts: 1, finishedAt: 1, lastError: 1 } }).sort({ key: 1 }).toArray();
    expect(stored.map(({ key, status, attempts }) => ({ key, status, attempts }))).to.deep.equal([
      { key: 'test:invitation:1', status: 'queued', attempts: 0 },
      { key: 'test:invitation:2', status: 'queued', attempts: 0 },
      { key: 'test:invitation:3', status: 'bounced', attempts: 1 },
      // Outside the purpose the page was filtered on.
      { key: 'test:reminder:4', status: 'failed', attempts: 8 },
    ]);
    expect(stored[0]!.finishedAt).to.equal(undefined);
    const events = await auditEvents('mail_retried');
    expect(events).to.have.length(1);
    expect(events[0]).to.include({ actorEmail: 'admin@example.org', via: 'session' });
    expect(events[0]!.details).to.deep.equal({ count: 2, purpose: 'invitation' });
  });

  it('has no retry button while nothing failed, and refuses a retry without the CSRF token', async () => {
    const [id] = await queue([mailNumber(1)]);
    expect((await browser.get('/admin/outbox')).$('#retry-failed')).to.have.length(0);
    await settle(id!, { status: 'failed' });
    expect((await browser.get('/admin/outbox')).$('#retry-failed')).to.have.length(1);
    const forged = await browser.post('/admin/outbox/retry', {});
    expect(forged.status).to.equal(403);
    expect(await auditEvents('mail_retried')).to.have.length(0);
  });

  it('answers the same as JSON at /api/v1/outbox and /api/v1/outbox/:id for an admin token', async () => {
    const ids = await queue([mailNumber(1), mailNumber(2, 'reminder')]);
    // Admin routes take a token that may change things, even to read (guards.ts).
    const token = await apiTokenFor(admin, 'manage');
    const headers = { authorization: `Bearer ${token}` };
    const list = await fetch(`${suite.app.url}/api/v1/outbox?purpose=reminder`, { headers });
    expect(list.status).to.equal(200);
    expect(list.headers.get('cache-control')).to.equal('no-store');
    const body = (await list.json()) as { counts: Record<string, Record<string, number>>; messages: Array<{ id: string; subject: string }>; page: number; pages: number; total: number };
    expect(body.counts.invitation!.queued).to.equal(1);
    expect(body.counts.reminder!.queued).to.equal(1);
    expect(body).to.include({ page: 1, pages: 1, total: 1 });
    expect(body.messages.map((message) => [message.id, message.subject])).to.deep.equal([[ids[1], 'Message 2']]);

    const one = await fetch(`${suite.app.url}/api/v1/outbox/${ids[0]}`, { headers });
    const message = (await one.json()) as { key: string; text: string; html: string; headers: Record<string, string>; from: { address: string } };
    expect(message).to.include({ key: 'test:invitation:1' });
    expect(message.text).to.contain('token1');
    expect(message.headers['List-Unsubscribe']).to.equal('<http://127.0.0.1/u/1>');
    expect(message.from.address).to.equal('barometer@example.org');

    const refused = await fetch(`${suite.app.url}/api/v1/outbox?status=lost`, { headers });
    expect(refused.status).to.equal(400);
    expect(((await refused.json()) as { error: { code: string } }).error.code).to.equal('invalid_outbox_filter');
  });
});

describe('The outbox page with the local mail catcher (no SMTP_URL)', function () {
  this.timeout(60_000);
  let app: TestApp;
  let admin: StaffMember;
  let browser: Browser;

  before(async () => {
    // Earlier suites leave messages queued: the worker must not send them to this suite's catcher.
    await resetDatabase();
    app = await startTestApp({ MAIL_FROM: SENDER.from }, { mail: true });
  });
  after(async () => app?.close());
  beforeEach(async () => {
    await app.reset();
    admin = await createStaff(app, { email: 'admin@example.org', role: 'admin' });
    browser = await signedInBrowser(app, admin);
    browser.acceptLanguage = 'en';
  });

  /** The page at `path` once `ready` says so: the worker sends in the background. */
  async function pageWhen(path: string, ready: (page: Page) => boolean): Promise<Page> {
    for (;;) {
      const page = await browser.get(path);
      if (ready(page)) return page;
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  it('lists what the catcher received, and a caught password link, followed from the page, sets the password', async () => {
    const analyst = await createStaff(app, { email: 'ana@example.org', role: 'analyst', name: 'Ana Lyst' });
    const account = await browser.get(`/admin/users/${analyst.account.id}`);
    const issued = await submitForm(browser, account, '#password-link');
    expect(issued.status).to.equal(200);
    const shownLink = issued.$('#one-time-link').text().trim();

    const page = await pageWhen('/admin/outbox', (candidate) => candidate.$('#caught-messages tbody tr').length > 0);
    expect(page.$('#caught-mail h2').text()).to.equal('Caught mail');
    const row = page.$('#caught-messages tbody tr').first();
    expect(row.text()).to.contain('ana@example.org').and.contain('Barometer: choose your password');

    const caught = await browser.get(row.find('a').attr('href')!);
    expect(caught.status).to.equal(200);
    expect(caught.headers['cache-control']).to.equal('no-store');
    expect(caught.$('#caught-to').text()).to.contain('ana@example.org');
    expect(caught.$('iframe#message-html').attr('sandbox')).to.equal('');
    const links = caught.$('#message-links a').map((_, el) => caught.$(el).attr('href')).get();
    expect(links).to.deep.equal([shownLink]);

    // The admin follows the caught link as the account's owner would.
    const owner = new Browser(app.url);
    const form = await owner.get(new URL(links[0]!).pathname);
    expect(form.status).to.equal(200);
    const saved = await submitForm(owner, form, 'form.stacked-form', { password: `${STRONG_PASSWORD} again` });
    expect(saved.location).to.equal('/login?password_saved=1');
    await signedInBrowser(app, { email: 'ana@example.org', password: `${STRONG_PASSWORD} again` });

    // The outbox message the catcher received is marked sent.
    const listed = await pageWhen('/admin/outbox?purpose=password_link&status=sent', (candidate) => listedSubjects(candidate).length > 0);
    expect(listedSubjects(listed)).to.deep.equal(['Barometer: choose your password']);
  });
});
