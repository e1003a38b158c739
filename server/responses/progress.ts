// How far along a respondent is, as a percentage that never goes backwards and never jumps.
// Counting pages did both ("Page 1 of 6", "2 of 7", …): the total grew as answers revealed pages.
// Here the unit is a question:
//
//   done      = questions asked on the visible pages before this one
//   possible  = questions that can still be shown from this page on: this page's and later pages'
//               whose display logic (page, question, and a matrix's rows) is not already settled
//               false by the answers before this page; every question from this page on counts
//               as unanswered, so a condition on one of them stays open
//   percent   = floor(100 × done / (done + possible)), at most 99 on a question page; the
//               thank-you page is 100.
//
// Two choices:
// - A matrix counts as one question, whatever its rows: a matrix whose rows come from a later
//   answer (rows_from) has no known row count until then, and weighting by rows would make the
//   total move when that answer arrives. Only a matrix whose rows are all settled hidden is out.
// - A prefilled question (an invited member's known attribute) counts for nothing, asked or not:
//   whether its known answer stands depends on display logic that later answers can settle, so
//   counting it could grow the total; leaving it out costs at most a step where the bar does not
//   move for a question the panel knew already.
//
// Why it never decreases along a forward path. The percentage at page P depends only on A, the
// answers to the questions before P (later answers, kept from a Back, are ignored). Going Next
// from P to the next visible page P′, the answers before P′ are A′ = A plus P's answers (pages in
// between are hidden, or show only prefilled questions, and add nothing). Then:
// 1. done′ = done + shown(P), where shown(P) is P's questions visible under A′: the visibility of
//    a question before P depends only on earlier answers (conditions look back), so it is the
//    same under A and A′.
// 2. shown(P) ≤ possible_P(A): reduceCondition is sound (a settled result holds for every value
//    the open questions may take), so a question visible under A′ was not settled false under A.
// 3. possible(P′, A′) ≤ possible_after_P(A): a leaf condition settled under A (its question
//    before P) is settled the same under A′ (A′ agrees with A there), and the open set only
//    shrinks; so a condition settled false under A stays false under A′.
// Hence done′ ≥ done and done′ + possible′ ≤ done + possible, so done′/total′ ≥ done/total; floor
// and the cap at 99 are monotone, and the thank-you page's 100 is above every question page. The
// first page has done = 0, so 0 %. test/unit/responses/progress.test.ts checks this over random
// answer paths.
import type { TAnswers } from '../surveys/answers';
import type { TCondition, TQuestion, TSurveyDefinition } from '../surveys/survey.schemas';
import type { SurveyVisibility } from '../surveys/visibility';
import { reduceCondition } from './page-plan';

export interface Progress {
  /** 0 on the first page, never more than 99 on a question page: 100 is the thank-you page's. */
  percent: number;
  /** Questions asked before this page. */
  done: number;
  /** Questions that can still be shown from this page on. */
  possible: number;
}

/**
 * The progress of `pageId`. `visibility`: computeVisibility of the respondent's answers (only the
 * questions before the page are read from it, and they depend only on earlier answers).
 */
export function progressAt(definition: TSurveyDefinition, visibility: SurveyVisibility, prefilled: ReadonlySet<string>, pageId: string): Progress {
  const at = definition.pages.findIndex((p) => p.id === pageId);
  if (at < 0) throw new Error(`survey "${definition.id}" has no page "${pageId}"`);
  const counted = (q: TQuestion) => !prefilled.has(q.id);
  const before = definition.pages.slice(0, at);
  const from = definition.pages.slice(at);

  let done = 0;
  const prior: TAnswers = {};
  for (const page of before) {
    for (const q of page.questions) {
      if (counted(q) && visibility.questions.has(q.id)) done += 1;
      const value = visibility.answers[q.id];
      if (value !== undefined) prior[q.id] = value;
    }
  }

  // Every question from this page on is open, prefilled or not: a known answer does not settle a
  // later condition here, because whether it stands can itself depend on open questions.
  const open = new Set(from.flatMap((p) => p.questions.map((q) => q.id)));
  const mayHold = (condition: TCondition | undefined) => condition === undefined || reduceCondition(condition, prior, open) !== false;
  let possible = 0;
  for (const page of from) {
    if (!mayHold(page.show_if)) continue;
    for (const q of page.questions) {
      if (counted(q) && mayHold(q.show_if) && mayHaveRows(q, prior, open, mayHold)) possible += 1;
    }
  }
  const total = done + possible;
  const percent = total === 0 ? 0 : Math.min(99, Math.floor((100 * done) / total));
  return { percent, done, possible };
}

/** A matrix is shown only with a row to rate: rows all settled hidden leave it out. */
function mayHaveRows(q: TQuestion, prior: TAnswers, open: ReadonlySet<string>, mayHold: (c: TCondition | undefined) => boolean): boolean {
  if (q.type !== 'matrix') return true;
  if (q.rows) return q.rows.some((row) => mayHold(row.show_if));
  if (!q.rows_from) return false;
  if (open.has(q.rows_from.question)) return true;
  const chosen = prior[q.rows_from.question];
  const exclude = new Set(q.rows_from.exclude ?? []);
  return Array.isArray(chosen) && chosen.some((id) => !exclude.has(id));
}
