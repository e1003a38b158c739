// A workbook streamed to a Writable (the HTTP response), and the promise of its last byte: the
// writer's commit resolves before the stream has flushed, so the caller waits on the stream.
import type { Writable } from 'node:stream';
import ExcelJS from 'exceljs';

export function startStreamedWorkbook(out: Writable): { workbook: ExcelJS.stream.xlsx.WorkbookWriter; finished: Promise<void> } {
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false });
  workbook.creator = 'Barometer';
  const finished = new Promise<void>((resolve, reject) => {
    out.once('finish', resolve);
    out.once('close', resolve);
    out.once('error', reject);
  });
  return { workbook, finished };
}
