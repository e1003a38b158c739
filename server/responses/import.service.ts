// Imports complete responses from a file (JSON Lines, or CSV with the export's columns):
// parse every line, validate every response with the web form's own rules, look up which records
// are already stored, and only then insert (in batches) and run the completion hooks, so a file
// with an error, or with records imported before, leaves nothing behind.
//
// Every record carries an identity, its import key: its external_id, else its response_id, else a
// hash of its content. The unique index on {surveyId, importKey} is what stops the same record
// going in twice, even from two imports running at once; the lookup before writing only turns
// what the index would refuse into a readable report. A response erased at the respondent's
// request leaves its key in erased_import_keys, and a record with that key is refused likewise.
import { createHash } from 'node:crypto';
import mongoose from 'mongoose';
import { parse as parseCsv, CsvError } from 'csv-parse/sync';
import { ConflictError, ValidationError } from '../lib/errors';
import { validateResponse, type AnswerError, type TAnswers, type TOtherTexts } from '../surveys/answers';
import type { LoadedSurvey } from '../surveys/survey.loader';
import type { TQuestion, TSurveyDefinition } from '../surveys/survey.schemas';
import { findQuestion } from '../surveys/visibility';
import { createSurveyCatalog } from '../surveys/survey.catalog';
import { CURRENT_WAVE, findWave } from '../waves/wave.service';
import { phaseOf, type WavePhase } from '../waves/wave-phase';
import { LIST_SEPARATOR, META_COLUMNS, OTHER_SUFFIX, matrixRows, specifyOption } from '../exports/export-columns';
import { restoreGuardedText } from '../exports/formula-guard';
import { followersPendingMark, recordCompletion } from './completion-hooks';
import { ensureCounters } from '../fieldwork/quotas';
import { ErasedImportKeyModel } from './erased-import-key.model';
import { readDesignWeight } from './import-weight';
import { ResponseModel } from './response.model';
import { toStoredResponse, type ResponseRecord } from './response.service';

export type ImportFormat = 'jsonl' | 'csv';

export interface ImportRequest {
  /**
   * The survey, as its file defines it. Responses are validated against the version the wave
   * pins (this one, or one recorded earlier) and record that version's fingerprint.
   */
  survey: LoadedSurvey;
  /** A wave id, or "current" (the default). */
  wave?: string;
  format: ImportFormat;
  /** The file's bytes (UTF-8, with or without a BOM). */
  content: Buffer | string;
  /** Import the valid responses of a file that has invalid ones, instead of nothing. */
  skipInvalid?: boolean;
  /** Import the new records of a file that has records already imported, instead of nothing. */
  skipDuplicates?: boolean;
  /** Check only: nothing is written. */
  dryRun?: boolean;
  /** Completion time of responses that do not give one, and the moment `current` is resolved at (default: now). */
  now?: Date;
  batchSize?: number;
}

export interface LineProblem {
  /** 1-based line of the file where the response starts. */
  line: number;
  /** The question, matrix row (`question.row`), other text (`question--other`) or field at fault. */
  field?: string;
  code: string;
  detail?: string;
}

/**
 * A valid record that is already imported, that an earlier line of the same file repeats, or
 * whose response was erased at the respondent's request (never imported again).
 */
export interface DuplicateRecord {
  line: number;
  /** `external_id:…`, `response_id:…` or `sha256:…` (see importKeyOf). */
  key: string;
  /** The wave that holds the record, when it is stored. */
  wave?: string;
  /** The earlier line of the file with the same key. */
  sameAsLine?: number;
  /** When the record's response was erased at the respondent's request. */
  erasedAt?: Date;
}

