// Which quotas a definition version can hold: a pure check, in the waves folder so that the wave
// lifecycle (a new wave copies its quotas, perhaps onto another version) and the fieldwork quota
// service apply the same rules without one importing the other.
import type { TQuestion, TSurveyDefinition } from '../surveys/survey.schemas';
import { findQuestion } from '../surveys/visibility';
import type { WaveQuota } from './wave.service';

/**
 * The most completes a quota cell may hold: the same bound as a wave's target sample, far above
 * any real survey, and low enough that a mistyped limit (1e20) is refused rather than stored.
 */
export const MAX_QUOTA_LIMIT = 10_000_000;

export type QuotaQuestion = Extract<TQuestion, { type: 'single_choice' | 'yes_no' }>;

/** The question types a quota can split respondents by: one answer, one cell. */
const QUOTA_TYPES: ReadonlySet<TQuestion['type']> = new Set(['single_choice', 'yes_no']);

export function isQuotaQuestion(question: TQuestion): question is QuotaQuestion {
  return QUOTA_TYPES.has(question.type);
}

/** The questions of a definition a quota may be set on, in definition order. */
export function quotaQuestionsOf(definition: TSurveyDefinition): QuotaQuestion[] {
  return definition.pages.flatMap((page) => page.questions.filter(isQuotaQuestion));
}

export type QuotaCellRef = Pick<WaveQuota, 'questionId' | 'optionId'>;

export function sameCell(a: QuotaCellRef, b: QuotaCellRef): boolean {
  return a.questionId === b.questionId && a.optionId === b.optionId;
}

export type QuotaProblemCode = 'quota_unknown_question' | 'quota_not_single_choice' | 'quota_unknown_option' | 'quota_invalid_limit' | 'quota_duplicate_cell';

export interface QuotaProblem {
  code: QuotaProblemCode;
  message: string;
  /** The quota refused, as it was given. */
  quota: { questionId: string; optionId: string; limit: unknown };
}

function isValidLimit(limit: unknown): boolean {
  return typeof limit === 'number' && Number.isInteger(limit) && limit >= 0 && limit <= MAX_QUOTA_LIMIT;
}

/** Each quota that `definition` cannot hold, with the reason (codes for callers that word it themselves). */
export function quotaProblemsOf(definition: TSurveyDefinition, quotas: readonly WaveQuota[]): QuotaProblem[] {
  const problems: QuotaProblem[] = [];
  for (const [index, quota] of quotas.entries()) {
    const { questionId, optionId, limit } = quota;
    const refuse = (code: QuotaProblemCode, message: string) => problems.push({ code, message, quota: { questionId, optionId, limit } });
    const question = findQuestion(definition, questionId);
    if (!question) refuse('quota_unknown_question', `Quota on "${questionId}": the wave's version has no such question`);
    else if (!isQuotaQuestion(question)) {
      refuse('quota_not_single_choice', `Quota on "${questionId}": it is a ${question.type} question; quotas go on single-choice or yes/no questions`);
    } else if (!question.options.some((option) => option.id === optionId)) refuse('quota_unknown_option', `Quota on "${questionId}": it has no option "${optionId}"`);
    else if (!isValidLimit(limit)) {
      refuse('quota_invalid_limit', `Quota on "${questionId}.${optionId}": the limit ${String(limit)} is not a whole number of completes from 0 to ${MAX_QUOTA_LIMIT}`);
    } else if (quotas.findIndex((other) => sameCell(other, quota)) !== index) refuse('quota_duplicate_cell', `Quota on "${questionId}.${optionId}" is given twice`);
  }
  return problems;
}

/** What is wrong with `quotas` on `definition`, one sentence per refused quota; empty when all may be set. */
export function quotaProblems(definition: TSurveyDefinition, quotas: readonly WaveQuota[]): string[] {
  return quotaProblemsOf(definition, quotas).map((problem) => problem.message);
}
