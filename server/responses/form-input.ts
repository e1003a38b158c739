// Turns an HTML form body (urlencoded, every value a string or an array of strings) into the
// canonical answer shapes of server/surveys/answers.ts. Field names:
//   <question>            the value (radio, checkboxes, text, number, date, select)
//   <question>--other     the "other (specify)" text
//   <question>.<row>      one matrix row
//   <question>.<option>   the rank given to one ranking option
// Names are snake_case ids, so "." and "--" cannot clash with an id.
import type { TPage, TQuestion } from '../surveys/survey.schemas';
import type { AnswerError, TAnswers, TOtherTexts } from '../surveys/answers';

/** Form fields that are not answers. */
export const CONTROL_FIELDS = new Set(['_csrf', 'response', 'action', 'website', 'lang']);

export interface ParsedForm {
  answers: TAnswers;
  otherTexts: TOtherTexts;
  /** Fields that name no question on this page: tampering, or a stale form. */
  unknownFields: string[];
  /** Problems visible only in the raw form, such as two options given the same rank. */
  formErrors: AnswerError[];
  /** The ranks exactly as typed, to put them back in the form when it comes back with errors. */
  rankInput: Record<string, Record<string, string>>;
}

export type FormBody = Record<string, string | string[] | undefined>;

function single(value: string | string[] | undefined): string | string[] | undefined {
  if (Array.isArray(value)) return value.length === 1 ? value[0] : value;
  return value;
}

function nonEmpty(value: string | string[] | undefined): string | string[] | undefined {
  const v = single(value);
  if (typeof v === 'string') return v.trim() === '' ? undefined : v;
  return v;
}

function list(value: string | string[] | undefined): string[] {
  if (value === undefined) return [];
  return (Array.isArray(value) ? value : [value]).filter((v) => v !== '');
}

function readQuestion(question: TQuestion, body: FormBody, consumed: Set<string>, parsed: ParsedForm): void {
  const id = question.id;
  const take = (name: string) => {
    consumed.add(name);
    return body[name];
  };
  switch (question.type) {
    case 'multiple_choice': {
      const chosen = list(take(id));
      if (chosen.length > 0) parsed.answers[id] = chosen;
      break;
    }
    case 'matrix': {
      const rows: Record<string, string> = {};
      for (const name of Object.keys(body)) {
        if (!name.startsWith(`${id}.`)) continue;
        const value = nonEmpty(take(name));
        if (value !== undefined) rows[name.slice(id.length + 1)] = value as string;
      }
      if (Object.keys(rows).length > 0) parsed.answers[id] = rows as unknown as TAnswers[string];
      break;
    }
    case 'ranking': {
      // Each option has a rank select; the answer is the option ids ordered by rank.
      const ranks: Array<{ option: string; rank: string | string[] }> = [];
      for (const name of Object.keys(body)) {
        if (!name.startsWith(`${id}.`)) continue;
        const value = nonEmpty(take(name));
        if (value !== undefined) ranks.push({ option: name.slice(id.length + 1), rank: value });
      }
      if (ranks.length > 0) {
        const numeric = ranks.map((r) => ({ option: r.option, n: typeof r.rank === 'string' ? Number(r.rank) : NaN }));
        if (numeric.some((r) => !Number.isInteger(r.n) || r.n < 1)) {
          parsed.formErrors.push({ questionId: id, code: 'wrong_type' });
        } else if (new Set(numeric.map((r) => r.n)).size !== numeric.length) {
          parsed.formErrors.push({ questionId: id, code: 'incomplete_ranking' });
        }
        parsed.answers[id] = numeric.sort((a, b) => a.n - b.n).map((r) => r.option);
        parsed.rankInput[id] = Object.fromEntries(ranks.map((r) => [r.option, String(r.rank)]));
      }
      break;
    }
    default: {
      const value = nonEmpty(take(id));
      if (value !== undefined) parsed.answers[id] = value as TAnswers[string];
    }
  }
  if ('options' in question && question.options?.some((o) => o.specify)) {
    const text = single(take(`${id}--other`));
    if (typeof text === 'string' && text.trim() !== '') parsed.otherTexts[id] = text.trim();
  }
}