export interface ImportReport {
  surveyId: string;
  waveId: string;
  /** Where the wave is now: a closed wave takes imports (historical data), not respondents. */
  wavePhase: WavePhase;
  fingerprint: string;
  format: ImportFormat;
  /** Responses read from the file. */
  total: number;
  valid: number;
  /** Valid records neither stored before nor repeated in the file: what an import adds. */
  fresh: number;
  /** The records carry design weights (every one does, or the file is refused). */
  weighted: boolean;
  imported: number;
  problems: LineProblem[];
  /** Valid records already stored, repeated in the file, or erased, in line order. */
  duplicates: DuplicateRecord[];
  /**
   * Responses imported into the survey before imports were keyed: they carry no import key, so
   * a record of theirs in this file is not recognised as a duplicate.
   */
  unkeyedImports: number;
  /** Lines left out because they have problems (with skipInvalid). */
  skippedLines: number[];
  /**
   * imported: written (with skipInvalid and skipDuplicates, the rest left out); rejected: invalid
   * records without skipInvalid, duplicates without skipDuplicates, or nothing new; nothing
   * written; checked: dry run.
   */
  outcome: 'imported' | 'rejected' | 'checked';
}

/** A problem with the file as a whole (empty, unreadable CSV, bad header): nothing can be imported. */
export class ImportFileError extends ValidationError {
  constructor(
    message: string,
    readonly problems: LineProblem[] = [],
  ) {
    super(message, problems, 'import_file_invalid');
  }
}

export function formatLineProblem(p: LineProblem): string {
  return `line ${p.line}: ${p.field ? `${p.field}: ` : ''}${p.code}${p.detail ? ` ${p.detail}` : ''}`;
}

const DEFAULT_BATCH_SIZE = 500;

/** One response as read from the file, before validation. */
interface RawResponse {
  line: number;
  answers: Record<string, unknown>;
  otherTexts: Record<string, unknown>;
  language?: unknown;
  startedAt?: unknown;
  completedAt?: unknown;
  responseId?: unknown;
  externalId?: unknown;
  /** The design weight as the file gives it (docs/design-weights.md). */
  weight?: unknown;
  /** How the file names the fields, for messages: jsonl says completedAt, CSV completed_at. */
  names: FieldNames;
  problems: LineProblem[];
}

type FieldNames = Record<'language' | 'startedAt' | 'completedAt' | 'responseId' | 'externalId' | 'weight', string>;

