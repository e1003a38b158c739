// The respondent's side of an invitation: the personal link opens the survey's current wave for one
// panel member, allows one complete response, and brings what the panel already knows of them.
// The take path (server/responses/take.service.ts) calls these; it owns the respondent's flow.
//
// Every link is answered the same way when it opens nothing: unknown, forged, of another survey, of
// another wave than the current one, or of a wave not taking answers. To keep the timing as alike
// as the answer, each one costs the same work: the token is hashed and looked up (one read, by the
// unique index on tokenHash) whatever it looks like, and the current wave is resolved (from the
// wave cache) alongside; only then are the conditions checked, all of them.
import mongoose from 'mongoose';
import type { TAnswers } from '../surveys/answers';
import type { TSurveyDefinition } from '../surveys/survey.schemas';
import { findMemberById } from '../panels/panel.service';
import { CURRENT_WAVE, lookUpWave, type Wave } from '../waves/wave.service';
import { phaseOf } from '../waves/wave-phase';
import { quotaQuestionsOf } from '../waves/quota-cells';
import { InvitationModel } from './invitation.model';
import { invitationTokenHash } from './invitation-token';

/** What the take path needs of an invitation. */
export interface InvitationPass {
  id: string;
  surveyId: string;
  waveId: string;
  panelId: string;
  memberId: string;
  /** The member's response, in an identified wave, once they started one. */
  responseId?: string;
  /** The one complete response this token allows has been given. */
  completed: boolean;
  /** A full quota cell turned the member away. */
  screenedOut: boolean;
}

interface InvitationRecord {
  _id: mongoose.Types.ObjectId;
  surveyId: string;
  waveId: string;
  panelId: string;
  memberId: string;
  responseId?: string;
  completed?: boolean;
  screenedOut?: boolean;
}

const PASS_FIELDS = { surveyId: 1, waveId: 1, panelId: 1, memberId: 1, responseId: 1, completed: 1, screenedOut: 1 } as const;

function toPass(doc: InvitationRecord): InvitationPass {
  return {
    id: doc._id.toHexString(),
    surveyId: doc.surveyId,
    waveId: doc.waveId,
    panelId: doc.panelId,
    memberId: doc.memberId,
    ...(doc.responseId ? { responseId: doc.responseId } : {}),
    completed: doc.completed === true,
    screenedOut: doc.screenedOut === true,
  };
}

/** The invitation whose token this is, if any: one read by the token's hash, whatever the token looks like. */
async function findByToken(token: string): Promise<InvitationRecord | null> {
  return InvitationModel.collection.findOne<InvitationRecord>({ tokenHash: invitationTokenHash(token) }, { projection: PASS_FIELDS });
}

/**
 * The invitation a personal link opens now, with the wave it opens: the survey's current wave,
 * which must be the invitation's and take answers. Undefined for every other case alike.
 */
export async function openInvitation(surveyId: string, token: string, now: Date): Promise<{ invitation: InvitationPass; wave: Wave } | undefined> {
  const [doc, wave] = await Promise.all([findByToken(token), lookUpWave(surveyId, CURRENT_WAVE, now)]);
  const opens = doc !== null && wave !== undefined && doc.surveyId === surveyId && doc.waveId === wave.waveId && phaseOf(wave, now) === 'open';
  return opens ? { invitation: toPass(doc), wave } : undefined;
}

/**
 * The invitation of a token, for a response of `waveId` going on: unlike a link followed, it need
 * not be the current wave's nor open (a response finished in the grace period still needs it).
 */
export async function invitationForWave(surveyId: string, waveId: string, token: string): Promise<InvitationPass | undefined> {
  const doc = await findByToken(token);
  return doc && doc.surveyId === surveyId && doc.waveId === waveId ? toPass(doc) : undefined;
}

/** An identified wave's invitation learns the member's response, so their link resumes it from any device. */
export async function attachResponse(invitationId: string, responseId: string): Promise<void> {
  await InvitationModel.updateOne({ _id: invitationId }, { $set: { responseId } });
}

/**
 * Takes the one complete response an invitation allows: a conditional write that only one request
 * can win, made before the response is saved complete (false when it was already taken). An
 * anonymous wave records no time: with one, the invitation and the response could be matched up.
 */
export async function claimInvitation(invitationId: string, options: { anonymous: boolean; now: Date }): Promise<boolean> {
  const result = await InvitationModel.updateOne(
    { _id: invitationId, completed: false },
    { $set: { completed: true, ...(options.anonymous ? {} : { completedAt: options.now }) } },
  );
  return result.modifiedCount === 1;
}

/** A full quota cell turned the member away: a separate write, without a time, as the claim in an anonymous wave. */
export async function markInvitationScreenedOut(invitationId: string): Promise<void> {
  await InvitationModel.updateOne({ _id: invitationId }, { $set: { screenedOut: true } });
}

/** Gives back a claim whose response was not saved complete after all. */
export async function releaseInvitation(invitationId: string): Promise<void> {
  await InvitationModel.updateOne({ _id: invitationId, completed: true }, { $set: { completed: false }, $unset: { completedAt: 1 } });
}

/** What an invited member's response starts with: their known answers, and their design weight if they have one. */
export interface PanelKnowledge {
  answers: TAnswers;
  weight?: number;
}

/**
 * What the panel already knows of the invited member (one read of the member). As answers: each
 * attribute named like a single-choice or yes/no question (the questions the panel import checks
 * attributes against, and that quotas and weights take) of the definition the wave answers,
 * holding one of its option ids (checked again here: the definition may have changed since the
 * import). An "Other (specify)" option is not known: the panel has no text for it, and a question
 * never shown could not get one. And their design weight, copied into the response as it starts,
 * in an anonymous wave too (docs/design-weights.md says why a weight must not single anyone out).
 */
export async function panelKnowledgeOf(invitation: InvitationPass, definition: TSurveyDefinition): Promise<PanelKnowledge> {
  const member = await findMemberById(invitation.memberId);
  const ofThisPanel = member?.surveyId === invitation.surveyId && member.panelId === invitation.panelId;
  if (!ofThisPanel) return { answers: {} };
  const answers: TAnswers = {};
  for (const question of quotaQuestionsOf(definition)) {
    const value = member.attributes[question.id];
    if (typeof value === 'string' && question.options.some((option) => option.id === value && !option.specify)) answers[question.id] = value;
  }
  return { answers, ...(member.weight !== undefined ? { weight: member.weight } : {}) };
}
