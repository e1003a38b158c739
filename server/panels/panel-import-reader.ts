// Reads an uploaded panel file a row at a time, never whole: CSV through csv-parse, fed by a
// strict UTF-8 decoder, and XLSX through exceljs's streaming reader (first sheet only). Every row
// comes out as cells of text with the line (CSV) or row number (XLSX) a spreadsheet shows, so the
// report can point at it. What cannot be read is refused with a message the organizer can act on.
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parse, CsvError } from 'csv-parse';
import ExcelJS from 'exceljs';
import { AppError, UnprocessableError } from '../lib/errors';

/** The largest file an import takes (docs/panels.md): about 200,000 rows of a dozen columns. */
export const MAX_IMPORT_BYTES = 20 * 1024 * 1024;
/** Rows an import takes at most; 100,000 is the size it is built and tested for. */
export const MAX_IMPORT_ROWS = 200_000;

export type ImportFormat = 'csv' | 'xlsx';

export interface TableRow {
  /** The line (CSV) or row (XLSX) number in the file, as an editor or a spreadsheet shows it. */
  line: number;
  cells: string[];
}

export class FileTooLargeError extends AppError {
  constructor(limitBytes: number) {
    super(`The file is larger than ${Math.round(limitBytes / 1024 / 1024)} MB, the most an import takes: split it in parts`, 413, 'file_too_large');
  }
}

/** The start of a ZIP archive, which an XLSX file is. */
function looksLikeXlsx(firstBytes: Buffer): boolean {
  return firstBytes.length >= 4 && firstBytes.readUInt32LE(0) === 0x04034b50;
}

/** The first bytes tell an XLSX file (a ZIP archive) from a CSV text, whatever its name says. */
export async function formatOfFile(path: string): Promise<ImportFormat> {
  const file = await open(path, 'r');
  try {
    const { buffer, bytesRead } = await file.read(Buffer.alloc(4), 0, 4, 0);
    return looksLikeXlsx(buffer.subarray(0, bytesRead)) ? 'xlsx' : 'csv';
  } finally {
    await file.close();
  }
}

/** Bytes read so far: the console's progress bar compares them with the file's size. */
export interface ByteCounter {
  bytes: number;
}

/** Bytes counted as they pass, refused past the limit (a body streamed to the API has no size up front). */
async function* limitedBytes(bytes: AsyncIterable<Buffer>, limit: number, counter: ByteCounter): AsyncGenerator<Buffer> {
  for await (const chunk of bytes) {
    counter.bytes += chunk.length;
    if (counter.bytes > limit) throw new FileTooLargeError(limit);
    yield chunk;
  }
}

const NOT_UTF8 = 'The file is not UTF-8 text: in your spreadsheet, save it as "CSV UTF-8 (comma delimited)" and upload it again';

/** Text from UTF-8 bytes; the first invalid byte refuses the file (a Latin-1 "é" would otherwise be stored as "�"). */
async function* utf8Text(bytes: AsyncIterable<Buffer>): AsyncGenerator<string> {
  // fatal: refuse rather than replace; the BOM Excel writes is dropped (ignoreBOM false).
  const decoder = new TextDecoder('utf-8', { fatal: true });
  try {
    for await (const chunk of bytes) yield decoder.decode(chunk, { stream: true });
    yield decoder.decode();
  } catch (error) {
    if (error instanceof TypeError) throw new UnprocessableError(NOT_UTF8, undefined, 'not_utf8');
    throw error;
  }
}

/** The separator of the header line: French spreadsheets write ";", others ","; a tab also works. */
function detectDelimiter(headerLine: string): ',' | ';' | '\t' {
  const counts = ([',', ';', '\t'] as const).map((separator) => [separator, headerLine.split(separator).length - 1] as const);
  const [best] = [...counts].sort((a, b) => b[1] - a[1]);
  return best && best[1] > 0 ? best[0] : ',';
}

