// What one page of the form shows, decided on the server. Display logic that depends on earlier
// pages is settled here; logic that depends on answers on the same page cannot be (without
// JavaScript the respondent must see the question to answer it), so such questions are rendered
// with their condition reduced to its same-page part, for the optional script to apply at once.
// Either way the server prunes answers that end up hidden when the page is posted.
import { evaluateCondition, isLeafCondition } from '../surveys/conditions';
import type { TCondition, TMatrixRow, TOption, TPage, TQuestion, TSurveyDefinition } from '../surveys/survey.schemas';
import type { TAnswers } from '../surveys/answers';
import { visibleMatrixRows } from '../surveys/visibility';
import type { PagesShown } from './navigation';

/** A condition reduced against earlier answers: settled (true/false) or still open on this page. */
export type ReducedCondition = boolean | TCondition;

export function reduceCondition(condition: TCondition, prior: TAnswers, samePage: ReadonlySet<string>): ReducedCondition {
  if (isLeafCondition(condition)) {
    return samePage.has(condition.question) ? condition : evaluateCondition(condition, prior);
  }
  if ('not' in condition) {
    const inner = reduceCondition(condition.not, prior, samePage);
    return typeof inner === 'boolean' ? !inner : { not: inner };
  }
  const isAll = 'all' in condition;
  const parts = (isAll ? condition.all : condition.any).map((c) => reduceCondition(c, prior, samePage));
  const open: TCondition[] = [];
  for (const part of parts) {
    if (part === !isAll) return !isAll; // a false in "all" or a true in "any" settles it
    if (typeof part !== 'boolean') open.push(part);
  }
  if (open.length === 0) return isAll;
  return isAll ? { all: open } : { any: open };
}

export interface PlannedOption {
  option: TOption;
  /** Open condition for the script, when it depends on this page. */
  dynamic?: TCondition;
}

export interface PlannedQuestion {
  question: TQuestion;
  dynamic?: TCondition;
  options?: PlannedOption[];
  rows?: TMatrixRow[];
}

export interface PagePlan {
  page: TPage;
  questions: PlannedQuestion[];
  /** The answers to earlier pages the plan was made from (answersBeforePage), and the page's known answers. */
  prior: TAnswers;
}

/** Answers to the pages before `page`, with whatever they hide removed. */
function answersBeforePage(definition: TSurveyDefinition, page: TPage, shown: PagesShown): TAnswers {
  const earlier = new Set<string>();
  for (const p of definition.pages) {
    if (p.id === page.id) break;
    for (const q of p.questions) earlier.add(q.id);
  }
  return Object.fromEntries(Object.entries(shown.answers).filter(([id]) => earlier.has(id)));
}

/**
 * What `page` shows, given what the respondent's answers show (pagesShown of their answers). A
 * question whose answer is known (shown.known) is not on it: the respondent is not asked again.
 */
export function planPage(definition: TSurveyDefinition, page: TPage, shown: PagesShown): PagePlan {
  const { known } = shown;
  // A known answer on this page is settled like an earlier page's: conditions on it are not left to the script.
  const prior = answersBeforePage(definition, page, shown);
  for (const question of page.questions) {
    const value = known.has(question.id) ? shown.answers[question.id] : undefined;
    if (value !== undefined) prior[question.id] = value;
  }
  const samePage = new Set(page.questions.filter((q) => !known.has(q.id)).map((q) => q.id));
  const questions: PlannedQuestion[] = [];
  for (const question of page.questions) {
    if (known.has(question.id)) continue;
    const shown = question.show_if ? reduceCondition(question.show_if, prior, samePage) : true;
    if (shown === false) continue;
    const planned: PlannedQuestion = { question, ...(shown === true ? {} : { dynamic: shown }) };
    if (question.type === 'matrix') {
      planned.rows = visibleMatrixRows(definition, question, prior);
      if (planned.rows.length === 0) continue;
    } else if ('options' in question && question.options) {
      planned.options = [];
      for (const option of question.options) {
        const optionShown = option.show_if ? reduceCondition(option.show_if, prior, samePage) : true;
        if (optionShown === false) continue;
        planned.options.push({ option, ...(optionShown === true ? {} : { dynamic: optionShown }) });
      }
    }
    questions.push(planned);
  }
  return { page, questions, prior };
}
