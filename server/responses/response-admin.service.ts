// The organizer's use cases on responses: list a wave's responses with its counts, read one with
// its answers worded as the respondent saw them, void one (it leaves every figure but stays on
// record), erase one for good (a respondent's right to erasure), and delete a wave's test
// responses in one action. Each change is audited; voiding and erasing move the live counters
// through the completion hooks, as any other change to a complete response does.
import { ConflictError, NotFoundError, UnprocessableError } from '../lib/errors';
import type { Clock } from '../lib/clock';
import type { Logger } from '../lib/logger';
import { recordAudit, type AuditActor } from '../audit/audit.service';
import type { SurveyCatalog } from '../surveys/survey.catalog';
import { localize } from '../surveys/localize';
import { questionColumns } from '../exports/export-columns';
import { buildResponseRow, csvText } from '../exports/response-row';
import { findWave, type Wave } from '../waves/wave.service';
import { followersPendingMark, recordDeletion } from './completion-hooks';
import { recordErasedImportKey } from './erased-import-key.model';
import { ResponseModel } from './response.model';
import {
  deleteResponse,
  findResponse,
  toStoredResponse,
  type ResponseRecord,
  type ResponseStatus,
  type StoredResponse,
  type WaveResponseCounts,
} from './response.service';

/** Rows of the responses list on one page. */
const RESPONSES_PER_PAGE = 50;
export const VOID_REASON_LENGTH = { min: 3, max: 500 } as const;

/** A wave's responses by status (test responses apart), and its test responses of any status. */
export type ResponseCounts = WaveResponseCounts & { test: number };

/** One row of the responses list: no answers. */
export type ResponseSummary = Pick<StoredResponse, 'id' | 'status' | 'language' | 'source' | 'startedAt' | 'completedAt' | 'test'>;

export interface ResponseList {
  wave: Wave;
  counts: ResponseCounts;
  responses: ResponseSummary[];
  /** 1-based; pages beyond the last show no rows. */
  page: number;
  pageCount: number;
}

/** One answer as the respondent saw it: the question's wording (and matrix row), the labels chosen. */
export interface ShownAnswer {
  column: string;
  question: string;
  row?: string;
  value: string;
}

export interface ResponseDetail {
  response: StoredResponse;
  answers: ShownAnswer[];
}

const SUMMARY_FIELDS = { answers: 0, otherTexts: 0, resumeTokenHash: 0 } as const;
const MAX_VOID_ATTEMPTS = 5;

function noSuchResponse(responseId: string): NotFoundError {
  // The same answer whether the id is unknown or belongs to another survey: the caller learns
  // nothing about surveys it did not name.
  return new NotFoundError(`This survey has no response ${responseId}`, 'response_not_found');
}

function checkedReason(reason: string): string {
  const trimmed = reason.trim();
  if (trimmed.length < VOID_REASON_LENGTH.min || trimmed.length > VOID_REASON_LENGTH.max) {
    throw new UnprocessableError(
      `Say why the response is voided, in ${VOID_REASON_LENGTH.min} to ${VOID_REASON_LENGTH.max} characters`,
      { field: 'reason', ...VOID_REASON_LENGTH },
      'void_reason_required',
    );
  }
  return trimmed;
}

function actorName(actor: AuditActor): string | undefined {
  return actor.actorEmail ?? (actor.actorId !== undefined ? String(actor.actorId) : undefined);
}