/** The text, with what came before the first line break held back until the separator is known. */
async function* withDelimiter(text: AsyncGenerator<string>): AsyncGenerator<string | { delimiter: ',' | ';' | '\t' }> {
  let head = '';
  let decided = false;
  for await (const piece of text) {
    if (decided) {
      yield piece;
      continue;
    }
    head += piece;
    const end = head.search(/\r?\n/);
    if (end === -1 && head.length < 64 * 1024) continue;
    decided = true;
    yield { delimiter: detectDelimiter(end === -1 ? head : head.slice(0, end)) };
    yield head;
  }
  if (!decided) {
    yield { delimiter: detectDelimiter(head) };
    yield head;
  }
}

async function* csvRows(bytes: AsyncIterable<Buffer>): AsyncGenerator<TableRow> {
  const pieces = withDelimiter(utf8Text(bytes));
  const first = await pieces.next();
  const delimiter = !first.done && typeof first.value === 'object' ? first.value.delimiter : ',';
  const parser = parse({
    delimiter,
    relax_column_count: true,
    skip_empty_lines: true,
    relax_quotes: true,
    info: true,
    // A quote never closed would otherwise read the rest of the file as one cell.
    max_record_size: 64 * 1024,
  });
  const text = Readable.from(
    (async function* () {
      for await (const piece of pieces) if (typeof piece === 'string' && piece !== '') yield piece;
    })(),
  );
  const feeding = pipeline(text, parser);
  // The feeding's own failure reaches the loop below through the parser; this keeps it from
  // being reported unhandled when the loop stops first.
  feeding.catch(() => undefined);
  try {
    for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
      // info.lines is the record's last line, and csv-parse counts \r and \n inside quotes as a line each.
      const breaks = record.reduce((count, cell) => count + (cell.match(/[\r\n]/g)?.length ?? 0), 0);
      yield { line: info.lines - breaks, cells: record };
    }
    await feeding;
  } catch (error) {
    if (error instanceof CsvError) throw new UnprocessableError(`The CSV file cannot be read: ${error.message}`, undefined, 'csv_unreadable');
    throw error;
  } finally {
    parser.destroy();
  }
}

/** A cell as text: what Excel shows for text, numbers, dates, links, formulas. */
function cellText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  if (typeof value === 'object') {
    const cell = value as { richText?: Array<{ text: string }>; text?: unknown; result?: unknown; error?: unknown };
    if (Array.isArray(cell.richText)) return cell.richText.map((part) => part.text).join('');
    if (cell.text !== undefined) return cellText(cell.text);
    if (cell.result !== undefined) return cellText(cell.result);
  }
  return '';
}

async function* xlsxRows(input: Readable): AsyncGenerator<TableRow> {
  const workbook = new ExcelJS.stream.xlsx.WorkbookReader(input, { worksheets: 'emit', sharedStrings: 'cache', hyperlinks: 'ignore', styles: 'ignore', entries: 'emit' });
  try {
    for await (const sheet of workbook) {
      for await (const row of sheet) {
        // row.values is 1-based and sparse.
        const values = (row.values as unknown[]).slice(1);
        yield { line: row.number, cells: Array.from(values, (value) => cellText(value)) };
      }
      // The first sheet only: the others are notes, pivot tables, anything.
      return;
    }
  } catch (error) {
    if (error instanceof AppError) throw error;
    throw new UnprocessableError(`The XLSX file cannot be read: ${(error as Error).message}`, undefined, 'xlsx_unreadable');
  }
}

export type ImportSource = { kind: 'file'; path: string; format: ImportFormat } | { kind: 'stream'; stream: Readable; format: ImportFormat };

/** The rows of the file, the header first; `counter` counts the bytes read. */
export function readTableRows(source: ImportSource, counter: ByteCounter = { bytes: 0 }, limitBytes = MAX_IMPORT_BYTES): AsyncGenerator<TableRow> {
  const bytes = limitedBytes(source.kind === 'file' ? createReadStream(source.path) : source.stream, limitBytes, counter);
  return source.format === 'csv' ? csvRows(bytes) : xlsxRows(Readable.from(bytes));
}
