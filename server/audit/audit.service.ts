// Records and reads the audit trail. Recording never fails the action it records: the action has
// happened, and a lost audit line is logged as an error instead.
import type { Types } from 'mongoose';
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
  /** Events strictly older than this one's time: the next page. */
  before?: Date;
  limit: number;
}

/** Newest first. */
export async function listAudit(filter: AuditFilter): Promise<StoredAuditEvent[]> {
  const at: Record<string, Date> = {};
  if (filter.from) at.$gte = filter.from;
  if (filter.to) at.$lt = filter.to;
  if (filter.before && (!at.$lt || filter.before < at.$lt)) at.$lt = filter.before;
  const query = {
    ...(filter.action ? { action: filter.action } : {}),
    ...(filter.actorEmail ? { actorEmail: filter.actorEmail } : {}),
    ...(filter.surveyId ? { surveyId: filter.surveyId } : {}),
    ...(Object.keys(at).length ? { at } : {}),
  };
  const events = await AuditEventModel.find(query).sort({ at: -1 }).limit(filter.limit).lean();
  return events.map(({ _id, ...event }) => ({ ...(event as unknown as AuditEvent & { at: Date }), id: String(_id) }));
}
