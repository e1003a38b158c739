// Setup shared by the invitation suites: the app with its mail worker sending to a real SMTP server
// on loopback, on a test clock; the invitations' mail hooks registered as boot registers them; a
// CAP-TIC panel and its members; and readers for what was stored and mailed.
import { waitUntil } from '../../support/wait-until';
import { expect } from 'chai';
import mongoose from 'mongoose';
import { startTestApp, type TestApp } from '../../support/app';
import { createTestClock, type TestClock } from '../../support/clock';
import { startTestSmtpServer, type ReceivedMail, type TestSmtpServer } from '../../support/smtp';
import { createStaff, signedInBrowser, type StaffMember } from '../../support/staff';
import { TEST_ACTOR, wavesOf } from '../../support/waves';
import type { Browser, Page } from '../../support/browser';
import { CAPTIC_ID } from '../../fixtures/captic-answers';
import type { ReminderScheduler } from '../../../server/invitations/reminder-scheduler';
import { createPanel } from '../../../server/panels/panel.service';
import { createInvitationSends, type InvitationSends } from '../../../server/invitations/invitation-send.service';
import { PanelMemberModel } from '../../../server/panels/panel.model';
import { createLogger } from '../../../server/lib/logger';

export const PANEL_ID = 'members';
export const MAIL_FROM = 'Observatoire CAP-TIC <enquetes@captic.example.org>';
export const POSTAL_ADDRESS = '12 rue des Enquêtes, 75002 Paris';
/** 11:00 in Paris, a Tuesday: outside the quiet hours (21-8). */
export const START = '2026-12-01T10:00:00.000Z';
export const DAY_MS = 24 * 60 * 60_000;

export const db = () => mongoose.connection.db!;
export const stored = (collection: string, filter: Record<string, unknown> = {}) => db().collection(collection).find(filter, { sort: { _id: 1 } }).toArray();

export interface InvitationSuite {
  readonly app: TestApp;
  readonly smtp: TestSmtpServer;
  readonly clock: TestClock;
  readonly organizer: StaffMember;
  /** The organizer's browser, reading English. */
  readonly browser: Browser;
  readonly reminders: ReminderScheduler;
}

/** Call inside `describe`: registers the suite's mocha hooks. */
export function useInvitationSuite(): InvitationSuite {
  const clock = createTestClock(START);
  const state: Partial<{ app: TestApp; smtp: TestSmtpServer; organizer: StaffMember; browser: Browser; reminders: ReminderScheduler }> = {};
  const get = <K extends keyof typeof state>(key: K) => {
    const value = state[key];
    if (!value) throw new Error(`${key} is read before the suite's hooks ran`);
    return value as NonNullable<(typeof state)[K]>;
  };
  before(async () => {
    state.smtp = await startTestSmtpServer();
    state.app = await startTestApp(
      { SMTP_URL: state.smtp.url, MAIL_FROM, MAIL_POSTAL_ADDRESS: POSTAL_ADDRESS, MAIL_RATE_PER_SECOND: '1000' },
      { clock, mail: { baseBackoffMs: 20, maxBackoffMs: 100 } },
    );
    // The app's background work runs the mail hooks and the reminders as boot does; reminders only on runOnce().
    state.reminders = state.app.reminders;
  });
  after(async () => {
    await state.app?.close();
    await state.smtp?.stop();
  });
  // What a test queued and the worker has not sent yet is dropped, and what it is sending is let
  // arrive, before the next test empties the SMTP server's list: no test receives another's mail.
  afterEach(async () => {
    await db().collection('mail_outbox').updateMany({ status: 'queued' }, { $set: { status: 'cancelled' } });
    await waitUntil('the mail being sent to arrive', async () => (await db().collection('mail_outbox').countDocuments({ status: 'sending' })) === 0);
  });
  beforeEach(async () => {
    clock.set(START);
    await get('app').reset();
    get('smtp').messages.length = 0;
    get('smtp').failWith(null);
    state.organizer = await createStaff(get('app'), { email: 'organizer@example.org', role: 'organizer', grants: [CAPTIC_ID] });
    state.browser = await signedInBrowser(get('app'), state.organizer);
    state.browser.acceptLanguage = 'en';
  });
  return {
    get app() {
      return get('app');
    },
    get smtp() {
      return get('smtp');
    },
    clock,
    get organizer() {
      return get('organizer');
    },
    get browser() {
      return get('browser');
    },
    get reminders() {
      return get('reminders');
    },
  };
}

