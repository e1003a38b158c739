// A panel wave's invitations: one per active member of the wave's panel, each with a personal
// token, mailed through the outbox. The use cases: check that a wave's invitations may be sent,
// prepare and mail them (run as a background send by invitation-send.service.ts, which reports
// how far it got), and read how far the wave got (counts and the AAPOR RR1 response rate).
//
// Tokens. Only a token's hash (and a sealed copy, sealed-token.ts) is stored; the token itself
// lives in the mail. So the token is made at the moment its mail is rendered: a sender claims the
// invitations it mails (a lease), swaps in the new tokens' hashes, queues the mails under their
// idempotency keys, then marks the invitations invited. Sending again finds the invitations
// invited and skips them; one whose mail is queued but not marked (a crash in between) is
// recognised by its key in the outbox and only marked, never given a second token.
import { Types } from 'mongoose';
import { ConflictError, NotFoundError, UnprocessableError } from '../lib/errors';
import type { Clock } from '../lib/clock';
import type { Config } from '../lib/config';
import type { Logger } from '../lib/logger';
import { OutboxModel } from '../mail/outbox.model';
import { enqueueMails, outboxCounts, type OutgoingMail } from '../mail/outbox.service';
import { activeMemberIdBatches, countMembers, findMemberWithLineBreak, findPanel, listMembers, type MemberCounts, type Panel, type PanelMember } from '../panels/panel.service';
import { countWaveResponses } from '../responses/response.service';
import type { SurveyCatalog } from '../surveys/survey.catalog';
import { phaseOf } from '../waves/wave-phase';
import { findWave, type Wave } from '../waves/wave.service';
import { InvitationModel } from './invitation.model';
import { newInvitationToken } from './invitation-token';
import { invitationBatches } from './invitation-batches';
import { composeInvitationMail, invitationMailKey, renderInvitationMail, waveMailContext, type InvitationMailKind, type WaveMailContext } from './invitation-mail';
import { isInterfaceLanguage, type InterfaceLanguage } from '../lib/i18n';
import { mailLanguage } from '../mail/render-mail';
import { sealInvitationToken } from './sealed-token';

/** Invitations handled per round trip: claimed, rendered, queued and marked together. */
const BATCH = 500;
/** How long a sender holds the invitations it is mailing; a crashed sender's claim lapses then. */
const CLAIM_MS = 10 * 60_000;

/** A wave that names no panel has no members to count. */
const NO_MEMBERS: MemberCounts = { members: 0, active: 0, unsubscribed: 0, bounced: 0 };

export interface InvitationDependencies {
  config: Pick<Config, 'MAIL_FROM' | 'MAIL_POSTAL_ADDRESS' | 'NODE_ENV'>;
  logger: Logger;
  clock: Clock;
  catalog: SurveyCatalog;
  secret: string;
}

export interface PreparedInvitations {
  /** Invitations made by this call, for members the wave had not invited yet. */
  created: number;
  /** Active members of the panel, each with an invitation now. */
  members: number;
}

/** Told after each batch of a send, with what changed: the send records it as its progress. */
export type SendProgressReport = (progress: Partial<SendProgress>) => Promise<void>;

export interface SendProgress {
  /** Active members of the panel when the send began, and those with an invitation so far. */
  members: number;
  prepared: number;
  /** Invitations not mailed yet when mailing began, and how many of them were handled so far. */
  toMail: number;
  handled: number;
  queued: number;
  alreadyInvited: number;
  skipped: { unsubscribed: number; bounced: number };
}

/** A wave whose invitations may be sent now, with what mailing them needs. */
export interface SendableWave {
  wave: Wave;
  panel: Panel;
}

export interface SentInvitations extends PreparedInvitations {
  /** Mails queued by this call. */
  queued: number;
  /** Invitations already mailed before (a second send queues nothing for them). */
  alreadyInvited: number;
  /** Members not mailed because they unsubscribed or their address bounced. */
  skippedUnsubscribed: number;
  skippedBounced: number;
}

export interface InvitationCounts {
  panelId?: string;
  panelName?: string;
  /** Members of the panel, and of them those unsubscribed or bounced. */
  members: number;
  unsubscribed: number;
  bounced: number;
  /** Invitations of the wave: made, mailed, reminded at least once, completed. */
  prepared: number;
  invited: number;
  reminded: number;
  completed: number;
  /** Responses of the wave screened out (ineligible): not counted among the eligible invited. */
  screenedOut: number;
  outbox: { queued: number; sending: number; sent: number; failed: number; bounced: number; cancelled: number };
  /**
   * AAPOR RR1: completes ÷ (invited − screened out as ineligible); null before any invitation.
   * Every complete counts, partials do not.
   */
  rr1: number | null;
}

