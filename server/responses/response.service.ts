// Responses: created at consent, saved on every page, completed exactly once.
import { createHash, randomBytes } from 'node:crypto';
import mongoose from 'mongoose';
import { ConflictError, NotFoundError, UnprocessableError } from '../lib/errors';
import type { TAnswers, TOtherTexts } from '../surveys/answers';
import { validateResponse } from '../surveys/answers';
import { pruneHiddenAnswers, pruneOtherTexts } from '../surveys/visibility';
import type { TSurveyDefinition } from '../surveys/survey.schemas';
import { ResponseModel } from './response.model';
import { followersPendingMark, recordCompletion, recordDeletion, recordEdit } from './completion-hooks';
import { clearPendingErasure, notePendingErasure } from '../analysis/tally/pending-erasure';

export type ResponseStatus = 'partial' | 'complete' | 'screened_out' | 'voided';

/**
 * What every figure, export and count reads: responses that are not test responses. (Voided and
 * screened-out responses are told apart by their status; only `complete` ones are counted.)
 */
export const COUNTED = { test: { $ne: true } } as const;

type ResponseFilter = NonNullable<Parameters<typeof ResponseModel.countDocuments>[0]>;

/** A wave's counted complete responses. (The cast: mongoose infers an index signature for this schema that no `$ne` satisfies.) */
function countedComplete(surveyId: string, waveId: string): ResponseFilter {
  return { surveyId, waveId, status: 'complete', ...COUNTED } as unknown as ResponseFilter;
}

export interface StoredResponse {
  id: string;
  surveyId: string;
  waveId: string;
  fingerprint: string;
  status: ResponseStatus;
  answers: TAnswers;
  otherTexts: TOtherTexts;
  language: string;
  source: 'web' | 'import';
  lastPageId?: string;
  startedAt: Date;
  completedAt?: Date;
  revision: number;
  /** Taken in preview by an organizer: counted nowhere. */
  test?: true;
  voided?: { at: Date; by?: string; reason: string; previousStatus: ResponseStatus };
  screenedOut?: { at: Date; questionId?: string; optionId?: string };
  importKey?: string;
  /** The design weight (docs/design-weights.md); absent means 1. */
  weight?: number;
  /** The invitation it was started by, in an identified panel wave. */
  invitationId?: string;
  /** Questions answered from the panel member's known attributes, never shown to the respondent. */
  prefilled?: string[];
}

/** A response as stored: the same fields, with Mongo's _id, and maps that may be absent. */
export type ResponseRecord = Omit<StoredResponse, 'id' | 'answers' | 'otherTexts'> & {
  _id: mongoose.Types.ObjectId;
  answers?: TAnswers;
  otherTexts?: TOtherTexts;
  /** Set until the followers of its last change have run (completion-hooks.ts). */
  followersPending?: Date;
};

export function toStoredResponse(doc: ResponseRecord): StoredResponse {
  return {
    id: doc._id.toHexString(),
    surveyId: doc.surveyId,
    waveId: doc.waveId,
    fingerprint: doc.fingerprint,
    status: doc.status,
    answers: doc.answers ?? {},
    otherTexts: doc.otherTexts ?? {},
    language: doc.language,
    source: doc.source,
    ...(doc.lastPageId ? { lastPageId: doc.lastPageId } : {}),
    startedAt: doc.startedAt,
    ...(doc.completedAt ? { completedAt: doc.completedAt } : {}),
    revision: doc.revision,
    ...(doc.test === true ? { test: true as const } : {}),
    ...(doc.voided ? { voided: doc.voided } : {}),
    ...(doc.screenedOut ? { screenedOut: doc.screenedOut } : {}),
    ...(doc.importKey ? { importKey: doc.importKey } : {}),
    ...(typeof doc.weight === 'number' ? { weight: doc.weight } : {}),
    ...(doc.invitationId ? { invitationId: doc.invitationId } : {}),
    ...(doc.prefilled?.length ? { prefilled: [...doc.prefilled] } : {}),
  };
}

export function hashResumeToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export function isResponseId(value: unknown): value is string {
  return typeof value === 'string' && /^[0-9a-f]{24}$/.test(value);
}

export interface StartResponseInput {
  surveyId: string;
  waveId: string;
  fingerprint: string;
  language: string;
  consented: boolean;
  /** An organizer's preview: counted nowhere. */
  test?: boolean;
  /** The invitation it starts by, in an identified panel wave (never in an anonymous one). */
  invitationId?: string;
  /** Answers known before the respondent sees the question (a panel member's attributes). */
  prefilled?: TAnswers;
  /** The design weight, an invited member's, copied at the start (docs/design-weights.md). */
  weight?: number;
  now: Date;
}

