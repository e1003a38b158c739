// A panel member's history, wave by wave: what the invitations feature recorded (invited,
// reminded, answered) and every message the outbox holds about them. It lives with the
// invitations, which read the panels, so that the panels never read the invitations' model.
import { messagesAbout, type MessageSummary } from '../mail/outbox.service';
import { requireMember, type PanelMember } from '../panels/panel.service';
import { InvitationModel } from './invitation.model';

export interface MemberWaveHistory {
  waveId: string;
  invitedAt?: Date;
  remindersSent: number;
  lastRemindedAt?: Date;
  completed: boolean;
  /** Identified waves only: an anonymous wave keeps no time. */
  completedAt?: Date;
  messages: MessageSummary[];
}

export interface MemberHistory {
  member: PanelMember;
  waves: MemberWaveHistory[];
  /** Messages about the member that name no wave. */
  otherMessages: MessageSummary[];
}

/** What happened to one member, wave by wave: invited, reminded, answered, and every message about them. */
export async function memberHistory(surveyId: string, panelId: string, memberId: string): Promise<MemberHistory> {
  const member = await requireMember(surveyId, panelId, memberId);
  const [invitations, messages] = await Promise.all([
    InvitationModel.find({ surveyId, panelId, memberId }).lean(),
    messagesAbout({ surveyId, memberId }),
  ]);
  const waveIds = [...new Set([...invitations.map((i) => i.waveId), ...messages.flatMap((m) => (m.waveId ? [m.waveId] : []))])];
  const waves = waveIds.map((waveId): MemberWaveHistory => {
    const invitation = invitations.find((i) => i.waveId === waveId);
    return {
      waveId,
      ...(invitation?.invitedAt ? { invitedAt: invitation.invitedAt } : {}),
      remindersSent: invitation?.remindersSent ?? 0,
      ...(invitation?.lastRemindedAt ? { lastRemindedAt: invitation.lastRemindedAt } : {}),
      completed: invitation?.completed ?? false,
      ...(invitation?.completedAt ? { completedAt: invitation.completedAt } : {}),
      messages: messages.filter((m) => m.waveId === waveId),
    };
  });
  // Newest wave first, as the waves page lists them.
  const firstSeen = (wave: MemberWaveHistory) => (wave.invitedAt ?? wave.messages[0]?.createdAt)?.getTime() ?? 0;
  waves.sort((a, b) => firstSeen(b) - firstSeen(a));
  return { member, waves, otherMessages: messages.filter((m) => !m.waveId) };
}
