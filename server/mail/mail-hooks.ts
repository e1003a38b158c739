// What other features want to know about, or decide, around one send. The outbox knows nothing of
// panels or invitations: the invitations feature registers a check before each send (is the member
// still subscribed? has the respondent completed?) and listens for bounces to mark the member.
// Hooks are registered by name, and registering a name again replaces it, so an app booted twice
// in one process (the tests do) never runs a hook twice.
import type { Logger } from '../lib/logger';

/** What a message is for: the outbox's enum, the CLI's --purpose and the outbox page's rows, in the order the page lists them. */
export const MAIL_PURPOSES = ['invitation', 'reminder', 'password_link', 'resume_link', 'other'] as const;
export type MailPurpose = (typeof MAIL_PURPOSES)[number];

export interface MailAbout {
  surveyId?: string;
  waveId?: string;
  panelId?: string;
  memberId?: string;
  invitationId?: string;
  userId?: string;
}

/** One outbox message as the hooks see it. */
export interface QueuedMail {
  id: string;
  key: string;
  purpose: MailPurpose;
  to: { address: string; name?: string };
  about: MailAbout;
}

export interface MailHooks {
  /** Runs after the worker claims a message, before SMTP: 'cancel' drops it (status cancelled). */
  beforeSend?(mail: QueuedMail): Promise<'send' | 'cancel'>;
  /** The receiving server refused the message for good (a 5xx answer). Runs once per message. */
  bounced?(mail: QueuedMail, reason: string): Promise<void>;
  /** The receiving server accepted the message. */
  sent?(mail: QueuedMail): Promise<void>;
}

const registered = new Map<string, MailHooks>();

export function registerMailHooks(name: string, hooks: MailHooks): void {
  registered.set(name, hooks);
}

export function unregisterMailHooks(name: string): void {
  registered.delete(name);
}

/**
 * Whether every hook still wants the message sent. A hook that throws stops the send like a
 * temporary failure would (the worker retries later), so a passing database hiccup never cancels.
 */
export async function decideBeforeSend(mail: QueuedMail): Promise<'send' | 'cancel'> {
  for (const hooks of registered.values()) {
    if (hooks.beforeSend && (await hooks.beforeSend(mail)) === 'cancel') return 'cancel';
  }
  return 'send';
}

/** Tells every hook that listens; a hook that fails is logged, the others still run. */
export async function announceBounce(mail: QueuedMail, reason: string, logger: Logger): Promise<void> {
  for (const [name, hooks] of registered) {
    await hooks.bounced?.(mail, reason).catch((error: unknown) => logger.error({ err: error, hook: name, mailId: mail.id }, 'a bounce hook failed'));
  }
}

export async function announceSent(mail: QueuedMail, logger: Logger): Promise<void> {
  for (const [name, hooks] of registered) {
    await hooks.sent?.(mail).catch((error: unknown) => logger.error({ err: error, hook: name, mailId: mail.id }, 'a sent hook failed'));
  }
}
