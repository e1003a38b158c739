/*
 * Placeholders in report statements, e.g.
 *   "{{ pct uses_social = yes base=all }} des professionnels répondants ..."
 *   "plus de {{ top2 satisfaction_professional[viadeo] round=down step=10 }} de satisfaction"
 *
 * Grammar (whitespace-separated tokens inside {{ }}):
 *   pct QUESTION = OPTION [settings]      share choosing OPTION (single/multiple choice, yes/no)
 *   top2 QUESTION[ROW]? [settings]        top-2 box of a rating, or of one matrix row
 *   bottom2 QUESTION[ROW]? [settings]     bottom-2 box
 *   mean QUESTION[ROW]? [settings]        mean of a rating / number / nps / matrix row
 *   nps QUESTION [settings]               net promoter score
 *   n                                     completed responses
 *   base QUESTION[ROW]? [settings]        number of respondents in the base
 * settings: base=answered|shown|all  decimals=N  round=nearest|down  step=N
 * The engine keeps full precision; these settings only say how the report prints a figure.
 */

export type TPlaceholderBase = 'answered' | 'shown' | 'all';
export type TPlaceholderRound = 'nearest' | 'down';

export interface PlaceholderFormat {
  /** answered (default): shown and answered, "don't know" excluded; shown: shown, answered or not; all: every complete respondent. */
  base: TPlaceholderBase;
  /** Decimals printed (default 0). */
  decimals: number;
  /** How to round to `step` or to `decimals` (default nearest). */
  round: TPlaceholderRound;
  /** Round to a multiple of step (e.g. round=down step=10 prints 53.2 as 50). */
  step?: number;
}

export type Placeholder =
  | { kind: 'pct'; question: string; option: string; format: PlaceholderFormat }
  | { kind: 'top2' | 'bottom2' | 'mean'; question: string; row?: string; format: PlaceholderFormat }
  | { kind: 'nps'; question: string; format: PlaceholderFormat }
  | { kind: 'base'; question: string; row?: string; format: PlaceholderFormat }
  | { kind: 'n'; format: PlaceholderFormat };

export type TPlaceholderKind = Placeholder['kind'];

export interface ParsedPlaceholder {
  raw: string;
  start: number;
  end: number;
  placeholder: Placeholder;
}

export class PlaceholderSyntaxError extends Error {
  constructor(
    message: string,
    readonly raw: string,
    readonly start: number,
  ) {
    super(message);
    this.name = 'PlaceholderSyntaxError';
  }
}

const ID = '[a-z][a-z0-9_]*';
const QUESTION_REF = new RegExp(`^(${ID})(?:\\[(${ID})\\])?$`);
const SETTING = /^(base|decimals|round|step)=(.*)$/;

function syntaxError(raw: string, start: number, message: string): PlaceholderSyntaxError {
  return new PlaceholderSyntaxError(`placeholder ${raw}: ${message}`, raw, start);
}

function parseFormat(tokens: string[], raw: string, start: number): PlaceholderFormat {
  const format: PlaceholderFormat = { base: 'answered', decimals: 0, round: 'nearest' };
  const seen = new Set<string>();
  for (const token of tokens) {
    const m = SETTING.exec(token);
    if (!m) throw syntaxError(raw, start, `unexpected "${token}" (settings are base=, decimals=, round=, step=)`);
    const [, key = '', value = ''] = m;
    if (seen.has(key)) throw syntaxError(raw, start, `"${key}" is given twice`);
    seen.add(key);
    if (key === 'base') {
      if (value !== 'answered' && value !== 'shown' && value !== 'all') throw syntaxError(raw, start, `base must be answered, shown or all, not "${value}"`);
      format.base = value;
    } else if (key === 'round') {
      if (value !== 'nearest' && value !== 'down') throw syntaxError(raw, start, `round must be nearest or down, not "${value}"`);
      format.round = value;
    } else if (key === 'decimals') {
      if (!/^[0-4]$/.test(value)) throw syntaxError(raw, start, `decimals must be a whole number from 0 to 4, not "${value}"`);
      format.decimals = Number(value);
    } else {
      if (!/^\d+(\.\d+)?$/.test(value) || Number(value) <= 0) throw syntaxError(raw, start, `step must be a positive number, not "${value}"`);
      format.step = Number(value);
    }
  }
  return format;
}

function parseRef(token: string | undefined, raw: string, start: number, allowRow: boolean): { question: string; row?: string } {
  const m = token === undefined ? null : QUESTION_REF.exec(token);
  if (!m || !m[1]) throw syntaxError(raw, start, token === undefined ? 'a question id is missing' : `"${token}" is not a question id${allowRow ? ' (or question[row])' : ''}`);
  if (m[2] !== undefined && !allowRow) throw syntaxError(raw, start, `"${token}": this placeholder takes a question, not a row`);
  return m[2] === undefined ? { question: m[1] } : { question: m[1], row: m[2] };
}

function parseBody(body: string, raw: string, start: number): Placeholder {
  const tokens = body.split(/\s+/).filter(Boolean);
  const [kind, ...rest] = tokens;
  switch (kind) {
    case 'pct': {
      const ref = parseRef(rest[0], raw, start, false);
      if (rest[1] !== '=') throw syntaxError(raw, start, 'write "pct QUESTION = OPTION"');
      const option = rest[2];
      if (option === undefined || !new RegExp(`^${ID}$`).test(option)) throw syntaxError(raw, start, 'an option id is missing after "="');
      return { kind, question: ref.question, option, format: parseFormat(rest.slice(3), raw, start) };
    }
    case 'top2':
    case 'bottom2':
    case 'mean':
    case 'base': {
      const ref = parseRef(rest[0], raw, start, true);
      return { kind, ...ref, format: parseFormat(rest.slice(1), raw, start) };
    }
    case 'nps': {
      const ref = parseRef(rest[0], raw, start, false);
      return { kind, question: ref.question, format: parseFormat(rest.slice(1), raw, start) };
    }
    case 'n':
      return { kind, format: parseFormat(rest, raw, start) };
    default:
      throw syntaxError(raw, start, kind === undefined ? 'it is empty' : `unknown figure "${kind}" (use pct, top2, bottom2, mean, nps, n or base)`);
  }
}

/** Every placeholder of a statement text, in order. Throws PlaceholderSyntaxError on bad syntax. */
export function parsePlaceholders(text: string): ParsedPlaceholder[] {
  const found: ParsedPlaceholder[] = [];
  let index = 0;
  for (;;) {
    const start = text.indexOf('{{', index);
    const strayClose = text.indexOf('}}', index);
    if (strayClose !== -1 && (start === -1 || strayClose < start)) {
      throw syntaxError('}}', strayClose, 'closes a placeholder that was never opened');
    }
    if (start === -1) return found;
    const close = text.indexOf('}}', start + 2);
    const nextOpen = text.indexOf('{{', start + 2);
    if (close === -1 || (nextOpen !== -1 && nextOpen < close)) {
      throw syntaxError(text.slice(start, start + 30), start, 'is not closed with }}');
    }
    const end = close + 2;
    const raw = text.slice(start, end);
    found.push({ raw, start, end, placeholder: parseBody(text.slice(start + 2, close), raw, start) });
    index = end;
  }
}
