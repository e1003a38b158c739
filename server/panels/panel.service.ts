// A survey's panels and their members: making a panel, reading its members a page at a time,
// editing or removing one, the marks the mail and unsubscribe paths set (bounced, unsubscribed),
// and a member's history wave by wave. Importing members is panel-import.service.ts.
import { isValidObjectId, Types } from 'mongoose';
import { isDuplicateKey } from '../lib/duplicate-key';
import { ConflictError, NotFoundError, UnprocessableError } from '../lib/errors';
import type { Logger } from '../lib/logger';
import { recordAudit, type AuditActor } from '../audit/audit.service';
import { checkedAddress } from '../mail/mail-address';
import { PanelMemberModel, PanelModel } from './panel.model';
import { escapeRegExp } from '../lib/escape-reg-exp';

const PANEL_ID_PATTERN = /^[a-z0-9][a-z0-9_-]*$/;
const MEMBERS_PAGE_SIZE = 50;

export interface Panel {
  surveyId: string;
  panelId: string;
  name: string;
  createdBy?: string;
  createdAt?: Date;
}

export interface PanelSummary extends Panel {
  members: number;
  /** Members still mailed: neither unsubscribed nor bounced. */
  active: number;
}

export type MemberStatus = 'active' | 'unsubscribed' | 'bounced';

export interface PanelMember {
  id: string;
  surveyId: string;
  panelId: string;
  email: string;
  name?: string;
  language?: string;
  /** The design weight their responses start with (docs/design-weights.md); absent means 1. */
  weight?: number;
  attributes: Record<string, string>;
  unsubscribedAt?: Date;
  bouncedAt?: Date;
  bounceReason?: string;
  status: MemberStatus;
}

/** How a typed email is compared: "Ana@X.fr " and "ana@x.fr" are one member. */
export function emailKeyOf(email: string): string {
  return email.trim().toLowerCase();
}

/**
 * An address the outbox will take, by the outbox's own check: a member the outbox would refuse
 * would make every send of the batch holding them fail (enqueueMails stores none of a batch with
 * one bad address).
 */
export function isValidEmail(email: string): boolean {
  try {
    checkedAddress(email, 'the address');
    return true;
  } catch (error) {
    if (error instanceof UnprocessableError) return false;
    throw error;
  }
}

/** The languages a member may have: the survey's, and the console's (the mail exists in both). */
export function memberLanguages(surveyLanguages: readonly string[]): string[] {
  return [...new Set([...surveyLanguages, 'fr', 'en'])];
}

/** CR or LF: in a name that later goes into a mail header, they would inject headers. */
export function hasLineBreak(text: string): boolean {
  return /[\r\n]/.test(text);
}

type StoredMember = {
  _id: Types.ObjectId;
  surveyId: string;
  panelId: string;
  email: string;
  name?: string | null;
  language?: string | null;
  weight?: number | null;
  attributes?: unknown;
  unsubscribedAt?: Date | null;
  bouncedAt?: Date | null;
  bounceReason?: string | null;
};

function statusOf(member: Pick<StoredMember, 'unsubscribedAt' | 'bouncedAt'>): MemberStatus {
  if (member.unsubscribedAt) return 'unsubscribed';
  if (member.bouncedAt) return 'bounced';
  return 'active';
}

function toMember(doc: StoredMember): PanelMember {
  return {
    id: String(doc._id),
    surveyId: doc.surveyId,
    panelId: doc.panelId,
    email: doc.email,
    ...(doc.name ? { name: doc.name } : {}),
    ...(doc.language ? { language: doc.language } : {}),
    ...(typeof doc.weight === 'number' ? { weight: doc.weight } : {}),
    attributes: (doc.attributes ?? {}) as Record<string, string>,
    ...(doc.unsubscribedAt ? { unsubscribedAt: doc.unsubscribedAt } : {}),
    ...(doc.bouncedAt ? { bouncedAt: doc.bouncedAt } : {}),
    ...(doc.bounceReason ? { bounceReason: doc.bounceReason } : {}),
    status: statusOf(doc),
  };
}