/** A response as the importer writes it: always complete, from an import, with its key. */
type ImportedDocument = ResponseRecord & {
  status: 'complete';
  source: 'import';
  answers: TAnswers;
  otherTexts: TOtherTexts;
  completedAt: Date;
  importKey: string;
  /** Absent when the file gives none: the figures count the response at 1. */
  weight?: number;
};

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function decode(content: Buffer | string): string {
  const text = typeof content === 'string' ? content : content.toString('utf8');
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

// ---------------------------------------------------------------------------------------------
// JSON Lines: one object per line, either { answers, otherTexts?, language?, startedAt?,
// completedAt?, response_id?, external_id?, weight? } or the answers object itself (with
// "<question>--other" keys for other texts, and the two ids and the weight under their own names).
// ---------------------------------------------------------------------------------------------

/** The ids keep the spelling of the CSV columns, so one name means one thing in both formats. */
const ID_FIELDS = { responseId: 'response_id', externalId: 'external_id' } as const;
/** The design weight: `weight` in both formats, beside the record's answers, never among them. */
const WEIGHT_FIELD = 'weight';
const ENVELOPE_KEYS = new Set(['answers', 'otherTexts', 'language', 'startedAt', 'completedAt', ID_FIELDS.responseId, ID_FIELDS.externalId, WEIGHT_FIELD]);
const JSONL_NAMES: FieldNames = { language: 'language', startedAt: 'startedAt', completedAt: 'completedAt', ...ID_FIELDS, weight: WEIGHT_FIELD };

function readJsonLine(source: string, line: number): RawResponse {
  const raw: RawResponse = { line, answers: {}, otherTexts: {}, names: JSONL_NAMES, problems: [] };
  let value: unknown;
  try {
    value = JSON.parse(source);
  } catch (error) {
    raw.problems.push({ line, code: 'invalid_json', detail: `(${(error as Error).message})` });
    return raw;
  }
  if (!isRecord(value)) {
    raw.problems.push({ line, code: 'not_an_object', detail: '(each line is one JSON object)' });
    return raw;
  }
  if (isRecord(value.answers)) {
    for (const key of Object.keys(value)) if (!ENVELOPE_KEYS.has(key)) raw.problems.push({ line, field: key, code: 'unknown_field', detail: `(expected ${[...ENVELOPE_KEYS].join(', ')})` });
    raw.answers = value.answers;
    if (value.otherTexts !== undefined) {
      if (isRecord(value.otherTexts)) raw.otherTexts = value.otherTexts;
      else raw.problems.push({ line, field: 'otherTexts', code: 'wrong_type', detail: '(an object keyed by question id)' });
    }
    raw.language = value.language;
    raw.startedAt = value.startedAt;
    raw.completedAt = value.completedAt;
    raw.responseId = value[ID_FIELDS.responseId];
    raw.externalId = value[ID_FIELDS.externalId];
    raw.weight = value[WEIGHT_FIELD];
    return raw;
  }
  for (const [key, v] of Object.entries(value)) {
    if (key === ID_FIELDS.responseId) raw.responseId = v;
    else if (key === ID_FIELDS.externalId) raw.externalId = v;
    else if (key === WEIGHT_FIELD) raw.weight = v;
    else if (key.endsWith(OTHER_SUFFIX)) raw.otherTexts[key.slice(0, -OTHER_SUFFIX.length)] = v;
    else raw.answers[key] = v;
  }
  return raw;
}

function readJsonLines(text: string): RawResponse[] {
  const responses: RawResponse[] = [];
  text.split(/\r\n|\n|\r/).forEach((source, index) => {
    if (source.trim() !== '') responses.push(readJsonLine(source, index + 1));
  });
  return responses;
}

// ---------------------------------------------------------------------------------------------
// CSV: the export's columns (see server/exports/export-columns.ts)
// ---------------------------------------------------------------------------------------------

type CsvColumn =
  | { kind: 'ignored' }
  | { kind: 'meta'; field: keyof FieldNames }
  | { kind: 'answer'; question: TQuestion }
  | { kind: 'matrix_row'; question: TQuestion; rowId: string }
  | { kind: 'other_text'; question: TQuestion };

const CSV_NAMES: FieldNames = { language: 'language', startedAt: 'started_at', completedAt: 'completed_at', ...ID_FIELDS, weight: WEIGHT_FIELD };
const CSV_META: Record<string, CsvColumn> = Object.fromEntries(
  (Object.entries(CSV_NAMES) as [keyof FieldNames, string][]).map(([field, column]) => [column, { kind: 'meta', field }]),
);

/** Maps the header to questions; every column must mean something, or the whole file is refused. */
function readCsvHeader(header: string[], definition: TSurveyDefinition): CsvColumn[] {
  const problems: LineProblem[] = [];
  const seen = new Set<string>();
  const columns = header.map((rawName): CsvColumn => {
    const name = rawName.trim();
    const problem = (code: string, detail?: string): CsvColumn => {
      problems.push({ line: 1, field: `column "${name}"`, code, ...(detail ? { detail } : {}) });
      return { kind: 'ignored' };
    };
    if (seen.has(name)) return problem('duplicate_column');
    seen.add(name);
    if (CSV_META[name]) return CSV_META[name];
    // Written by the export, decided by the import: this wave, this fingerprint, this source.
    if ((META_COLUMNS as readonly string[]).includes(name)) return { kind: 'ignored' };
    if (name.endsWith(OTHER_SUFFIX)) {
      const question = findQuestion(definition, name.slice(0, -OTHER_SUFFIX.length));
      if (!question) return problem('unknown_question');
      if (!specifyOption(question)) return problem('no_other_option', `(${question.id} has no "specify" option)`);
      return { kind: 'other_text', question };
    }
    const dot = name.indexOf('.');
    if (dot >= 0) {
      const question = findQuestion(definition, name.slice(0, dot));
      const rowId = name.slice(dot + 1);
      if (!question) return problem('unknown_question');
      if (question.type !== 'matrix') return problem('not_a_matrix', `(${question.id} is ${question.type})`);
      if (!matrixRows(definition, question).some((r) => r.id === rowId)) return problem('unknown_row', `"${rowId}"`);
      return { kind: 'matrix_row', question, rowId };
    }
    const question = findQuestion(definition, name);
    if (!question) return problem('unknown_question');
    if (question.type === 'matrix') return problem('matrix_needs_rows', `(one column per row: ${question.id}.<row>)`);
    return { kind: 'answer', question };
  });
  if (problems.length) throw new ImportFileError(`The header names columns this survey does not have`, problems);
  return columns;
}

const TEXT_TYPES = new Set(['short_text', 'long_text']);

function csvAnswer(question: TQuestion, cell: string): unknown {
  if (question.type === 'multiple_choice' || question.type === 'ranking') {
    return cell
      .split(LIST_SEPARATOR)
      .map((id) => id.trim())
      .filter((id) => id !== '');
  }
  // The export guards texts against spreadsheet formulas; undo it to get what was typed.
  return TEXT_TYPES.has(question.type) ? restoreGuardedText(cell) : cell.trim();
}

/** Line number (1-based) of each byte offset: counts CRLF, LF and CR line breaks before it. */
function lineLocator(bytes: Buffer): { lineAt(offset: number): number; firstContent(offset: number): number } {
  const breaks: number[] = []; // offsets just past each line break
  for (let i = 0; i < bytes.length; i += 1) {
    const b = bytes[i];
    if (b === 0x0a) breaks.push(i + 1);
    else if (b === 0x0d && bytes[i + 1] !== 0x0a) breaks.push(i + 1);
  }
  return {
    lineAt(offset) {
      let lo = 0;
      let hi = breaks.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if ((breaks[mid] ?? Infinity) <= offset) lo = mid + 1;
        else hi = mid;
      }
      return lo + 1;
    },
    firstContent(offset) {
      let p = offset;
      while (p < bytes.length && (bytes[p] === 0x0a || bytes[p] === 0x0d)) p += 1;
      return p;
    },
  };
}

