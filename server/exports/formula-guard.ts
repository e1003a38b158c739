// Spreadsheets run a cell that starts with =, +, -, @ (and, in some, a tab or a carriage return)
// as a formula, so a respondent who types `=HYPERLINK(...)` could plant a link or a DDE payload
// in an analyst's workbook (CSV/formula injection). OWASP's advice: prefix such cells with a
// single quote, which spreadsheets show as text. Only strings are touched: a number stays a number.
// This is for CSV (and the other plain-text tables): in XLSX a string cell is never a formula, so
// the workbooks store texts as string cells, unprefixed, and the analyst reads what was typed.
//
// A text that already starts with quotes followed by a trigger gets one more quote, so the guard
// can be undone exactly (restoreGuardedText), and an export can be imported back unchanged.

const NEEDS_GUARD = /^'*[=+\-@\t\r]/;
const GUARDED = /^''*[=+\-@\t\r]/;

/** The text a spreadsheet shows as is: a leading ' when it would otherwise run as a formula. */
export function guardFormula(text: string): string {
  return NEEDS_GUARD.test(text) ? `'${text}` : text;
}

/** Undoes guardFormula: what the respondent typed. Texts that guardFormula leaves alone are returned unchanged. */
export function restoreGuardedText(text: string): string {
  return GUARDED.test(text) ? text.slice(1) : text;
}

/** guardFormula for strings; numbers, dates, booleans and empty cells pass through. */
export function guardCell<T>(value: T): T | string {
  return typeof value === 'string' ? guardFormula(value) : value;
}