function toPanel(doc: { surveyId: string; panelId: string; name: string; createdBy?: string | null; createdAt?: Date | null }): Panel {
  return {
    surveyId: doc.surveyId,
    panelId: doc.panelId,
    name: doc.name,
    ...(doc.createdBy ? { createdBy: doc.createdBy } : {}),
    ...(doc.createdAt ? { createdAt: doc.createdAt } : {}),
  };
}

// --- Panels -----------------------------------------------------------------------------------

export async function findPanel(surveyId: string, panelId: string): Promise<Panel | undefined> {
  const doc = await PanelModel.findOne({ surveyId, panelId }).lean();
  return doc ? toPanel(doc) : undefined;
}

export async function requirePanel(surveyId: string, panelId: string): Promise<Panel> {
  const panel = await findPanel(surveyId, panelId);
  if (!panel) throw new NotFoundError(`Survey ${surveyId} has no panel "${panelId}"`, 'panel_not_found');
  return panel;
}

const ACTIVE = { unsubscribedAt: { $exists: false }, bouncedAt: { $exists: false } };

const STATUS_FILTERS: Record<MemberStatus, Record<string, unknown>> = {
  active: ACTIVE,
  unsubscribed: { unsubscribedAt: { $exists: true } },
  // A member both unsubscribed and bounced counts once, as unsubscribed (their own choice).
  bounced: { bouncedAt: { $exists: true }, unsubscribedAt: { $exists: false } },
};

export interface MemberCounts {
  members: number;
  /** Still mailed: neither unsubscribed nor bounced. */
  active: number;
  unsubscribed: number;
  bounced: number;
}

/** Whether a member's date is set (the marks are dates, or absent). */
const has = (field: string) => ({ $ifNull: [`$${field}`, false] });

/**
 * One pass over the panel's members: four counts each read every member of a 100,000-member panel
 * again (1.3 to 1.6 s against 0.2 to 0.5 s on the embedded store), on every panel page.
 */
export async function countMembers(surveyId: string, panelId: string): Promise<MemberCounts> {
  const [counts] = await PanelMemberModel.aggregate<{ members: number; unsubscribed: number; bounced: number }>([
    { $match: { surveyId, panelId } },
    {
      $group: {
        _id: null,
        members: { $sum: 1 },
        unsubscribed: { $sum: { $cond: [has('unsubscribedAt'), 1, 0] } },
        bounced: { $sum: { $cond: [{ $and: [has('bouncedAt'), { $not: [has('unsubscribedAt')] }] }, 1, 0] } },
      },
    },
  ]);
  const { members = 0, unsubscribed = 0, bounced = 0 } = counts ?? {};
  return { members, active: members - unsubscribed - bounced, unsubscribed, bounced };
}

/** The survey's panels, by id, with how many members each has and how many are still mailed. */
/** A survey's panels, without their counts (a choice of panel needs no pass over the members). */
export async function listPanelNames(surveyId: string): Promise<Panel[]> {
  return (await PanelModel.find({ surveyId }).sort({ panelId: 1 }).lean()).map(toPanel);
}

export async function listPanels(surveyId: string): Promise<PanelSummary[]> {
  const panels = await PanelModel.find({ surveyId }).sort({ panelId: 1 }).lean();
  return Promise.all(
    panels.map(async (doc) => {
      const { members, active } = await countMembers(surveyId, doc.panelId);
      return { ...toPanel(doc), members, active };
    }),
  );
}

export interface NewPanel {
  panelId: string;
  name: string;
}

export async function createPanel(surveyId: string, input: NewPanel, actor: AuditActor, logger: Logger): Promise<Panel> {
  const panelId = input.panelId.trim();
  const name = input.name.trim();
  if (!PANEL_ID_PATTERN.test(panelId) || panelId.length > 64) {
    throw new UnprocessableError(`The panel id "${panelId}" is not lower-case letters, digits, - and _ (up to 64, starting with a letter or digit)`, { field: 'panelId' }, 'invalid_panel_id');
  }
  if (name === '' || name.length > 200 || hasLineBreak(name)) throw new UnprocessableError('The panel needs a name of one line, up to 200 characters', { field: 'name' }, 'invalid_panel_name');
  try {
    const doc = await PanelModel.create({ surveyId, panelId, name, ...(actor.actorEmail ? { createdBy: actor.actorEmail } : {}) });
    await recordAudit({ ...actor, action: 'panel_created', surveyId, target: panelId, details: { name } }, logger);
    return toPanel(doc.toObject());
  } catch (error) {
    if (isDuplicateKey(error)) throw new ConflictError(`Survey ${surveyId} already has a panel "${panelId}"`, 'panel_exists');
    throw error;
  }
}

