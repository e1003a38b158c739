// The mail worker: takes one due message at a time from the outbox under a lease, asks the hooks
// whether it is still wanted, hands it to SMTP and records the answer.
//
// What can go wrong, and what it does:
// - 2xx: sent. Recorded only if this worker still holds the lease.
// - 5xx about the recipient's address (mailbox unknown): bounced, for good; the bounce hooks mark
//   the member. 5xx about the message or the sender (policy, DMARC, content, size): failed, the
//   member left alone (classifySendFailure).
// - 4xx, a refused connection, a timeout: queued again after an exponential backoff with jitter,
//   up to maxAttempts, then failed (an admin can retry: `npm run mail -- retry-failed`).
// - The process dies mid-send: the lease expires and another worker sends the message again with
//   the same Message-ID. If the server had already accepted it, that is the one duplicate window.
// Dates in the outbox (due times, leases) come from the injected clock; the pauses of the poll
// loop and the rate limit are real time.
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { Clock } from '../lib/clock';
import { renewEveryThird } from '../lib/leases';
import type { Logger } from '../lib/logger';
import { announceBounce, announceSent, decideBeforeSend } from './mail-hooks';
import { claimNextMail, markBounced, markCancelled, markFailed, markSent, renewLease, rescheduleMail, type ClaimedMail } from './outbox-delivery.service';
import { onMailQueued } from './outbox.service';
import { createSendRate } from './send-rate';
import type { MailTransport } from './smtp-transport';

export interface MailWorkerOptions {
  transport: MailTransport;
  logger: Logger;
  clock: Clock;
  /** Sends per second, at most (MAIL_RATE_PER_SECOND); Infinity for none. */
  ratePerSecond: number;
  /** Names this worker in leases; unique per process by default. */
  owner?: string;
  /** How long a claimed message is this worker's; renewed while its send lasts. */
  leaseMs?: number;
  /** The first retry's delay; each next one doubles, up to maxBackoffMs. */
  baseBackoffMs?: number;
  maxBackoffMs?: number;
  /** Attempts before a message that keeps failing temporarily is failed. */
  maxAttempts?: number;
  /** Messages in flight at once (each its own SMTP connection). */
  concurrency?: number;
  /** The pause when the outbox has nothing due, doubling from min to max while it stays empty. */
  idlePollMs?: { min: number; max: number };
}

export type SendOutcome = 'sent' | 'bounced' | 'retrying' | 'failed' | 'cancelled' | 'lease_lost';

export interface MailWorker {
  readonly owner: string;
  start(): void;
  /** Stops claiming, and resolves once the sends in flight are recorded. */
  stop(): Promise<void>;
  /** Claims and sends one message: its outcome, or null when nothing was due. */
  sendNext(): Promise<SendOutcome | null>;
}

interface SmtpError extends Error {
  responseCode?: number;
  response?: string;
  code?: string;
  /** The SMTP command that was answered (nodemailer's): 'RCPT TO', 'DATA', 'MAIL FROM', 'AUTH PLAIN'... */
  command?: string;
}

/** RFC 3463's enhanced status code at the start of an SMTP answer ("550 5.1.1 …"): class, subject, detail. */
const ENHANCED_CODE = /^\d{3}[ -]([245])\.(\d{1,3})\.(\d{1,3})\b/;

/**
 * What a failed send means:
 * - 'bounce': the receiving server refused the recipient's address for good, so the member is
 *   marked and never mailed again. A 5xx to RCPT TO or DATA whose enhanced code is about the
 *   address (5.1.x: no such mailbox or domain; 5.2.1: mailbox disabled; 5.4.x: no route to it),
 *   or a 5xx to RCPT TO with no enhanced code (RFC 5321's "mailbox unavailable").
 * - 'refused': refused for good, but for the message's or the sender's sake: policy and
 *   reputation (5.7.x: relaying denied, DMARC, a blocklist), content (5.6.x), size (5.3.4,
 *   5.2.3), a full mailbox (5.2.2), a 5xx to DATA with no enhanced code. Retrying the same message
 *   would not help and the member did nothing wrong: it is failed, for an admin to retry once the
 *   cause is fixed. Marking these bounced would strike off every member of a wave at a provider
 *   that rejects the sender.
 * - 'retry': anything else: 4xx, a refused or cut connection, a timeout, and a 5xx to AUTH,
 *   MAIL FROM or EHLO (our credentials or sender are wrong, logged as an error).
 */
