// Issue 12's acceptance in a real browser, with a real SMTP server on loopback and a test clock set
// to Wednesday 4 March 2026 at noon in Paris. An organizer imports CAP-TIC's panel from a CSV file
// (reviewing the report first: one invalid address, one duplicate), makes a panel wave with a
// reminder after 5 days, previews and sends the invitations. Ana follows the link in the mail she
// received and answers (her company size is known, so it is not asked); five days later the
// reminders reach Bob and Chloé and skip her; Bob unsubscribes from the reminder's link. The next
// wave, copied from the first, invites Ana and Chloé and not Bob. The steps share one story, in
// order; each checks what people see, what the SMTP server received and what the database holds.
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { expect } from 'chai';
import mongoose from 'mongoose';
import type { Page } from 'playwright-core';
import type { ReminderScheduler } from '../../server/invitations/reminder-scheduler';
import { CAPTIC_ID, NON_USER_PAGES } from '../fixtures/captic-answers';
import { ROOT } from '../support/app';
import type { FormFields } from '../support/browser';
import { createTestClock } from '../support/clock';
import { startTestSmtpServer, type ReceivedMail, type TestSmtpServer } from '../support/smtp';
import { createStaff, signInChromium, type StaffMember } from '../support/staff';
import { wavesOf, TEST_ACTOR } from '../support/waves';
import { useChromiumSuite } from './support/chromium';
import { answerPage, currentPageId, next, submitWith, textOf } from './support/survey';

const ARTIFACTS = path.join(ROOT, 'test', 'artifacts');
const MEMBERS_CSV = path.join(ROOT, 'test', 'fixtures', 'panel-members.csv');
const SURVEY_PAGE = `/admin/surveys/${CAPTIC_ID}`;
const PANEL_ID = 'pros';
const PANEL_PAGE = `${SURVEY_PAGE}/panels/${PANEL_ID}`;
const FIRST_WAVE = '2026-03';
const FIRST_WAVE_PAGE = `${SURVEY_PAGE}/waves/${FIRST_WAVE}`;
const NEXT_WAVE = '2027-03';
const NEXT_WAVE_PAGE = `${SURVEY_PAGE}/waves/${NEXT_WAVE}`;
/** The invitations, then the reminders, then the next wave's invitations arrive in that order. */
const NEXT_WAVE_SINCE = 5;
const DAY = 24 * 60 * 60 * 1000;

/** The three valid rows of the CSV file; its fourth has no valid address, its fifth is Ana again. */
const ANA = { email: 'ana.martin@example.fr', name: 'Ana Martin', language: 'fr', companySize: 'tpe' };
const BOB = { email: 'bob.smith@example.com', name: 'Bob Smith', language: 'en', companySize: 'pme' };
const CHLOE = { email: 'chloe.durand@example.fr', name: 'Chloé Durand', language: 'fr', companySize: 'eti' };
const INVALID_EMAIL = 'not-an-email';
const DUPLICATE_EMAIL = 'Ana.Martin@Example.fr';

const MAIL_FROM = 'Observatoire CAP-TIC <enquetes@captic.example.org>';
const POSTAL_ADDRESS = '12 rue des Enquêtes, 75002 Paris';

const TITLE = { fr: 'Utilisation des réseaux sociaux par les professionnels', en: 'How professionals use social networks' };

const db = () => mongoose.connection.db!;

/**
 * The whole page; or only `part` of it; or what the window shows, for the invitations page, whose
 * preview frames below the fold a full-page capture leaves blank.
 */
async function screenshot(page: Page, name: string, part?: string | 'window'): Promise<void> {
  await mkdir(ARTIFACTS, { recursive: true });
  const file = path.join(ARTIFACTS, `panels-${name}.png`);
  if (part === 'window') await page.screenshot({ path: file });
  else if (part) await page.locator(part).screenshot({ path: file });
  else await page.screenshot({ path: file, fullPage: true });
}

