// Figures for the dashboard's unit tests, from the real pipeline (tallies → buildFigures →
// buildCrosstab), put together as figures.service.ts does, so every value a view or a CSV shows
// can be compared with the figures the API would give.
import { buildFigures, type BuildOptions } from '../../../server/analysis/figures/build-figures';
import { calibrateCells } from '../../../server/analysis/design/calibrate-cells';
import { buildCrosstab, type CrosstabOptions } from '../../../server/analysis/figures/comparisons';
import type { TWeightingConfig } from '../../../server/analysis/figures/figures.schemas';
import { TallyAccumulator, tallyResponses, type AnsweredResponse } from '../../../server/analysis/figures/figures.service';
import type { Figures } from '../../../server/analysis/figures/figures.types';
import type { TAnswers } from '../../../server/surveys/answers';
import { findSingleChoiceQuestion } from '../../../server/surveys/single-choice';
import type { TSurveyDefinition } from '../../../server/surveys/survey.schemas';

const OPTIONS: BuildOptions = { base: 'answered', mentions: false, lowBaseBelow: 50 };

export function answered(list: TAnswers[]): AnsweredResponse[] {
  return list.map((answers, i) => ({ id: String(i).padStart(24, '0'), answers }));
}

/**
 * The wave's figures on the answered base (`options` change it), crosstabbed by the single-choice
 * `by` when given, its letters adjusted by `adjust` (the default, Benjamini-Hochberg, when absent).
 */
export function figuresOf(definition: TSurveyDefinition, responses: AnsweredResponse[], extra: { by?: string; adjust?: CrosstabOptions['adjust']; weights?: Map<string, number>; options?: Partial<BuildOptions> } = {}): Figures {
  const options = { ...OPTIONS, ...extra.options };
  const figures = buildFigures(definition, '2011-03', tallyResponses(definition, responses, extra.weights), options, 'responses');
  const { by } = extra;
  if (by) {
    const ids = findSingleChoiceQuestion(definition, by)?.options.map((o) => o.id) ?? [];
    const columns = new Map(ids.map((id) => [id, buildFigures(definition, '2011-03', tallyResponses(definition, responses.filter((r) => r.answers[by] === id), extra.weights), options, 'responses')] as const));
    figures.crosstab = buildCrosstab(definition, by, columns, extra.adjust ? { adjust: extra.adjust } : {});
  }
  return figures;
}

/**
 * The wave's figures weighted to `config`, as the figures service computes them from responses:
 * tallies by weighting cell, each cell's calibration factor, and the weighting summary.
 */
export function weightedFiguresOf(definition: TSurveyDefinition, responses: AnsweredResponse[], config: TWeightingConfig, options: Partial<BuildOptions> = {}): Figures {
  const accumulator = new TallyAccumulator(definition, Object.keys(config.targets));
  for (const response of responses) accumulator.add(response);
  if (!accumulator.cells) throw new Error('a weighted accumulator keeps cells');
  const { factors, summary } = calibrateCells(accumulator.cells, config);
  accumulator.calibrate(factors);
  const figures = buildFigures(definition, '2011-03', accumulator.result(), { ...OPTIONS, ...options }, 'responses');
  figures.weighting = summary;
  return figures;
}
