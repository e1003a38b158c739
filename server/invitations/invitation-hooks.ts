// What the invitations feature decides around each send of the outbox (mail-hooks.ts): a queued
// invitation or reminder is dropped when its member unsubscribed, bounced or was removed since, and
// a reminder when its invitation was completed meanwhile; a bounce marks the member, so no later
// wave mails them. Boot and the test app call followInvitationMail once; calling it again replaces
// the hooks (registerMailHooks is by name).
import { isValidObjectId } from 'mongoose';
import type { Clock } from '../lib/clock';
import { registerMailHooks, type QueuedMail } from '../mail/mail-hooks';
import { findMemberById, markBounced } from '../panels/panel.service';
import { InvitationModel } from './invitation.model';

const PANEL_MAIL = new Set(['invitation', 'reminder']);

async function stillWanted(mail: QueuedMail): Promise<'send' | 'cancel'> {
  const { memberId, invitationId } = mail.about;
  if (!PANEL_MAIL.has(mail.purpose) || !memberId) return 'send';
  const member = await findMemberById(memberId);
  if (!member || member.status !== 'active') return 'cancel';
  if (mail.purpose === 'reminder' && invitationId && isValidObjectId(invitationId)) {
    const invitation = await InvitationModel.findById(invitationId, { completed: 1, screenedOut: 1 }).lean<{ completed?: boolean; screenedOut?: boolean }>();
    if (!invitation || invitation.completed || invitation.screenedOut) return 'cancel';
  }
  return 'send';
}

export function followInvitationMail({ clock }: { clock: Clock }): void {
  registerMailHooks('invitations', {
    beforeSend: stillWanted,
    async bounced(mail, reason) {
      if (PANEL_MAIL.has(mail.purpose) && mail.about.memberId) await markBounced(mail.about.memberId, reason, clock.now());
    },
  });
}
