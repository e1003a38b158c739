// Figures for a wave. Plain figures of the whole wave come from the live counters, at a cost that
// does not grow with the number of responses. Weighted or filtered figures, and medians, need the
// responses themselves: they are recomputed on demand (the weights change as responses arrive).
import { NotFoundError, ValidationError } from '../../lib/errors';
import { streamCompleteResponses, type StoredResponse } from '../../responses/response.service';
import type { TAnswers } from '../../surveys/answers';
import type { SurveyCatalog } from '../../surveys/survey.catalog';
import type { TSurveyDefinition } from '../../surveys/survey.schemas';
import { findQuestion } from '../../surveys/visibility';
import { findWave, findWaveWeighting } from '../../waves/wave.service';
import { median, quartiles, weightedMedian, weightedQuartiles } from '../stats/index';
import { accumulate, contributionOf, type Contribution } from '../tally/contribution';
import { ALL_SEGMENT, readTallies } from '../tally/tally.service';
import { postStratify, rake, type WeightingRespondent } from '../weighting/index';
import { buildFigures, type BuildOptions, type TallySet } from './build-figures';
import type { TFiguresQuery, TWeightingConfig } from './figures.schemas';
import type { Figures, WeightingSummary } from './figures.types';
import { addWaveChanges, buildCrosstab } from './comparisons';
import { segmentQuestionsOf } from '../tally/tally.hooks';

export interface FiguresRequest {
  surveyId: string;
  wave: string;
  query: TFiguresQuery;
  lowBaseBelow: number;
}

export function checkFilter(definition: TSurveyDefinition, filter: Record<string, string[]>): void {
  for (const [questionId, optionIds] of Object.entries(filter)) {
    const question = findQuestion(definition, questionId);
    if (!question || !('options' in question) || !question.options) {
      throw new ValidationError(`filter: "${questionId}" is not a choice question of ${definition.id}`, undefined, 'invalid_filter');
    }
    const known = question.options.map((o) => o.id);
    const unknown = optionIds.filter((id) => !known.includes(id));
    if (unknown.length) throw new ValidationError(`filter: ${questionId} has no option ${unknown.map((u) => `"${u}"`).join(', ')}`, undefined, 'invalid_filter');
  }
}

export function matchesFilter(answers: TAnswers, filter: Record<string, string[]> | undefined): boolean {
  if (!filter) return true;
  return Object.entries(filter).every(([questionId, optionIds]) => {
    const value = answers[questionId];
    if (Array.isArray(value)) return value.some((v) => optionIds.includes(v));
    return typeof value === 'string' && optionIds.includes(value);
  });
}

/** Weights for every complete response of the wave, from the wave's weighting targets. */
export function computeWeights(responses: StoredResponse[], config: TWeightingConfig): { weights: Map<string, number>; summary: WeightingSummary } {
  const variables = Object.keys(config.targets);
  const respondents: WeightingRespondent[] = responses.map((r) => ({
    id: r.id,
    values: Object.fromEntries(variables.map((v) => [v, typeof r.answers[v] === 'string' ? (r.answers[v] as string) : undefined])),
  }));
  const result =
    config.method === 'poststratify'
      ? postStratify(respondents, variables[0] ?? '', config.targets[variables[0] ?? ''] ?? {}, config.cap === undefined ? {} : { cap: config.cap })
      : rake(respondents, config.targets, {
          ...(config.cap === undefined ? {} : { cap: config.cap }),
          ...(config.convergence === undefined ? {} : { convergence: config.convergence }),
          ...(config.maxIterations === undefined ? {} : { maxIterations: config.maxIterations }),
        });
  return {
    weights: result.weights,
    summary: {
      method: config.method,
      variables,
      iterations: result.iterations,
      converged: result.converged,
      designEffect: result.designEffect,
      effectiveN: result.nEff,
      maxMarginGap: result.maxMarginGap,
    },
  };
}

/** Tallies recomputed from responses, weighted when `weights` is given. */
export function tallyResponses(definition: TSurveyDefinition, responses: Iterable<StoredResponse>, weights?: Map<string, number>): TallySet {
  const counts: Contribution = new Map();
  const weighted: Contribution | undefined = weights ? new Map() : undefined;
  const squares: Contribution | undefined = weights ? new Map() : undefined;
  for (const response of responses) {
    const contribution = contributionOf(definition, response.answers);
    accumulate(counts, contribution);
    if (weights && weighted && squares) {
      const w = weights.get(response.id) ?? 1;
      accumulate(weighted, contribution, w);
      accumulate(squares, contribution, w * w);
    }
  }
  return { counts, ...(weighted ? { weighted } : {}), ...(squares ? { weightedSquares: squares } : {}) };
}