export function createResponseAdmin({ catalog, logger, clock }: { catalog: SurveyCatalog; logger: Logger; clock: Clock }) {
  /** The response, when the survey owns it; else 404. */
  async function requireOwnResponse(surveyId: string, responseId: string): Promise<StoredResponse> {
    catalog.require(surveyId);
    const response = await findResponse(responseId);
    if (!response || response.surveyId !== surveyId) throw noSuchResponse(responseId);
    return response;
  }

  async function countResponses(surveyId: string, waveId: string): Promise<ResponseCounts> {
    const groups = await ResponseModel.aggregate<{ _id: { status: ResponseStatus; test?: boolean | null }; n: number }>([
      { $match: { surveyId, waveId } },
      { $group: { _id: { status: '$status', test: '$test' }, n: { $sum: 1 } } },
    ]);
    const counts: ResponseCounts = { complete: 0, partial: 0, screened_out: 0, voided: 0, test: 0 };
    for (const { _id, n } of groups) {
      if (_id.test === true) counts.test += n;
      else counts[_id.status] += n;
    }
    return counts;
  }

  return {
    /** A page of the wave's responses, newest first, test responses included and marked. */
    async listResponses(surveyId: string, waveName: string, page: number): Promise<ResponseList> {
      catalog.require(surveyId);
      const wave = await findWave(surveyId, waveName, clock.now());
      const counts = await countResponses(surveyId, wave.waveId);
      const total = Object.values(counts).reduce((sum, n) => sum + n, 0);
      const pageCount = Math.max(1, Math.ceil(total / RESPONSES_PER_PAGE));
      const current = Number.isInteger(page) && page >= 1 ? page : 1;
      const docs = await ResponseModel.find({ surveyId, waveId: wave.waveId }, SUMMARY_FIELDS)
        .sort({ startedAt: -1, _id: -1 })
        .skip((current - 1) * RESPONSES_PER_PAGE)
        .limit(RESPONSES_PER_PAGE)
        .lean<ResponseRecord[]>();
      const responses = docs.map((doc) => {
        const { id, status, language, source, startedAt, completedAt, test } = toStoredResponse(doc);
        return { id, status, language, source, startedAt, ...(completedAt ? { completedAt } : {}), ...(test ? { test } : {}) };
      });
      return { wave, counts, responses, page: current, pageCount };
    },

    /** A response of the survey with its answers worded in `lang`, from the version it answered. */
    async describeResponse(surveyId: string, responseId: string, lang: string): Promise<ResponseDetail> {
      const response = await requireOwnResponse(surveyId, responseId);
      const { definition } = await catalog.version(surveyId, response.fingerprint);
      const source = definition.languages[0];
      const columns = questionColumns(definition);
      // The export's own cells, with labels: the page and the spreadsheet word an answer alike.
      const cells = buildResponseRow(columns, response, { labels: true, lang });
      const answers: ShownAnswer[] = [];
      columns.forEach((column, i) => {
        const cell = cells[i];
        if (cell === null || cell === undefined) return;
        answers.push({
          column: column.name,
          question: localize(column.question.text, lang, source),
          ...(column.kind === 'matrix_row' ? { row: localize(column.row.label, lang, source) } : {}),
          ...(column.kind === 'other_text' ? { row: localize(column.option.label, lang, source) } : {}),
          value: csvText(cell),
        });
      });
      return { response, answers };
    },

    /**
     * Voids a response: it leaves every figure, export and live counter at once, and stays in the
     * database and the audit trail with the reason. The write is conditional on the response as
     * read, so a respondent completing it at the same moment cannot be counted and voided both.
     */
    async voidResponse(input: { surveyId: string; responseId: string; reason: string }, actor: AuditActor): Promise<StoredResponse> {
      const reason = checkedReason(input.reason);
      let before = await requireOwnResponse(input.surveyId, input.responseId);
      for (let attempt = 0; attempt < MAX_VOID_ATTEMPTS; attempt += 1) {
        if (before.status === 'voided') throw new ConflictError(`Response ${before.id} is already voided`, 'response_already_voided');
        const by = actorName(actor);
        const voided = { at: clock.now(), ...(by ? { by } : {}), reason, previousStatus: before.status };
        const updated = await ResponseModel.findOneAndUpdate(
          { _id: before.id, surveyId: input.surveyId, status: before.status, revision: before.revision },
          // A counted response leaves the counters: marked in this write, so a crash before its
          // followers have run is healed by the counter sweep (docs/decisions/0003-live-tallies.md).
          { $set: { status: 'voided', voided, ...(before.status === 'complete' && !before.test ? followersPendingMark() : {}) }, $inc: { revision: 1 } },
          { returnDocument: 'after' },
        ).lean<ResponseRecord>();
        if (updated) {
          if (before.status === 'complete') await recordDeletion(before, { voided: toStoredResponse(updated) });
          await recordAudit(
            { ...actor, action: 'response_voided', surveyId: input.surveyId, target: before.id, details: { waveId: before.waveId, reason, previousStatus: before.status, ...(before.test ? { test: true } : {}) } },
            logger,
          );
          return toStoredResponse(updated);
        }
        before = await requireOwnResponse(input.surveyId, input.responseId);
      }
      throw new ConflictError('This response is being changed elsewhere; reload the page and try again', 'response_busy');
    },

    /**
     * Erases a response for good. The confirmation is the response id typed again, so a slip of
     * the mouse erases nothing. The audit line names the response, never its answers. An imported
     * response leaves its import key behind (erased-import-key.model.ts), so that importing its
     * file again does not restore it.
     */
    async eraseResponse(input: { surveyId: string; responseId: string; confirmation: string }, actor: AuditActor): Promise<StoredResponse> {
      const response = await requireOwnResponse(input.surveyId, input.responseId);
      if (input.confirmation.trim() !== input.responseId) {
        throw new UnprocessableError('Type the response id to confirm the erasure', { field: 'confirmation' }, 'erase_not_confirmed');
      }
      // The tombstone goes first: a crash between the two writes must never leave an erased
      // imported response that a re-import of its file would bring back.
      if (response.importKey) await recordErasedImportKey(input.surveyId, response.importKey, clock.now());
      const erased = await deleteResponse(input.responseId, input.surveyId).catch((error: unknown) => {
        throw error instanceof NotFoundError ? noSuchResponse(input.responseId) : error;
      });
      await recordAudit(
        { ...actor, action: 'response_erased', surveyId: input.surveyId, target: erased.id, details: { waveId: erased.waveId, status: erased.status, ...(erased.test ? { test: true } : {}) } },
        logger,
      );
      return erased;
    },

    /** Deletes every test response of the wave (previews), in one action; answers how many. */
    async deleteTestResponses(surveyId: string, waveName: string, actor: AuditActor): Promise<number> {
      catalog.require(surveyId);
      const wave = await findWave(surveyId, waveName, clock.now());
      // Test responses never reached a counter (completion-hooks.ts): nothing to subtract.
      const { deletedCount } = await ResponseModel.deleteMany({ surveyId, waveId: wave.waveId, test: true });
      await recordAudit({ ...actor, action: 'test_responses_deleted', surveyId, target: wave.waveId, details: { count: deletedCount } }, logger);
      return deletedCount;
    },
  };
}

export type ResponseAdmin = ReturnType<typeof createResponseAdmin>;