export function classifySendFailure(error: SmtpError): 'bounce' | 'refused' | 'retry' {
  const permanent = error.responseCode !== undefined && error.responseCode >= 500;
  if (!permanent || (error.command !== 'RCPT TO' && error.command !== 'DATA')) return 'retry';
  const enhanced = ENHANCED_CODE.exec(error.response ?? '');
  if (!enhanced) return error.command === 'RCPT TO' ? 'bounce' : 'refused';
  const [subject, detail] = [Number(enhanced[2]), Number(enhanced[3])];
  const aboutTheAddress = subject === 1 || subject === 4 || (subject === 2 && detail === 1);
  return aboutTheAddress ? 'bounce' : 'refused';
}

/** The delay before attempt n+1, after n attempts: doubling, capped, and spread by ±25%. */
export function retryDelay(attempts: number, baseMs: number, maxMs: number, random: () => number = Math.random): number {
  const delay = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempts - 1));
  return Math.round(delay * (0.75 + random() * 0.5));
}

function describe(error: SmtpError): string {
  return (error.response ?? `${error.code ? `${error.code}: ` : ''}${error.message}`).slice(0, 1000);
}

export function createMailWorker(options: MailWorkerOptions): MailWorker {
  const { transport, logger, clock } = options;
  const owner = options.owner ?? `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
  const leaseMs = options.leaseMs ?? 60_000;
  const baseBackoffMs = options.baseBackoffMs ?? 30_000;
  const maxBackoffMs = options.maxBackoffMs ?? 60 * 60_000;
  const maxAttempts = options.maxAttempts ?? 8;
  const idle = options.idlePollMs ?? { min: 100, max: 2_000 };
  const rate = createSendRate(options.ratePerSecond);
  let stopping = false;
  let loops: Promise<void>[] = [];
  const wakers = new Set<() => void>();

  const now = () => clock.now();

  /**
   * Keeps the lease on a claimed message until `stop` is called: renewed every third of it, from
   * the claim on, so the hooks and the wait for the send rate are covered as well as the send.
   * A renewal that finds the lease gone sets `lost`, and the message is then not handed to SMTP.
   */
  function holdLease(mail: ClaimedMail): { readonly lost: boolean; stop(): void } {
    const state = { lost: false };
    const stop = renewEveryThird(leaseMs, () => renewLease(mail.id, owner, new Date(now().getTime() + leaseMs)), {
      lost: () => (state.lost = true),
      failed: (error) => logger.warn({ err: error, mailId: mail.id }, 'could not renew a mail lease'),
    });
    return {
      get lost() {
        return state.lost;
      },
      stop,
    };
  }

  /** Hands the message to SMTP once the rate allows it: the server's answer, or null when the lease was lost meanwhile. */
  async function transmit(mail: ClaimedMail, lease: { readonly lost: boolean }): Promise<string | null> {
    await rate.take();
    if (lease.lost) return null;
    const info = await transport.sendMail({
      messageId: mail.messageId,
      from: mail.from,
      to: mail.to,
      ...(mail.replyTo ? { replyTo: mail.replyTo } : {}),
      subject: mail.subject,
      text: mail.text,
      html: mail.html,
      headers: mail.headers,
    });
    return info.response;
  }

  async function deliver(mail: ClaimedMail): Promise<SendOutcome> {
    const lease = holdLease(mail);
    try {
      return await deliverHeld(mail, lease);
    } finally {
      lease.stop();
    }
  }

  async function deliverHeld(mail: ClaimedMail, lease: { readonly lost: boolean }): Promise<SendOutcome> {
    // Past its last attempt only when its workers kept dying while holding it (a temporary
    // failure fails it at the last attempt): a message that kills every worker that takes it
    // would otherwise be taken first after each restart, for ever, holding up the whole outbox.
    if (mail.attempts > maxAttempts) {
      const reason = `its worker stopped while holding it (${mail.attempts - 1} times): it may have reached the server`;
      logger.error({ mailId: mail.id, attempts: mail.attempts }, 'mail failed: its workers kept dying while sending it');
      return (await markFailed(mail.id, owner, now(), reason)) ? 'failed' : 'lease_lost';
    }
    let response: string | null;
    try {
      if ((await decideBeforeSend(mail)) === 'cancel') {
        return (await markCancelled(mail.id, owner, now())) ? 'cancelled' : 'lease_lost';
      }
      response = await transmit(mail, lease);
    } catch (error) {
      return recordFailure(mail, error as SmtpError);
    }
    if (response === null) {
      logger.warn({ mailId: mail.id }, 'a mail lease ran out before its send: left to the worker that holds it now');
      return 'lease_lost';
    }
    // Outside the try on purpose: the server has the message, so a failure to record it must not
    // be taken for a failed send and queue it again. The message stays `sending` until its lease
    // runs out: the one window that can duplicate (docs/mail.md).
    if (await markSent(mail.id, owner, now(), response)) {
      await announceSent(mail, logger);
      return 'sent';
    }
    logger.warn({ mailId: mail.id, messageId: mail.messageId }, 'a message was sent after its lease ran out: another worker may send it again');
    return 'lease_lost';
  }

  async function recordFailure(mail: ClaimedMail, error: SmtpError): Promise<SendOutcome> {
    const reason = describe(error);
    const verdict = classifySendFailure(error);
    if (verdict === 'bounce') {
      if (!(await markBounced(mail.id, owner, now(), reason))) return 'lease_lost';
      logger.warn({ mailId: mail.id, to: mail.to.address, reason }, 'mail bounced');
      await announceBounce(mail, reason, logger);
      return 'bounced';
    }
    if (verdict === 'refused') {
      logger.error({ mailId: mail.id, command: error.command, reason }, 'the receiving server refuses this message for good, not its address (policy, content, size): failed, the member is not marked');
      return (await markFailed(mail.id, owner, now(), reason)) ? 'failed' : 'lease_lost';
    }
    if (mail.attempts >= maxAttempts) {
      logger.error({ mailId: mail.id, attempts: mail.attempts, reason }, 'mail failed: too many temporary failures');
      return (await markFailed(mail.id, owner, now(), reason)) ? 'failed' : 'lease_lost';
    }
    if (error.responseCode !== undefined && error.responseCode >= 500) {
      logger.error({ mailId: mail.id, command: error.command, reason }, 'the SMTP server refuses our session (credentials, sender): check SMTP_URL and MAIL_FROM');
    }
    const nextAttemptAt = new Date(now().getTime() + retryDelay(mail.attempts, baseBackoffMs, maxBackoffMs));
    logger.info({ mailId: mail.id, attempts: mail.attempts, nextAttemptAt, reason }, 'mail not sent yet: will retry');
    return (await rescheduleMail(mail.id, owner, nextAttemptAt, reason)) ? 'retrying' : 'lease_lost';
  }

  async function sendNext(): Promise<SendOutcome | null> {
    const mail = await claimNextMail(owner, now(), leaseMs);
    return mail ? deliver(mail) : null;
  }

  /** Waits up to `ms`, less when mail is queued in this process or the worker stops. */
  function pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        wakers.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      wakers.add(wake);
    });
  }

  async function loop(): Promise<void> {
    let idleMs = idle.min;
    while (!stopping) {
      let outcome: SendOutcome | null = null;
      try {
        outcome = await sendNext();
      } catch (error) {
        // The database is unreachable: the outbox is still there; try again after a pause.
        logger.error({ err: error }, 'the mail worker could not read the outbox');
      }
      if (outcome) {
        idleMs = idle.min;
        continue;
      }
      if (stopping) break;
      await pause(idleMs);
      idleMs = Math.min(idle.max, idleMs * 2);
    }
  }

  let stopListening: (() => void) | undefined;
  return {
    owner,
    sendNext,
    start() {
      if (loops.length > 0) return;
      stopping = false;
      stopListening = onMailQueued(() => {
        for (const wake of [...wakers]) wake();
      });
      loops = Array.from({ length: options.concurrency ?? 1 }, () => loop());
    },
    async stop() {
      stopping = true;
      stopListening?.();
      for (const wake of [...wakers]) wake();
      await Promise.all(loops);
      loops = [];
    },
  };
}