// --- Members ----------------------------------------------------------------------------------

export interface MemberQuery {
  /** Part of the address, any case. */
  email?: string;
  status?: MemberStatus;
  /** The last member id of the previous page. */
  after?: string;
  limit?: number;
}

export interface MemberPage {
  members: PanelMember[];
  /** The id to ask the next page after; none on the last page. */
  next?: string;
}

/** A page of a panel's members in the order they were added (by _id, so pages never overlap). */
export async function listMembers(surveyId: string, panelId: string, query: MemberQuery = {}): Promise<MemberPage> {
  const limit = Math.min(Math.max(query.limit ?? MEMBERS_PAGE_SIZE, 1), 500);
  const filter: Record<string, unknown> = { surveyId, panelId };
  const email = query.email?.trim();
  if (email) filter.emailKey = { $regex: escapeRegExp(emailKeyOf(email)) };
  if (query.status) Object.assign(filter, STATUS_FILTERS[query.status]);
  if (query.after && isValidObjectId(query.after)) filter._id = { $gt: new Types.ObjectId(query.after) };
  const docs = await PanelMemberModel.find(filter).sort({ _id: 1 }).limit(limit + 1).lean<StoredMember[]>();
  const members = docs.slice(0, limit).map(toMember);
  return { members, ...(docs.length > limit ? { next: members[members.length - 1]!.id } : {}) };
}

async function findStoredMember(surveyId: string, panelId: string, memberId: string): Promise<StoredMember | undefined> {
  if (!isValidObjectId(memberId)) return undefined;
  const doc = await PanelMemberModel.findOne({ _id: memberId, surveyId, panelId }).lean<StoredMember>();
  return doc ?? undefined;
}

export async function requireMember(surveyId: string, panelId: string, memberId: string): Promise<PanelMember> {
  const doc = await findStoredMember(surveyId, panelId, memberId);
  if (!doc) throw new NotFoundError(`Panel ${panelId} has no member ${memberId}`, 'member_not_found');
  return toMember(doc);
}

/** A member by id alone, for the unsubscribe page and the mail hooks, which know only the id. */
export async function findMemberById(memberId: string): Promise<PanelMember | undefined> {
  if (!isValidObjectId(memberId)) return undefined;
  const doc = await PanelMemberModel.findById(memberId).lean<StoredMember>();
  return doc ? toMember(doc) : undefined;
}

/** Members by id, for a batch of invitations; a member since removed is absent. */
export async function findMembersByIds(memberIds: readonly string[]): Promise<Map<string, PanelMember>> {
  const docs = await PanelMemberModel.find({ _id: { $in: memberIds.filter((id) => isValidObjectId(id)) } }).lean<StoredMember[]>();
  return new Map(docs.map((doc) => [String(doc._id), toMember(doc)]));
}

/** The ids of a panel's active members, a batch at a time along _id: a send never holds the whole panel. */
export async function* activeMemberIdBatches(surveyId: string, panelId: string, size: number): AsyncGenerator<string[]> {
  let after: Types.ObjectId | undefined;
  for (;;) {
    const batch = await PanelMemberModel.find({ surveyId, panelId, ...ACTIVE, ...(after ? { _id: { $gt: after } } : {}) }, { _id: 1 })
      .sort({ _id: 1 })
      .limit(size)
      .lean<Array<{ _id: Types.ObjectId }>>();
    if (batch.length === 0) return;
    after = batch.at(-1)!._id;
    yield batch.map((member) => String(member._id));
  }
}

/** An active member whose name holds a line break (it would inject mail headers), if any. */
export async function findMemberWithLineBreak(surveyId: string, panelId: string): Promise<PanelMember | undefined> {
  const doc = await PanelMemberModel.findOne({ surveyId, panelId, ...ACTIVE, name: /[\r\n]/ }).lean<StoredMember>();
  return doc ? toMember(doc) : undefined;
}

export interface MemberChange {
  email: string;
  name: string;
  /** Empty: the survey's first language. */
  language: string;
}

