// Imports complete responses from a file (JSON Lines, or CSV with the export's columns):
// parse every line, validate every response with the web form's own rules, and only then insert
// (in batches) and run the completion hooks, so a file with an error leaves nothing behind.
import mongoose from 'mongoose';
import { parse as parseCsv, CsvError } from 'csv-parse/sync';
import { ValidationError } from '../lib/errors';
import { validateResponse, type AnswerError, type TAnswers, type TOtherTexts } from '../surveys/answers';
import type { LoadedSurvey } from '../surveys/survey.loader';
import type { TQuestion, TSurveyDefinition } from '../surveys/survey.schemas';
import { findQuestion } from '../surveys/visibility';
import { CURRENT_WAVE, findWave } from '../waves/wave.service';
import { LIST_SEPARATOR, META_COLUMNS, OTHER_SUFFIX, matrixRows, specifyOption } from '../exports/export-columns';
import { restoreGuardedText } from '../exports/formula-guard';
import { recordCompletion } from './completion-hooks';
import { ResponseModel } from './response.model';
import { toStoredResponse, type ResponseRecord } from './response.service';

export type ImportFormat = 'jsonl' | 'csv';

export interface ImportRequest {
  /** The survey as it runs now: responses are validated against it and record its fingerprint. */
  survey: LoadedSurvey;
  /** A wave id, or "current" (the default). */
  wave?: string;
  format: ImportFormat;
  /** The file's bytes (UTF-8, with or without a BOM). */
  content: Buffer | string;
  /** Import the valid responses of a file that has invalid ones, instead of nothing. */
  skipInvalid?: boolean;
  /** Check only: nothing is written. */
  dryRun?: boolean;
  /** Completion time of responses that do not give one (default: now). */
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

export interface ImportReport {
  surveyId: string;
  waveId: string;
  fingerprint: string;
  format: ImportFormat;
  /** Responses read from the file. */
  total: number;
  valid: number;
  imported: number;
  problems: LineProblem[];
  /** Lines left out because they have problems (with skipInvalid). */
  skippedLines: number[];
  /** imported: written; rejected: problems and no skipInvalid, nothing written; checked: dry run. */
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
  /** How the file names the fields, for messages: jsonl says completedAt, CSV completed_at. */
  names: { language: string; startedAt: string; completedAt: string };
  problems: LineProblem[];
}

/** A response as the importer writes it: always complete, from an import. */
type ImportedDocument = ResponseRecord & {
  status: 'complete';
  source: 'import';
  answers: TAnswers;
  otherTexts: TOtherTexts;
  completedAt: Date;
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
// completedAt? } or the answers object itself (with "<question>--other" keys for other texts).
// ---------------------------------------------------------------------------------------------

const ENVELOPE_KEYS = new Set(['answers', 'otherTexts', 'language', 'startedAt', 'completedAt']);
const JSONL_NAMES = { language: 'language', startedAt: 'startedAt', completedAt: 'completedAt' };

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
    return raw;
  }
  for (const [key, v] of Object.entries(value)) {
    if (key.endsWith(OTHER_SUFFIX)) raw.otherTexts[key.slice(0, -OTHER_SUFFIX.length)] = v;
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
  | { kind: 'meta'; field: 'language' | 'startedAt' | 'completedAt' }
  | { kind: 'answer'; question: TQuestion }
  | { kind: 'matrix_row'; question: TQuestion; rowId: string }
  | { kind: 'other_text'; question: TQuestion };

const CSV_NAMES = { language: 'language', startedAt: 'started_at', completedAt: 'completed_at' };
const CSV_META: Record<string, CsvColumn> = {
  language: { kind: 'meta', field: 'language' },
  started_at: { kind: 'meta', field: 'startedAt' },
  completed_at: { kind: 'meta', field: 'completedAt' },
};

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
    // Written by the export, decided by the import: new ids, this wave, this fingerprint.
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

type CheckedResponse = { ok: true; line: number; doc: Omit<ImportedDocument, '_id' | 'surveyId' | 'waveId' | 'fingerprint'> } | { ok: false; line: number; problems: LineProblem[] };

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

  const result = validateResponse(definition, raw.answers, raw.otherTexts);
  if (!result.ok) problems.push(...result.errors.map((e) => answerProblem(line, e)));
  if (problems.length || !result.ok || completedAt === 'invalid' || startedAt === 'invalid') return { ok: false, line, problems };

  const completed = completedAt ?? now;
  const started = startedAt ?? completed;
  if (started.getTime() > completed.getTime()) {
    return { ok: false, line, problems: [{ line, field: raw.names.startedAt, code: 'after_completion', detail: `(${started.toISOString()} is after ${completed.toISOString()})` }] };
  }
  return {
    ok: true,
    line,
    doc: { status: 'complete', answers: result.answers, otherTexts: result.otherTexts, language, source: 'import', startedAt: started, completedAt: completed, revision: 1 },
  };
}

// ---------------------------------------------------------------------------------------------
// Writing
// ---------------------------------------------------------------------------------------------

/** Inserts in batches; if a batch fails, removes what earlier batches wrote, so the import is all or nothing. */
async function insertAll(docs: ImportedDocument[], batchSize: number): Promise<void> {
  const written: mongoose.Types.ObjectId[] = [];
  try {
    for (let start = 0; start < docs.length; start += batchSize) {
      const batch = docs.slice(start, start + batchSize);
      await ResponseModel.insertMany(batch, { ordered: true });
      written.push(...batch.map((d) => d._id));
    }
  } catch (error) {
    // The failed batch may be half written: remove its ids too.
    const failedBatch = docs.slice(written.length, written.length + batchSize).map((d) => d._id);
    await ResponseModel.collection.deleteMany({ _id: { $in: [...written, ...failedBatch] } });
    throw error;
  }
}

/** Reads, checks and (unless told otherwise) stores the responses of one file. */
export async function importResponses(request: ImportRequest): Promise<ImportReport> {
  const { definition, fingerprint } = request.survey;
  const wave = await findWave(definition.id, request.wave ?? CURRENT_WAVE);
  const text = decode(request.content);
  if (text.trim() === '') throw new ImportFileError('The file is empty: there are no responses to import');
  const raws = request.format === 'csv' ? readCsv(text, definition) : readJsonLines(text);
  if (raws.length === 0) throw new ImportFileError('The file has no responses to import (only a header, or blank lines)');

  const now = request.now ?? new Date();
  const checked = raws.map((raw) => checkResponse(raw, definition, now));
  const problems = checked.flatMap((c) => (c.ok ? [] : c.problems));
  const invalidLines = checked.filter((c) => !c.ok).map((c) => c.line);
  const valid = checked.flatMap((c) => (c.ok ? [c.doc] : []));
  const report: ImportReport = {
    surveyId: definition.id,
    waveId: wave.waveId,
    fingerprint,
    format: request.format,
    total: raws.length,
    valid: valid.length,
    imported: 0,
    problems,
    skippedLines: [],
    outcome: 'checked',
  };
  if (request.dryRun) return report;
  if (problems.length > 0 && !request.skipInvalid) return { ...report, outcome: 'rejected' };

  const docs: ImportedDocument[] = valid.map((doc) => ({ _id: new mongoose.Types.ObjectId(), surveyId: definition.id, waveId: wave.waveId, fingerprint, ...doc }));
  await insertAll(docs, request.batchSize ?? DEFAULT_BATCH_SIZE);
  // The live tallies follow every response that becomes complete, imported ones included.
  for (const [index, doc] of docs.entries()) {
    try {
      await recordCompletion(toStoredResponse(doc));
    } catch (error) {
      // The responses are stored (they are valid); say so rather than leave the operator guessing.
      throw new Error(`Imported ${docs.length} responses, but the completion hooks failed on response ${index + 1} (${doc._id.toHexString()}): ${(error as Error).message}`, { cause: error });
    }
  }
  return { ...report, imported: docs.length, skippedLines: invalidLines, outcome: 'imported' };
}
