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