describe('Panels end to end in Chromium: import, invitations, reminders and an unsubscribe', function () {
  this.timeout(90_000);
  const clock = createTestClock('2026-03-04T11:00:00Z');
  let smtp: TestSmtpServer;
  let reminders: ReminderScheduler;
  let organizer: Page;
  let organizerAccount: StaffMember;

  before(async () => {
    smtp = await startTestSmtpServer();
  });
  const suite = useChromiumSuite({
    env: () => ({ SMTP_URL: smtp.url, MAIL_FROM, MAIL_POSTAL_ADDRESS: POSTAL_ADDRESS }),
    app: { clock, mail: true },
    story: true,
  });
  before(async () => {
    // The app's background work runs the mail hooks and the reminders as boot does; the reminders
    // only when runOnce() is called, on the test clock, instead of every minute.
    reminders = suite.app.reminders!;
    // The demonstration wave is open on a fresh start: while it is, no other wave may open.
    await wavesOf(suite.app).closeWave(CAPTIC_ID, 'demo', TEST_ACTOR);
    organizerAccount = await createStaff(suite.app, { email: 'organizer@example.org', role: 'organizer', grants: [CAPTIC_ID], name: 'Claire Durand' });
    organizer = await suite.newPage({ locale: 'en-GB' });
  });
  after(async () => {
    await smtp?.stop();
  });


  /** The first message the SMTP server received for `address` (from the `since`-th message on). */
  function messageTo(address: string, since = 0) {
    const message = smtp.messages.slice(since).find((m) => recipientOf(m) === address);
    if (!message) throw new Error(`no message to ${address} among ${smtp.messages.map(recipientOf).join(', ')}`);
    return message;
  }

  it('imports the panel from a CSV file, through a report that lists the invalid address and the duplicate', async () => {
    await signInChromium(organizer, suite.app, organizerAccount);
    await organizer.goto(`${suite.app.url}${SURVEY_PAGE}`);
    await Promise.all([organizer.waitForURL(`${suite.app.url}${SURVEY_PAGE}/panels`), organizer.locator('#panels-link').click()]);
    await organizer.locator('#panelId').fill(PANEL_ID);
    await organizer.locator('#name').fill('CAP-TIC professionals');
    expect(await submitWith(organizer, organizer.locator('#new-panel button[type="submit"]'))).to.equal(303);
    expect(new URL(organizer.url()).pathname).to.equal(PANEL_PAGE);
    expect(await textOf(organizer, '.notice')).to.equal('Panel created: now import its members.');

    await organizer.locator('#import-form input[type="file"]').setInputFiles(MEMBERS_CSV);
    expect(await submitWith(organizer, organizer.locator('#import-form button[type="submit"]'))).to.equal(303);
    const importPage = new URL(organizer.url()).pathname;
    expect(importPage).to.match(new RegExp(`^${PANEL_PAGE}/imports/[^/]+$`));
    // The file is read in the background; the page reloads itself until the report is ready.
    await organizer.locator('#import-ready').waitFor({ timeout: 20_000 });
    const counts = await Promise.all(['rows', 'add', 'update', 'unchanged', 'skip'].map((name) => textOf(organizer, `#report-${name}`)));
    expect(counts).to.deep.equal(['5', '3', '0', '0', '2']);
    // The line numbers count the header as line 1, as a spreadsheet shows them.
    expect(await rowsOf(organizer, '#invalid-emails')).to.deep.equal([['5', INVALID_EMAIL]]);
    expect(await rowsOf(organizer, '#duplicates')).to.deep.equal([['6', DUPLICATE_EMAIL, '2']]);
    expect(await organizer.locator('#bad-values').count()).to.equal(0);
    await screenshot(organizer, 'import-report');
    // Nothing is saved before the organizer confirms the report.
    expect(await db().collection('panel_members').countDocuments({ surveyId: CAPTIC_ID, panelId: PANEL_ID })).to.equal(0);

    expect(await submitWith(organizer, organizer.locator('#confirm-import button[type="submit"]'))).to.equal(303);
    expect(new URL(organizer.url()).pathname).to.equal(importPage);
    // The members are written in the background too; the page reloads itself until they are.
    await organizer.locator('#import-applied').waitFor({ timeout: 20_000 });
    expect(await textOf(organizer, '#import-applied')).to.match(/: 3 members added, 0 updated\.$/);
    const members = await db().collection('panel_members').find({ surveyId: CAPTIC_ID, panelId: PANEL_ID }).sort({ emailKey: 1 }).toArray();
    expect(members.map((m) => [m.email, m.name, m.language, m.attributes?.company_size])).to.deep.equal(
      [ANA, BOB, CHLOE].map((p) => [p.email, p.name, p.language, p.companySize]),
    );
    expect(await db().collection('audit_events').countDocuments({ action: 'panel_imported', surveyId: CAPTIC_ID })).to.equal(1);
  });

  it('makes a panel wave in the console, previews the invitation and sends the invitations', async () => {
    await organizer.goto(`${suite.app.url}${SURVEY_PAGE}`);
    await organizer.locator('#waveId').fill(FIRST_WAVE);
    await organizer.locator('#label_fr').fill('Mars 2026');
    await organizer.locator('#label_en').fill('March 2026');
    expect(await submitWith(organizer, organizer.locator('#new-wave button[type="submit"]'))).to.equal(303);
    expect(new URL(organizer.url()).pathname).to.equal(FIRST_WAVE_PAGE);

    await organizer.locator('#accessMode').selectOption('panel');
    await organizer.locator('#panelId').selectOption(PANEL_ID);
    await organizer.locator('#reminderDays').fill('5');
    expect(await submitWith(organizer, organizer.locator('#wave-settings button[type="submit"]'))).to.equal(303);
    expect(await textOf(organizer, '.notice')).to.equal('Settings saved.');
    expect(await textOf(organizer, '#wave-panel')).to.equal(PANEL_ID);
    expect(await textOf(organizer, '#wave-reminders')).to.equal('5');
    expect(await submitWith(organizer, organizer.locator('#open-wave button'))).to.equal(303);
    expect(await textOf(organizer, '#wave-phase')).to.equal('Open');
    const wave = await db().collection('waves').findOne({ surveyId: CAPTIC_ID, waveId: FIRST_WAVE });
    expect(wave).to.deep.include({ status: 'open', accessMode: 'panel', panelId: PANEL_ID, reminderDays: [5], anonymous: false });

    await organizer.locator('.wave-nav a[href$="/invitations"]').click();
    await organizer.waitForURL(`${suite.app.url}${FIRST_WAVE_PAGE}/invitations`);
    expect(await textOf(organizer, '#count-members')).to.equal('3');
    expect(await textOf(organizer, '#count-invited')).to.equal('0');
    // The invitation and the reminder as each language's members will read them, before anything is sent.
    for (const [kind, lang] of [['invitation', 'fr'], ['invitation', 'en'], ['reminder', 'fr'], ['reminder', 'en']] as const) {
      const preview = organizer.locator(`#preview-${kind}-${lang}`);
      expect(await preview.locator('.mail-subject').innerText()).not.to.equal('');
      const html = preview.frameLocator('iframe[sandbox]').locator('body');
      expect(await html.innerText()).to.contain(TITLE[lang]);
      expect(await html.innerText()).to.contain(POSTAL_ADDRESS);
      expect(await preview.locator('.mail-text').textContent()).to.contain(TITLE[lang]);
    }
    await screenshot(organizer, 'invitation-preview', '#preview-invitation-fr');
    expect(smtp.messages, 'nothing is mailed by a preview').to.have.length(0);

    expect(await submitWith(organizer, organizer.locator('#send-invitations button[type="submit"]'))).to.equal(303);
    expect(await textOf(organizer, '#notice')).to.equal('Invitations sent: 3 message(s) queued; 0 already invited; 0 unsubscribed and 0 bounced not invited.');
    expect(await textOf(organizer, '#count-invited')).to.equal('3');
    expect(await db().collection('audit_events').countDocuments({ action: 'invitations_sent', surveyId: CAPTIC_ID })).to.equal(1);
  });

  it('delivers one invitation to each member, in their language, with the bulk-sender headers and both parts', async () => {
    await smtp.waitForMessages(3, 20_000);
    expect(smtp.messages.map(recipientOf).sort()).to.deep.equal([ANA.email, BOB.email, CHLOE.email].sort());
    for (const message of smtp.messages) {
      expect(message.headers.get('list-unsubscribe'), 'List-Unsubscribe').to.match(/^<https?:\/\/[^>]+\/u\/[^>]+>$/);
      expect(message.headers.get('list-unsubscribe-post'), 'List-Unsubscribe-Post').to.equal('List-Unsubscribe=One-Click');
      expect(message.messageId).to.match(/^<[0-9a-f]{32}@captic\.example\.org>$/);
      expect([message.fromName, message.from]).to.deep.equal(['Observatoire CAP-TIC', 'enquetes@captic.example.org']);
      const link = personalLinkIn(message.text);
      expect(message.html, 'the HTML part holds the same personal link').to.contain(link);
      expect(message.headers.get('list-unsubscribe')).to.equal(`<${unsubscribeLinkIn(message.text)}>`);
      for (const part of [message.text, message.html]) expect(part).to.contain(POSTAL_ADDRESS);
    }
    // The Message-ID was fixed when the message was queued, so a retry after a crash carries it again.
    const queued = await outboxOnceSettled({ purpose: 'invitation', 'about.waveId': FIRST_WAVE });
    expect(queued.map((m) => [m.to.address, m.messageId, m.status]).sort()).to.deep.equal(smtp.messages.map((m) => [recipientOf(m), m.messageId, 'sent']).sort());
    const [ana, bob, chloe] = [messageTo(ANA.email), messageTo(BOB.email), messageTo(CHLOE.email)];
    // The member's language: the survey's title, and the same subject for the two French members.
    expect(ana.text).to.contain(TITLE.fr);
    expect(chloe.text).to.contain(TITLE.fr);
    expect(bob.text).to.contain(TITLE.en);
    expect(bob.text).not.to.contain(TITLE.fr);
    expect(ana.subject).to.equal(chloe.subject);
    expect(bob.subject).not.to.equal(ana.subject);
    // Three different personal links.
    expect(new Set([ana, bob, chloe].map((m) => personalLinkIn(m.text))).size).to.equal(3);
  });

  it('lets Ana answer from the link in her mail, without asking her company size again', async () => {
    const page = await suite.newPage({ locale: 'fr-FR' });
    const link = personalLinkIn(messageTo(ANA.email).text);
    expect((await page.goto(link))?.status()).to.equal(200);
    await page.locator('#consent').check();
    expect(await submitWith(page, page.locator('form[action$="/start"] button[type="submit"]'))).to.equal(303);
    const seen: string[] = [];
    while (new URL(page.url()).pathname.includes('/p/')) seen.push(await answerAllButKnown(page));
    expect(seen).to.deep.equal(['social_use', 'information', 'real_networks', 'reasons_page', 'captic_project', 'profile']);
    expect(new URL(page.url()).pathname).to.equal(`/s/${CAPTIC_ID}/thanks`);
    await screenshot(page, 'member-thanks');

    const ana = await memberOf(ANA.email);
    const invitation = await db().collection('invitations').findOne({ surveyId: CAPTIC_ID, waveId: FIRST_WAVE, memberId: String(ana._id) });
    expect(invitation).to.deep.include({ completed: true });
    const responses = await db().collection('responses').find({ surveyId: CAPTIC_ID, waveId: FIRST_WAVE }).toArray();
    expect(responses).to.have.length(1);
    expect(responses[0]).to.deep.include({ status: 'complete', language: 'fr', invitationId: String(invitation!._id), prefilled: ['company_size'] });
    expect(responses[0]!.answers.company_size).to.equal(ANA.companySize);
  });

  it('five days later reminds Bob and Chloé, who have not answered, and not Ana', async () => {
    clock.advance(5 * DAY);
    expect(await reminders.runOnce()).to.equal(2);
    await smtp.waitForMessages(5, 20_000);
    const sent = smtp.messages.slice(3);
    expect(sent.map(recipientOf).sort()).to.deep.equal([BOB.email, CHLOE.email].sort());
    const queued = await outboxOnceSettled({ purpose: 'reminder' });
    expect(queued.map((m) => m.messageId).sort()).to.deep.equal(sent.map((m) => m.messageId).sort());
    expect(queued.map((m) => m.about?.memberId)).not.to.include(String((await memberOf(ANA.email))._id));
    for (const member of [BOB, CHLOE]) {
      const reminder = sent.find((m) => recipientOf(m) === member.email)!;
      // The reminder carries the member's own link, the one of the invitation, in both parts.
      expect(personalLinkIn(reminder.text)).to.equal(personalLinkIn(messageTo(member.email).text));
      expect(reminder.html).to.contain(personalLinkIn(reminder.text));
      expect(reminder.headers.get('list-unsubscribe-post')).to.equal('List-Unsubscribe=One-Click');
      expect(reminder.messageId).not.to.equal(messageTo(member.email).messageId);
    }
    // Nothing more is due: a second run queues nothing.
    expect(await reminders.runOnce()).to.equal(0);

    await organizer.goto(`${suite.app.url}${FIRST_WAVE_PAGE}/invitations`);
    expect(await textOf(organizer, '#count-invited')).to.equal('3');
    expect(await textOf(organizer, '#count-reminded')).to.equal('2');
    expect(await textOf(organizer, '#count-completed')).to.equal('1');
    expect(await textOf(organizer, '#response-rate')).to.equal('33.3%: 1 completes ÷ (3 invited − 0 screened out as ineligible)');
    await screenshot(organizer, 'invitations-after-reminders', 'window');
  });

  it('unsubscribes Bob from the link in his reminder', async () => {
    const reminder = smtp.messages.slice(3).find((m) => recipientOf(m) === BOB.email)!;
    const link = unsubscribeLinkIn(reminder.text);
    expect(reminder.headers.get('list-unsubscribe')).to.equal(`<${link}>`);
    const page = await suite.newPage({ locale: 'en-GB' });
    expect((await page.goto(link))?.status()).to.equal(200);
    // Opening the link (as a mail scanner would) unsubscribes nobody: the button does.
    expect((await memberOf(BOB.email)).unsubscribedAt).to.equal(undefined);
    expect(await submitWith(page, page.locator('#unsubscribe-form button[type="submit"]'))).to.equal(200);
    expect(await textOf(page, 'h1')).to.equal('You are unsubscribed');
    expect(await textOf(page, '#unsubscribed')).to.equal('You will not receive messages from this panel again.');
    await screenshot(page, 'unsubscribed');
    expect((await memberOf(BOB.email)).unsubscribedAt).to.be.instanceOf(Date);
    expect(await db().collection('audit_events').countDocuments({ action: 'member_unsubscribed' })).to.equal(1);
  });

  it('closes the wave, copies it into the next one and invites Ana and Chloé, not Bob', async () => {
    await organizer.goto(`${suite.app.url}${FIRST_WAVE_PAGE}`);
    expect(await submitWith(organizer, organizer.locator('#close-wave button'))).to.equal(303);
    expect(await textOf(organizer, '#wave-phase')).to.equal('Closed');

    await organizer.goto(`${suite.app.url}${SURVEY_PAGE}`);
    await organizer.locator('#waveId').fill(NEXT_WAVE);
    await organizer.locator('#label_fr').fill('Mars 2027');
    await organizer.locator('#label_en').fill('March 2027');
    await organizer.locator('#copyFrom').selectOption(FIRST_WAVE);
    expect(await submitWith(organizer, organizer.locator('#new-wave button[type="submit"]'))).to.equal(303);
    expect(new URL(organizer.url()).pathname).to.equal(NEXT_WAVE_PAGE);
    expect(await textOf(organizer, '#wave-copied-from')).to.equal(FIRST_WAVE);
    expect(await textOf(organizer, '#wave-panel')).to.equal(PANEL_ID);
    expect(await textOf(organizer, '#wave-reminders')).to.equal('5');
    expect(await submitWith(organizer, organizer.locator('#open-wave button'))).to.equal(303);
    const wave = await db().collection('waves').findOne({ surveyId: CAPTIC_ID, waveId: NEXT_WAVE });
    expect(wave).to.deep.include({ status: 'open', accessMode: 'panel', panelId: PANEL_ID, reminderDays: [5], copiedFrom: FIRST_WAVE });

    await organizer.locator('.wave-nav a[href$="/invitations"]').click();
    await organizer.waitForURL(`${suite.app.url}${NEXT_WAVE_PAGE}/invitations`);
    expect(await submitWith(organizer, organizer.locator('#send-invitations button[type="submit"]'))).to.equal(303);
    expect(await textOf(organizer, '#notice')).to.equal('Invitations sent: 2 message(s) queued; 0 already invited; 1 unsubscribed and 0 bounced not invited.');
    expect(await textOf(organizer, '#count-members')).to.equal('3');
    expect(await textOf(organizer, '#count-invited')).to.equal('2');
    expect(await textOf(organizer, '#count-unsubscribed')).to.equal('1');

    await smtp.waitForMessages(7, 20_000);
    const invitations = smtp.messages.slice(5);
    expect(invitations.map(recipientOf).sort()).to.deep.equal([ANA.email, CHLOE.email].sort());
    // New links for the new wave: last year's no longer open anything.
    expect(personalLinkIn(messageTo(ANA.email, NEXT_WAVE_SINCE).text)).not.to.equal(personalLinkIn(messageTo(ANA.email).text));
    const queued = await outboxOnceSettled({ 'about.waveId': NEXT_WAVE });
    expect(queued.map((m) => [m.to.address, m.status]).sort()).to.deep.equal([[ANA.email, 'sent'], [CHLOE.email, 'sent']]);

    await organizer.reload();
    expect(await textOf(organizer, '#outbox-sent')).to.equal('2');
    await screenshot(organizer, 'next-wave-invitations', 'window');
  });

  it('shows each member’s history wave by wave on the panel', async () => {
    await organizer.goto(`${suite.app.url}${PANEL_PAGE}`);
    await organizer.locator('#members a', { hasText: BOB.email }).click();
    await organizer.waitForURL(/\/members\/[^/]+$/);
    expect(await textOf(organizer, '#member-status')).to.equal('unsubscribed');
    expect(await textOf(organizer, '#member-unsubscribed')).to.match(/^Unsubscribed on .*: no wave of this panel mails them any more\.$/);
    // Invited and reminded in the first wave, not invited to the next.
    const bob = await historyOf(organizer);
    expect(bob.map((row) => ({ ...row, reminded: row.reminded.replace(/, last on .*$/, '') }))).to.deep.equal([
      { wave: FIRST_WAVE, reminded: '1 times', answered: 'no', messages: 'invitation: sent reminder: sent' },
    ]);
    await screenshot(organizer, 'member-history');

    await organizer.goto(`${suite.app.url}${PANEL_PAGE}`);
    await organizer.locator('#members a', { hasText: ANA.email }).click();
    await organizer.waitForURL(/\/members\/[^/]+$/);
    expect(await textOf(organizer, '#member-status')).to.equal('reachable');
    const ana = await historyOf(organizer);
    expect(ana.map((row) => ({ ...row, answered: row.answered.replace(/ \(.*\)$/, '') })).sort((a, b) => a.wave.localeCompare(b.wave))).to.deep.equal([
      { wave: FIRST_WAVE, reminded: '–', answered: 'yes', messages: 'invitation: sent' },
      { wave: NEXT_WAVE, reminded: '–', answered: 'no', messages: 'invitation: sent' },
    ]);
  });
});

