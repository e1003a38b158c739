// Exports of a wave's complete responses (CSV, XLSX) and their codebook (CSV, JSON, and a sheet of
// the XLSX). Responses are read with a cursor and written as they come, so an export of a large
// wave does not sit in memory. The writers take a plain Writable: the HTTP layer passes the
// response, a script could pass a file.
import { Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import ExcelJS from 'exceljs';
import { stringify } from 'csv-stringify';
import { NotFoundError, ValidationError } from '../lib/errors';
import { ResponseModel } from '../responses/response.model';
import { toStoredResponse } from '../responses/response.service';
import type { SurveyCatalog } from '../surveys/survey.catalog';
import { findSurveyVersion } from '../surveys/survey.catalog';
import type { TSurveyDefinition } from '../surveys/survey.schemas';
import { findWave } from '../waves/wave.service';
import { buildCodebook, codebookHeader, codebookRows, guardCodebookRow, type Codebook } from './codebook';
import { exportColumns, type ExportColumn } from './export-columns';
import { guardCell } from './formula-guard';
import { buildResponseRow, csvRecord, type Cell, type RowOptions } from './response-row';

export interface ExportTarget {
  surveyId: string;
  waveId: string;
  /** The definition versions the export covers, the most recently answered first. */
  fingerprints: string[];
  /** The newest of them: its languages and wording lead. */
  definition: TSurveyDefinition;
  columns: ExportColumn[];
}

export interface ExportRequest {
  surveyId: string;
  /** A wave id, or "current". */
  wave: string;
  /** Only this definition version (codebooks); by default every version the wave's responses answered. */
  fingerprint?: string;
}

export interface LabelOptions {
  labels?: boolean;
  lang?: string;
}

const CSV_MEDIA_TYPE = 'text/csv; charset=utf-8';
const XLSX_MEDIA_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

export const EXPORT_MEDIA_TYPES = { csv: CSV_MEDIA_TYPE, xlsx: XLSX_MEDIA_TYPE, json: 'application/json; charset=utf-8' } as const;

type ResponseRecord = Parameters<typeof toStoredResponse>[0];

function completeFilter(target: Pick<ExportTarget, 'surveyId' | 'waveId'>): Record<string, string> {
  return { surveyId: target.surveyId, waveId: target.waveId, status: 'complete' };
}

/** The fingerprints the wave's complete responses answered, the most recently completed first. */
async function answeredFingerprints(surveyId: string, waveId: string): Promise<string[]> {
  const groups = await ResponseModel.aggregate<{ _id: string; last: Date | null }>([
    { $match: completeFilter({ surveyId, waveId }) },
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
  let fingerprints: string[];
  if (request.fingerprint !== undefined) fingerprints = [request.fingerprint];
  else {
    fingerprints = await answeredFingerprints(wave.surveyId, wave.waveId);
    // A wave nobody has completed yet is described by the definition it runs now.
    if (fingerprints.length === 0) fingerprints = [survey.fingerprint];
  }
  const versions: TSurveyDefinition[] = [];
  for (const fingerprint of fingerprints) versions.push(await loadVersion(survey.definition.id, fingerprint, survey));
  const [definition] = versions;
  if (!definition) throw new Error('no definition version to export');
  return { surveyId: survey.definition.id, waveId: wave.waveId, fingerprints, definition, columns: exportColumns(versions) };
}

/** Checks the label language against the survey's languages (the first one by default). */
export function rowOptionsFor(target: ExportTarget, options: LabelOptions): RowOptions {
  const languages = target.definition.languages;
  const lang = options.lang ?? languages[0] ?? 'fr';
  if (!languages.includes(lang)) throw new ValidationError(`lang must be one of ${languages.join(', ')}`, { lang }, 'unknown_language');
  return { labels: options.labels === true, lang };
}

export function exportFilename(target: ExportTarget, what: 'responses' | 'codebook', extension: 'csv' | 'xlsx' | 'json'): string {
  return `${target.surveyId}-${target.waveId}-${what}.${extension}`;
}

/** The wave's complete responses in completion order, one at a time. */
async function* completeResponses(target: ExportTarget): AsyncGenerator<ReturnType<typeof toStoredResponse>> {
  const cursor = ResponseModel.find(completeFilter(target)).sort({ completedAt: 1, _id: 1 }).lean<ResponseRecord>().cursor({ batchSize: 500 });
  try {
    for await (const doc of cursor) yield toStoredResponse(doc as ResponseRecord);
  } finally {
    await cursor.close();
  }
}

async function* responseRecords(target: ExportTarget, options: RowOptions): AsyncGenerator<string[]> {
  yield target.columns.map((c) => c.name);
  for await (const response of completeResponses(target)) yield csvRecord(buildResponseRow(target.columns, response, options));
}

function csvWriter(): ReturnType<typeof stringify> {
  // The BOM tells Excel the file is UTF-8; CRLF is RFC 4180's record separator.
  return stringify({ bom: true, record_delimiter: 'windows' });
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

function xlsxCell(cell: Cell): ExcelJS.CellValue {
  return cell === null ? null : guardCell(cell);
}

/** Streams a workbook with a Responses sheet (one row per complete response) and a Codebook sheet. */
export async function writeResponsesXlsx(target: ExportTarget, options: RowOptions, out: Writable): Promise<void> {
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false });
  workbook.creator = 'Barometer';
  const done = new Promise<void>((resolve, reject) => {
    out.once('finish', resolve);
    out.once('close', resolve);
    out.once('error', reject);
  });

  const sheet = workbook.addWorksheet('Responses', { views: [{ state: 'frozen', ySplit: 1 }] });
  sheet.columns = target.columns.map((c) => ({
    key: c.name,
    width: Math.min(Math.max(c.name.length + 2, 12), 40),
    ...(c.name === 'started_at' || c.name === 'completed_at' ? { style: { numFmt: 'yyyy-mm-dd hh:mm:ss' } } : {}),
  }));
  sheet.addRow(target.columns.map((c) => c.name)).commit();
  for await (const response of completeResponses(target)) {
    sheet.addRow(buildResponseRow(target.columns, response, options).map(xlsxCell)).commit();
  }
  sheet.commit();

  const codebook = getCodebook(target);
  const codebookSheet = workbook.addWorksheet('Codebook', { views: [{ state: 'frozen', ySplit: 1 }] });
  codebookSheet.addRow(codebookHeader(codebook.languages)).commit();
  for (const row of codebookRows(codebook)) codebookSheet.addRow(guardCodebookRow(row)).commit();
  codebookSheet.commit();

  await workbook.commit();
  await done;
}
