import { expect } from 'chai';
import { loadSurveyFile } from '../../../server/surveys/survey.loader';
import type { TAnswers, TAnswerValue } from '../../../server/surveys/answers';
import type { TQuestion, TSurveyDefinition } from '../../../server/surveys/survey.schemas';
import { pagesShown } from '../../../server/responses/navigation';
import { planPage, type PlannedQuestion } from '../../../server/responses/page-plan';
import { USER_STORED_ANSWERS } from '../../fixtures/captic-answers';
import { seededRandom } from '../../support/seeded-random';

interface Step {
  page: string;
  percent: number;
  /** Questions asked so far plus those that can still be shown: the denominator. */
  total: number;
}

/**
 * Goes Next page after page as the navigation does, answering each page with `answer` (what the
 * respondent gives to the questions the page shows), and returns the percentage shown on each.
 */
function walk(definition: TSurveyDefinition, answer: (planned: PlannedQuestion) => TAnswerValue | undefined, prefilled: TAnswers = {}): Step[] {
  const known = Object.keys(prefilled);
  let answers: TAnswers = { ...prefilled };
  let page = pagesShown(definition, answers, known).pages[0];
  const steps: Step[] = [];
  while (page) {
    const shown = pagesShown(definition, answers, known);
    const { percent, done, possible } = shown.position(page.id).progress;
    steps.push({ page: page.id, percent, total: done + possible });
    const given: TAnswers = {};
    for (const planned of planPage(definition, page, shown).questions) {
      const value = answer(planned);
      if (value !== undefined) given[planned.question.id] = value;
    }
    answers = { ...answers, ...given };
    page = pagesShown(definition, answers, known).position(page.id).next;
    if (steps.length > 50) throw new Error('the walk does not end');
  }
  return steps;
}

/** The answers of a fixed respondent, where the page shows their question. */
function fixed(answers: Record<string, unknown>) {
  return (planned: PlannedQuestion) => answers[planned.question.id] as TAnswerValue | undefined;
}

function expectForward(steps: Step[]): void {
  expect(steps[0]?.percent, 'the first page').to.equal(0);
  for (let i = 1; i < steps.length; i += 1) {
    const [before, after] = [steps[i - 1]!, steps[i]!];
    expect(after.percent, `${before.page} (${before.percent} %) then ${after.page}`).to.be.at.least(before.percent);
    expect(after.total, `${before.page} then ${after.page}`).to.be.at.most(before.total);
  }
  for (const step of steps) expect(step.percent, step.page).to.be.below(100);
}

/** A random answer the form could post to a planned question (sometimes none when optional). */
function randomAnswer(random: () => number) {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const int = (min: number, max: number) => min + Math.floor(random() * (max - min + 1));
  return (planned: PlannedQuestion): TAnswerValue | undefined => {
    const q: TQuestion = planned.question;
    if (!q.required && random() < 0.25) return undefined;
    const options = (planned.options ?? []).map((o) => o.option.id);
    switch (q.type) {
      case 'single_choice':
      case 'yes_no':
        return pick(options);
      case 'multiple_choice': {
        const chosen = options.filter(() => random() < 0.4);
        return chosen.length ? chosen : [pick(options)];
      }
      case 'ranking':
        return [...options].sort(() => random() - 0.5);
      case 'rating':
        return int(1, q.scale.points);
      case 'nps':
        return int(0, 10);
      case 'number':
        return int(q.min ?? 0, q.max ?? 20);
      case 'date':
        return '2020-05-01';
      case 'matrix': {
        const rows = planned.rows ?? [];
        return Object.fromEntries(rows.map((r) => [r.id, int(1, q.scale.points)]));
      }
      default:
        return `text ${int(1, 99)}`;
    }
  };
}