function readCsv(text: string, definition: TSurveyDefinition): RawResponse[] {
  const bytes = Buffer.from(text, 'utf8');
  const locate = lineLocator(bytes);
  let records: { record: string[]; info: { bytes: number } }[];
  try {
    records = parseCsv(bytes, { info: true, relax_column_count: true, skip_empty_lines: true }) as unknown as typeof records;
  } catch (error) {
    if (error instanceof CsvError) {
      const line = (error as CsvError & { lines?: number }).lines;
      throw new ImportFileError('The file cannot be read as CSV', [{ line: line ?? 1, code: 'invalid_csv', detail: `(${error.message})` }]);
    }
    throw error;
  }
  const [headerRecord, ...rows] = records;
  if (!headerRecord) return [];
  const columns = readCsvHeader(headerRecord.record, definition);
  const responses: RawResponse[] = [];
  let previousEnd = headerRecord.info.bytes;
  for (const { record, info } of rows) {
    // csv-parse counts lines wrongly around CRLF inside quotes; byte offsets are exact.
    const line = locate.lineAt(locate.firstContent(previousEnd));
    previousEnd = info.bytes;
    const raw: RawResponse = { line, answers: {}, otherTexts: {}, names: CSV_NAMES, problems: [] };
    responses.push(raw);
    if (record.length !== columns.length) {
      raw.problems.push({ line, code: 'wrong_column_count', detail: `(expected ${columns.length}, found ${record.length})` });
      continue;
    }
    record.forEach((cell, index) => {
      const column = columns[index];
      if (!column || column.kind === 'ignored' || cell.trim() === '') return;
      switch (column.kind) {
        case 'meta':
          raw[column.field] = cell.trim();
          break;
        case 'answer':
          raw.answers[column.question.id] = csvAnswer(column.question, cell);
          break;
        case 'matrix_row': {
          const rows = (raw.answers[column.question.id] ??= {}) as Record<string, unknown>;
          rows[column.rowId] = cell.trim();
          break;
        }
        case 'other_text':
          raw.otherTexts[column.question.id] = restoreGuardedText(cell);
          break;
      }
    });
  }
  return responses;
}

// ---------------------------------------------------------------------------------------------
// Identity
// ---------------------------------------------------------------------------------------------

/** Longer than this, an "id" is more likely a column pasted in the wrong place. */
const MAX_ID_LENGTH = 200;

