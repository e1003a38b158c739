// Queues mail. Every message the app sends is written here first, under an idempotency key, and
// only the worker (mail-worker.ts) hands it to SMTP: a request that queues mail never waits for a
// mail server, and a message once queued survives a crash, a restart or an SMTP outage.
import { EventEmitter } from 'node:events';
import { MongoBulkWriteError } from 'mongodb';
import { isDuplicateKey } from '../lib/duplicate-key';
import { OutboxModel } from './outbox.model';
import { assertHeaders, assertOneLine, checkedAddress, messageIdFor, parseMailbox, type MailAddress } from './mail-address';
import type { MailAbout, MailPurpose } from './mail-hooks';

export type { MailAbout, MailPurpose } from './mail-hooks';

export interface OutgoingMail {
  /** The idempotency key, e.g. `invitation:${invitationId}`: the same key twice queues one message. */
  key: string;
  purpose: MailPurpose;
  to: MailAddress;
  subject: string;
  text: string;
  html: string;
  /** List-Unsubscribe, List-Unsubscribe-Post. */
  headers?: Record<string, string>;
  replyTo?: string;
  about?: MailAbout;
  /** Not sent before (quiet hours). */
  notBefore?: Date;
}

export interface MailSender {
  /** config.MAIL_FROM: "Name <address>". */
  from: string;
}

export const MAIL_STATUSES = ['queued', 'sending', 'sent', 'failed', 'bounced', 'cancelled'] as const;
export type MailStatus = (typeof MAIL_STATUSES)[number];

// The worker in this process sleeps when the outbox is empty; a message queued here wakes it at
// once instead of at its next poll. Another process's worker finds it at its next poll.
const queuedSignal = new EventEmitter();

/** Calls `listener` whenever this process queues mail; returns the way to stop listening. */
export function onMailQueued(listener: () => void): () => void {
  queuedSignal.on('queued', listener);
  return () => queuedSignal.off('queued', listener);
}

function senderMailbox(sender: MailSender): MailAddress {
  return parseMailbox(sender.from, 'the sender (MAIL_FROM)');
}

/** The document to store, after every check: throws before anything is written. */
function outboxDocument(mail: OutgoingMail, from: MailAddress, now: Date) {
  if (!mail.key.trim()) throw new Error('an outgoing mail needs an idempotency key');
  assertOneLine(mail.subject, 'the subject');
  assertOneLine(mail.to.name, "the recipient's name");
  const to: MailAddress = { address: checkedAddress(mail.to.address, "the recipient's address"), ...(mail.to.name ? { name: mail.to.name } : {}) };
  const replyTo = mail.replyTo === undefined ? undefined : parseMailbox(mail.replyTo, 'the reply-to address');
  assertHeaders(mail.headers);
  return {
    key: mail.key,
    messageId: messageIdFor(mail.key, from.address),
    purpose: mail.purpose,
    to,
    from,
    ...(replyTo ? { replyTo: replyTo.name ? `${replyTo.name} <${replyTo.address}>` : replyTo.address } : {}),
    subject: mail.subject,
    text: mail.text,
    html: mail.html,
    headers: { ...mail.headers },
    about: { ...mail.about },
    status: 'queued' as const,
    nextAttemptAt: mail.notBefore && mail.notBefore > now ? mail.notBefore : now,
    attempts: 0,
    createdAt: now,
    updatedAt: now,
  };
}

/** Queues one message; the same key twice queues it once (`queued: false`, the first one's id). */
export async function enqueueMail(mail: OutgoingMail, sender: MailSender, now: Date): Promise<{ id: string; queued: boolean }> {
  const document = outboxDocument(mail, senderMailbox(sender), now);
  try {
    const created = await OutboxModel.create(document);
    queuedSignal.emit('queued');
    return { id: created.id as string, queued: true };
  } catch (error) {
    if (!isDuplicateKey(error)) throw error;
    const existing = await OutboxModel.findOne({ key: mail.key }, { _id: 1 }).lean();
    if (!existing) throw error;
    return { id: String(existing._id), queued: false };
  }
}

/**
 * Queues many at once (a wave's invitations). Every message is checked before any is written, so
 * one bad address or subject stores none; keys already queued are skipped and counted.
 */
export async function enqueueMails(mails: OutgoingMail[], sender: MailSender, now: Date): Promise<{ queued: number; alreadyQueued: number }> {
  const from = senderMailbox(sender);
  const documents = mails.map((mail) => outboxDocument(mail, from, now));
  if (documents.length === 0) return { queued: 0, alreadyQueued: 0 };
  let queued: number;
  try {
    // The driver's unordered insert: one round trip per batch, and a key already queued fails
    // alone without stopping the others.
    queued = (await OutboxModel.collection.insertMany(documents, { ordered: false })).insertedCount;
  } catch (error) {
    if (!(error instanceof MongoBulkWriteError)) throw error;
    const writeErrors = Array.isArray(error.writeErrors) ? error.writeErrors : [error.writeErrors];
    if (writeErrors.some((writeError) => !isDuplicateKey(writeError))) throw error;
    queued = error.insertedCount;
  }
  if (queued > 0) queuedSignal.emit('queued');
  return { queued, alreadyQueued: documents.length - queued };
}

/** A filter on the `about` fields that are given. */
function aboutFilter(about: MailAbout): Record<string, string> {
  return Object.fromEntries(Object.entries(about).filter(([, value]) => value !== undefined).map(([field, value]) => [`about.${field}`, value as string]));
}

/** How many messages about something are in each state (a wave's invitations, say). */
export async function outboxCounts(about: MailAbout, purpose?: MailPurpose): Promise<Record<MailStatus, number>> {
  const rows = await OutboxModel.aggregate<{ _id: MailStatus; count: number }>([
    { $match: { ...aboutFilter(about), ...(purpose ? { purpose } : {}) } },
    { $group: { _id: '$status', count: { $sum: 1 } } },
  ]);
  const counts = Object.fromEntries(MAIL_STATUSES.map((status) => [status, 0])) as Record<MailStatus, number>;
  for (const row of rows) counts[row._id] = row.count;
  return counts;
}

/** A message as a panel member's history lists it: what it was, where it went, no bodies. */
export interface MessageSummary {
  id: string;
  purpose: string;
  status: string;
  subject: string;
  waveId?: string;
  createdAt?: Date;
  sentAt?: Date;
  finishedAt?: Date;
  lastError?: string;
}

/** The messages about something, oldest first (a member's: about.surveyId and about.memberId). */
export async function messagesAbout(about: MailAbout): Promise<MessageSummary[]> {
  const docs = await OutboxModel.find(aboutFilter(about), { text: 0, html: 0, headers: 0 }).sort({ createdAt: 1 }).lean();
  return docs.map((doc) => ({
    id: String(doc._id),
    purpose: doc.purpose,
    status: doc.status,
    subject: doc.subject,
    ...(doc.about?.waveId ? { waveId: doc.about.waveId } : {}),
    ...(doc.createdAt ? { createdAt: doc.createdAt } : {}),
    ...(doc.sentAt ? { sentAt: doc.sentAt } : {}),
    ...(doc.finishedAt ? { finishedAt: doc.finishedAt } : {}),
    ...(doc.lastError ? { lastError: doc.lastError } : {}),
  }));
}
