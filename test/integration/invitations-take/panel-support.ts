// Setup shared by the invitation take-path suites: a panel wave, its members and their invitations,
// written straight to the database (the invitation mail is another part's), and a respondent who
// follows a personal link and answers CAP-TIC's pages.
import { expect } from 'chai';
import mongoose from 'mongoose';
import { InvitationModel } from '../../../server/invitations/invitation.model';
import { invitationLinkPath, newInvitationToken } from '../../../server/invitations/invitation-token';
import { PanelMemberModel, PanelModel } from '../../../server/panels/panel.model';
import { forgetWaves } from '../../../server/waves/wave.service';
import type { WaveQuota } from '../../../server/waves/wave.service';
import { Browser, pageIdOf, type FormFields, type Page } from '../../support/browser';
import { CAPTIC_ID } from '../../fixtures/captic-answers';

export const PANEL_ID = 'members';
/** The page an invited member meets once their invitation has nothing left to answer. */
export const ALREADY_ANSWERED = 'You have already answered this survey';

export const db = () => mongoose.connection.db!;
export const storedResponses = () => db().collection('responses').find({}, { sort: { startedAt: 1, _id: 1 } }).toArray();
export const storedInvitations = () => db().collection('invitations').find({}).toArray();

/** Makes a wave of CAP-TIC (the open demo wave unless told) a panel wave of the members panel. */
export async function makePanelWave(options: { anonymous?: boolean; waveId?: string; quotas?: WaveQuota[] } = {}): Promise<void> {
  const waveId = options.waveId ?? 'demo';
  await PanelModel.updateOne({ surveyId: CAPTIC_ID, panelId: PANEL_ID }, { $setOnInsert: { name: 'Members' } }, { upsert: true });
  const set = { accessMode: 'panel', panelId: PANEL_ID, anonymous: options.anonymous === true, ...(options.quotas ? { quotas: options.quotas } : {}) };
  const result = await db().collection('waves').updateOne({ surveyId: CAPTIC_ID, waveId }, { $set: set });
  expect(result.matchedCount, `wave ${waveId}`).to.equal(1);
  forgetWaves(CAPTIC_ID);
}

export async function addMember(email: string, attributes: Record<string, unknown> = {}): Promise<string> {
  const member = await PanelMemberModel.create({ surveyId: CAPTIC_ID, panelId: PANEL_ID, email, emailKey: email.trim().toLowerCase(), attributes });
  return member._id.toHexString();
}

export interface SentInvitation {
  id: string;
  memberId: string;
  /** The personal link, /s/captic_2011/i/<token>. */
  link: string;
}

/** An invitation as the mail part stores it: only the token's hash; the link is what the mail carries. */
export async function invite(memberId: string, options: { waveId?: string; surveyId?: string } = {}): Promise<SentInvitation> {
  const { token, tokenHash } = newInvitationToken();
  const surveyId = options.surveyId ?? CAPTIC_ID;
  const invitation = await InvitationModel.create({ surveyId, waveId: options.waveId ?? 'demo', panelId: PANEL_ID, memberId, tokenHash, invitedAt: new Date() });
  return { id: invitation._id.toHexString(), memberId, link: invitationLinkPath(CAPTIC_ID, token) };
}

export async function inviteNewMember(email: string, attributes: Record<string, unknown> = {}): Promise<SentInvitation> {
  return invite(await addMember(email, attributes));
}

/**
 * Posts CAP-TIC's consent form as a browser that never saw it would: with a CSRF token the
 * browser holds (taken from another survey's open intro), so what answers is the take path's rule.
 */
export async function postConsent(browser: Browser): Promise<Page> {
  const other = await browser.open('/s/coworking_members_2026');
  const csrf = other.$('form input[name=_csrf]').attr('value');
  expect(csrf, 'a CSRF token from the open survey').to.be.a('string');
  return browser.post(`/s/${CAPTIC_ID}/start`, { _csrf: csrf!, consent: 'yes' });
}

/** A respondent's browser that reads English. */
export function englishBrowser(baseUrl: string): Browser {
  const browser = new Browser(baseUrl);
  browser.acceptLanguage = 'en';
  return browser;
}

/** Follows the personal link to the intro and consents: the first page of the survey. */
export async function followAndStart(browser: Browser, link: string): Promise<Page> {
  const intro = await browser.open(link);
  expect(intro.status, intro.html.slice(0, 300)).to.equal(200);
  expect(intro.$('form').last().attr('action')).to.equal(`/s/${CAPTIC_ID}/start`);
  return browser.submit(intro, { consent: 'yes' });
}

/** Answers page after page with `plan` until no survey form is left; the page it ends on. */
export async function answerEveryPage(browser: Browser, page: Page, plan: Record<string, FormFields>): Promise<Page> {
  let current = page;
  for (let pageId = pageIdOf(current); pageId !== undefined; pageId = pageIdOf(current)) {
    current = await browser.submit(current, plan[pageId] ?? {});
    expect(current.status, `after page ${pageId}: ${current.$('.error-summary').text()}`).to.be.oneOf([200, 409]);
    if (current.status === 409) break;
  }
  return current;
}

/** Answers up to (not including) page `stopAt`; the page that shows it. */
export async function answerUntil(browser: Browser, page: Page, plan: Record<string, FormFields>, stopAt: string): Promise<Page> {
  let current = page;
  for (let pageId = pageIdOf(current); pageId !== undefined && pageId !== stopAt; pageId = pageIdOf(current)) {
    current = await browser.submit(current, plan[pageId] ?? {});
    expect(current.status, `after page ${pageId}`).to.equal(200);
  }
  expect(pageIdOf(current)).to.equal(stopAt);
  return current;
}
