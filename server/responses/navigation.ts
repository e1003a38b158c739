// Which page comes next, which came before, and where a returning respondent picks up. A question
// whose answer is known before the respondent sees it (an invited panel member's attribute, kept
// in the response's `prefilled`) is not shown, and a page left with nothing else to show is skipped.
import type { TAnswers } from '../surveys/answers';
import { isAnswered } from '../surveys/conditions';
import type { TPage, TSurveyDefinition } from '../surveys/survey.schemas';
import { computeVisibility, type SurveyVisibility } from '../surveys/visibility';
import { progressAt, type Progress } from './progress';

/** The visible pages either side of a page: where Back and Next lead. */
export interface PageNeighbours {
  previous?: TPage;
  next?: TPage;
}

export interface PagePosition extends PageNeighbours {
  /** How far along the respondent is on this page (progress.ts). */
  progress: Progress;
}

/**
 * What a respondent's answers show, from one visibility pass: a request asks several things of
 * the same answers (may this page be seen, where do they resume, what does the page show, where
 * does it stand), and the pass is most of what answering any of them costs.
 */
export interface PagesShown {
  /** The answers with whatever they hide removed. */
  answers: TAnswers;
  /** The prefilled questions whose known answer still stands: never shown. */
  known: ReadonlySet<string>;
  /** The visible pages, in definition order. */
  pages: TPage[];
  /** Where Back and Next lead from a page: all that saving a page needs. */
  neighbours(pageId: string): PageNeighbours;
  /** Where a page stands among the visible pages, and the progress that the page shows. */
  position(pageId: string): PagePosition;
  /**
   * Where a returning respondent picks up: the first page that still needs an answer (a required
   * question left empty, or nothing answered at all), but never past the page after the last one
   * they saved, since optional questions may be left empty on purpose.
   */
  resumePage(lastPageId?: string): TPage;
}

/** `prefilled`: the response's questions answered from known attributes (StoredResponse.prefilled). */
export function pagesShown(definition: TSurveyDefinition, answers: TAnswers, prefilled: readonly string[] = []): PagesShown {
  const visibility = computeVisibility(definition, answers);
  // A known answer that display logic dropped no longer stands: the question is asked after all.
  const known = new Set(prefilled.filter((id) => visibility.answers[id] !== undefined));
  const asked = (id: string) => visibility.questions.has(id) && !known.has(id);
  const pages = definition.pages.filter((page) => visibility.pages.has(page.id) && page.questions.some((q) => asked(q.id)));
  const prefilledIds = new Set(prefilled);
  return {
    answers: visibility.answers,
    known,
    pages,
    neighbours: (pageId) => neighboursAmong(definition, pages, pageId),
    position: (pageId) => ({ ...neighboursAmong(definition, pages, pageId), progress: progressAt(definition, visibility, prefilledIds, pageId) }),
    resumePage: (lastPageId) => resumeAmong(definition, visibility, asked, pages, lastPageId),
  };
}

function neighboursAmong(definition: TSurveyDefinition, pages: TPage[], pageId: string): PageNeighbours {
  const order = definition.pages.findIndex((p) => p.id === pageId);
  const previous = [...pages].reverse().find((p) => definition.pages.indexOf(p) < order);
  const next = pages.find((p) => definition.pages.indexOf(p) > order);
  return { ...(previous ? { previous } : {}), ...(next ? { next } : {}) };
}

function resumeAmong(definition: TSurveyDefinition, visibility: SurveyVisibility, asked: (questionId: string) => boolean, pages: TPage[], lastPageId?: string): TPage {
  const needsAnswer = (page: TPage) => {
    const shown = page.questions.filter((q) => asked(q.id));
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