/** Checks an edit, as the import checks a row: a valid address, a one-line name, a known language. */
function checkedChange(change: MemberChange, languages: readonly string[]): MemberChange {
  const email = change.email.trim();
  const name = change.name.trim();
  const language = change.language.trim().toLowerCase();
  if (!isValidEmail(email)) throw new UnprocessableError(`"${email}" is not an email address`, { field: 'email' }, 'invalid_email');
  if (hasLineBreak(change.name) || name.length > 200) throw new UnprocessableError('The name is one line of up to 200 characters', { field: 'name' }, 'invalid_name');
  if (language !== '' && !languages.includes(language)) throw new UnprocessableError(`The language is one of ${languages.join(', ')}, or empty`, { field: 'language' }, 'invalid_language');
  return { email, name, language };
}

export async function editMember(
  surveyId: string,
  panelId: string,
  memberId: string,
  change: MemberChange,
  languages: readonly string[],
  actor: AuditActor,
  logger: Logger,
): Promise<PanelMember> {
  const before = await requireMember(surveyId, panelId, memberId);
  const { email, name, language } = checkedChange(change, memberLanguages(languages));
  const $set: Record<string, unknown> = { email, emailKey: emailKeyOf(email) };
  const $unset: Record<string, 1> = {};
  if (name) $set.name = name;
  else $unset.name = 1;
  if (language) $set.language = language;
  else $unset.language = 1;
  // A bounce belongs to the address that bounced: a corrected address may be mailed again. An
  // unsubscribe is the person's, and stays.
  if (emailKeyOf(email) !== emailKeyOf(before.email)) Object.assign($unset, { bouncedAt: 1, bounceReason: 1 });
  let doc: StoredMember | null;
  try {
    doc = await PanelMemberModel.findOneAndUpdate({ _id: memberId, surveyId, panelId }, { $set, ...(Object.keys($unset).length ? { $unset } : {}) }, { returnDocument: 'after' }).lean<StoredMember>();
  } catch (error) {
    if (isDuplicateKey(error)) throw new ConflictError(`Panel ${panelId} already has a member ${email}`, 'member_exists');
    throw error;
  }
  if (!doc) throw new NotFoundError(`Panel ${panelId} has no member ${memberId}`, 'member_not_found');
  const after = toMember(doc);
  const changed = (['email', 'name', 'language'] as const).filter((field) => (before[field] ?? '') !== (after[field] ?? ''));
  if (changed.length) await recordAudit({ ...actor, action: 'panel_member_changed', surveyId, target: `${panelId}/${memberId}`, details: { change: 'edited', fields: changed, ...(before.bouncedAt && !after.bouncedAt ? { bounceCleared: true } : {}) } }, logger);
  return after;
}

/**
 * Removes a member from the panel. Their invitations stay (they hold no address or name), so the
 * waves' response rates do not change after the fact.
 */
export async function removeMember(surveyId: string, panelId: string, memberId: string, actor: AuditActor, logger: Logger): Promise<void> {
  const member = await requireMember(surveyId, panelId, memberId);
  await PanelMemberModel.deleteOne({ _id: memberId, surveyId, panelId });
  await recordAudit({ ...actor, action: 'panel_member_changed', surveyId, target: `${panelId}/${memberId}`, details: { change: 'removed', email: member.email } }, logger);
}

/**
 * A server refused mail to the member for good (5xx): no wave mails them again. The first bounce
 * is kept; true when this call marked them.
 */
export async function markBounced(memberId: string, reason: string, now: Date): Promise<boolean> {
  if (!isValidObjectId(memberId)) return false;
  const result = await PanelMemberModel.updateOne({ _id: memberId, bouncedAt: { $exists: false } }, { $set: { bouncedAt: now, bounceReason: reason.slice(0, 500) } });
  return result.modifiedCount > 0;
}

/** The member followed their unsubscribe link: no later wave of the panel mails them. Idempotent; true when this call marked them. */
export async function markUnsubscribed(memberId: string, now: Date): Promise<boolean> {
  if (!isValidObjectId(memberId)) return false;
  const result = await PanelMemberModel.updateOne({ _id: memberId, unsubscribedAt: { $exists: false } }, { $set: { unsubscribedAt: now } });
  return result.modifiedCount > 0;
}
