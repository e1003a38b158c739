// A question's figures as CSV: the table the dashboard shows, for a spreadsheet.
//
// Decision: cells carry their machine value, not their text. A share is the proportion 0–1 in full
// precision, exactly as GET …/figures gives it (format the column as % in the spreadsheet); a
// count is a count, a mean a mean, a change the difference of proportions. Rounded percentages
// would add rounding to every sum an analyst makes and could not be checked against the API. A
// cell with no single value (a 95 % interval, a "—") carries its text. Significance letters get a
// column of their own after the column they mark, so the figure stays a number.
//
// The file is written like the response exports (BOM, CRLF, RFC 4180 commas) so Excel opens it
// in UTF-8, and every text goes through the exports' formula guard: option labels come from
// survey definitions and could start with "=" or "-".
import { stringify } from 'csv-stringify/sync';
import { guardCell } from '../exports/formula-guard';
import type { QuestionView, TableCell } from './dashboard.types';
import { CSV_FILE_OPTIONS } from '../exports/csv-format';

/** Written in the first line of a question whose figures are below the publication threshold. */
export const NOT_FOR_PUBLICATION = 'not_for_publication';

function machineValue(cell: TableCell | undefined): string | number {
  if (!cell) return '';
  return cell.value ?? cell.text;
}

export function questionFiguresCsv(view: QuestionView): string {
  const { columns, rows } = view.table;
  const dataColumns = columns.slice(1);
  const marked = dataColumns.map((_, index) => rows.some((row) => row.cells[index]?.marker));
  const header = [columns[0] ?? '', ...dataColumns.flatMap((title, index) => (marked[index] ? [title, `${title} (sig.)`] : [title]))];
  const records: Array<Array<string | number>> = [
    [view.id, view.text, view.baseNote, ...(view.notForPublication ? [NOT_FOR_PUBLICATION] : [])],
    header,
    ...rows.map((row) => [
      row.label,
      ...dataColumns.flatMap((_, index) => {
        const cell = row.cells[index];
        return marked[index] ? [machineValue(cell), cell?.marker ?? ''] : [machineValue(cell)];
      }),
    ]),
  ];
  return stringify(
    records.map((record) => record.map(guardCell)),
    CSV_FILE_OPTIONS,
  );
}
