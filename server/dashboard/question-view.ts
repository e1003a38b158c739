// Stub: turns a wave's figures into what the dashboard shows per question.
import type { Figures } from '../analysis/figures/figures.types';
import type { TSurveyDefinition } from '../surveys/survey.schemas';
import type { InterfaceLanguage } from '../lib/i18n/index';
import type { QuestionView } from './dashboard.types';

export interface QuestionViewInput {
  /** The definition the wave's respondents answered. */
  definition: TSurveyDefinition;
  /** From the figures service, with `crosstab` when the view has a segment, `change`s when it compares. */
  figures: Figures;
  lang: InterfaceLanguage;
  /** Figures on fewer respondents are "not for publication" (LOW_BASE_THRESHOLD's suppression level). */
  lowBaseBelow: number;
  /** The open answers page of a question, with the view's settings. */
  openAnswersHref(questionId: string): string;
}

export function buildQuestionViews(_input: QuestionViewInput): QuestionView[] {
  return [];
}
