// One-time password links by mail. The link an admin issues (a new account, a new link) is also
// queued to the account's owner, and "Forgot your password?" issues one and queues it. Both go
// through the outbox like every other message, so the admins' outbox page shows them and the
// worker's retries apply; the key names the link, so issuing it twice never mails it twice.
import type { Config } from '../lib/config';
import { AppError } from '../lib/errors';
import { runInBackground } from '../lib/background-job';
import type { Logger } from '../lib/logger';
import type { InterfaceLanguage } from '../lib/i18n/index';
import { recordAudit, type AuditActor } from '../audit/audit.service';
import { renderMail } from '../mail/render-mail';
import { enqueueMail, type OutgoingMail } from '../mail/outbox.service';
import { PASSWORD_LINK_HOURS, parseEmail, type Account, type AccountService, type PasswordLink } from './account.service';
import { formatUtcMinute } from './account-display';
import { countPasswordLinkRequest } from './login-throttle';
import { passwordLinkUrl } from './password-link';
import { hashSecretToken } from './secret-token';

export interface PasswordLinkMailDependencies {
  config: Pick<Config, 'MAIL_FROM'>;
  logger: Logger;
}

/** The outbox key of a link's mail: the account and the link's fingerprint, never the link itself. */
function passwordLinkMailKey(userId: string, token: string): string {
  return `password_link:${userId}:${hashSecretToken(token).slice(0, 16)}`;
}

/** Whether an issued link also went to its owner by mail, or why not (no reason: the outbox failed, logged). */
export type LinkMailing = { mailed: true } | { mailed: false; reason?: string };

/** Where the link points and in which language it is worded. */
export interface LinkMailOptions {
  /** publicBaseUrl's answer: PUBLIC_URL, else the origin the request came to. */
  base: string;
  language: InterfaceLanguage;
}

export function createPasswordLinkMailer({ config, logger }: PasswordLinkMailDependencies, accounts: AccountService) {
  const sender = { from: config.MAIL_FROM };

  async function composeLinkMail(recipient: Pick<Account, 'id' | 'email' | 'name'>, passwordLink: PasswordLink, { base, language }: LinkMailOptions): Promise<OutgoingMail> {
    const rendered = await renderMail('password_link', language, {
      heading: 'Barometer',
      recipientName: recipient.name,
      email: recipient.email,
      link: passwordLinkUrl(base, passwordLink.token),
      hours: PASSWORD_LINK_HOURS,
      expiresAt: formatUtcMinute(passwordLink.expiresAt),
    });
    return {
      key: passwordLinkMailKey(recipient.id, passwordLink.token),
      purpose: 'password_link',
      to: { address: recipient.email, ...(recipient.name ? { name: recipient.name } : {}) },
      ...rendered,
      about: { userId: recipient.id },
    };
  }

  async function mailLinkIfAccount(email: string, request: { ip: string } & LinkMailOptions, now: Date): Promise<void> {
    const { account, passwordLink } = await accounts.issuePasswordLinkByEmail(email, now);
    const mail = await composeLinkMail(account ?? { id: 'none', email, name: '' }, passwordLink, { base: request.base, language: account?.language ?? request.language });
    if (!account) return;
    await enqueueMail(mail, sender, now);
    await recordAudit({ via: 'anonymous', ip: request.ip, action: 'password_link_mailed', target: account.email, details: { by: 'self' } }, logger);
  }

  return {
    /**
     * Queues the link an admin just issued to its account, in the account's language if it ever
     * signed in, else the admin's. The admin still sees the link: the mail may be slow or lost, and
     * a mail that cannot be queued never costs the link (stored already) its one showing. Why
     * not: the refusal's message (an address or a template the outbox refuses), else none (logged).
     */
    async mailIssuedLink(account: Account, passwordLink: PasswordLink, options: LinkMailOptions, actor: AuditActor, now: Date): Promise<LinkMailing> {
      try {
        const mail = await composeLinkMail(account, passwordLink, { ...options, language: account.language ?? options.language });
        await enqueueMail(mail, sender, now);
      } catch (error) {
        if (error instanceof AppError && error.status < 500) return { mailed: false, reason: error.message };
        logger.error({ err: error, userId: account.id }, 'an issued password link was not queued');
        return { mailed: false };
      }
      await recordAudit({ ...actor, action: 'password_link_mailed', target: account.email, details: { by: 'admin' } }, logger);
      return { mailed: true };
    },

    /**
     * "Forgot your password?": the same answer, after the same work, whether or not an account
     * uses the address or may sign in. The request is checked and counted, then answered; the link
     * is made and the mail rendered afterwards, for every address, and only an account that may
     * sign in gets the link stored and the mail queued. So the time to answer cannot tell an
     * account from none. Refused before that: a malformed address (400 invalid_email) and too
     * many requests (429), which say nothing about accounts either.
     */
    async requestLinkByMail(request: { email: unknown; ip: string } & LinkMailOptions, now: Date): Promise<void> {
      const email = parseEmail(request.email);
      await countPasswordLinkRequest({ email, ip: request.ip }, now);
      runInBackground(mailLinkIfAccount(email, request, now), logger, {}, 'a password link asked for by mail');
    },
  };
}
