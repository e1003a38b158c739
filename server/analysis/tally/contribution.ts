// What one complete response adds to the tallies of its wave. Both the live counters (one $inc
// per response) and a full recompute (a sum over every response) are built from this one
// function, so they cannot disagree about what a response counts for.
//
// Keys, per question:
//   shown, answered, dk              respondents shown the question / who answered it (not "don't
//                                    know") / who said "don't know"
//   opt:<id>                         respondents choosing an option (or a scale point, NPS score)
//   sum, sumsq                       sum of the numeric answers and of their squares (means, SD)
//   bin:<i>                          respondents whose number falls in bin i of the question's
//                                    histogram (number questions with min and max, number-bins.ts)
//   rank:<id>, ranked:<id>           sum of the ranks given to an option, and how many ranked it
//   row:<row>:<key>                  the same keys for one row of a matrix
// and one pseudo-question, RESPONSE_KEY, holding `n`, the number of complete responses.
import type { TAnswers, TAnswerValue } from '../../surveys/answers';
import { DONT_KNOW } from '../../surveys/answers';
import { isAnswered } from '../../surveys/conditions';
import type { TQuestion, TSurveyDefinition } from '../../surveys/survey.schemas';
import { computeVisibility } from '../../surveys/visibility';
import { binIndex, definitionBins } from './number-bins';

export const RESPONSE_KEY = '_response';

/** Counts by question id, then by key. */
export type Contribution = Map<string, Record<string, number>>;

function add(target: Record<string, number>, key: string, amount = 1): void {
  target[key] = (target[key] ?? 0) + amount;
}

function addScaleValue(counts: Record<string, number>, prefix: string, value: TAnswerValue | undefined): void {
  if (value === undefined) return;
  if (value === DONT_KNOW) {
    add(counts, `${prefix}dk`);
    return;
  }
  if (typeof value !== 'number') return;
  add(counts, `${prefix}answered`);
  add(counts, `${prefix}opt:${value}`);
  add(counts, `${prefix}sum`, value);
  add(counts, `${prefix}sumsq`, value * value);
}

function questionCounts(question: TQuestion, value: TAnswerValue | undefined, shownRows: string[] | undefined): Record<string, number> {
  const counts: Record<string, number> = { shown: 1 };
  const answered = value !== undefined && isAnswered(value);
  switch (question.type) {
    case 'single_choice':
    case 'yes_no':
      if (answered && typeof value === 'string') {
        add(counts, 'answered');
        add(counts, `opt:${value}`);
      }
      break;
    case 'multiple_choice':
      if (answered && Array.isArray(value)) {
        add(counts, 'answered');
        for (const id of value) add(counts, `opt:${id}`);
      }
      break;
    case 'rating':
    case 'nps':
      addScaleValue(counts, '', value);
      break;
    case 'matrix': {
      const rows = value && typeof value === 'object' && !Array.isArray(value) ? value : {};
      // The matrix's base is who rated at least one row: "don't know" to every row is no rating,
      // as it is for each row's own base.
      let rated = false;
      for (const rowId of shownRows ?? []) {
        add(counts, `row:${rowId}:shown`);
        const rowValue = rows[rowId];
        if (typeof rowValue === 'number') rated = true;
        addScaleValue(counts, `row:${rowId}:`, rowValue);
      }
      if (rated) add(counts, 'answered');
      break;
    }
    case 'number':
      if (typeof value === 'number') {
        add(counts, 'answered');
        add(counts, 'sum', value);
        add(counts, 'sumsq', value * value);
        const layout = definitionBins(question);
        const bin = layout ? binIndex(layout, value) : undefined;
        if (bin !== undefined) add(counts, `bin:${bin}`);
      }
      break;
    case 'ranking':
      if (answered && Array.isArray(value)) {
        add(counts, 'answered');
        value.forEach((id, index) => {
          add(counts, `rank:${id}`, index + 1);
          add(counts, `ranked:${id}`);
        });
      }
      break;
    case 'short_text':
    case 'long_text':
    case 'date':
      if (answered) add(counts, 'answered');
      break;
  }
  return counts;
}

export function contributionOf(definition: TSurveyDefinition, answers: TAnswers): Contribution {
  const visibility = computeVisibility(definition, answers);
  const contribution: Contribution = new Map([[RESPONSE_KEY, { n: 1 }]]);
  for (const page of definition.pages) {
    for (const question of page.questions) {
      if (!visibility.questions.has(question.id)) continue;
      const shownRows = visibility.rows.get(question.id)?.map((r) => r.id);
      contribution.set(question.id, questionCounts(question, visibility.answers[question.id], shownRows));
    }
  }
  return contribution;
}

/** Adds `contribution × factor` into `into` (factor −1 takes a response back out). */
export function accumulate(into: Contribution, contribution: Contribution, factor = 1): void {
  for (const [questionId, counts] of contribution) {
    const target = into.get(questionId) ?? {};
    for (const [key, amount] of Object.entries(counts)) add(target, key, amount * factor);
    into.set(questionId, target);
  }
}
