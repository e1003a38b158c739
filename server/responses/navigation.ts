// Which page comes next, which came before, and where a returning respondent picks up.
import type { TAnswers } from '../surveys/answers';
import { isAnswered } from '../surveys/conditions';
import type { TPage, TSurveyDefinition } from '../surveys/survey.schemas';
import { computeVisibility, type SurveyVisibility } from '../surveys/visibility';

function pagesShownBy(definition: TSurveyDefinition, visibility: SurveyVisibility): TPage[] {
  return definition.pages.filter((page) => visibility.pages.has(page.id) && page.questions.some((q) => visibility.questions.has(q.id)));
}

export function visiblePages(definition: TSurveyDefinition, answers: TAnswers): TPage[] {
  return pagesShownBy(definition, computeVisibility(definition, answers));
}

export interface PagePosition {
  previous?: TPage;
  next?: TPage;
  /** 1-based place of the page among the visible pages, and how many there are. */
  current: number;
  total: number;
}

/** Where a page stands among the pages the answers make visible (one visibility pass). */
export function pagePosition(definition: TSurveyDefinition, pageId: string, answers: TAnswers): PagePosition {
  const pages = visiblePages(definition, answers);
  const order = definition.pages.findIndex((p) => p.id === pageId);
  const index = pages.findIndex((p) => p.id === pageId);
  const previous = [...pages].reverse().find((p) => definition.pages.indexOf(p) < order);
  const next = pages.find((p) => definition.pages.indexOf(p) > order);
  return { ...(previous ? { previous } : {}), ...(next ? { next } : {}), current: index + 1, total: Math.max(pages.length, index + 1) };
}

/**
 * Where a returning respondent picks up: the first page that still needs an answer (a required
 * question left empty, or nothing answered at all), but never past the page after the last one
 * they saved, since optional questions may be left empty on purpose.
 */
export function resumePage(definition: TSurveyDefinition, answers: TAnswers, lastPageId?: string): TPage {
  const visibility = computeVisibility(definition, answers);
  const pages = pagesShownBy(definition, visibility);
  const needsAnswer = (page: TPage) => {
    const shown = page.questions.filter((q) => visibility.questions.has(q.id));
    const answered = shown.filter((q) => isAnswered(visibility.answers[q.id]));
    return answered.length === 0 || shown.some((q) => q.required && !isAnswered(visibility.answers[q.id]));
  };
  let candidate = pages.findIndex(needsAnswer);
  if (lastPageId !== undefined) {
    const order = definition.pages.findIndex((p) => p.id === lastPageId);
    const afterLast = pages.findIndex((p) => definition.pages.indexOf(p) > order);
    if (afterLast >= 0 && (candidate < 0 || afterLast < candidate)) candidate = afterLast;
  }
  const page = pages[candidate] ?? pages[pages.length - 1] ?? definition.pages[0];
  if (!page) throw new Error(`survey "${definition.id}" has no page`);
  return page;
}
