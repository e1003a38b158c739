// What a system file describes, independent of surveys: variables (numeric, or strings of a
// width in bytes), their labels, value labels, missing values and measurement levels, the
// weight variable and multiple-response sets. sav-writer.ts lays it out in bytes.

export type SavMeasure = 'nominal' | 'ordinal' | 'scale';

/** The print/write formats used here (the format type codes of the system file format). */
export const SAV_FORMAT = { A: 1, F: 5, DATE: 20, DATETIME: 22 } as const;

export interface SavFormat {
  type: (typeof SAV_FORMAT)[keyof typeof SAV_FORMAT];
  width: number;
  decimals: number;
}

export interface SavVariable {
  /** A valid, unique SPSS name (sav-names.ts). */
  name: string;
  label: string;
  /** 0 for a number; the width in bytes of a string (1 to 32767). */
  width: number;
  /** How a number is shown (strings are always A<width>). */
  format?: SavFormat;
  measure: SavMeasure;
  valueLabels?: ReadonlyArray<readonly [number, string]>;
  /** Up to three numbers declared missing (e.g. the "don't know" code). */
  missing?: readonly number[];
}

/** A multiple dichotomy set: the variables counted when they hold `countedValue`. */
export interface SavMultipleResponseSet {
  /** Without the leading "$", which the writer adds. */
  name: string;
  label: string;
  variables: readonly string[];
  countedValue: number;
}

export interface SavDictionary {
  variables: readonly SavVariable[];
  /** The name of the numeric variable cases are weighted by. */
  weight?: string;
  multipleResponseSets: readonly SavMultipleResponseSet[];
  fileLabel: string;
  createdAt: Date;
}

/** One value per variable, in dictionary order: a number, a text, or null (system-missing, or blanks). */
export type SavValue = number | string | null;

/** The largest string the format can hold, in bytes. */
export const MAX_STRING_BYTES = 32767;

/** SPSS counts time in seconds from the start of the Gregorian calendar, 14 October 1582. */
const GREGORIAN_EPOCH_MS = Date.UTC(1582, 9, 14);

export function spssSeconds(date: Date): number {
  return (date.getTime() - GREGORIAN_EPOCH_MS) / 1000;
}

/** A YYYY-MM-DD date as an SPSS date; null when it is not one. */
export function spssDate(text: string): number | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!match) return null;
  return spssSeconds(new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]))));
}
