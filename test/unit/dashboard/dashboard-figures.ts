// Figures for the dashboard's unit tests, from the real pipeline (tallies → buildFigures →
// buildCrosstab), put together as figures.service.ts does, so every value a view or a CSV shows
// can be compared with the figures the API would give.
import { buildFigures, type BuildOptions } from '../../../server/analysis/figures/build-figures';
import { buildCrosstab } from '../../../server/analysis/figures/comparisons';
import { tallyResponses, type AnsweredResponse } from '../../../server/analysis/figures/figures.service';
import type { Figures } from '../../../server/analysis/figures/figures.types';
import type { TAnswers } from '../../../server/surveys/answers';
import { findSingleChoiceQuestion } from '../../../server/surveys/single-choice';
import type { TSurveyDefinition } from '../../../server/surveys/survey.schemas';

const OPTIONS: BuildOptions = { base: 'answered', mentions: false, lowBaseBelow: 50 };

export function answered(list: TAnswers[]): AnsweredResponse[] {
  return list.map((answers, i) => ({ id: String(i).padStart(24, '0'), answers }));
}

/** The wave's figures on the answered base (`options` change it), crosstabbed by the single-choice `by` when given. */
export function figuresOf(definition: TSurveyDefinition, responses: AnsweredResponse[], extra: { by?: string; weights?: Map<string, number>; options?: Partial<BuildOptions> } = {}): Figures {
  const options = { ...OPTIONS, ...extra.options };
  const figures = buildFigures(definition, '2011-03', tallyResponses(definition, responses, extra.weights), options, 'responses');
  const { by } = extra;
  if (by) {
    const ids = findSingleChoiceQuestion(definition, by)?.options.map((o) => o.id) ?? [];
    const columns = new Map(ids.map((id) => [id, buildFigures(definition, '2011-03', tallyResponses(definition, responses.filter((r) => r.answers[by] === id), extra.weights), options, 'responses')] as const));
    figures.crosstab = buildCrosstab(definition, by, columns);
  }
  return figures;
}
