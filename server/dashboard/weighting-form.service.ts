// What the weighting page shows about a wave: its weighting as saved, the weights' summary computed
// now from the wave's complete responses, and per weighting variable the target, the sample and
// the weighted shares. Every share comes from the figures service, as the figures API gives it
// (weighted and unweighted), so the page and the API never disagree.
import type { AppDependencies } from '../lib/app-dependencies';
import { AppError } from '../lib/errors';
import { createFiguresService } from '../analysis/figures/figures.service';
import type { TWeightingConfig } from '../analysis/figures/figures.schemas';
import type { Figures, WeightingSummary } from '../analysis/figures/figures.types';
import type { TSurveyDefinition } from '../surveys/survey.schemas';
import { findSingleChoiceQuestion, isSingleChoice, type SingleChoiceQuestion } from '../surveys/single-choice';
import type { LoadedSurvey } from '../surveys/survey.loader';
import { findWave, findWaveWeighting, type Wave } from '../waves/wave.service';

/** The questions weighting can use: single-choice and yes/no, as the weighting use case accepts. */
export function weightingQuestionsOf(definition: TSurveyDefinition): SingleChoiceQuestion[] {
  return definition.pages.flatMap((page) => page.questions).filter(isSingleChoice);
}

export interface MarginRow {
  optionId: string;
  /** Percent of the population, as set. */
  target: number | undefined;
  /** Shares between 0 and 1 among respondents who answered; null where there is none. */
  sample: number | null;
  weighted: number | null;
}

export interface WeightingState {
  survey: LoadedSurvey;
  wave: Wave;
  definition: TSurveyDefinition;
  config?: TWeightingConfig;
  summary?: WeightingSummary;
  /** Why the saved targets give no weights now (no respondents yet, a category without anyone...). */
  problem?: AppError;
  /** Per variable of the saved weighting, its options' target, sample and weighted shares. */
  margins: Array<{ question: SingleChoiceQuestion; rows: MarginRow[] }>;
}

export function createWeightingPage({ catalog, config, logger }: Pick<AppDependencies, 'catalog' | 'config' | 'logger'>) {
  const figures = createFiguresService(catalog, logger);

  /**
   * Organizers weight raw data: like the dashboard, the page asks the figures service not to
   * withhold shares below the publication threshold, so each share is the service's own.
   */
  async function compute(surveyId: string, waveId: string, weighted: boolean): Promise<Figures> {
    return figures.computeFigures({ surveyId, wave: waveId, query: { base: 'answered', weighted, mentions: false }, lowBaseBelow: config.LOW_BASE_THRESHOLD, withhold: false });
  }

  return {
    async describe(surveyId: string, waveName: string, now: Date): Promise<WeightingState> {
      const survey = catalog.require(surveyId);
      const wave = await findWave(survey.definition.id, waveName, now);
      const { definition } = await catalog.forWave(wave);
      const saved = await findWaveWeighting(wave.surveyId, wave.waveId);
      const state: WeightingState = { survey, wave, definition, margins: [] };
      if (!saved) return state;
      state.config = saved;
      const unweighted = await compute(wave.surveyId, wave.waveId, false);
      let weighted: Figures | undefined;
      try {
        weighted = await compute(wave.surveyId, wave.waveId, true);
        if (weighted.weighting) state.summary = weighted.weighting;
      } catch (error) {
        // Targets the respondents cannot meet (yet) are the organizer's to see, not a failure.
        if (!(error instanceof AppError) || error.status >= 500) throw error;
        state.problem = error;
      }
      for (const [questionId, targets] of Object.entries(saved.targets)) {
        const question = findSingleChoiceQuestion(definition, questionId);
        if (!question) continue;
        const before = unweighted.questions[questionId];
        const after = weighted?.questions[questionId];
        state.margins.push({
          question,
          rows: question.options.map((option) => ({
            optionId: option.id,
            target: targets[option.id],
            sample: before?.options?.[option.id]?.proportion ?? null,
            weighted: after?.options?.[option.id]?.proportion ?? null,
          })),
        });
      }
      return state;
    },
  };
}