/** A member's history as the panel's page shows it, a row a wave; the messages without their dates. */
async function historyOf(page: Page): Promise<{ wave: string; reminded: string; answered: string; messages: string }[]> {
  const rows = await page.locator('#member-history tbody tr').all();
  return Promise.all(
    rows.map(async (row) => {
      const cells = (await row.locator('td').allInnerTexts()).map((cell) => cell.replace(/\s*–\s*\d.*$/gm, '').replace(/\s+/g, ' ').trim());
      return { wave: (await row.locator('th').innerText()).trim(), reminded: cells[1] ?? '', answered: cells[2] ?? '', messages: cells[3] ?? '' };
    }),
  );
}

/** The cells of a table's body, row by row, as a reader sees them. */
async function rowsOf(page: Page, table: string): Promise<string[][]> {
  const rows = await page.locator(`${table} tbody tr`).all();
  return Promise.all(rows.map(async (row) => (await row.locator('td').allInnerTexts()).map((cell) => cell.trim())));
}

/** The address a received message was sent to. */
function recipientOf(message: ReceivedMail): string {
  return message.to;
}

function personalLinkIn(text: string): string {
  const match = new RegExp(`https?://\\S+/s/${CAPTIC_ID}/i/[A-Za-z0-9_-]+`).exec(text);
  if (!match) throw new Error(`no personal link in:\n${text}`);
  return match[0];
}