function newResumeToken(): { token: string; tokenHash: string } {
  const token = randomBytes(32).toString('base64url');
  return { token, tokenHash: hashResumeToken(token) };
}

/** Creates a partial response; the returned token is the respondent's only key to it. */
export async function startResponse(input: StartResponseInput): Promise<{ response: StoredResponse; resumeToken: string }> {
  const { token: resumeToken, tokenHash } = newResumeToken();
  const { now } = input;
  const prefilled = input.prefilled ?? {};
  const doc = new ResponseModel({
    surveyId: input.surveyId,
    waveId: input.waveId,
    fingerprint: input.fingerprint,
    status: 'partial',
    answers: { ...prefilled },
    otherTexts: {},
    ...(Object.keys(prefilled).length > 0 ? { prefilled: Object.keys(prefilled) } : {}),
    ...(input.invitationId ? { invitationId: input.invitationId } : {}),
    ...(input.weight !== undefined ? { weight: input.weight } : {}),
    language: input.language,
    source: 'web',
    ...(input.test ? { test: true } : {}),
    resumeTokenHash: tokenHash,
    ...(input.consented ? { consentedAt: now } : {}),
    startedAt: now,
    revision: 0,
  });
  await doc.save();
  return { response: toStoredResponse(doc.toObject() as unknown as ResponseRecord), resumeToken };
}

export async function findResponseByResumeToken(surveyId: string, token: string): Promise<StoredResponse | undefined> {
  if (!/^[A-Za-z0-9_-]{43}$/.test(token)) return undefined;
  // Every page a respondent opens or posts starts here, so this read skips mongoose's query
  // layer (building, casting, hooks: some 40 µs of CPU a call, measured) and asks the driver
  // directly; two strings need no casting, and the result is a plain document either way.
  const doc = await ResponseModel.collection.findOne<ResponseRecord>({ surveyId, resumeTokenHash: hashResumeToken(token) });
  return doc ? toStoredResponse(doc) : undefined;
}

/**
 * Gives a response a new resume token, so the browser that holds it is the only one that can go
 * on: an invited member's link opened on a second device takes their response over.
 */
export async function rotateResumeToken(responseId: string): Promise<string | undefined> {
  if (!isResponseId(responseId)) return undefined;
  const { token, tokenHash } = newResumeToken();
  const result = await ResponseModel.updateOne({ _id: responseId }, { $set: { resumeTokenHash: tokenHash } });
  return result.matchedCount === 1 ? token : undefined;
}

export async function findResponse(id: string): Promise<StoredResponse | undefined> {
  if (!isResponseId(id)) return undefined;
  const doc = await ResponseModel.findById(id).lean<ResponseRecord>();
  return doc ? toStoredResponse(doc) : undefined;
}

export interface PageSave {
  definition: TSurveyDefinition;
  fingerprint: string;
  pageId: string;
  /** The ids of every question on the page: answers to those not in `answers` are cleared. */
  pageQuestionIds: string[];
  answers: TAnswers;
  otherTexts: TOtherTexts;
  language: string;
  /**
   * What the response becomes in the same write: still partial; complete (the last page's
   * submit); or screened out, naming the full quota cell.
   */
  outcome: 'partial' | 'complete' | { screenedOut: { questionId: string; optionId: string } };
  /** The moment of the save (the app's clock). */
  now: Date;
}

/** `already_complete`: the response was no longer partial (completed, screened out or voided) when saved. */
export type PageSaveOutcome = { kind: 'saved'; response: StoredResponse } | { kind: 'already_complete'; response: StoredResponse };

const MAX_SAVE_ATTEMPTS = 5;

/**
 * Merges one page into the response and drops whatever the new answers hide. `current` is the
 * response as the caller just read it: the write is conditional on its revision, so two tabs
 * saving at once cannot lose each other's pages, and on the response still being partial, so a
 * double submit completes it once. Only when that condition fails is the response read again.
 */
export async function savePage(current: StoredResponse, save: PageSave): Promise<PageSaveOutcome> {
  let base: StoredResponse | undefined = current;
  for (let attempt = 0; attempt < MAX_SAVE_ATTEMPTS; attempt += 1) {
    if (!base) throw new NotFoundError('This response no longer exists', 'response_not_found');
    if (base.status !== 'partial') return { kind: 'already_complete', response: base };
    const updated = await ResponseModel.findOneAndUpdate(
      { _id: base.id, status: 'partial', revision: base.revision },
      { $set: pageChanges(base, save), $inc: { revision: 1 } },
      { returnDocument: 'after' },
    ).lean<ResponseRecord>();
    if (updated) {
      const response = toStoredResponse(updated);
      if (save.outcome === 'complete') await recordCompletion(response);
      return { kind: 'saved', response };
    }
    base = await findResponse(base.id);
  }
  throw new ConflictError('This response is being changed elsewhere; reload the page and try again', 'response_busy');
}