/** An id as the file gives it: a text or a number (the same key either way); blank is no id. */
function readId(value: unknown): string | undefined | 'invalid' {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value !== 'string') return 'invalid';
  const id = value.trim();
  if (id === '') return undefined;
  return id.length > MAX_ID_LENGTH ? 'invalid' : id;
}

/** JSON with every object's keys in one order, so the order a file writes them in does not count. */
function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => (isRecord(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : v));
}

interface HashedContent {
  answers: TAnswers;
  otherTexts: TOtherTexts;
  language: string;
  startedAt?: Date;
  completedAt?: Date;
}

/**
 * SHA-256 of the record as validated (numbers written as text are numbers, a multiple choice is
 * in definition order, texts are unguarded), so a CSV and a JSON Lines file of the same data give
 * the same hash. The times are those the file gives, not the defaults filled in at import, which
 * would differ from one run to the next.
 */
function contentHash(content: HashedContent): string {
  const canonical = canonicalJson({
    answers: content.answers,
    otherTexts: content.otherTexts,
    language: content.language,
    startedAt: content.startedAt?.toISOString(),
    completedAt: content.completedAt?.toISOString(),
  });
  return createHash('sha256').update(canonical).digest('hex');
}

/** external_id wins over response_id: it is what the record's own source calls it. */
function importKeyOf(ids: { externalId?: string; responseId?: string }, hash: () => string): string {
  if (ids.externalId !== undefined) return `external_id:${ids.externalId}`;
  if (ids.responseId !== undefined) return `response_id:${ids.responseId}`;
  return `sha256:${hash()}`;
}

// ---------------------------------------------------------------------------------------------
// Validation
// ---------------------------------------------------------------------------------------------

const ISO_TIMESTAMP = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

/** An ISO 8601 date or timestamp; without an offset it is taken as UTC (the export writes UTC). */
function readTimestamp(value: unknown): Date | undefined | 'invalid' {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string') return 'invalid';
  const text = value.trim();
  const match = ISO_TIMESTAMP.exec(text);
  if (!match) return 'invalid';
  const normalized = text.length === 10 ? `${text}T00:00:00Z` : match[1] ? text.replace(' ', 'T') : `${text.replace(' ', 'T')}Z`;
  const date = new Date(normalized);
  return Number.isNaN(date.getTime()) ? 'invalid' : date;
}

function describeParams(params: Record<string, string | number> | undefined): string | undefined {
  if (!params) return undefined;
  const { optionId, field: _field, ...rest } = params;
  const parts = Object.entries(rest).map(([k, v]) => `${k} ${v}`);
  const quoted = optionId !== undefined ? `"${optionId}"` : '';
  const detail = [quoted, parts.length ? `(${parts.join(', ')})` : ''].filter(Boolean).join(' ');
  return detail || undefined;
}

function answerProblem(line: number, error: AnswerError): LineProblem {
  const onOtherText = error.params?.field === 'other_text' || error.code === 'other_text_required';
  const field = error.rowId ? `${error.questionId}.${error.rowId}` : onOtherText ? `${error.questionId}${OTHER_SUFFIX}` : error.questionId;
  const detail = describeParams(error.params);
  return { line, field, code: error.code, ...(detail ? { detail } : {}) };
}

type PendingDocument = Omit<ImportedDocument, '_id' | 'surveyId' | 'waveId' | 'fingerprint'>;
type CheckedResponse = { ok: true; line: number; doc: PendingDocument } | { ok: false; line: number; problems: LineProblem[] };
type ValidRecord = Extract<CheckedResponse, { ok: true }>;

