// Records and reads the audit trail. Recording never fails the action it records: the action has
// happened, and a lost audit line is logged as an error instead.
import { Types } from 'mongoose';
import type { Logger } from '../lib/logger';
import { AuditEventModel } from './audit.model';

export const AUDIT_ACTIONS = [
  'sign_in',
  'sign_in_failed',
  'sign_out',
  'sign_out_everywhere',
  'first_admin_created',
  'password_set',
  'password_changed',
  'account_created',
  'account_changed',
  'account_disabled',
  'account_enabled',
  'password_link_issued',
  'token_created',
  'token_revoked',
  'responses_exported',
  'weighting_changed',
  'weighting_removed',
  'wave_created',
  'wave_changed',
  'wave_scheduled',
  'wave_opened',
  'wave_closed',
  'version_uploaded',
  'change_marked_editorial',
  'response_voided',
  'response_erased',
  'test_responses_deleted',
  'quota_changed',
  'responses_imported',
  'panel_created',
  'panel_imported',
  'panel_member_changed',
  'invitations_sent',
  'member_unsubscribed',
  'mail_retried',
  'password_link_mailed',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export interface AuditActor {
  actorId?: Types.ObjectId | string;
  actorEmail?: string;
  via: 'session' | 'token' | 'cli' | 'anonymous';
  ip?: string;
}

export interface AuditEvent extends AuditActor {
  action: AuditAction;
  surveyId?: string;
  target?: string;
  details?: Record<string, unknown>;
}

export interface StoredAuditEvent extends AuditEvent {
  id: string;
  at: Date;
}

export async function recordAudit(event: AuditEvent, logger: Logger): Promise<void> {
  try {
    await AuditEventModel.create({ ...event, at: new Date() });
  } catch (error) {
    logger.error({ err: error, audit: event }, 'audit event not recorded');
  }
}

export interface AuditFilter {
  action?: AuditAction;
  actorEmail?: string;
  surveyId?: string;
  from?: Date;
  to?: Date;
  /** Where the previous page ended (its `next`): this page holds the events after it. */
  after?: AuditCursor;
}

/** A place in the trail, newest first: events at the same millisecond are told apart by id. */
export interface AuditCursor {
  at: Date;
  id: string;
}

/** The cursor as it travels in a link: `<ISO time>_<id>`. */
export function formatAuditCursor(cursor: AuditCursor): string {
  return `${cursor.at.toISOString()}_${cursor.id}`;
}

export function parseAuditCursor(text: string): AuditCursor | undefined {
  const match = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z)_([0-9a-f]{24})$/.exec(text);
  if (!match) return undefined;
  const at = new Date(match[1]!);
  return Number.isNaN(at.getTime()) ? undefined : { at, id: match[2]! };
}

export interface AuditPage {
  events: StoredAuditEvent[];
  /** Set when older events remain. */
  next?: AuditCursor;
}

/** One page of events, newest first, in a stable order (time, then id) so no page skips or repeats one. */
export async function readAuditPage(filter: AuditFilter, size: number): Promise<AuditPage> {
  const at: Record<string, Date> = {};
  if (filter.from) at.$gte = filter.from;
  if (filter.to) at.$lt = filter.to;
  const conditions: Array<Record<string, unknown>> = [];
  if (filter.action) conditions.push({ action: filter.action });
  if (filter.actorEmail) conditions.push({ actorEmail: filter.actorEmail });
  if (filter.surveyId) conditions.push({ surveyId: filter.surveyId });
  if (Object.keys(at).length) conditions.push({ at });
  if (filter.after) {
    const id = new Types.ObjectId(filter.after.id);
    conditions.push({ $or: [{ at: { $lt: filter.after.at } }, { at: filter.after.at, _id: { $lt: id } }] });
  }
  const read = await AuditEventModel.find(conditions.length ? { $and: conditions } : {})
    .sort({ at: -1, _id: -1 })
    .limit(size + 1)
    .lean();
  const events = read.slice(0, size).map(({ _id, ...event }) => ({ ...(event as unknown as AuditEvent & { at: Date }), id: String(_id) }));
  const last = events.at(-1);
  return read.length > size && last ? { events, next: { at: last.at, id: last.id } } : { events };
}