/** RR1 from its counts; null when no eligible member was invited. */
export function responseRateRR1(completed: number, invited: number, screenedOut: number): number | null {
  const eligible = invited - screenedOut;
  return eligible > 0 ? completed / eligible : null;
}

type WaveInvitationCounts = Pick<InvitationCounts, 'prepared' | 'invited' | 'reminded' | 'completed'>;

/** A field's `$exists: true` in an aggregation expression. */
const exists = (field: string) => ({ $ne: [{ $type: `$${field}` }, 'missing'] });

/**
 * A wave's invitations made, mailed, reminded and completed, in one pass over them: four counts
 * each read every invitation of the wave again, as countMembers found for a panel's members.
 */
async function countWaveInvitations(ofWave: { surveyId: string; waveId: string }): Promise<WaveInvitationCounts> {
  const [counts] = await InvitationModel.aggregate<WaveInvitationCounts>([
    { $match: ofWave },
    {
      $group: {
        _id: null,
        prepared: { $sum: 1 },
        invited: { $sum: { $cond: [exists('invitedAt'), 1, 0] } },
        reminded: { $sum: { $cond: [{ $gt: ['$remindersSent', 0] }, 1, 0] } },
        completed: { $sum: { $cond: [{ $eq: ['$completed', true] }, 1, 0] } },
      },
    },
  ]);
  const { prepared = 0, invited = 0, reminded = 0, completed = 0 } = counts ?? {};
  return { prepared, invited, reminded, completed };
}

/** How far a wave's invitations went, for the console, the API and the report's methodology box. */
export async function countInvitations(wave: Pick<Wave, 'surveyId' | 'waveId' | 'panelId'>): Promise<InvitationCounts> {
  const { surveyId } = wave;
  const panel = wave.panelId ? await findPanel(surveyId, wave.panelId) : undefined;
  const ofWave = { surveyId, waveId: wave.waveId };
  const [{ members, unsubscribed, bounced }, { prepared, invited, reminded, completed }, screenedOut, outbox] = await Promise.all([
    panel ? countMembers(surveyId, panel.panelId) : NO_MEMBERS,
    countWaveInvitations(ofWave),
    countWaveResponses(surveyId, wave.waveId, 'screened_out'),
    outboxCounts(ofWave),
  ]);
  return {
    ...(wave.panelId ? { panelId: wave.panelId } : {}),
    ...(panel ? { panelName: panel.name } : {}),
    members,
    unsubscribed,
    bounced,
    prepared,
    invited,
    reminded,
    completed,
    screenedOut,
    outbox,
    rr1: responseRateRR1(completed, invited, screenedOut),
  };
}

/** Whether any invitation of the wave was mailed (its anonymity can no longer change). */
export async function invitationsWereSent(surveyId: string, waveId: string): Promise<boolean> {
  return (await InvitationModel.exists({ surveyId, waveId, invitedAt: { $exists: true } })) !== null;
}

/** The token the preview's links show: obviously not one that opens anything. */
const PREVIEW_TOKEN = 'i_EXAMPLE-personal-link';
/** The member a preview is rendered for when the panel has none yet. */
const SAMPLE_MEMBER = { id: '000000000000000000000000', email: 'camille.martin@example.org', name: 'Camille Martin' };

export interface MailPreview {
  kind: InvitationMailKind;
  lang: InterfaceLanguage;
  subject: string;
  html: string;
  text: string;
}

type StoredInvitation = { _id: Types.ObjectId; memberId: string; invitedAt?: Date | null; sendingBy?: string | null };