describe('progress: the percentage of a question page (server/responses/progress.ts)', () => {
  let captic: TSurveyDefinition;
  let coworking: TSurveyDefinition;
  before(async () => {
    captic = (await loadSurveyFile('surveys/captic-2011.yaml')).definition;
    coworking = (await loadSurveyFile('surveys/coworking-members-2026.yaml')).definition;
  });

  it('rises page after page on the CAP-TIC users\' branch, from 0, without a jump back', () => {
    const steps = walk(captic, fixed(USER_STORED_ANSWERS));
    expectForward(steps);
    expect(steps.map((s) => s.page)).to.deep.equal([
      'social_use', 'social_usage', 'satisfaction', 'information', 'real_networks', 'club_obstacles_page', 'reasons_page', 'captic_project', 'profile',
    ]);
    expect(steps.map((s) => s.percent)).to.deep.equal(EXPECTED_USER_PERCENTS);
  });

  it('rises page after page on the CAP-TIC non-users\' branch', () => {
    const steps = walk(captic, fixed({ ...USER_STORED_ANSWERS, uses_social: 'no', club_member: 'yes' }));
    expectForward(steps);
    expect(steps.map((s) => s.page)).to.deep.equal(['social_use', 'information', 'real_networks', 'reasons_page', 'captic_project', 'profile']);
    expect(steps.map((s) => s.percent)).to.deep.equal(EXPECTED_NON_USER_PERCENTS);
  });

  it('counts what can still be shown: a "no" to social networks takes their three pages out of the total', () => {
    const first = pagesShown(captic, {}).position('social_use').progress;
    const after = (uses_social: string) => pagesShown(captic, { uses_social }).position('information').progress;
    expect(first.done).to.equal(0);
    // usage, networks and both matrices may follow a "yes": all four count until then.
    expect(after('no').done + after('no').possible).to.equal(first.possible - 4);
    expect(after('no').percent).to.be.greaterThan(0);
  });

  it('rises on both branches of the coworking survey (every question type)', () => {
    for (const still_member of ['yes', 'no']) {
      const random = seededRandom(still_member === 'yes' ? 1 : 2);
      const answer = randomAnswer(random);
      const steps = walk(coworking, (planned) => (planned.question.id === 'still_member' ? still_member : answer(planned)));
      expectForward(steps);
      expect(steps.length, still_member).to.be.greaterThan(2);
    }
  });

  it('never decreases, nor grows its total, along 500 random answer paths through both surveys, prefilled questions or not (seeded)', () => {
    const random = seededRandom(20_260_316);
    for (let run = 0; run < 500; run += 1) {
      const definition = run % 2 === 0 ? captic : coworking;
      const answer = randomAnswer(random);
      // Now and then an invited member whose panel knew some answers already.
      const prefilled: TAnswers = {};
      if (random() < 0.3) {
        for (const page of definition.pages) {
          for (const q of page.questions) {
            if (random() < 0.2 && (q.type === 'single_choice' || q.type === 'yes_no')) prefilled[q.id] = q.options[Math.floor(random() * q.options.length)]!.id;
          }
        }
      }
      const steps = walk(definition, answer, prefilled);
      if (steps.length === 0) continue;
      expect(steps[0]!.percent, `run ${run}`).to.be.at.most(steps.at(-1)!.percent);
      for (let i = 1; i < steps.length; i += 1) {
        expect(steps[i]!.percent, `run ${run}: ${JSON.stringify(steps)}`).to.be.at.least(steps[i - 1]!.percent);
        // The proof's invariant, stronger than the percentage alone: the total never grows, so
        // the bar never jumps ahead because a page was counted late.
        expect(steps[i]!.total, `run ${run}: ${JSON.stringify(steps)}`).to.be.at.most(steps[i - 1]!.total);
      }
      if (Object.keys(prefilled).length === 0) expectForward(steps);
    }
  });

  it('leaves a prefilled question out of the count: the panel knew it already', () => {
    const plain = pagesShown(captic, { uses_social: 'no' }).position('information').progress;
    const known = pagesShown(captic, { uses_social: 'no', company_size: 'pme' }, ['company_size']).position('information').progress;
    expect(known.done + known.possible).to.equal(plain.done + plain.possible - 1);
  });
});

// Each step is the questions asked so far over those asked plus those still possible: the
// project page's four questions make its step the largest.
const EXPECTED_USER_PERCENTS = [0, 5, 17, 29, 35, 41, 47, 52, 76];
const EXPECTED_NON_USER_PERCENTS = [0, 7, 15, 25, 33, 66];