function unsubscribeLinkIn(text: string): string {
  const match = /https?:\/\/\S+\/u\/[A-Za-z0-9._~-]+/.exec(text);
  if (!match) throw new Error(`no unsubscribe link in:\n${text}`);
  return match[0];
}

/**
 * The outbox's messages matching `filter` once none is queued or sending any more: the SMTP server
 * has a message before the worker records it as sent.
 */
async function outboxOnceSettled(filter: Record<string, unknown>, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const messages = await db().collection('mail_outbox').find(filter).toArray();
    if (messages.every((m) => m.status !== 'queued' && m.status !== 'sending')) return messages;
    if (Date.now() > deadline) throw new Error(`outbox messages still unsent after ${timeoutMs} ms: ${messages.map((m) => m.status).join(', ')}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

async function memberOf(email: string) {
  const member = await db().collection('panel_members').findOne({ surveyId: CAPTIC_ID, panelId: PANEL_ID, emailKey: email.toLowerCase() });
  if (!member) throw new Error(`no panel member ${email}`);
  return member;
}

/**
 * Answers the page on screen from NON_USER_PAGES, except the company size, which the panel knows:
 * its field must not be there. Returns the page's id.
 */
async function answerAllButKnown(page: Page): Promise<string> {
  const id = await currentPageId(page);
  const planned = NON_USER_PAGES[id];
  if (!planned) throw new Error(`no answers planned for page "${id}"`);
  const { company_size: known, ...answers }: FormFields = planned;
  if (known !== undefined) expect(await page.locator('[name="company_size"]').count(), 'the known company size is not asked').to.equal(0);
  await answerPage(page, answers);
  const status = await next(page);
  expect(status, `submitting page ${id}: ${(await page.locator('.error-summary').allInnerTexts()).join(' ')}`).to.equal(303);
  return id;
}