function checkResponse(raw: RawResponse, definition: TSurveyDefinition, now: Date): CheckedResponse {
  const { line } = raw;
  const problems = [...raw.problems];
  if (problems.length) return { ok: false, line, problems };

  let language = definition.languages[0] ?? 'fr';
  if (raw.language !== undefined && raw.language !== '') {
    if (typeof raw.language === 'string' && definition.languages.includes(raw.language)) language = raw.language;
    else problems.push({ line, field: raw.names.language, code: 'unknown_language', detail: `${JSON.stringify(raw.language)} (expected ${definition.languages.join(', ')})` });
  }
  const completedAt = readTimestamp(raw.completedAt);
  const startedAt = readTimestamp(raw.startedAt);
  if (completedAt === 'invalid') problems.push({ line, field: raw.names.completedAt, code: 'invalid_date', detail: `${JSON.stringify(raw.completedAt)} (ISO 8601, e.g. 2011-03-14T09:30:00Z)` });
  if (startedAt === 'invalid') problems.push({ line, field: raw.names.startedAt, code: 'invalid_date', detail: `${JSON.stringify(raw.startedAt)} (ISO 8601, e.g. 2011-03-14T09:12:00Z)` });
  const ids: { externalId?: string; responseId?: string } = {};
  for (const field of ['externalId', 'responseId'] as const) {
    const id = readId(raw[field]);
    if (id === 'invalid') problems.push({ line, field: raw.names[field], code: 'invalid_id', detail: `(a text or a number of at most ${MAX_ID_LENGTH} characters)` });
    else if (id !== undefined) ids[field] = id;
  }
  const weight = readDesignWeight(raw.weight);
  if (weight.kind === 'refused') problems.push({ line, field: raw.names.weight, code: 'invalid_weight', detail: `${JSON.stringify(raw.weight)} ${weight.reason}` });

  const result = validateResponse(definition, raw.answers, raw.otherTexts);
  if (!result.ok) problems.push(...result.errors.map((e) => answerProblem(line, e)));
  if (problems.length || !result.ok || completedAt === 'invalid' || startedAt === 'invalid') return { ok: false, line, problems };

  const completed = completedAt ?? now;
  const started = startedAt ?? completed;
  if (started.getTime() > completed.getTime()) {
    return { ok: false, line, problems: [{ line, field: raw.names.startedAt, code: 'after_completion', detail: `(${started.toISOString()} is after ${completed.toISOString()})` }] };
  }
  const { answers, otherTexts } = result;
  // The weight is not part of the record's identity: a file imported before weights existed, and
  // imported again with them, is the same records (refused as duplicates), not new ones.
  const importKey = importKeyOf(ids, () => contentHash({ answers, otherTexts, language, ...(startedAt ? { startedAt } : {}), ...(completedAt ? { completedAt } : {}) }));
  return {
    ok: true,
    line,
    doc: { status: 'complete', answers, otherTexts, language, source: 'import', startedAt: started, completedAt: completed, revision: 1, importKey, ...(weight.kind === 'weight' ? { weight: weight.weight } : {}) },
  };
}

// ---------------------------------------------------------------------------------------------
// Duplicates
// ---------------------------------------------------------------------------------------------

/** Keys per lookup: a query's $in list stays small whatever the file's size. */
const LOOKUP_CHUNK = 1000;

/** What `lookUp` finds for these keys, asked LOOKUP_CHUNK keys at a time, by key. */
async function lookUpKeys<T extends { importKey: string }>(keys: string[], lookUp: (chunk: string[]) => Promise<T[]>): Promise<Map<string, T>> {
  const found = new Map<string, T>();
  for (let start = 0; start < keys.length; start += LOOKUP_CHUNK) {
    for (const doc of await lookUp(keys.slice(start, start + LOOKUP_CHUNK))) found.set(doc.importKey, doc);
  }
  return found;
}

type StoredKey = { importKey: string; waveId: string };
type ErasedKey = { importKey: string; erasedAt: Date };

/** Which of these keys the survey's responses already hold, and in which wave. */
function findStoredKeys(surveyId: string, keys: string[]): Promise<Map<string, StoredKey>> {
  // $exists states the index's partial filter, so the lookup is an index scan on every server.
  return lookUpKeys(keys, (chunk) => ResponseModel.find({ surveyId, importKey: { $exists: true, $in: chunk } }, { _id: 0, importKey: 1, waveId: 1 }).lean<StoredKey[]>());
}

/** Which of these keys belonged to responses erased at the respondent's request, and when they were erased. */
function findErasedKeys(surveyId: string, keys: string[]): Promise<Map<string, ErasedKey>> {
  return lookUpKeys(keys, (chunk) => ErasedImportKeyModel.find({ surveyId, importKey: { $in: chunk } }, { _id: 0, importKey: 1, erasedAt: 1 }).lean<ErasedKey[]>());
}