/** The fields one page's save sets on the response it was merged into. */
function pageChanges(base: StoredResponse, save: PageSave): Record<string, unknown> {
  const merged: TAnswers = { ...base.answers };
  const mergedOthers: TOtherTexts = { ...base.otherTexts };
  for (const id of save.pageQuestionIds) {
    delete merged[id];
    delete mergedOthers[id];
  }
  Object.assign(merged, save.answers);
  Object.assign(mergedOthers, save.otherTexts);
  const answers = pruneHiddenAnswers(save.definition, merged);
  return {
    answers,
    otherTexts: pruneOtherTexts(save.definition, answers, mergedOthers),
    fingerprint: save.fingerprint,
    language: save.language,
    lastPageId: save.pageId,
    // Completing marks the response for its followers in the same write (completion-hooks.ts).
    ...(save.outcome === 'complete' ? { status: 'complete', completedAt: save.now, ...(base.test ? {} : followersPendingMark()) } : {}),
    ...(typeof save.outcome === 'object' ? { status: 'screened_out', screenedOut: { at: save.now, ...save.outcome.screenedOut } } : {}),
  };
}

/** The complete responses of a wave, oldest first, streamed so memory does not grow with n. */
export async function* streamCompleteResponses(surveyId: string, waveId: string): AsyncGenerator<StoredResponse> {
  const cursor = ResponseModel.find(countedComplete(surveyId, waveId))
    .sort({ _id: 1 })
    .lean<ResponseRecord[]>()
    .cursor({ batchSize: 1000 });
  for await (const doc of cursor) yield toStoredResponse(doc as unknown as ResponseRecord);
}

/** Every counted complete response of a wave, with its design weight (1 when it has none). */
export async function* streamCompleteAnswers(surveyId: string, waveId: string): AsyncGenerator<{ id: string; answers: TAnswers; weight: number }> {
  const cursor = ResponseModel.find(countedComplete(surveyId, waveId), { answers: 1, weight: 1 })
    .sort({ _id: 1 })
    .lean<Array<{ _id: mongoose.Types.ObjectId; answers?: TAnswers; weight?: number }>>()
    .cursor({ batchSize: 1000 });
  for await (const doc of cursor) {
    const record = doc as unknown as { _id: mongoose.Types.ObjectId; answers?: TAnswers; weight?: number };
    yield { id: record._id.toHexString(), answers: record.answers ?? {}, weight: record.weight ?? 1 };
  }
}

/** A response as the counter sweep reads it: what it counts for, and the revision it was read at. */
export interface SweptResponse {
  id: string;
  revision: number;
  /** Complete and not a test: counted. */
  counted: boolean;
  answers: TAnswers;
  weight: number;
  completedAt?: Date;
}

/**
 * In one pass, a wave's counted complete responses and its responses marked followersPending
 * (whatever their status), oldest first: the sweep counts the first and learns at which revision
 * it saw the second, so it clears only the markers whose change its recount holds.
 */
export async function* streamForCounterSweep(surveyId: string, waveId: string): AsyncGenerator<SweptResponse> {
  type Swept = { _id: mongoose.Types.ObjectId; status: ResponseStatus; test?: boolean; revision?: number; answers?: TAnswers; weight?: number; completedAt?: Date };
  const filter = { surveyId, waveId, $or: [{ status: 'complete', ...COUNTED }, { followersPending: { $exists: true } }] } as unknown as ResponseFilter;
  const cursor = ResponseModel.find(filter, { status: 1, test: 1, revision: 1, answers: 1, weight: 1, completedAt: 1 })
    .sort({ _id: 1 })
    .lean<Swept[]>()
    .cursor({ batchSize: 1000 });
  for await (const doc of cursor) {
    const record = doc as unknown as Swept;
    yield {
      id: record._id.toHexString(),
      revision: record.revision ?? 0,
      counted: record.status === 'complete' && record.test !== true,
      answers: record.answers ?? {},
      weight: record.weight ?? 1,
      ...(record.completedAt ? { completedAt: record.completedAt } : {}),
    };
  }
}

/** A response whose followers had not all run when read (completion-hooks.ts). */
export interface FollowersPending {
  id: string;
  revision: number;
  since: Date;
}

/**
 * The waves with a response marked followersPending at or before `cutoff`: through the partial
 * index on the marker, which holds only the marked responses.
 */
export async function wavesWithFollowersPendingBefore(cutoff: Date): Promise<Array<{ surveyId: string; waveId: string }>> {
  return ResponseModel.find({ followersPending: { $exists: true, $lte: cutoff } }, { surveyId: 1, waveId: 1, _id: 0 }).lean<Array<{ surveyId: string; waveId: string }>>();
}

