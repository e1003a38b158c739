// Reminders: a member invited to an open panel wave who has not completed gets reminder n+1 once
// reminderDays[n] days have passed since the invitation (and, after the first, once the gap
// between the two steps has passed since the last reminder, so a scheduler that was down does not
// send two at once). Unsubscribed and bounced members are skipped; a due reminder in the quiet
// hours of the survey's zone is queued to leave when they end.
//
// Reminders are queued a batch at a time under their keys (reminder:<invitation>:<n>) before the
// invitations' counts move, by a conditional update: two schedulers queue each once (the key), and
// a crash between the two steps queues nothing twice (the key again) and loses nothing (the count
// did not move).
import { Types } from 'mongoose';
import type { Logger } from '../lib/logger';
import { enqueueMails, type OutgoingMail } from '../mail/outbox.service';
import { surveyTimeZone } from '../waves/wave-dates';
import { phaseOf } from '../waves/wave-phase';
import { listWaves, type Wave } from '../waves/wave.service';
import { InvitationModel } from './invitation.model';
import { invitationBatches } from './invitation-batches';
import { composeInvitationMail, waveMailContext } from './invitation-mail';
import type { InvitationDependencies } from './invitation.service';
import { newInvitationToken } from './invitation-token';
import { endOfQuietHours, parseQuietHours } from './quiet-hours';
import { sealInvitationToken, unsealInvitationToken } from './sealed-token';

const DAY_MS = 24 * 60 * 60_000;

export interface ReminderDependencies extends InvitationDependencies {
  config: InvitationDependencies['config'] & { MAIL_QUIET_HOURS: string };
}

type DueInvitation = { _id: Types.ObjectId; memberId: string; remindersSent: number; tokenSealed?: string | null; tokenHash: string };

/** The panel waves that remind now: open, with a panel and a reminder schedule. */
function remindingWaves(waves: readonly Wave[], now: Date): Wave[] {
  return waves.filter((w) => w.accessMode === 'panel' && w.panelId && w.reminderDays.length > 0 && phaseOf(w, now) === 'open');
}

/**
 * The invitation's own token, unsealed; when it was sealed under another secret (SECRET changed),
 * a new token replaces it, so the reminder still carries a working link (the invitation's stops).
 */
async function tokenFor(invitation: DueInvitation, secret: string, logger: Logger): Promise<string | undefined> {
  const token = invitation.tokenSealed ? unsealInvitationToken(secret, invitation.tokenSealed) : undefined;
  if (token) return token;
  const fresh = newInvitationToken();
  const swapped = await InvitationModel.updateOne(
    { _id: invitation._id, tokenHash: invitation.tokenHash },
    { $set: { tokenHash: fresh.tokenHash, tokenSealed: sealInvitationToken(secret, fresh.token) } },
  );
  if (swapped.modifiedCount === 0) return undefined;
  logger.warn({ invitationId: String(invitation._id) }, 'an invitation token could not be unsealed (SECRET changed?): the reminder carries a new link');
  return fresh.token;
}

/** Queues the reminders due at `now` for one wave; returns how many it queued. */
async function remindWave(deps: ReminderDependencies, wave: Wave, publicBase: string, now: Date): Promise<number> {
  const context = await waveMailContext(deps.catalog, { config: deps.config, secret: deps.secret, publicBase, wave });
  const notBefore = endOfQuietHours(now, surveyTimeZone(context.survey), parseQuietHours(deps.config.MAIL_QUIET_HOURS));
  const remindedNow = new Set<string>();
  let queued = 0;
  for (const [step, days] of wave.reminderDays.entries()) {
    const gap = step === 0 ? days : days - wave.reminderDays[step - 1]!;
    const filter = {
      surveyId: wave.surveyId,
      waveId: wave.waveId,
      completed: false,
      // A member a full quota cell turned away has nothing left to answer.
      screenedOut: { $ne: true },
      remindersSent: step,
      invitedAt: { $lte: new Date(now.getTime() - days * DAY_MS) },
      ...(step > 0 ? { lastRemindedAt: { $lte: new Date(now.getTime() - gap * DAY_MS) } } : {}),
    };
    for await (const { invitations: due, members } of invitationBatches<DueInvitation>(filter, { remindersSent: 1, tokenSealed: 1, tokenHash: 1 })) {
      const mails: OutgoingMail[] = [];
      const reminded: Types.ObjectId[] = [];
      for (const invitation of due) {
        const member = members.get(invitation.memberId);
        const id = String(invitation._id);
        if (member?.status !== 'active' || remindedNow.has(id)) continue;
        const token = await tokenFor(invitation, deps.secret, deps.logger);
        if (!token) continue;
        mails.push(await composeInvitationMail(context, { kind: 'reminder', member, invitationId: id, token, reminderNumber: step + 1, notBefore }));
        reminded.push(invitation._id);
        remindedNow.add(id);
      }
      if (mails.length === 0) continue;
      await enqueueMails(mails, { from: deps.config.MAIL_FROM }, now);
      // One step's batch moves together; an invitation completed meanwhile does not (its queued
      // reminder is cancelled before sending, invitation-hooks.ts).
      const counted = await InvitationModel.updateMany(
        { _id: { $in: reminded }, remindersSent: step, completed: false },
        { $set: { remindersSent: step + 1, lastRemindedAt: now } },
      );
      queued += counted.modifiedCount;
    }
  }
  return queued;
}

/** Queues every reminder due at the clock's time, in every survey; returns how many. */
export async function sendDueReminders(deps: ReminderDependencies, publicBase: string): Promise<number> {
  const now = deps.clock.now();
  let queued = 0;
  for (const survey of deps.catalog.list()) {
    for (const wave of remindingWaves(await listWaves(survey.definition.id), now)) {
      queued += await remindWave(deps, wave, publicBase, now);
    }
  }
  return queued;
}
