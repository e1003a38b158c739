// Exports of a wave's complete responses (CSV, XLSX) and their codebook (CSV, JSON, and a sheet of
// the XLSX). Responses are read with a cursor and written as they come, so an export of a large
// wave does not sit in memory. The writers take a plain Writable: the HTTP layer passes the
// response, a script could pass a file.
import { Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { stringify } from 'csv-stringify';
import { NotFoundError, ValidationError } from '../lib/errors';
import { ResponseModel } from '../responses/response.model';
import { COUNTED, toStoredResponse, type StoredResponse } from '../responses/response.service';
import type { SurveyCatalog } from '../surveys/survey.catalog';
import { findSurveyVersion } from '../surveys/survey.catalog';
import type { TSurveyDefinition } from '../surveys/survey.schemas';
import { findWave } from '../waves/wave.service';
import { buildCodebook, codebookHeader, codebookRows, guardCodebookRow, type Codebook } from './codebook';
import { exportColumns, PROGRESS_COLUMNS, splitMultipleChoices, VOIDED_COLUMNS, type ExportColumn, type MultipleChoiceLayout } from './export-columns';
import { buildResponseRow, csvRecord, type Cell, type RowOptions } from './response-row';
import { CSV_FILE_OPTIONS } from './csv-format';
import { startStreamedWorkbook } from './xlsx-stream';
import { caseValues, planSavColumns, widenStrings, type ExtraColumnName } from './sav/survey-variables';
import { createSavWriter } from './sav/sav-writer';

export interface ExportTarget {
  surveyId: string;
  waveId: string;
  /** The definition versions the export covers, the most recently answered first. */
  fingerprints: string[];
  /** The newest of them: its languages and wording lead. */
  definition: TSurveyDefinition;
  columns: ExportColumn[];
  /** Voided responses come too (`?voided=include`), marked in the VOIDED_COLUMNS after the others. */
  includeVoided: boolean;
  /** Partial and screened-out responses come too (`?status=all`), with the PROGRESS_COLUMNS. */
  includePartial: boolean;
}

export interface ExportRequest {
  surveyId: string;
  /** A wave id, or "current". */
  wave: string;
  /** Only this definition version (codebooks); by default every version the wave's responses answered. */
  fingerprint?: string;
  /** Voided responses too, marked; only when the caller asks for them. */
  includeVoided?: boolean;
  /** Partial and screened-out responses too, with their status and last page. */
  includePartial?: boolean;
  /** Multiple choices as one 0/1 column per option (`columns`), or ids joined in one (`list`, the default). */
  multi?: MultipleChoiceLayout;
}

export interface LabelOptions {
  labels?: boolean;
  lang?: string;
}

const CSV_MEDIA_TYPE = 'text/csv; charset=utf-8';
const XLSX_MEDIA_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

export const EXPORT_MEDIA_TYPES = { csv: CSV_MEDIA_TYPE, xlsx: XLSX_MEDIA_TYPE, json: 'application/json; charset=utf-8', sav: 'application/x-spss-sav' } as const;

type ResponseRecord = Parameters<typeof toStoredResponse>[0];
type ResponseFilter = NonNullable<Parameters<typeof ResponseModel.countDocuments>[0]>;

/** What the export covers besides complete responses: partial and screened-out ones on request (`?status=all`). */
const PARTIAL_STATUSES = ['partial', 'screened_out'] as const;

type FilterChoice = Pick<ExportTarget, 'surveyId' | 'waveId' | 'includeVoided' | 'includePartial'>;

/**
 * What an export holds: the wave's complete responses, never a test one (COUNTED); on request,
 * also the partial and screened-out ones, and those an organizer voided (what they were then
 * decides whether they come).
 */
function exportedFilter(target: FilterChoice): ResponseFilter {
  const statuses: string[] = ['complete', ...(target.includePartial ? PARTIAL_STATUSES : [])];
  const kept = { status: { $in: statuses } };
  const status = target.includeVoided ? { $or: [kept, { status: 'voided', 'voided.previousStatus': { $in: statuses } }] } : kept;
  // The cast: mongoose infers an index signature for this schema that no `$ne` satisfies (as in response.service.ts).
  return { surveyId: target.surveyId, waveId: target.waveId, ...COUNTED, ...status } as unknown as ResponseFilter;
}

/** The fingerprints the exported responses answered, the most recently completed first. */
async function answeredFingerprints(target: FilterChoice): Promise<string[]> {
  const groups = await ResponseModel.aggregate<{ _id: string; last: Date | null }>([
    { $match: exportedFilter(target) },
    { $group: { _id: '$fingerprint', last: { $max: '$completedAt' } } },
    { $sort: { last: -1, _id: 1 } },
  ]);
  return groups.map((g) => g._id);
}

async function loadVersion(surveyId: string, fingerprint: string, current: { definition: TSurveyDefinition; fingerprint: string }): Promise<TSurveyDefinition> {
  if (fingerprint === current.fingerprint) return current.definition;
  const definition = await findSurveyVersion(surveyId, fingerprint);
  if (!definition) throw new NotFoundError(`Survey "${surveyId}" has no recorded version ${fingerprint}`, 'survey_version_not_found');
  return definition;
}

/** What an export covers: throws NotFoundError for an unknown survey, wave or version. */
export async function resolveExportTarget(catalog: SurveyCatalog, request: ExportRequest): Promise<ExportTarget> {
  const survey = catalog.require(request.surveyId);
  const wave = await findWave(request.surveyId, request.wave);
  const includeVoided = request.includeVoided === true;
  const includePartial = request.includePartial === true;
  let fingerprints: string[];
  if (request.fingerprint !== undefined) fingerprints = [request.fingerprint];
  else {
    fingerprints = await answeredFingerprints({ surveyId: wave.surveyId, waveId: wave.waveId, includeVoided, includePartial });
    // A wave nobody has completed yet is described by the version it pins.
    if (fingerprints.length === 0) fingerprints = [(await catalog.forWave(wave)).fingerprint];
  }
  const versions: TSurveyDefinition[] = [];
  for (const fingerprint of fingerprints) versions.push(await loadVersion(survey.definition.id, fingerprint, survey));
  const [definition] = versions;
  if (!definition) throw new Error('no definition version to export');
  const columns = request.multi === 'columns' ? splitMultipleChoices(exportColumns(versions)) : exportColumns(versions);
  return { surveyId: survey.definition.id, waveId: wave.waveId, fingerprints, definition, columns, includeVoided, includePartial };
}

/** Checks the label language against the survey's languages (the first one by default). */
export function rowOptionsFor(target: ExportTarget, options: LabelOptions): RowOptions {
  const languages = target.definition.languages;
  const lang = options.lang ?? languages[0] ?? 'fr';
  if (!languages.includes(lang)) throw new ValidationError(`lang must be one of ${languages.join(', ')}`, { lang }, 'unknown_language');
  return { labels: options.labels === true, lang };
}

export function exportFilename(target: ExportTarget, what: 'responses' | 'codebook' | 'tables', extension: 'csv' | 'xlsx' | 'json' | 'sav'): string {
  return `${target.surveyId}-${target.waveId}-${what}.${extension}`;
}

type ExportedStoredResponse = StoredResponse & { weight?: number };

/** The exported responses in completion order (unfinished ones first, when asked for), one at a time, with their design weight. */
async function* exportedResponses(target: ExportTarget): AsyncGenerator<ExportedStoredResponse> {
  const cursor = ResponseModel.find(exportedFilter(target)).sort({ completedAt: 1, _id: 1 }).lean<ResponseRecord>().cursor({ batchSize: 500 });
  try {
    for await (const doc of cursor) {
      const { weight } = doc as { weight?: number };
      yield { ...toStoredResponse(doc as ResponseRecord), ...(typeof weight === 'number' ? { weight } : {}) };
    }
  } finally {
    await cursor.close();
  }
}

function headerOf(target: ExportTarget): string[] {
  return [...target.columns.map((c) => c.name), ...(target.includePartial ? PROGRESS_COLUMNS : []), ...(target.includeVoided ? VOIDED_COLUMNS : [])];
}

/** How far the respondent went: a voided response is shown as what it was when it was voided. */
export function progressOf(response: StoredResponse): { status: string; lastPage: string | null } {
  return { status: response.voided?.previousStatus ?? response.status, lastPage: response.lastPageId ?? null };
}

/** A response's cells: its columns, then its progress and whether (and why) it was voided when the export asks. */
function rowOf(target: ExportTarget, response: StoredResponse, options: RowOptions): Cell[] {
  const cells = buildResponseRow(target.columns, response, options);
  if (target.includePartial) {
    const progress = progressOf(response);
    cells.push(progress.status, progress.lastPage);
  }
  if (target.includeVoided) cells.push(response.voided ? 1 : 0, response.voided?.reason ?? null);
  return cells;
}

async function* responseRecords(target: ExportTarget, options: RowOptions): AsyncGenerator<string[]> {
  yield headerOf(target);
  for await (const response of exportedResponses(target)) yield csvRecord(rowOf(target, response, options));
}

function csvWriter(): ReturnType<typeof stringify> {
  return stringify(CSV_FILE_OPTIONS);
}

/** Streams the responses CSV: a header of column names, then one row per complete response. */
export async function writeResponsesCsv(target: ExportTarget, options: RowOptions, out: Writable): Promise<void> {
  await pipeline(Readable.from(responseRecords(target, options)), csvWriter(), out);
}

export function getCodebook(target: ExportTarget): Codebook {
  return buildCodebook({ surveyId: target.surveyId, waveId: target.waveId, fingerprints: target.fingerprints, definition: target.definition, columns: target.columns });
}

export async function writeCodebookCsv(target: ExportTarget, out: Writable): Promise<void> {
  const codebook = getCodebook(target);
  function* records(): Generator<(string | number)[]> {
    yield codebookHeader(codebook.languages);
    for (const row of codebookRows(codebook)) yield guardCodebookRow(row);
  }
  await pipeline(Readable.from(records()), csvWriter(), out);
}

/** Streams a workbook with a Responses sheet (one row per exported response) and a Codebook sheet. */
export async function writeResponsesXlsx(target: ExportTarget, options: RowOptions, out: Writable): Promise<void> {
  const { workbook, finished: done } = startStreamedWorkbook(out);

  const sheet = workbook.addWorksheet('Responses', { views: [{ state: 'frozen', ySplit: 1 }] });
  const header = headerOf(target);
  sheet.columns = header.map((name) => ({
    key: name,
    width: Math.min(Math.max(name.length + 2, 12), 40),
    ...(name === 'started_at' || name === 'completed_at' ? { style: { numFmt: 'yyyy-mm-dd hh:mm:ss' } } : {}),
  }));
  sheet.addRow(header).commit();
  for await (const response of exportedResponses(target)) {
    // Texts as string cells, exactly as typed: in XLSX a string cell is never a formula (a formula
    // is a cell of its own type), so `=1+1` stays text without the quote CSV needs (formula-guard.ts).
    sheet.addRow(rowOf(target, response, options)).commit();
  }
  sheet.commit();

  const codebook = getCodebook(target);
  const codebookSheet = workbook.addWorksheet('Codebook', { views: [{ state: 'frozen', ySplit: 1 }] });
  codebookSheet.addRow(codebookHeader(codebook.languages)).commit();
  for (const row of codebookRows(codebook)) codebookSheet.addRow(row).commit();
  codebookSheet.commit();

  await workbook.commit();
  await done;
}

/** The case count a streamed .sav declares: "unknown", as the format allows, since cases are written as they are read. */
const UNKNOWN_CASE_COUNT = -1;

/**
 * Streams an SPSS system file: codes with value labels in `options.lang`, one 0/1 variable per
 * option of a multiple choice (the target's columns must be split), the design weight as the
 * file's weight. Two passes over the responses: the first measures the texts, since a .sav
 * declares each string's width before the first case; the second writes only the responses the
 * first saw, so a response completed in between cannot hold a text wider than its variable.
 */
export async function writeResponsesSav(target: ExportTarget, options: RowOptions, out: Writable, now = new Date()): Promise<void> {
  const codes: RowOptions = { labels: false, lang: options.lang };
  const extraColumns: ExtraColumnName[] = [...(target.includePartial ? PROGRESS_COLUMNS : []), ...(target.includeVoided ? VOIDED_COLUMNS : [])];
  const plan = planSavColumns({ columns: target.columns, extraColumns, lang: options.lang });
  const measured = new Set<string>();
  for await (const response of exportedResponses(target)) {
    widenStrings(plan, rowOf(target, response, codes));
    measured.add(response.id);
  }
  const writer = createSavWriter({
    variables: plan.columns.map((c) => c.variable),
    weight: plan.weight,
    multipleResponseSets: plan.multipleResponseSets,
    fileLabel: `${target.surveyId} ${target.waveId}`,
    createdAt: now,
  });
  async function* bytes(): AsyncGenerator<Buffer> {
    yield writer.dictionaryBytes(UNKNOWN_CASE_COUNT);
    for await (const response of exportedResponses(target)) {
      if (measured.has(response.id)) yield writer.caseBytes(caseValues(plan, rowOf(target, response, codes)));
    }
  }
  await pipeline(Readable.from(bytes()), out);
}
