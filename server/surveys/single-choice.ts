// Single-choice questions (single_choice and yes_no): one option id per answer, so they are what
// crosstabs split by, segments group by and weighting targets name. One place says which they are.
import type { TQuestion, TSurveyDefinition } from './survey.schemas';
import { findQuestion } from './visibility';

export type SingleChoiceQuestion = Extract<TQuestion, { type: 'single_choice' | 'yes_no' }>;

export function isSingleChoice(question: TQuestion): question is SingleChoiceQuestion {
  return question.type === 'single_choice' || question.type === 'yes_no';
}

/** The definition's question `questionId` when it is single-choice; undefined when absent or of another type. */
export function findSingleChoiceQuestion(definition: TSurveyDefinition, questionId: string): SingleChoiceQuestion | undefined {
  const question = findQuestion(definition, questionId);
  return question && isSingleChoice(question) ? question : undefined;
}