export function createInvitationService(deps: InvitationDependencies) {
  const { config, clock, catalog, secret } = deps;

  /** The wave, of a survey this app serves (a 404 otherwise). Its mails take the version it pins (waveMailContext). */
  async function requireWaveOf(surveyId: string, waveId: string): Promise<Wave> {
    catalog.require(surveyId);
    return findWave(surveyId, waveId, clock.now());
  }

  /** The panel a wave invites: refused for an open wave, or a panel wave that names none. */
  async function panelOf(wave: Wave): Promise<Panel> {
    if (wave.accessMode !== 'panel') throw new ConflictError(`Wave "${wave.waveId}" is open to anyone with the link: set its access to "panel" to invite a panel`, 'not_a_panel_wave');
    if (!wave.panelId) throw new ConflictError(`Wave "${wave.waveId}" names no panel: choose the panel it invites in the wave's settings`, 'no_panel');
    const panel = await findPanel(wave.surveyId, wave.panelId);
    if (!panel) throw new NotFoundError(`Survey "${wave.surveyId}" has no panel "${wave.panelId}"`, 'panel_not_found');
    return panel;
  }

  /**
   * One invitation per active member of the wave's panel, made once (upserted by member): a new
   * member gets one on the next call, an existing one keeps its own. The token an invitation is
   * made with is thrown away: the one that works is made when its mail is rendered.
   */
  async function prepareInvitations({ wave, panel }: SendableWave, report: SendProgressReport): Promise<PreparedInvitations> {
    const { surveyId } = wave;
    let created = 0;
    let members = 0;
    for await (const active of activeMemberIdBatches(surveyId, panel.panelId, BATCH)) {
      members += active.length;
      const result = await InvitationModel.bulkWrite(
        active.map((memberId) => ({
          updateOne: {
            filter: { surveyId, waveId: wave.waveId, memberId },
            update: { $setOnInsert: { surveyId, waveId: wave.waveId, panelId: panel.panelId, memberId, tokenHash: newInvitationToken().tokenHash, remindersSent: 0, completed: false } },
            upsert: true,
          },
        })),
        { ordered: false },
      );
      created += result.upsertedCount;
      await report({ prepared: members });
    }
    return { created, members };
  }

  /** Refuses the send, before anything is written, when a member's name would break a header. */
  async function refuseInjectedNames(panel: Panel): Promise<void> {
    const bad = await findMemberWithLineBreak(panel.surveyId, panel.panelId);
    if (bad) throw new UnprocessableError(`The name of member ${bad.email.replace(/[\r\n]/g, ' ')} holds a line break, which would inject mail headers: correct it before sending`, { field: 'name' }, 'header_injection');
  }

  /**
   * Mails one batch of invitations not mailed yet, claimed for `claim` (the send's id: a send that
   * takes over a dead one frees what the dead one held); returns how many mails it queued.
   */
  async function mailBatch(context: WaveMailContext, invitations: StoredInvitation[], members: Map<string, PanelMember>, claim: string): Promise<number> {
    const now = clock.now();
    const ids = invitations.map((i) => i._id);
    // Mails queued by an earlier send that stopped before marking them: mark them, nothing more.
    const queuedKeys = new Set(
      (await OutboxModel.find({ key: { $in: invitations.map((i) => invitationMailKey('invitation', String(i._id))) } }, { key: 1 }).lean<Array<{ key: string }>>()).map((m) => m.key),
    );
    const recovered = invitations.filter((i) => queuedKeys.has(invitationMailKey('invitation', String(i._id)))).map((i) => i._id);
    if (recovered.length > 0) await InvitationModel.updateMany({ _id: { $in: recovered }, invitedAt: { $exists: false } }, { $set: { invitedAt: now } });

    await InvitationModel.updateMany(
      { _id: { $in: ids.filter((id) => !recovered.some((r) => r.equals(id))) }, invitedAt: { $exists: false }, $or: [{ sendingUntil: { $exists: false } }, { sendingUntil: { $lte: now } }] },
      { $set: { sendingBy: claim, sendingUntil: new Date(now.getTime() + CLAIM_MS) } },
    );
    const claimed = await InvitationModel.find({ sendingBy: claim }, { _id: 1, memberId: 1 }).lean<StoredInvitation[]>();
    if (claimed.length === 0) return 0;
    try {
      const tokens = new Map(claimed.map((i) => [String(i._id), newInvitationToken()]));
      // Rendered before any token is written: a template that fails leaves the invitations as they were.
      const mails: OutgoingMail[] = [];
      for (const invitation of claimed) {
        const member = members.get(invitation.memberId);
        if (!member) continue;
        mails.push(await composeInvitationMail(context, { kind: 'invitation', member, invitationId: String(invitation._id), token: tokens.get(String(invitation._id))!.token }));
      }
      await InvitationModel.bulkWrite(
        claimed.map((invitation) => {
          const { token, tokenHash } = tokens.get(String(invitation._id))!;
          return { updateOne: { filter: { _id: invitation._id, sendingBy: claim }, update: { $set: { tokenHash, tokenSealed: sealInvitationToken(secret, token) } } } };
        }),
        { ordered: false },
      );
      const { queued } = await enqueueMails(mails, { from: config.MAIL_FROM }, now);
      await InvitationModel.updateMany({ sendingBy: claim }, { $set: { invitedAt: now }, $unset: { sendingBy: 1, sendingUntil: 1 } });
      return queued;
    } finally {
      // Whatever was not marked invited (a refusal above) is free for the next send at once.
      await InvitationModel.updateMany({ sendingBy: claim }, { $unset: { sendingBy: 1, sendingUntil: 1 } });
    }
  }

  /**
   * Refuses, before anything is written, what would make a send fail: a wave that is not a panel
   * wave, names no panel, or is not open (a link works only while the wave takes answers, so a
   * member never opens a mail whose link refuses them), and a member's name that would inject
   * mail headers.
   */
  async function checkSendable(surveyId: string, waveId: string): Promise<SendableWave> {
    const wave = await requireWaveOf(surveyId, waveId);
    const panel = await panelOf(wave);
    const phase = phaseOf(wave, clock.now());
    if (phase !== 'open') {
      throw new ConflictError(
        phase === 'closed'
          ? `Wave "${wave.waveId}" is closed: its invitations can no longer be sent`
          : `Wave "${wave.waveId}" is ${phase}: invitations are sent once it is open, since their links work only while it takes answers`,
        'wave_not_open_for_invitations',
      );
    }
    await refuseInjectedNames(panel);
    return { wave, panel };
  }

  /** Active members of the panel and those left out, when a send begins: its first figures. */
  async function sendStartFigures({ panel }: SendableWave): Promise<Pick<SendProgress, 'members' | 'skipped'>> {
    const { active, unsubscribed, bounced } = await countMembers(panel.surveyId, panel.panelId);
    return { members: active, skipped: { unsubscribed, bounced } };
  }

  /**
   * Mails the invitations of a checked wave that are not mailed yet, to members neither
   * unsubscribed nor bounced, claiming them for `claim`, and reports after each batch. Sending
   * again mails only members added since.
   */
  async function mailInvitations({ wave, panel }: SendableWave, publicBase: string, claim: string, report: SendProgressReport): Promise<SentInvitations> {
    const { surveyId, waveId } = wave;
    const prepared = await prepareInvitations({ wave, panel }, report);
    const context = await waveMailContext(catalog, { config, secret, publicBase, wave });
    // One pass over the wave's invitations: those not mailed yet are the rest of them.
    const invitations = await countWaveInvitations({ surveyId, waveId });
    const alreadyInvited = invitations.invited;
    const toMail = invitations.prepared - invitations.invited;
    await report({ alreadyInvited, toMail });
    let queued = 0;
    let handled = 0;
    for await (const { invitations: batch, members } of invitationBatches<StoredInvitation>({ surveyId, waveId, invitedAt: { $exists: false } }, {})) {
      // A member who unsubscribed or bounced since the invitation was made is not mailed either.
      queued += await mailBatch(context, batch.filter((invitation) => members.get(invitation.memberId)?.status === 'active'), members, claim);
      handled += batch.length;
      await report({ handled, queued });
    }
    const { unsubscribed: skippedUnsubscribed, bounced: skippedBounced } = await countMembers(surveyId, panel.panelId);
    return { ...prepared, queued, alreadyInvited, skippedUnsubscribed, skippedBounced };
  }

  /** Frees the invitations a send that died was mailing, for the send that takes over from it. */
  async function releaseClaims(claim: string): Promise<void> {
    await InvitationModel.updateMany({ sendingBy: claim }, { $unset: { sendingBy: 1, sendingUntil: 1 } });
  }

  /**
   * The invitation and the reminder in each language the survey and the interface share, as a
   * member would receive them: the panel's first member for those who run the fieldwork
   * (`withRealMember`), else a made-up one (an analyst sees no member's details); with an example
   * link (an unsubscribe link for no one), so a preview never carries a working token.
   */
  async function previewMails(wave: Wave, publicBase: string, { withRealMember }: { withRealMember: boolean }): Promise<{ member: string | undefined; mails: MailPreview[] }> {
    const first = wave.panelId && withRealMember ? (await listMembers(wave.surveyId, wave.panelId, { limit: 1 })).members[0] : undefined;
    const member = first ? { ...first, id: SAMPLE_MEMBER.id } : SAMPLE_MEMBER;
    const context = await waveMailContext(catalog, { config, secret, publicBase, wave });
    const { survey } = context;
    const languages = survey.definition.languages.filter(isInterfaceLanguage);
    const mails: MailPreview[] = [];
    for (const kind of ['invitation', 'reminder'] as const) {
      for (const lang of languages.length > 0 ? languages : [mailLanguage(undefined, survey.definition.languages)]) {
        mails.push({ kind, lang, ...(await renderInvitationMail(context, kind, member, PREVIEW_TOKEN, lang)) });
      }
    }
    return { member: first ? (member.name ?? member.email) : undefined, mails };
  }

  return { checkSendable, sendStartFigures, mailInvitations, releaseClaims, previewMails, requireWaveOf };
}

export type InvitationService = ReturnType<typeof createInvitationService>;
