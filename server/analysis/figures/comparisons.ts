// Comparisons between groups of respondents: the columns of a crosstab (segment against segment)
// and two waves (this edition against an earlier one). Both use the pooled two-proportion z-test;
// a crosstab of a single-choice question also gets a chi-square test of independence. Two waves
// are not compared on a question whose wording changed between them (a break in series).
import type { TQuestion, TSurveyDefinition } from '../../surveys/survey.schemas';
import { chiSquareIndependence, columnLetter, compareColumnProportions, twoProportionZTest, weightedTwoProportionZTest } from '../stats/index';
import type { Figures, QuestionFigures } from './figures.types';

export interface CrosstabColumn {
  letter: string;
  n: number;
  questions: Record<string, QuestionFigures>;
}

export interface CrosstabTest {
  chiSquare: { statistic: number; df: number; pValue: number; significant: boolean } | null;
  /** option id → column id → letters of the columns significantly lower (SPSS convention). */
  markers: Record<string, Record<string, string[]>>;
}

export interface Crosstab {
  question: string;
  columns: Record<string, CrosstabColumn>;
  tests: Record<string, CrosstabTest>;
}

export interface OptionChange {
  previous: number | null;
  difference: number;
  z: number;
  pValue: number;
  significant: boolean;
}

function choiceQuestions(definition: TSurveyDefinition): Array<Extract<TQuestion, { options: unknown }>> {
  return definition.pages.flatMap((p) => p.questions).filter((q): q is Extract<TQuestion, { options: unknown }> => q.type === 'single_choice' || q.type === 'yes_no' || q.type === 'multiple_choice');
}

export function buildCrosstab(definition: TSurveyDefinition, by: string, columns: Map<string, Figures>, alpha = 0.05): Crosstab {
  const ids = [...columns.keys()];
  const crosstab: Crosstab = { question: by, columns: {}, tests: {} };
  ids.forEach((id, index) => {
    const figures = columns.get(id) as Figures;
    crosstab.columns[id] = { letter: columnLetter(index), n: figures.n, questions: figures.questions };
  });
  for (const question of choiceQuestions(definition)) {
    if (question.id === by) continue;
    const optionIds = question.options.map((o) => o.id);
    const weighted = [...columns.values()].some((f) => f.weighted);
    const counts = optionIds.map((o) => ids.map((c) => {
      const f = columns.get(c)?.questions[question.id]?.options?.[o];
      return weighted ? (f?.weightedCount ?? 0) : (f?.count ?? 0);
    }));
    const bases = ids.map((c) => {
      const base = columns.get(c)?.questions[question.id]?.base;
      return weighted ? (base?.weighted ?? 0) : (base?.n ?? 0);
    });
    const effective = ids.map((c) => columns.get(c)?.questions[question.id]?.base.effective ?? 0);
    const comparison = compareColumnProportions({ counts, columnBases: bases, ...(weighted ? { effectiveBases: effective } : {}) }, { alpha });
    const markers: CrosstabTest['markers'] = {};
    optionIds.forEach((o, r) => {
      markers[o] = {};
      ids.forEach((c, k) => {
        (markers[o] as Record<string, string[]>)[c] = comparison.markers[r]?.[k] ?? [];
      });
    });
    let chiSquare: CrosstabTest['chiSquare'] = null;
    // A chi-square needs mutually exclusive answers: single-choice questions only.
    if (question.type !== 'multiple_choice') {
      const result = chiSquareIndependence(counts);
      if (result) chiSquare = { statistic: result.statistic, df: result.df, pValue: result.pValue, significant: result.pValue < alpha };
    }
    crosstab.tests[question.id] = { chiSquare, markers };
  }
  return crosstab;
}

/**
 * Adds to every option of every choice question its change since `previous`, with a z-test;
 * except across a break in series (`breaks`: question id → reworded refs), where the question is
 * marked instead: a difference there may come from the new wording, not from the respondents.
 */
export function addWaveChanges(definition: TSurveyDefinition, current: Figures, previous: Figures, breaks: ReadonlyMap<string, string[]> = new Map(), alpha = 0.05): void {
  for (const [questionId, reworded] of breaks) {
    const figures = current.questions[questionId];
    if (figures) figures.seriesBreak = { reworded: [...reworded] };
  }
  for (const question of choiceQuestions(definition)) {
    if (breaks.has(question.id)) continue;
    const now = current.questions[question.id];
    const before = previous.questions[question.id];
    if (!now?.options || !before?.options) continue;
    for (const option of question.options) {
      const a = now.options[option.id];
      const b = before.options[option.id];
      if (!a || !b || a.proportion === null || b.proportion === null) continue;
      const test = current.weighted
        ? weightedTwoProportionZTest({ proportion: a.proportion, nEff: now.base.effective }, { proportion: b.proportion, nEff: before.base.effective }, { alpha })
        : twoProportionZTest({ successes: a.count, n: now.base.n }, { successes: b.count, n: before.base.n }, { alpha });
      if (!test) continue;
      a.change = {
        previous: b.proportion,
        difference: test.difference,
        z: test.z,
        pValue: test.pValue,
        significant: test.significant,
      };
    }
  }
}