/** A wave's responses marked followersPending (through the marker's partial index). */
export async function followersPendingOf(surveyId: string, waveId: string): Promise<FollowersPending[]> {
  const docs = await ResponseModel.find({ followersPending: { $exists: true }, surveyId, waveId }, { revision: 1, followersPending: 1 }).lean<Array<{ _id: mongoose.Types.ObjectId; revision: number; followersPending: Date }>>();
  return docs.map((doc) => ({ id: doc._id.toHexString(), revision: doc.revision, since: doc.followersPending }));
}

/** Clears a response's marker if it is still at `revision` (a later change marked it for its own followers). */
export async function clearFollowersPending(id: string, revision: number): Promise<boolean> {
  return (await ResponseModel.updateOne({ _id: id, revision, followersPending: { $exists: true } }, { $unset: { followersPending: 1 } })).modifiedCount === 1;
}

/**
 * Changes the answers of a complete response (an analyst's correction). The new answers pass the
 * same validation as the web form's; the live tallies move from the old answers to the new.
 */
export async function editCompleteResponse(
  responseId: string,
  definition: TSurveyDefinition,
  input: { answers: Record<string, unknown>; otherTexts?: Record<string, unknown> },
): Promise<StoredResponse> {
  const before = await findResponse(responseId);
  if (!before) throw new NotFoundError(`No response ${responseId}`, 'response_not_found');
  if (before.status !== 'complete') throw new ConflictError('Only a complete response can be edited', 'response_not_complete');
  const checked = validateResponse(definition, input.answers, input.otherTexts ?? {});
  if (!checked.ok) {
    throw new UnprocessableError('The new answers are not valid', { errors: checked.errors }, 'invalid_answers');
  }
  const updated = await ResponseModel.findOneAndUpdate(
    { _id: responseId, status: 'complete', revision: before.revision },
    { $set: { answers: checked.answers, otherTexts: checked.otherTexts, ...(before.test ? {} : followersPendingMark()) }, $inc: { revision: 1 } },
    { returnDocument: 'after' },
  ).lean<ResponseRecord>();
  if (!updated) throw new ConflictError('This response was changed elsewhere; reload it and try again', 'response_busy');
  const after = toStoredResponse(updated);
  await recordEdit(before, after);
  return after;
}

/**
 * Deletes a response for good (a respondent's right to erasure, a test entry); complete ones leave
 * the tallies. With `surveyId`, a response of another survey is "not found": a caller can only
 * delete what the survey it names owns. Answers the response as it was.
 */
export async function deleteResponse(responseId: string, surveyId?: string): Promise<StoredResponse> {
  const notFound = () => new NotFoundError(`No response ${responseId}`, 'response_not_found');
  const current = await findResponse(responseId);
  if (!current || (surveyId !== undefined && current.surveyId !== surveyId)) throw notFound();
  // A counted response's erasure is marked before it goes: the response can carry no marker once
  // deleted, and a crash right after the delete must still send the sweep to its wave.
  const erasure = current.status === 'complete' && !current.test ? await notePendingErasure(current) : undefined;
  const deleted = await ResponseModel.findOneAndDelete({ _id: responseId, ...(surveyId !== undefined ? { surveyId } : {}) }).lean<ResponseRecord>();
  const response = deleted ? toStoredResponse(deleted) : undefined;
  if (response?.status === 'complete' && erasure) {
    await recordDeletion(response, { erasure });
    return response;
  }
  // Gone meanwhile, or changed from what was read: nothing this erasure counted out.
  if (erasure) await clearPendingErasure(erasure.id);
  if (!response) throw notFound();
  if (response.status === 'complete') await recordDeletion(response);
  return response;
}

export type WaveResponseCounts = Record<ResponseStatus, number>;

/** A wave's counted responses in one status: read through the {surveyId, waveId, status} index. */
export function countWaveResponses(surveyId: string, waveId: string, status: ResponseStatus): Promise<number> {
  return ResponseModel.countDocuments({ surveyId, waveId, status, ...COUNTED } as unknown as ResponseFilter);
}

/** Responses of each wave of a survey by status, test responses left out, from the {surveyId, waveId, status} index. */
export async function countResponsesByWave(surveyId: string): Promise<Map<string, WaveResponseCounts>> {
  const groups = await ResponseModel.aggregate<{ _id: { waveId: string; status: ResponseStatus }; n: number }>([
    { $match: { surveyId, ...COUNTED } },
    { $group: { _id: { waveId: '$waveId', status: '$status' }, n: { $sum: 1 } } },
  ]);
  const counts = new Map<string, WaveResponseCounts>();
  for (const { _id, n } of groups) {
    const entry = counts.get(_id.waveId) ?? { complete: 0, partial: 0, screened_out: 0, voided: 0 };
    entry[_id.status] += n;
    counts.set(_id.waveId, entry);
  }
  return counts;
}
