// A member's unsubscribe, from the link in every panel mail: the member is marked once, for the
// panel (every later wave skips them), mail of theirs still queued is dropped before it is sent
// (invitation-hooks.ts), and the audit trail records it as done by the member themself.
import { recordAudit } from '../audit/audit.service';
import { NotFoundError } from '../lib/errors';
import type { Logger } from '../lib/logger';
import { findMemberById, findPanel, markUnsubscribed, type PanelMember } from '../panels/panel.service';
import { memberOfUnsubscribeLink } from './unsubscribe-link';

export interface UnsubscribeTarget {
  member: PanelMember;
  panelName: string;
}

/** The member a link names; a forged link, or one for a member since removed, is a plain 404. */
export async function findUnsubscribeTarget(secret: string, link: string): Promise<UnsubscribeTarget> {
  const memberId = memberOfUnsubscribeLink(secret, link);
  const member = memberId ? await findMemberById(memberId) : undefined;
  if (!member) throw new NotFoundError('This unsubscribe link is not valid', 'unsubscribe_link_invalid');
  const panel = await findPanel(member.surveyId, member.panelId);
  return { member, panelName: panel?.name ?? member.panelId };
}

/** Unsubscribes the member a link names. Idempotent: a second click changes and records nothing. */
export async function unsubscribeMember(secret: string, link: string, context: { now: Date; ip?: string; logger: Logger }): Promise<UnsubscribeTarget> {
  const target = await findUnsubscribeTarget(secret, link);
  if (await markUnsubscribed(target.member.id, context.now)) {
    await recordAudit(
      { via: 'anonymous', ...(context.ip ? { ip: context.ip } : {}), action: 'member_unsubscribed', surveyId: target.member.surveyId, target: target.member.id, details: { panelId: target.member.panelId } },
      context.logger,
    );
  }
  return target;
}