export interface MemberInput {
  email: string;
  name?: string;
  language?: string;
  unsubscribed?: boolean;
  bounced?: boolean;
}

/** The sends of invitations as the app runs them. */
export function invitationSendsOf(app: TestApp): InvitationSends {
  return createInvitationSends({ config: app.config, logger: createLogger(app.config), clock: app.clock, catalog: app.catalog, secret: app.secret });
}

/** Sends a wave's invitations (the demo wave unless told) as a command-line actor, and waits for the send to end. */
export function sendInvitations(app: TestApp, waveId = 'demo') {
  return invitationSendsOf(app).sendInvitations(CAPTIC_ID, waveId, TEST_ACTOR, app.url);
}

/** The members panel of CAP-TIC with these members (stored as the import stores them); their ids in order. */
export async function makePanel(app: TestApp, members: MemberInput[]): Promise<string[]> {
  await createPanel(CAPTIC_ID, { panelId: PANEL_ID, name: 'CAP-TIC members' }, TEST_ACTOR, createLogger(app.config));
  const ids: string[] = [];
  for (const member of members) {
    const created = await PanelMemberModel.create({
      surveyId: CAPTIC_ID,
      panelId: PANEL_ID,
      email: member.email,
      emailKey: member.email.trim().toLowerCase(),
      ...(member.name ? { name: member.name } : {}),
      ...(member.language ? { language: member.language } : {}),
      ...(member.unsubscribed ? { unsubscribedAt: new Date(START) } : {}),
      ...(member.bounced ? { bouncedAt: new Date(START), bounceReason: '550 no such user' } : {}),
    });
    ids.push(created._id.toHexString());
  }
  return ids;
}

/** Makes CAP-TIC's open demo wave invite the members panel, through the wave's settings. */
export async function makePanelWave(app: TestApp, settings: { reminderDays?: number[]; anonymous?: boolean } = {}): Promise<void> {
  await wavesOf(app).setSettings(CAPTIC_ID, 'demo', { accessMode: 'panel', panelId: PANEL_ID, ...settings }, TEST_ACTOR);
}

/** The personal link a received mail carries, as a path. */
export function linkIn(mail: ReceivedMail | undefined): string {
  const match = mail?.text.match(/https?:\/\/[^\s/]+(\/s\/[a-z0-9_]+\/i\/[A-Za-z0-9_-]+)/);
  expect(match, `a personal link in:\n${mail?.text}`).to.not.equal(null);
  return match![1]!;
}

/** The unsubscribe link a received mail's List-Unsubscribe header names, as a path. */
export function unsubscribePathIn(mail: ReceivedMail | undefined): string {
  const match = mail?.headers.get('list-unsubscribe')?.match(/^<https?:\/\/[^/]+(\/u\/[^>]+)>$/);
  expect(match, `a List-Unsubscribe header in ${JSON.stringify([...(mail?.headers ?? [])])}`).to.not.equal(null);
  return match![1]!;
}

/**
 * Follows the invitations page a send leads to (`?send=<id>`) until the send is no longer running:
 * asking the page again as its progress link (or its script) does; returns the page it ends on.
 */
export async function pageWhenSent(browser: Browser, path: string, timeoutMs = 30_000): Promise<Page> {
  let page = await browser.get(path);
  const deadline = Date.now() + timeoutMs;
  while (page.status === 200 && page.$('#send-progress').length > 0) {
    if (Date.now() > deadline) throw new Error(`the send at ${path} still runs after ${timeoutMs} ms`);
    page = await browser.get(path);
  }
  return page;
}

export function mailTo(messages: readonly ReceivedMail[], address: string): ReceivedMail | undefined {
  return messages.find((m) => m.to === address);
}
