// The mail the local catcher received, newest first, for the console's outbox page.
import { Types } from 'mongoose';
import { NotFoundError } from '../lib/errors';
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

/** Keeps one received message. */
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
