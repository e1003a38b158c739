// The worker's side of the outbox: claiming one due message under a lease, and recording what
// SMTP answered. Every write after the claim is conditional on the lease still being this
// worker's, so a worker that stalled past its lease never overwrites what another one recorded.
import { Types } from 'mongoose';
import { OutboxModel } from './outbox.model';
import type { MailAddress } from './mail-address';
import type { QueuedMail } from './mail-hooks';
import type { MailPurpose, MailStatus } from './outbox.service';

/** A message this worker holds, with what it takes to send it. */
export interface ClaimedMail extends QueuedMail {
  messageId: string;
  from: MailAddress;
  replyTo?: string;
  subject: string;
  text: string;
  html: string;
  headers: Record<string, string>;
  /** Counting this one. */
  attempts: number;
}

type OutboxLean = {
  _id: unknown;
  key: string;
  messageId: string;
  purpose: MailPurpose;
  to: MailAddress;
  from: MailAddress;
  replyTo?: string | null;
  subject: string;
  text: string;
  html: string;
  headers?: Record<string, string>;
  about?: Record<string, string | null | undefined>;
  attempts: number;
};

function claimedMail(document: OutboxLean): ClaimedMail {
  const about = Object.fromEntries(Object.entries(document.about ?? {}).filter(([, value]) => typeof value === 'string'));
  return {
    id: String(document._id),
    key: document.key,
    purpose: document.purpose,
    messageId: document.messageId,
    to: { address: document.to.address, ...(document.to.name ? { name: document.to.name } : {}) },
    from: { address: document.from.address, ...(document.from.name ? { name: document.from.name } : {}) },
    ...(document.replyTo ? { replyTo: document.replyTo } : {}),
    subject: document.subject,
    text: document.text,
    html: document.html,
    headers: { ...document.headers },
    about,
    attempts: document.attempts,
  };
}

/**
 * Takes the next message to send, if any: first one whose lease expired (its worker died mid-send,
 * so it may have reached the server: it goes again with the same Message-ID), then the oldest due
 * queued one. The claim is one atomic findOneAndUpdate, so two workers never hold the same message.
 */
export async function claimNextMail(owner: string, now: Date, leaseMs: number): Promise<ClaimedMail | null> {
  const lease = { $set: { status: 'sending', leaseOwner: owner, leaseUntil: new Date(now.getTime() + leaseMs) }, $inc: { attempts: 1 } };
  const abandoned = await OutboxModel.findOneAndUpdate({ status: 'sending', leaseUntil: { $lt: now } }, lease, { sort: { leaseUntil: 1 }, returnDocument: 'after' }).lean<OutboxLean>();
  if (abandoned) return claimedMail(abandoned);
  const due = await OutboxModel.findOneAndUpdate({ status: 'queued', nextAttemptAt: { $lte: now } }, lease, { sort: { nextAttemptAt: 1 }, returnDocument: 'after' }).lean<OutboxLean>();
  return due ? claimedMail(due) : null;
}

function held(id: string, owner: string) {
  return { _id: new Types.ObjectId(id), status: 'sending' as const, leaseOwner: owner };
}

const RELEASE = { leaseOwner: 1, leaseUntil: 1 } as const;

/** Keeps the lease while a slow send goes on; false when it was lost. */
export async function renewLease(id: string, owner: string, until: Date): Promise<boolean> {
  return (await OutboxModel.updateOne(held(id, owner), { $set: { leaseUntil: until } })).modifiedCount === 1;
}

/** Ends a held message in `status`; false when this worker no longer held it. */
async function finish(id: string, owner: string, status: MailStatus, now: Date, fields: Record<string, unknown>): Promise<boolean> {
  const result = await OutboxModel.updateOne(held(id, owner), { $set: { status, finishedAt: now, ...fields }, $unset: RELEASE });
  return result.modifiedCount === 1;
}

export function markSent(id: string, owner: string, now: Date, smtpResponse: string): Promise<boolean> {
  return finish(id, owner, 'sent', now, { sentAt: now, sentBy: owner, smtpResponse });
}

export function markBounced(id: string, owner: string, now: Date, smtpResponse: string): Promise<boolean> {
  return finish(id, owner, 'bounced', now, { smtpResponse, lastError: smtpResponse });
}

export function markFailed(id: string, owner: string, now: Date, error: string): Promise<boolean> {
  return finish(id, owner, 'failed', now, { lastError: error });
}

export function markCancelled(id: string, owner: string, now: Date): Promise<boolean> {
  return finish(id, owner, 'cancelled', now, {});
}

/** A temporary failure: queued again, due at `nextAttemptAt`. */
export async function rescheduleMail(id: string, owner: string, nextAttemptAt: Date, error: string): Promise<boolean> {
  const result = await OutboxModel.updateOne(held(id, owner), { $set: { status: 'queued', nextAttemptAt, lastError: error }, $unset: RELEASE });
  return result.modifiedCount === 1;
}