/**
 * The survey's imported responses that have no import key (imported before imports were keyed).
 * Counted through the {surveyId, waveId, status} index's prefix, so no collection scan.
 */
function countUnkeyedImports(surveyId: string): Promise<number> {
  return ResponseModel.countDocuments({ surveyId, source: 'import', importKey: { $exists: false } });
}

/**
 * The records that are stored already, that an earlier line of the file has (the first copy in
 * the file is the one kept), or whose response was erased.
 */
function findDuplicates(records: ValidRecord[], stored: Map<string, StoredKey>, erased: Map<string, ErasedKey>): DuplicateRecord[] {
  const firstLine = new Map<string, number>();
  const duplicates: DuplicateRecord[] = [];
  for (const { line, doc } of records) {
    const key = doc.importKey;
    const wave = stored.get(key)?.waveId;
    const erasedAt = erased.get(key)?.erasedAt;
    const earlier = firstLine.get(key);
    if (wave !== undefined) duplicates.push({ line, key, wave });
    else if (erasedAt !== undefined) duplicates.push({ line, key, erasedAt });
    else if (earlier !== undefined) duplicates.push({ line, key, sameAsLine: earlier });
    else firstLine.set(key, line);
  }
  return duplicates;
}

// ---------------------------------------------------------------------------------------------
// Writing
// ---------------------------------------------------------------------------------------------

function isDuplicateKeyError(error: unknown): boolean {
  const { code, writeErrors } = error as { code?: unknown; writeErrors?: { code?: unknown }[] };
  return code === 11000 || (Array.isArray(writeErrors) && writeErrors.some((e) => e.code === 11000));
}

/**
 * Inserts in ordered batches. A batch can fail half written (an ordered insert stops at the first
 * refused document, keeping the ones before it); then every document this import tried to write
 * is removed again, by its own id, so a failed import leaves nothing and never removes another
 * import's records. False when the failure was an import key stored meanwhile by someone else.
 */
async function insertAll(docs: ImportedDocument[], batchSize: number): Promise<boolean> {
  let attempted = 0;
  try {
    for (let start = 0; start < docs.length; start += batchSize) {
      const batch = docs.slice(start, start + batchSize);
      attempted += batch.length;
      await ResponseModel.insertMany(batch, { ordered: true });
    }
  } catch (error) {
    for (let start = 0; start < attempted; start += batchSize) {
      await ResponseModel.collection.deleteMany({ _id: { $in: docs.slice(start, Math.min(start + batchSize, attempted)).map((d) => d._id) } });
    }
    if (isDuplicateKeyError(error)) return false;
    throw error;
  }
  return true;
}

/**
 * An insert that loses a race to another import looks for duplicates again and, with
 * skipDuplicates, writes what is still new; losing three times in a row means imports of the same
 * records keep running at once, and the operator should run them one at a time.
 */
const MAX_ATTEMPTS = 3;

/** Lines named in a refusal of mixed weights: enough to find the pattern, not the whole file. */
const MAX_UNWEIGHTED_LINES = 200;

/**
 * Every record has a weight or none does. A file where some have one would have the others counted
 * at 1, silently, which is a weight too (and rarely the right one). A file-wide rule, so
 * --skip-invalid does not get round it: the file is refused whole.
 */
function refuseMixedWeights(raws: RawResponse[]): void {
  // A line that is not a record (bad JSON, say) says nothing of weights: its own problem is reported.
  const records = raws.filter((raw) => raw.problems.length === 0);
  const unweighted = records.filter((raw) => readDesignWeight(raw.weight).kind === 'none');
  if (unweighted.length === 0 || unweighted.length === records.length) return;
  const problems = unweighted.slice(0, MAX_UNWEIGHTED_LINES).map(({ line, names }): LineProblem => ({ line, field: names.weight, code: 'missing_weight', detail: '(other records of the file have one)' }));
  throw new ImportFileError(
    `${unweighted.length} of ${records.length} records have no weight while the others have one: give every record a weight, or none (a record without one would count as 1)`,
    problems,
  );
}

