import type { TMatrixQuestion, TMatrixRow, TOption, TPage, TQuestion, TSurveyDefinition } from './survey.schemas';
import type { TAnswers, TAnswerValue, TMatrixAnswer, TOtherTexts } from './answers';
import { evaluateCondition, isAnswered } from './conditions';

/*
 * What a respondent sees, given their answers. Conditions only look back (the checker enforces
 * it), so one pass in definition order is enough: each question is judged against the answers
 * before it, already stripped of whatever became hidden.
 */

export interface SurveyVisibility {
  /** Ids of visible pages. */
  pages: Set<string>;
  /** Ids of visible questions (a question is hidden when its page is). */
  questions: Set<string>;
  /** Visible option ids of each visible choice/ranking question, in definition order. */
  options: Map<string, string[]>;
  /** Visible rows of each visible matrix (piped rows: the chosen options, in option order). */
  rows: Map<string, TMatrixRow[]>;
  /** The answers with everything hidden removed. */
  answers: TAnswers;
}

function optionsOf(q: TQuestion): TOption[] | undefined {
  return 'options' in q && q.options ? q.options : undefined;
}

export function findQuestion(definition: TSurveyDefinition, questionId: string): TQuestion | undefined {
  for (const page of definition.pages) for (const q of page.questions) if (q.id === questionId) return q;
  return undefined;
}

export function findPage(definition: TSurveyDefinition, pageId: string): TPage | undefined {
  return definition.pages.find((p) => p.id === pageId);
}

/** Options of a choice or ranking question whose show_if holds (all of them when none). */
export function visibleOptions(question: TQuestion, answers: TAnswers): TOption[] {
  return (optionsOf(question) ?? []).filter((o) => !o.show_if || evaluateCondition(o.show_if, answers));
}

/** Rows of a matrix as the respondent sees them: explicit rows whose show_if holds, or the options chosen in the source question. */
export function visibleMatrixRows(definition: TSurveyDefinition, question: TMatrixQuestion, answers: TAnswers): TMatrixRow[] {
  if (question.rows) return question.rows.filter((r) => !r.show_if || evaluateCondition(r.show_if, answers));
  if (!question.rows_from) return [];
  const source = findQuestion(definition, question.rows_from.question);
  const chosen = answers[question.rows_from.question];
  if (!source || !Array.isArray(chosen)) return [];
  const exclude = new Set(question.rows_from.exclude ?? []);
  return (optionsOf(source) ?? []).filter((o) => chosen.includes(o.id) && !exclude.has(o.id)).map((o) => ({ id: o.id, label: o.label }));
}

/** Keeps the parts of an answer that point at visible options or rows; undefined when nothing is left. */
function keepVisibleParts(q: TQuestion, value: TAnswerValue, optionIds: string[] | undefined, rows: TMatrixRow[] | undefined): TAnswerValue | undefined {
  if (q.type === 'matrix') {
    if (typeof value !== 'object' || Array.isArray(value)) return undefined;
    const ids = new Set((rows ?? []).map((r) => r.id));
    const kept: TMatrixAnswer = {};
    for (const [rowId, v] of Object.entries(value)) if (ids.has(rowId)) kept[rowId] = v;
    return Object.keys(kept).length ? kept : undefined;
  }
  if (optionIds) {
    if (Array.isArray(value)) {
      const kept = value.filter((id) => optionIds.includes(id));
      return kept.length ? kept : undefined;
    }
    return typeof value === 'string' && optionIds.includes(value) ? value : undefined;
  }
  return value;
}

export function computeVisibility(definition: TSurveyDefinition, answers: TAnswers): SurveyVisibility {
  const result: SurveyVisibility = { pages: new Set(), questions: new Set(), options: new Map(), rows: new Map(), answers: {} };
  for (const page of definition.pages) {
    const pageVisible = !page.show_if || evaluateCondition(page.show_if, result.answers);
    if (pageVisible) result.pages.add(page.id);
    for (const q of page.questions) {
      if (!pageVisible || (q.show_if && !evaluateCondition(q.show_if, result.answers))) continue;
      let rows: TMatrixRow[] | undefined;
      let optionIds: string[] | undefined;
      if (q.type === 'matrix') {
        rows = visibleMatrixRows(definition, q, result.answers);
        if (rows.length === 0) continue; // nothing to rate: the matrix is not shown at all
        result.rows.set(q.id, rows);
      } else if (optionsOf(q)) {
        optionIds = visibleOptions(q, result.answers).map((o) => o.id);
        result.options.set(q.id, optionIds);
      }
      result.questions.add(q.id);
      const value = answers[q.id];
      if (value === undefined || !isAnswered(value)) continue;
      const kept = keepVisibleParts(q, value, optionIds, rows);
      if (kept !== undefined) result.answers[q.id] = kept;
    }
  }
  return result;
}

export function isPageVisible(definition: TSurveyDefinition, pageId: string, answers: TAnswers): boolean {
  return computeVisibility(definition, answers).pages.has(pageId);
}

/** The questions of a page that are visible given the answers so far. */
export function visibleQuestions(definition: TSurveyDefinition, pageId: string, answers: TAnswers): TQuestion[] {
  const page = findPage(definition, pageId);
  if (!page) return [];
  const visibility = computeVisibility(definition, answers);
  return page.questions.filter((q) => visibility.questions.has(q.id));
}

/** Drops answers to questions, options and matrix rows that display logic now hides (and answers to unknown questions). */
export function pruneHiddenAnswers(definition: TSurveyDefinition, answers: TAnswers): TAnswers {
  return computeVisibility(definition, answers).answers;
}

/** Keeps an "other (specify)" text only while its option is selected in the (pruned) answers. */
export function pruneOtherTexts(definition: TSurveyDefinition, answers: TAnswers, otherTexts: TOtherTexts): TOtherTexts {
  const kept: TOtherTexts = {};
  for (const [questionId, text] of Object.entries(otherTexts)) {
    const q = findQuestion(definition, questionId);
    const value = answers[questionId];
    const specifyIds = (q && optionsOf(q)?.filter((o) => o.specify).map((o) => o.id)) ?? [];
    const selected = Array.isArray(value) ? value : typeof value === 'string' ? [value] : [];
    if (text.trim() !== '' && specifyIds.some((id) => selected.includes(id))) kept[questionId] = text;
  }
  return kept;
}
