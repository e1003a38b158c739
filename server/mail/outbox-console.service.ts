// What the admins' outbox page reads: counts by status and purpose, one page of messages newest
// first, one message whole; and its one action, queueing failed messages again. Sending is the
// worker's (mail-worker.ts); queueing is outbox.service's. The page is for admins only: its
// messages hold one-time password links and respondents' personal links.
import { Types } from 'mongoose';
import { NotFoundError } from '../lib/errors';
import type { Logger } from '../lib/logger';
import { recordAudit, type AuditActor } from '../audit/audit.service';
import { OutboxModel } from './outbox.model';
import { MAIL_PURPOSES } from './mail-hooks';
import { MAIL_STATUSES, type MailPurpose, type MailStatus } from './outbox.service';

const OUTBOX_PAGE_SIZE = 50;

export interface OutboxFilter {
  status?: MailStatus;
  purpose?: MailPurpose;
  surveyId?: string;
}

/** A message as the list shows it: no bodies. */
export interface OutboxSummary {
  id: string;
  purpose: MailPurpose;
  status: MailStatus;
  to: { address: string; name?: string };
  subject: string;
  surveyId?: string;
  waveId?: string;
  attempts: number;
  createdAt: Date;
  nextAttemptAt: Date;
  sentAt?: Date;
  lastError?: string;
}

/** A message whole, as the detail page and the API show it. */
export interface OutboxMessage extends OutboxSummary {
  key: string;
  messageId: string;
  from: { address: string; name?: string };
  replyTo?: string;
  headers: Record<string, string>;
  text: string;
  html: string;
  about: Record<string, string>;
  leaseOwner?: string;
  leaseUntil?: Date;
  smtpResponse?: string;
  finishedAt?: Date;
  updatedAt?: Date;
}

/** Counts by purpose, then status; every purpose and status is present, zero or not. */
export type OutboxCounts = Record<MailPurpose, Record<MailStatus, number>>;

export interface OutboxPage {
  counts: OutboxCounts;
  messages: OutboxSummary[];
  /** 1-based. */
  page: number;
  pages: number;
  /** Messages matching the whole filter. */
  total: number;
}

type StoredMessage = {
  _id: Types.ObjectId;
  key: string;
  messageId: string;
  purpose: string;
  status: string;
  to: { address: string; name?: string | null };
  from: { address: string; name?: string | null };
  replyTo?: string | null;
  subject: string;
  text: string;
  html: string;
  headers?: Record<string, string> | null;
  about?: Record<string, string | null | undefined> | null;
  attempts: number;
  nextAttemptAt: Date;
  leaseOwner?: string | null;
  leaseUntil?: Date | null;
  lastError?: string | null;
  smtpResponse?: string | null;
  sentAt?: Date | null;
  finishedAt?: Date | null;
  createdAt: Date;
  updatedAt?: Date;
};

/** `{ name: value }` when the value was stored, else nothing: lean documents say null for what was never set. */
function present<Name extends string, Value>(name: Name, value: Value | null | undefined): { [key in Name]?: Value } {
  return value === null || value === undefined || value === '' ? {} : ({ [name]: value } as { [key in Name]: Value });
}

function nameAndAddress(party: { address: string; name?: string | null }): { address: string; name?: string } {
  return { address: party.address, ...present('name', party.name) };
}

function toSummary(stored: StoredMessage): OutboxSummary {
  return {
    id: String(stored._id),
    purpose: stored.purpose as MailPurpose,
    status: stored.status as MailStatus,
    to: nameAndAddress(stored.to),
    subject: stored.subject,
    ...present('surveyId', stored.about?.surveyId),
    ...present('waveId', stored.about?.waveId),
    attempts: stored.attempts,
    createdAt: stored.createdAt,
    nextAttemptAt: stored.nextAttemptAt,
    ...present('sentAt', stored.sentAt),
    ...present('lastError', stored.lastError),
  };
}

function toMessage(stored: StoredMessage): OutboxMessage {
  const about = Object.entries(stored.about ?? {}).filter((entry): entry is [string, string] => typeof entry[1] === 'string' && entry[1] !== '');
  return {
    ...toSummary(stored),
    key: stored.key,
    messageId: stored.messageId,
    from: nameAndAddress(stored.from),
    ...present('replyTo', stored.replyTo),
    headers: { ...(stored.headers ?? {}) },
    text: stored.text,
    html: stored.html,
    about: Object.fromEntries(about),
    ...present('leaseOwner', stored.leaseOwner),
    ...present('leaseUntil', stored.leaseUntil),
    ...present('smtpResponse', stored.smtpResponse),
    ...present('finishedAt', stored.finishedAt),
    ...present('updatedAt', stored.updatedAt),
  };
}