/** Reads, checks and (unless told otherwise) stores the responses of one file. */
export async function importResponses(request: ImportRequest): Promise<ImportReport> {
  const now = request.now ?? new Date();
  const surveyId = request.survey.definition.id;
  const wave = await findWave(surveyId, request.wave ?? CURRENT_WAVE, now);
  // Respondents of a wave answer the version it pins; so do its imported records.
  const { definition, fingerprint } = await createSurveyCatalog([request.survey]).forWave(wave);
  const text = decode(request.content);
  if (text.trim() === '') throw new ImportFileError('The file is empty: there are no responses to import');
  const raws = request.format === 'csv' ? readCsv(text, definition) : readJsonLines(text);
  if (raws.length === 0) throw new ImportFileError('The file has no responses to import (only a header, or blank lines)');
  refuseMixedWeights(raws);

  const checked = raws.map((raw) => checkResponse(raw, definition, now));
  const problems = checked.flatMap((c) => (c.ok ? [] : c.problems));
  const invalidLines = checked.filter((c) => !c.ok).map((c) => c.line);
  const valid = checked.filter((c): c is ValidRecord => c.ok);
  const keys = [...new Set(valid.map((v) => v.doc.importKey))];
  const unkeyedImports = await countUnkeyedImports(surveyId);
  // Erased keys stay erased while the import runs (an erasure needs the response stored first).
  const erased = await findErasedKeys(surveyId, keys);

  for (let attempt = 1; ; attempt += 1) {
    const duplicates = findDuplicates(valid, await findStoredKeys(surveyId, keys), erased);
    const duplicateLines = new Set(duplicates.map((d) => d.line));
    const fresh = valid.filter((v) => !duplicateLines.has(v.line));
    const report: ImportReport = {
      surveyId,
      waveId: wave.waveId,
      wavePhase: phaseOf(wave, now),
      fingerprint,
      format: request.format,
      total: raws.length,
      valid: valid.length,
      fresh: fresh.length,
      weighted: valid.some((v) => v.doc.weight !== undefined),
      imported: 0,
      problems,
      duplicates,
      unkeyedImports,
      skippedLines: [],
      outcome: 'checked',
    };
    if (request.dryRun) return report;
    const refused = (problems.length > 0 && !request.skipInvalid) || (duplicates.length > 0 && !request.skipDuplicates) || fresh.length === 0;
    if (refused) return { ...report, outcome: 'rejected' };

    // Each record is stored marked for its followers (completion-hooks.ts): an import cut short
    // between the insert and the hooks leaves the counter sweep to count the rest.
    const docs: ImportedDocument[] = fresh.map(({ doc }) => ({ _id: new mongoose.Types.ObjectId(), surveyId, waveId: wave.waveId, fingerprint, ...doc, ...followersPendingMark() }));
    // The wave's quota counters exist before the records do: a counter made between the insert
    // and the hooks would count these records once from the stored completes and once more from
    // the hooks.
    await ensureCounters(wave, wave.quotas);
    if (await insertAll(docs, request.batchSize ?? DEFAULT_BATCH_SIZE)) {
      await runCompletionHooks(docs);
      return { ...report, imported: docs.length, skippedLines: invalidLines, outcome: 'imported' };
    }
    // Another import stored some of these records while this one ran: they are duplicates now.
    if (attempt === MAX_ATTEMPTS) {
      throw new ConflictError(`Other imports keep storing the same records as this one while it runs: nothing imported; run one import at a time`, 'import_conflict');
    }
  }
}

/** The live tallies follow every response that becomes complete, imported ones included. */
async function runCompletionHooks(docs: ImportedDocument[]): Promise<void> {
  for (const [index, doc] of docs.entries()) {
    try {
      await recordCompletion(toStoredResponse(doc));
    } catch (error) {
      // The responses are stored (they are valid); say so rather than leave the operator guessing.
      throw new Error(`Imported ${docs.length} responses, but the completion hooks failed on response ${index + 1} (${doc._id.toHexString()}): ${(error as Error).message}`, { cause: error });
    }
  }
}
