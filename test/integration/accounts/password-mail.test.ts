// One-time password links by mail, through the outbox to a real SMTP server on loopback: the link
// an admin issues is mailed to the account, and "Forgot your password?" answers the same for every
// address while mailing only an account that may sign in, a few times an hour at most.
import { expect } from 'chai';
import mongoose from 'mongoose';
import { startTestApp, type TestApp } from '../../support/app';
import { resetDatabase } from '../../support/database';
import { outboxCollection } from '../../support/outbox';
import { Browser, type Page } from '../../support/browser';
import { startTestSmtpServer, type ReceivedMail, type TestSmtpServer } from '../../support/smtp';
import { accountsOf, auditEvents, createStaff, signedInBrowser, STRONG_PASSWORD, submitForm, type StaffMember } from '../../support/staff';
import { hashSecretToken } from '../../../server/accounts/secret-token';

const SENDER = 'Barometer <barometer@example.org>';
const NEW_PASSWORD = 'lantern orchard violin 2044 pebble';

function storedOutbox() {
  return outboxCollection().find({}, { sort: { createdAt: 1 } }).toArray();
}

/** The one-time link in a received message's text part. */
function linkIn(mail: ReceivedMail): string {
  const match = /https?:\/\/\S+\/account\/password\/[\w-]+/.exec(mail.text);
  if (!match) throw new Error(`no password link in:\n${mail.text}`);
  return match[0];
}

/** Uses a one-time link as its recipient would; the new password then signs in. */
async function setPasswordWith(app: TestApp, link: string, email: string): Promise<void> {
  const owner = new Browser(app.url);
  const form = await owner.get(new URL(link).pathname);
  expect(form.status, form.html.slice(0, 300)).to.equal(200);
  const saved = await submitForm(owner, form, 'form.stacked-form', { password: NEW_PASSWORD });
  expect(saved.location).to.equal('/login?password_saved=1');
  await signedInBrowser(app, { email, password: NEW_PASSWORD });
}