export function parsePageForm(page: TPage, body: FormBody): ParsedForm {
  const parsed: ParsedForm = { answers: {}, otherTexts: {}, unknownFields: [], formErrors: [], rankInput: {} };
  const consumed = new Set<string>();
  for (const question of page.questions) readQuestion(question, body, consumed, parsed);
  parsed.unknownFields = Object.keys(body).filter((name) => !consumed.has(name) && !CONTROL_FIELDS.has(name));
  return parsed;
}

/**
 * A page rule for an "other" text that the form says nothing else about. Without JavaScript a
 * respondent can type in the "Other" box and forget the tick; the text must not be thrown away
 * silently (the stored texts keep only those whose option is chosen):
 * - single choice, nothing chosen: the answer is the "other" option;
 * - multiple choice: "other" joins the choices, unless an exclusive option is ticked or
 *   max_selections would be passed;
 * - single choice with another option chosen, those two cases, or an "Other" that the page's own
 *   answers hide: the page comes back with the text in place and says what to do.
 * Only the respondent's form follows this rule; an import says what it means.
 */
export type OtherTextErrorCode = 'other_conflict' | 'other_exclusive' | 'other_too_many' | 'other_hidden';

export interface OtherTextError {
  questionId: string;
  code: OtherTextErrorCode;
  /** `other`: the "other" option's id; `option`: the option in the way; `max`: max_selections. */
  params: { other: string; option?: string; max?: number };
}

export interface OtherTextOutcome {
  /** Questions whose "other" option the rule ticked: the next page says so. */
  ticked: string[];
  errors: OtherTextError[];
}

const OTHER_TEXT_CODES: ReadonlySet<string> = new Set<OtherTextErrorCode>(['other_conflict', 'other_exclusive', 'other_too_many', 'other_hidden']);

export function isOtherTextError(error: { code: string }): error is OtherTextError {
  return OTHER_TEXT_CODES.has(error.code);
}

/**
 * Applies the rule to `parsed` in place. `shownOptions(questionId)`: the options of a question
 * that the page's answers show (undefined when the question itself is hidden: its answers go
 * anyway, like any answer to a question the respondent's own answers hid).
 */
export function tickOtherForTypedText(
  questions: readonly TQuestion[],
  parsed: Pick<ParsedForm, 'answers' | 'otherTexts'>,
  shownOptions: (questionId: string) => readonly string[] | undefined,
): OtherTextOutcome {
  const outcome: OtherTextOutcome = { ticked: [], errors: [] };
  for (const question of questions) {
    if (question.type !== 'single_choice' && question.type !== 'multiple_choice') continue;
    const other = question.options.find((o) => o.specify);
    const shown = shownOptions(question.id);
    if (!other || parsed.otherTexts[question.id] === undefined || shown === undefined) continue;
    const current = parsed.answers[question.id];
    const chosen = Array.isArray(current) ? current : typeof current === 'string' ? [current] : [];
    const fail = (code: OtherTextErrorCode, extra: Omit<OtherTextError['params'], 'other'> = {}) =>
      outcome.errors.push({ questionId: question.id, code, params: { other: other.id, ...extra } });
    if (!shown.includes(other.id)) fail('other_hidden');
    else if (chosen.includes(other.id)) continue;
    else if (question.type === 'single_choice') {
      if (chosen.length > 0) fail('other_conflict', { option: chosen[0] });
      else tick(question, other.id);
    } else {
      const exclusive = question.options.find((o) => o.exclusive && chosen.includes(o.id));
      if (exclusive) fail('other_exclusive', { option: exclusive.id });
      else if (question.max_selections !== undefined && chosen.length + 1 > question.max_selections) fail('other_too_many', { max: question.max_selections });
      else tick(question, other.id);
    }
  }
  return outcome;

  function tick(question: TQuestion, otherId: string): void {
    const current = parsed.answers[question.id];
    parsed.answers[question.id] = question.type === 'multiple_choice' ? [...(Array.isArray(current) ? current : []), otherId] : otherId;
    outcome.ticked.push(question.id);
  }
}