function addNumberDistributions(figures: Figures, definition: TSurveyDefinition, responses: StoredResponse[], weights?: Map<string, number>): void {
  for (const page of definition.pages) {
    for (const question of page.questions) {
      if (question.type !== 'number') continue;
      const values: number[] = [];
      const valueWeights: number[] = [];
      for (const r of responses) {
        const v = r.answers[question.id];
        if (typeof v === 'number') {
          values.push(v);
          valueWeights.push(weights?.get(r.id) ?? 1);
        }
      }
      const target = figures.questions[question.id];
      if (!target || values.length === 0) continue;
      target.median = weights ? weightedMedian(values, valueWeights) : median(values);
      const q = weights ? weightedQuartiles(values, valueWeights) : quartiles(values);
      target.quartiles = q ? [q.q1, q.median, q.q3] : null;
    }
  }
}

function checkBy(definition: TSurveyDefinition, by: string): string[] {
  const question = findQuestion(definition, by);
  if (!question || (question.type !== 'single_choice' && question.type !== 'yes_no')) {
    throw new ValidationError(`by: "${by}" is not a single-choice question of ${definition.id}`, undefined, 'invalid_by');
  }
  return question.options.map((o) => o.id);
}

export function createFiguresService(catalog: SurveyCatalog) {
  async function loadResponses(surveyId: string, waveId: string): Promise<StoredResponse[]> {
    const responses: StoredResponse[] = [];
    for await (const response of streamCompleteResponses(surveyId, waveId)) responses.push(response);
    return responses;
  }

  async function compute(definition: TSurveyDefinition, waveId: string, query: TFiguresQuery, lowBaseBelow: number): Promise<Figures> {
    if (query.filter) checkFilter(definition, query.filter);
    const byOptions = query.by ? checkBy(definition, query.by) : undefined;
    const options: BuildOptions = { base: query.base, mentions: query.mentions, lowBaseBelow };
    const needsResponses =
      query.weighted || query.filter !== undefined || (query.by !== undefined && !segmentQuestionsOf(definition).includes(query.by));

    if (!needsResponses) {
      const figures = buildFigures(definition, waveId, { counts: await readTallies(definition.id, waveId, ALL_SEGMENT) }, options, 'counters');
      if (query.by && byOptions) {
        const columns = new Map<string, Figures>();
        for (const option of byOptions) {
          const counts = await readTallies(definition.id, waveId, `${query.by}=${option}`);
          columns.set(option, buildFigures(definition, waveId, { counts }, options, 'counters'));
        }
        figures.crosstab = buildCrosstab(definition, query.by, columns);
      }
      return figures;
    }

    const all = await loadResponses(definition.id, waveId);
    let weights: Map<string, number> | undefined;
    let summary: WeightingSummary | undefined;
    if (query.weighted) {
      const config = await findWaveWeighting(definition.id, waveId);
      if (!config) throw new NotFoundError(`Wave "${waveId}" of ${definition.id} has no weighting targets`, 'weighting_not_set');
      ({ weights, summary } = computeWeights(all, config));
    }
    const selected = all.filter((r) => matchesFilter(r.answers, query.filter));
    const figures = buildFigures(definition, waveId, tallyResponses(definition, selected, weights), options, 'responses');
    addNumberDistributions(figures, definition, selected, weights);
    if (query.by && byOptions) {
      const columns = new Map<string, Figures>();
      for (const option of byOptions) {
        const members = selected.filter((r) => r.answers[query.by as string] === option);
        columns.set(option, buildFigures(definition, waveId, tallyResponses(definition, members, weights), options, 'responses'));
      }
      figures.crosstab = buildCrosstab(definition, query.by, columns);
    }
    if (query.filter) figures.filter = query.filter;
    if (summary) figures.weighting = summary;
    return figures;
  }

  return {
    async computeFigures(request: FiguresRequest): Promise<Figures> {
      const { definition } = catalog.require(request.surveyId);
      const wave = await findWave(definition.id, request.wave);
      const figures = await compute(definition, wave.waveId, request.query, request.lowBaseBelow);
      if (request.query.compare) {
        const previousWave = await findWave(definition.id, request.query.compare);
        const { by: _by, compare: _compare, ...rest } = request.query;
        const previous = await compute(definition, previousWave.waveId, rest, request.lowBaseBelow);
        addWaveChanges(definition, figures, previous);
        figures.comparedWith = { wave: previous.wave, n: previous.n };
      }
      return figures;
    },
  };
}

export type FiguresService = ReturnType<typeof createFiguresService>;
