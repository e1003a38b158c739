// What one invitation or reminder says and to whom: the template rendered in the member's
// language with their personal link, the sender, the postal address and their unsubscribe link,
// and the bulk-sender headers (RFC 8058 one-click unsubscribe). The raw token passes through here
// and into the message; nothing else keeps it.
import type { Config } from '../lib/config';
import { parseMailbox } from '../mail/mail-address';
import type { OutgoingMail } from '../mail/outbox.service';
import type { InterfaceLanguage } from '../lib/i18n';
import { mailLanguage, renderMail, type RenderedMail } from '../mail/render-mail';
import type { PanelMember } from '../panels/panel.service';
import { surveyTitle } from '../surveys/survey-titles';
import type { SurveyCatalog } from '../surveys/survey.catalog';
import type { LoadedSurvey } from '../surveys/survey.loader';
import { formatInZone, surveyTimeZone } from '../waves/wave-dates';
import type { Wave } from '../waves/wave.service';
import { invitationLinkPath } from './invitation-token';
import { unsubscribeUrl } from './unsubscribe-link';

export type InvitationMailKind = 'invitation' | 'reminder';

/** What every mail of one wave shares. */
export interface WaveMailContext {
  config: Pick<Config, 'MAIL_FROM' | 'MAIL_POSTAL_ADDRESS' | 'NODE_ENV'>;
  secret: string;
  /** Where links point: publicBaseUrl(config, …), without a trailing slash. */
  publicBase: string;
  /** The survey as the wave's pinned version says it (title, languages, zone): what the member will answer. */
  survey: LoadedSurvey;
  wave: Wave;
}

/**
 * The mail context of a wave, with the version it pins rather than the survey file's: a wave
 * launched on last year's version while the file already holds next year's invites to the survey
 * its respondents will see, under that survey's title.
 */
export async function waveMailContext(catalog: Pick<SurveyCatalog, 'forWave'>, shared: Omit<WaveMailContext, 'survey'>): Promise<WaveMailContext> {
  return { ...shared, survey: await catalog.forWave(shared.wave) };
}

export interface InvitationMailInput {
  kind: InvitationMailKind;
  member: Pick<PanelMember, 'id' | 'email' | 'name' | 'language'>;
  invitationId: string;
  token: string;
  /** Reminders: which one (1 for the first), for the idempotency key. */
  reminderNumber?: number;
  notBefore?: Date;
}

/** The sender as a person reads it: MAIL_FROM's name, else its address. */
export function senderName(from: string): string {
  const mailbox = parseMailbox(from, 'the sender (MAIL_FROM)');
  return mailbox.name ?? mailbox.address;
}

/** The idempotency key of a mail: one invitation, and one of each numbered reminder, per invitation. */
export function invitationMailKey(kind: InvitationMailKind, invitationId: string, reminderNumber?: number): string {
  return kind === 'invitation' ? `invitation:${invitationId}` : `reminder:${invitationId}:${reminderNumber ?? 1}`;
}

/** The locals the invitation and reminder templates read (views/mail/invitation.html.ejs). */
function invitationMailLocals(context: WaveMailContext, member: InvitationMailInput['member'], token: string, lang: string): Record<string, unknown> {
  const { survey, wave, publicBase, secret, config } = context;
  return {
    surveyTitle: surveyTitle(survey.definition, lang),
    memberName: member.name ?? '',
    link: `${publicBase}${invitationLinkPath(survey.definition.id, token)}`,
    closesOn: wave.closesAt ? formatInZone(wave.closesAt, surveyTimeZone(survey), lang) : '',
    senderName: senderName(config.MAIL_FROM),
    postalAddress: config.MAIL_POSTAL_ADDRESS,
    unsubscribeUrl: unsubscribeUrl(publicBase, secret, member.id),
  };
}

/** One member's mail in one language (the console's preview renders each language). */
export function renderInvitationMail(context: WaveMailContext, kind: InvitationMailKind, member: InvitationMailInput['member'], token: string, lang: InterfaceLanguage): Promise<RenderedMail> {
  // Compiled once per process except in development, where an edited template shows at once.
  return renderMail(kind, lang, invitationMailLocals(context, member, token, lang), { cache: context.config.NODE_ENV !== 'development' });
}

/** Renders one member's mail, in their language, and wraps it for the outbox. */
export async function composeInvitationMail(context: WaveMailContext, input: InvitationMailInput): Promise<OutgoingMail> {
  const { survey, wave, publicBase, secret } = context;
  const rendered = await renderInvitationMail(context, input.kind, input.member, input.token, mailLanguage(input.member.language, survey.definition.languages));
  return {
    key: invitationMailKey(input.kind, input.invitationId, input.reminderNumber),
    purpose: input.kind,
    to: { address: input.member.email, ...(input.member.name ? { name: input.member.name } : {}) },
    ...rendered,
    headers: {
      'List-Unsubscribe': `<${unsubscribeUrl(publicBase, secret, input.member.id)}>`,
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
    },
    about: { surveyId: wave.surveyId, waveId: wave.waveId, ...(wave.panelId ? { panelId: wave.panelId } : {}), memberId: input.member.id, invitationId: input.invitationId },
    ...(input.notBefore ? { notBefore: input.notBefore } : {}),
  };
}
