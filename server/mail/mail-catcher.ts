// Without SMTP_URL, mail goes to this catcher: an SMTP server on loopback that keeps every message
// in the database (caught_mail) for the console's outbox page. A first run works end to end, the
// worker speaking real SMTP, and nothing leaves the machine. It takes mail only from its own
// process's worker, which logs in with a secret made at start: any other program on the machine
// could otherwise put messages (and links) on the admins' outbox page.
import { randomBytes } from 'node:crypto';
import type { Clock } from '../lib/clock';
import type { Logger } from '../lib/logger';
import { keepCaughtMail } from './caught-mail.service';
import { startSmtpReceiver, type SmtpReceiver } from './smtp-receiver';

export function startMailCatcher({ logger, clock }: { logger: Logger; clock: Clock }): Promise<SmtpReceiver> {
  return startSmtpReceiver({
    clock,
    credentials: { user: 'barometer', pass: randomBytes(24).toString('base64url') },
    async onMessage(mail) {
      await keepCaughtMail(mail);
      logger.debug({ messageId: mail.messageId, to: mail.to }, 'mail caught');
    },
  });
}