/** Resolves with `read`'s answer once `ready` accepts it: the app queues in the background. */
async function eventually<Value>(read: () => Promise<Value>, ready: (value: Value) => boolean): Promise<Value> {
  for (;;) {
    const value = await read();
    if (ready(value)) return value;
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/** Posts the "forgot your password?" form as a visitor would. */
async function askForLink(app: TestApp, email: string, lang = 'en'): Promise<Page> {
  const visitor = new Browser(app.url);
  visitor.acceptLanguage = lang;
  const form = await visitor.get('/login/forgot');
  return submitForm(visitor, form, 'form[action="/login/forgot"]', { email });
}

describe('Password links by mail', function () {
  this.timeout(60_000);
  let smtp: TestSmtpServer;
  let app: TestApp;
  let admin: StaffMember;
  let analyst: StaffMember;

  before(async () => {
    smtp = await startTestSmtpServer();
    // Earlier suites leave messages queued: the worker must not send them to this suite's server.
    await resetDatabase();
    app = await startTestApp({ SMTP_URL: smtp.url, MAIL_FROM: SENDER }, { mail: true });
  });
  after(async () => {
    await app?.close();
    await smtp?.stop();
  });
  beforeEach(async () => {
    await app.reset();
    smtp.messages.length = 0;
    admin = await createStaff(app, { email: 'admin@example.org', role: 'admin', name: 'Ada Admin' });
    analyst = await createStaff(app, { email: 'ana@example.org', role: 'analyst', name: 'Ana Lyst' });
  });

  describe('issued by an admin', () => {
    it('mails the link it shows, once, under the link\'s key, audited; the mailed link sets the password', async () => {
      const browser = await signedInBrowser(app, admin);
      browser.acceptLanguage = 'en';
      const issued = await submitForm(browser, await browser.get(`/admin/users/${analyst.account.id}`), '#password-link');
      expect(issued.status).to.equal(200);
      const shown = issued.$('#one-time-link').text().trim();
      expect(issued.$('#link-mailed').text()).to.contain('The link was also mailed to ana@example.org');

      const [mail] = await smtp.waitForMessages(1);
      expect(mail!.to).to.contain('ana@example.org');
      expect(mail!.from).to.equal('barometer@example.org');
      expect(mail!.subject).to.equal('Barometer: choose your password');
      expect(linkIn(mail!)).to.equal(shown);
      expect(mail!.text).to.contain('Dear Ana Lyst,').and.contain('expires in 72 hours');
      expect(mail!.html).to.contain(`href="${shown}"`);

      const token = new URL(shown).pathname.split('/').at(-1)!;
      const [stored] = await storedOutbox();
      expect(stored).to.include({ purpose: 'password_link', key: `password_link:${analyst.account.id}:${hashSecretToken(token).slice(0, 16)}` });
      expect(stored!.about).to.deep.equal({ userId: analyst.account.id });
      const [event] = await auditEvents('password_link_mailed');
      expect(event).to.include({ actorEmail: 'admin@example.org', target: 'ana@example.org' });

      await setPasswordWith(app, linkIn(mail!), 'ana@example.org');
    });

    it('mails a new account its first link, and writes in the account\'s language once it signed in with one', async () => {
      const browser = await signedInBrowser(app, admin);
      browser.acceptLanguage = 'en';
      const created = await submitForm(browser, await browser.get('/admin/users/new'), '#new-account', { email: 'new@example.org', name: 'Nora', role: 'analyst' });
      expect(created.status).to.equal(201);
      const [first] = await smtp.waitForMessages(1);
      expect(first!.to).to.contain('new@example.org');
      expect(linkIn(first!)).to.equal(created.$('#one-time-link').text().trim());

      // Ana signs in reading French; the admin reads English: Ana's mail is in French.
      const ana = new Browser(app.url);
      ana.acceptLanguage = 'fr';
      const form = await ana.get('/login');
      expect((await ana.post('/login', { ...ana.hiddenFields(form), email: 'ana@example.org', password: STRONG_PASSWORD })).status).to.equal(303);
      await submitForm(browser, await browser.get(`/admin/users/${analyst.account.id}`), '#password-link');
      const [, second] = await smtp.waitForMessages(2);
      expect(second!.subject).to.equal('Barometer : choisir votre mot de passe');
      expect(second!.text).to.contain('Bonjour Ana Lyst,');
    });
    it('still shows the link, and makes the account, when the outbox cannot store the mail', async () => {
      const db = mongoose.connection.db!;
      // The store refuses every new message, as a database in trouble would.
      await db.command({ create: 'mail_outbox' }).catch(() => undefined);
      await db.command({ collMod: 'mail_outbox', validator: { purpose: 'never' } });
      try {
        const browser = await signedInBrowser(app, admin);
        browser.acceptLanguage = 'en';
        const created = await submitForm(browser, await browser.get('/admin/users/new'), '#new-account', { email: 'new@example.org', name: 'Nora', role: 'analyst' });
        expect(created.status, created.$('.error-summary').text()).to.equal(201);
        expect(created.$('#one-time-link').text().trim()).to.match(/\/account\/password\//);
        expect(created.$('#link-not-mailed').text()).to.contain('The link could not be mailed');
        const issued = await submitForm(browser, await browser.get(`/admin/users/${analyst.account.id}`), '#password-link');
        expect(issued.status).to.equal(200);
        expect(issued.$('#one-time-link').text().trim()).to.match(/\/account\/password\//);
        expect(issued.$('#link-not-mailed').text()).to.contain('The link could not be mailed');
      } finally {
        await db.command({ collMod: 'mail_outbox', validator: {} });
      }
      expect(await storedOutbox()).to.have.length(0);
      expect((await db.collection('users').findOne({ email: 'new@example.org' }))?.name).to.equal('Nora');
    });
  });

  describe('asked for with "Forgot your password?"', () => {
    it('is offered on the sign-in page, in both languages', async () => {
      const visitor = new Browser(app.url);
      visitor.acceptLanguage = 'en';
      const signIn = await visitor.get('/login');
      expect(signIn.$('#forgot-password').text()).to.equal('Forgot your password?');
      expect(signIn.$('#forgot-password').attr('href')).to.equal('/login/forgot');
      visitor.acceptLanguage = 'fr';
      expect((await visitor.get('/login/forgot')).$('h1').text()).to.equal('Recevoir un lien pour choisir un mot de passe');
    });

    it('answers the same for an account, an unknown address and a disabled account, and mails only the account', async () => {
      const off = await createStaff(app, { email: 'off@example.org', role: 'analyst' });
      await accountsOf(app).setDisabled(off.account.id, true, { via: 'cli' });

      const answers = [];
      for (const email of ['Ana@Example.org', 'nobody@example.org', 'off@example.org']) {
        const answer = await askForLink(app, email);
        expect(answer.status, email).to.equal(303);
        const reader = new Browser(app.url);
        reader.acceptLanguage = 'en';
        const shown = await reader.get(answer.location!);
        answers.push({ location: answer.location, text: shown.$('main').text().replace(/\s+/g, ' ').trim() });
      }
      expect(answers[1]).to.deep.equal(answers[0]);
      expect(answers[2]).to.deep.equal(answers[0]);
      expect(answers[0]!.location).to.equal('/login/forgot?sent=1');
      expect(answers[0]!.text).to.contain('If an account uses this address, a link is on its way.');

      const [mail] = await smtp.waitForMessages(1);
      expect(mail!.to).to.contain('ana@example.org');
      const outbox = await storedOutbox();
      expect(outbox.map((message) => message.to.address)).to.deep.equal(['ana@example.org']);
      const events = await eventually(() => auditEvents('password_link_mailed'), (found) => found.length > 0);
      expect(events.map((event) => [event.target, event.via, event.details])).to.deep.equal([['ana@example.org', 'anonymous', { by: 'self' }]]);

      // The old password works until the mailed link is used; then the new one does.
      await signedInBrowser(app, analyst);
      await setPasswordWith(app, linkIn(mail!), 'ana@example.org');
    });

    it('refuses a malformed address (400) and keeps what was typed, sending nothing', async () => {
      const refused = await askForLink(app, 'ana@example.org\r\nBcc: x@example.org');
      expect(refused.status).to.equal(400);
      expect(refused.$('.error-summary').text()).to.contain('This email address is not valid');
      // An HTML parser reads CR LF in an attribute as LF.
    expect(refused.$('#email').attr('value')).to.equal('ana@example.org\nBcc: x@example.org');
      expect(await storedOutbox()).to.have.length(0);
    });

    it('takes three requests an hour for one address, known or not, then answers 429 with Retry-After', async () => {
      for (const email of ['ana@example.org', 'nobody@example.org']) {
        for (let request = 1; request <= 3; request += 1) expect((await askForLink(app, email)).status, `${email} #${request}`).to.equal(303);
        const throttled = await askForLink(app, email);
        expect(throttled.status, email).to.equal(429);
        expect(Number(throttled.headers['retry-after'])).to.be.within(3000, 3600);
        expect(throttled.$('.error-summary').text()).to.match(/Too many links asked for\. Try again in \d+ seconds\./);
      }
      // Three mails for Ana, none for the unknown address.
      await smtp.waitForMessages(3);
      await eventually(() => auditEvents('password_link_mailed'), (found) => found.length === 3);
      expect((await storedOutbox()).map((message) => message.to.address)).to.deep.equal(['ana@example.org', 'ana@example.org', 'ana@example.org']);
    });

    it('takes ten requests an hour from one IP address, whatever addresses are typed', async () => {
      for (let request = 1; request <= 10; request += 1) expect((await askForLink(app, `someone${request}@example.org`)).status).to.equal(303);
      const throttled = await askForLink(app, 'ana@example.org');
      expect(throttled.status).to.equal(429);
      expect(await storedOutbox()).to.have.length(0);
    });
  });
});
