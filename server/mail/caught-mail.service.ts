// The mail the local catcher received, newest first, for the console's outbox page.
import { Types } from 'mongoose';
import { NotFoundError } from '../lib/errors';
import { systemClock } from '../lib/clock';
import { CaughtMailModel } from './caught-mail.model';
import type { ReceivedMail } from './smtp-receiver';

export interface CaughtMailSummary {
  id: string;
  messageId: string;
  from: string;
  to: string[];
  subject: string;
  size: number;
  receivedAt: Date;
}

export interface CaughtMail extends CaughtMailSummary {
  text: string;
  html: string;
  headers: Record<string, string>;
}

/** How long a caught message is kept: long enough to look at a first run's mail, not for ever. */
const CAUGHT_MAIL_LIFETIME_MS = 30 * 24 * 60 * 60 * 1000;

/** Keeps one received message, until the store purges it (CAUGHT_MAIL_LIFETIME_MS on the wall clock). */
export async function keepCaughtMail(mail: ReceivedMail): Promise<void> {
  await CaughtMailModel.create({
    messageId: mail.messageId,
    from: mail.fromName ? `${mail.fromName} <${mail.from}>` : mail.from,
    to: mail.to ? mail.to.split(', ') : mail.envelopeTo,
    subject: mail.subject,
    text: mail.text,
    html: mail.html,
    headers: Object.fromEntries(mail.headers),
    size: mail.size,
    receivedAt: mail.receivedAt,
    // The wall clock, not the app's: the store's TTL monitor compares purgeAt with the wall clock,
    // so an app on a test clock years back would see its mail purged at once.
    purgeAt: new Date(systemClock.now().getTime() + CAUGHT_MAIL_LIFETIME_MS),
  });
}

type CaughtLean = { _id: Types.ObjectId; messageId: string; from: string; to: string[]; subject?: string | null; size: number; receivedAt: Date };

function summaryOf(document: CaughtLean): CaughtMailSummary {
  return { id: String(document._id), messageId: document.messageId, from: document.from, to: document.to, subject: document.subject ?? '', size: document.size, receivedAt: document.receivedAt };
}

/**
 * The newest caught messages, at most `limit`; `before` (a message's id) lists those caught
 * before it, the next page.
 */
export async function listCaughtMail({ limit, before }: { limit: number; before?: string }): Promise<CaughtMailSummary[]> {
  const filter = before && Types.ObjectId.isValid(before) ? { _id: { $lt: new Types.ObjectId(before) } } : {};
  const documents = await CaughtMailModel.find(filter, { text: 0, html: 0, headers: 0 }).sort({ _id: -1 }).limit(limit).lean<CaughtLean[]>();
  return documents.map(summaryOf);
}

/** One caught message whole; NotFoundError when there is none with that id. */
export async function findCaughtMail(id: string): Promise<CaughtMail> {
  const document = Types.ObjectId.isValid(id) ? await CaughtMailModel.findById(id).lean<CaughtLean & { text?: string; html?: string; headers?: Record<string, string> }>() : null;
  if (!document) throw new NotFoundError('No caught message has this id', 'caught_mail_not_found');
  return { ...summaryOf(document), text: document.text ?? '', html: document.html ?? '', headers: { ...document.headers } };
}