function conditionsOf(filter: OutboxFilter): Record<string, string> {
  return { ...present('status', filter.status), ...present('purpose', filter.purpose), ...present('about.surveyId', filter.surveyId) };
}

function emptyCounts(): OutboxCounts {
  const byStatus = () => Object.fromEntries(MAIL_STATUSES.map((status) => [status, 0])) as Record<MailStatus, number>;
  return Object.fromEntries(MAIL_PURPOSES.map((purpose) => [purpose, byStatus()])) as OutboxCounts;
}

/**
 * Counts by purpose and status over the survey filter only: the table is the overview that the
 * status and purpose filters pick from, so it must not shrink to the one cell picked.
 */
export async function countOutbox(filter: Pick<OutboxFilter, 'surveyId'>): Promise<OutboxCounts> {
  const groups = await OutboxModel.aggregate<{ _id: { purpose: string; status: string }; count: number }>([
    { $match: conditionsOf({ ...(filter.surveyId ? { surveyId: filter.surveyId } : {}) }) },
    { $group: { _id: { purpose: '$purpose', status: '$status' }, count: { $sum: 1 } } },
  ]);
  const counts = emptyCounts();
  for (const { _id, count } of groups) {
    const row = counts[_id.purpose as MailPurpose];
    if (row && _id.status in row) row[_id.status as MailStatus] = count;
  }
  return counts;
}

/** The messages the whole filter matches, summed from the table's cells (it covers every purpose and status). */
function countedTotal(counts: OutboxCounts, { status, purpose }: OutboxFilter): number {
  const purposes: readonly MailPurpose[] = purpose ? [purpose] : MAIL_PURPOSES;
  const statuses: readonly MailStatus[] = status ? [status] : MAIL_STATUSES;
  let total = 0;
  for (const p of purposes) for (const s of statuses) total += counts[p][s];
  return total;
}

/** One page of the filtered messages, newest first; a page past the end is the last one. */
export async function readOutboxPage(filter: OutboxFilter, requestedPage: number): Promise<OutboxPage> {
  const conditions = conditionsOf(filter);
  const counts = await countOutbox(filter);
  const total = countedTotal(counts, filter);
  const pages = Math.max(1, Math.ceil(total / OUTBOX_PAGE_SIZE));
  const page = Math.min(Math.max(1, Math.floor(requestedPage)), pages);
  const stored = await OutboxModel.find(conditions, { text: 0, html: 0, headers: 0 })
    .sort({ createdAt: -1, _id: -1 })
    .skip((page - 1) * OUTBOX_PAGE_SIZE)
    .limit(OUTBOX_PAGE_SIZE)
    .lean<StoredMessage[]>();
  return { counts, messages: stored.map(toSummary), page, pages, total };
}

const noSuchMessage = () => new NotFoundError('No such message in the outbox', 'outbox_message_not_found');

export async function findOutboxMessage(id: string): Promise<OutboxMessage> {
  if (!Types.ObjectId.isValid(id)) throw noSuchMessage();
  const stored = await OutboxModel.findById(id).lean<StoredMessage>();
  if (!stored) throw noSuchMessage();
  return toMessage(stored);
}

/**
 * Failed messages (their attempts ran out) go back to the queue, due now and with their attempts
 * counted from zero again, so the worker gives each its full set of retries. Bounced messages stay
 * bounced: the receiving server refused the address for good. Each keeps its key and Message-ID.
 */
export async function retryFailedMessages(
  filter: Pick<OutboxFilter, 'purpose' | 'surveyId'>,
  actor: AuditActor,
  now: Date,
  logger: Logger,
): Promise<{ retried: number }> {
  const { modifiedCount } = await OutboxModel.updateMany(
    conditionsOf({ ...filter, status: 'failed' }),
    { $set: { status: 'queued', nextAttemptAt: now, attempts: 0 }, $unset: { leaseOwner: 1, leaseUntil: 1, finishedAt: 1 } },
  );
  await recordAudit({ ...actor, action: 'mail_retried', ...(filter.surveyId ? { surveyId: filter.surveyId } : {}), details: { count: modifiedCount, ...filter } }, logger);
  return { retried: modifiedCount };
}
