// Reads a CSV the exports wrote (or PSPP wrote back): its header, and each row by column name.
import { parse } from 'csv-parse/sync';

export type Row = Record<string, string>;

export function readCsv(text: string): { header: string[]; rows: Row[] } {
  const [header = [], ...rest] = parse(text, { bom: true }) as string[][];
  return { header, rows: rest.map((r) => Object.fromEntries(header.map((h, i) => [h, r[i] ?? '']))) };
}
