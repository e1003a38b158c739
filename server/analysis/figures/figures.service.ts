// Figures for a wave. Plain figures of the whole wave come from the live counters, at a cost that
// does not grow with the number of responses. Weighted or filtered figures, and medians, need the
// responses themselves: they are recomputed on demand (the weights change as responses arrive).
import { NotFoundError, ValidationError } from '../../lib/errors';
import { streamCompleteAnswers } from '../../responses/response.service';
import { DONT_KNOW, type TAnswers } from '../../surveys/answers';
import type { SurveyCatalog } from '../../surveys/survey.catalog';
import type { TQuestion, TSurveyDefinition } from '../../surveys/survey.schemas';
import { findQuestion } from '../../surveys/visibility';
import { findSingleChoiceQuestion, type SingleChoiceQuestion } from '../../surveys/single-choice';
import { findWave, findWaveWeighting } from '../../waves/wave.service';
import { median, quartiles, weightedMedian, weightedQuartiles } from '../stats/index';
import { accumulate, contributionOf, type Contribution } from '../tally/contribution';
import { binIndex, binsOf, dataBins, definitionBins, type BinLayout } from '../tally/number-bins';
import { ALL_SEGMENT, readSegmentTallies } from '../tally/tally.service';
import { postStratify, rake, type WeightingRespondent } from '../weighting/index';
import { buildFigures, type BuildOptions, type TallySet } from './build-figures';
import type { TFiguresQuery, TWeightingConfig } from './figures.schemas';
import type { BasePolicyName, Figures, WeightingSummary } from './figures.types';
import { addWaveChanges, buildCrosstab } from './comparisons';
import { segmentQuestionsOf } from '../tally/tally.hooks';
import { findSeriesBreaks, type SeriesBreaks } from '../../surveys/versions/series-breaks';

export interface FiguresRequest {
  surveyId: string;
  wave: string;
  query: TFiguresQuery;
  lowBaseBelow: number;
  /**
   * Withhold figures below the publication threshold (default true: the API, the report). The
   * analysts' dashboard passes false: every figure computed, flags kept (BuildOptions.withhold).
   */
  withhold?: boolean;
}

/** The values a filter may name for a question: option ids, or the points of a scale. */
function filterableValues(question: TQuestion): string[] | undefined {
  if ('options' in question && question.options) return question.options.map((o) => o.id);
  if (question.type === 'rating') {
    const points = Array.from({ length: question.scale.points }, (_, i) => String(i + 1));
    return question.scale.dont_know ? [...points, DONT_KNOW] : points;
  }
  if (question.type === 'nps') return Array.from({ length: 11 }, (_, i) => String(i));
  return undefined;
}

export function checkFilter(definition: TSurveyDefinition, filter: Record<string, string[]>): void {
  for (const [questionId, values] of Object.entries(filter)) {
    const question = findQuestion(definition, questionId);
    const known = question ? filterableValues(question) : undefined;
    if (!known) {
      throw new ValidationError(`filter: "${questionId}" is not a choice, rating or NPS question of ${definition.id}`, undefined, 'invalid_filter');
    }
    const unknown = values.filter((id) => !known.includes(id));
    if (unknown.length) throw new ValidationError(`filter: ${questionId} has no option ${unknown.map((u) => `"${u}"`).join(', ')}`, undefined, 'invalid_filter');
  }
}

/** Respondents match when, for every question of the filter, they gave one of its values. */
export function matchesFilter(answers: TAnswers, filter: Record<string, string[]> | undefined): boolean {
  if (!filter) return true;
  return Object.entries(filter).every(([questionId, values]) => {
    const value = answers[questionId];
    if (Array.isArray(value)) return value.some((v) => values.includes(v));
    return (typeof value === 'string' || typeof value === 'number') && values.includes(String(value));
  });
}

/** Weights for every complete response of the wave, from the wave's weighting targets. */
export function weightingRespondent(response: AnsweredResponse, variables: readonly string[]): WeightingRespondent {
  return {
    id: response.id,
    values: Object.fromEntries(variables.map((v) => [v, typeof response.answers[v] === 'string' ? (response.answers[v] as string) : undefined])),
  };
}

export function computeWeights(respondents: WeightingRespondent[], config: TWeightingConfig): { weights: Map<string, number>; summary: WeightingSummary } {
  const variables = Object.keys(config.targets);
  const result =
    config.method === 'poststratify'
      ? postStratify(respondents, variables[0] ?? '', config.targets[variables[0] ?? ''] ?? {}, config.cap === undefined ? {} : { cap: config.cap })
      : rake(respondents, config.targets, {
          ...(config.cap === undefined ? {} : { cap: config.cap }),
          ...(config.convergence === undefined ? {} : { convergence: config.convergence }),
          ...(config.maxIterations === undefined ? {} : { maxIterations: config.maxIterations }),
        });
  let minWeight = Infinity;
  let maxWeight = -Infinity;
  for (const weight of result.weights.values()) {
    minWeight = Math.min(minWeight, weight);
    maxWeight = Math.max(maxWeight, weight);
  }
  return {
    weights: result.weights,
    summary: {
      method: config.method,
      variables,
      iterations: result.iterations,
      converged: result.converged,
      designEffect: result.designEffect,
      effectiveN: result.nEff,
      // Weighting never runs without respondents (it refuses), so n > 0 and the range exists.
      efficiency: result.nEff / result.weights.size,
      minWeight,
      maxWeight,
      maxMarginGap: result.maxMarginGap,
    },
  };
}

/** A response as the figures need it: an id (for its weight) and its answers. */
export interface AnsweredResponse {
  id: string;
  answers: TAnswers;
}

/** Sums responses into tallies one at a time, so a recompute never holds every response. */
export class TallyAccumulator {
  private readonly counts: Contribution = new Map();
  private readonly weighted: Contribution | undefined;
  private readonly squares: Contribution | undefined;
  /** Numeric answers per number question, with their weights, for medians, quartiles and histograms. */
  readonly numbers = new Map<string, { values: number[]; weights: number[] }>();
  /** Number questions without min and max: their tallies have no bins, the values give them. */
  private readonly unbinned = new Set<string>();

  constructor(
    private readonly definition: TSurveyDefinition,
    private readonly weights?: ReadonlyMap<string, number>,
  ) {
    if (weights) {
      this.weighted = new Map();
      this.squares = new Map();
    }
    // Found once here, not once per response.
    for (const page of definition.pages) {
      for (const question of page.questions) {
        if (question.type !== 'number') continue;
        this.numbers.set(question.id, { values: [], weights: [] });
        if (!definitionBins(question)) this.unbinned.add(question.id);
      }
    }
  }

  add(response: AnsweredResponse, contribution: Contribution = contributionOf(this.definition, response.answers)): void {
    accumulate(this.counts, contribution);
    const w = this.weights?.get(response.id) ?? 1;
    if (this.weighted && this.squares) {
      accumulate(this.weighted, contribution, w);
      accumulate(this.squares, contribution, w * w);
    }
    for (const [questionId, list] of this.numbers) {
      const value = response.answers[questionId];
      if (typeof value !== 'number') continue;
      list.values.push(value);
      list.weights.push(w);
    }
  }

  result(): TallySet {
    return { counts: this.counts, ...(this.weighted ? { weighted: this.weighted } : {}), ...(this.squares ? { weightedSquares: this.squares } : {}) };
  }

  /** The histogram bins of number questions without a defined range, from the values seen (number-bins.ts). */
  dataBinLayouts(): Map<string, BinLayout> {
    const layouts = new Map<string, BinLayout>();
    for (const questionId of this.unbinned) {
      const layout = dataBins(this.numbers.get(questionId)?.values ?? []);
      if (layout) layouts.set(questionId, layout);
    }
    return layouts;
  }

  /**
   * Adds medians and quartiles of number questions, which counters cannot give, and the histogram
   * of those without a defined range, on `layouts` (a crosstab's columns share the total's bins).
   */
  addDistributions(figures: Figures, layouts: ReadonlyMap<string, BinLayout> = this.dataBinLayouts()): void {
    for (const [questionId, { values, weights }] of this.numbers) {
      const target = figures.questions[questionId];
      if (!target || values.length === 0) continue;
      target.median = this.weights ? weightedMedian(values, weights) : median(values);
      const q = this.weights ? weightedQuartiles(values, weights) : quartiles(values);
      target.quartiles = q ? [q.q1, q.median, q.q3] : null;
    }
    for (const [questionId, layout] of layouts) {
      const target = figures.questions[questionId];
      const list = this.numbers.get(questionId);
      if (!target || !list) continue;
      const distribution = binsOf(layout).map((bin) => ({ ...bin, count: 0, weightedCount: 0 }));
      list.values.forEach((value, i) => {
        const bin = distribution[binIndex(layout, value) ?? -1];
        if (!bin) return;
        bin.count += 1;
        bin.weightedCount += list.weights[i] ?? 1;
      });
      target.distribution = distribution;
    }
  }
}

/** Tallies recomputed from responses, weighted when `weights` is given. */
export function tallyResponses(definition: TSurveyDefinition, responses: Iterable<AnsweredResponse>, weights?: ReadonlyMap<string, number>): TallySet {
  const accumulator = new TallyAccumulator(definition, weights);
  for (const response of responses) accumulator.add(response);
  return accumulator.result();
}

/** The question a crosstab splits by; a 400 `invalid_by` naming it when it is not a single-choice question of the definition. */
export function checkBy(definition: TSurveyDefinition, by: string): SingleChoiceQuestion {
  const question = findSingleChoiceQuestion(definition, by);
  if (!question) {
    throw new ValidationError(`by: "${by}" is not a single-choice question of ${definition.id}`, undefined, 'invalid_by');
  }
  return question;
}

/** What figures are built from: the tallies of the whole selection and of each crosstab column. */
interface Gathered {
  source: Figures['source'];
  total: TallyAccumulator | TallySet;
  columns?: Map<string, TallyAccumulator | TallySet>;
  weighting?: WeightingSummary;
}

function tallySetOf(tallies: TallyAccumulator | TallySet): TallySet {
  return tallies instanceof TallyAccumulator ? tallies.result() : tallies;
}

function figuresFrom(definition: TSurveyDefinition, waveId: string, tallies: TallyAccumulator | TallySet, options: BuildOptions, source: Figures['source'], layouts?: ReadonlyMap<string, BinLayout>): Figures {
  const figures = buildFigures(definition, waveId, tallySetOf(tallies), options, source);
  if (tallies instanceof TallyAccumulator) tallies.addDistributions(figures, layouts);
  return figures;
}

export function createFiguresService(catalog: SurveyCatalog) {
  /**
   * Reads what the figures need, once: the live counters when they can answer (no weighting; no
   * filter, or one on a segment question alone; `by` on a segment question), else one pass over
   * the responses. The base policy does not change what is read, only how it is divided.
   */
  async function gather(definition: TSurveyDefinition, waveId: string, query: TFiguresQuery): Promise<Gathered> {
    if (query.filter) checkFilter(definition, query.filter);
    const byOptions = query.by ? checkBy(definition, query.by).options.map((o) => o.id) : undefined;
    const segments = segmentQuestionsOf(definition);
    const filterKeys = Object.keys(query.filter ?? {});
    // A filter on one segment question alone is a sum of that question's segment counters.
    const segmentFilter = filterKeys.length === 1 && segments.includes(filterKeys[0] as string) && query.by === undefined ? (filterKeys[0] as string) : undefined;
    const needsResponses =
      query.weighted || (query.filter !== undefined && !segmentFilter) || (query.by !== undefined && !segments.includes(query.by));

    if (!needsResponses) {
      // Every segment the figures need, in one read of the counters.
      const totalSegments = segmentFilter && query.filter ? [...new Set(query.filter[segmentFilter])].map((option) => `${segmentFilter}=${option}`) : [ALL_SEGMENT];
      const columnSegments = query.by && byOptions ? byOptions.map((option) => `${query.by}=${option}`) : [];
      const tallies = await readSegmentTallies(definition.id, waveId, [...totalSegments, ...columnSegments]);
      const counts: Contribution = new Map();
      for (const segment of totalSegments) accumulate(counts, tallies.get(segment) ?? new Map());
      const gathered: Gathered = { source: 'counters', total: { counts } };
      if (query.by && byOptions) {
        gathered.columns = new Map(byOptions.map((option) => [option, { counts: tallies.get(`${query.by}=${option}`) ?? new Map() }]));
      }
      return gathered;
    }

    let weights: Map<string, number> | undefined;
    let weighting: WeightingSummary | undefined;
    if (query.weighted) {
      // Weights come from every complete response of the wave, before any filter.
      const config = await findWaveWeighting(definition.id, waveId);
      if (!config) throw new NotFoundError(`Wave "${waveId}" of ${definition.id} has no weighting targets`, 'weighting_not_set');
      const variables = Object.keys(config.targets);
      const respondents: WeightingRespondent[] = [];
      for await (const response of streamCompleteAnswers(definition.id, waveId)) respondents.push(weightingRespondent(response, variables));
      ({ weights, summary: weighting } = computeWeights(respondents, config));
    }
    const total = new TallyAccumulator(definition, weights);
    const columns = byOptions ? new Map(byOptions.map((option) => [option, new TallyAccumulator(definition, weights)])) : undefined;
    for await (const response of streamCompleteAnswers(definition.id, waveId)) {
      if (!matchesFilter(response.answers, query.filter)) continue;
      const contribution = contributionOf(definition, response.answers);
      total.add(response, contribution);
      const column = query.by ? response.answers[query.by] : undefined;
      if (typeof column === 'string') columns?.get(column)?.add(response, contribution);
    }
    return { source: 'responses', total, ...(columns ? { columns } : {}), ...(weighting ? { weighting } : {}) };
  }

  function build(definition: TSurveyDefinition, waveId: string, gathered: Gathered, query: TFiguresQuery, base: BasePolicyName, lowBaseBelow: number, withhold: boolean): Figures {
    const options: BuildOptions = { base, mentions: query.mentions, lowBaseBelow, withhold };
    // Histograms binned from the data: each crosstab column on the total's bins, so they can be set side by side.
    const layouts = gathered.total instanceof TallyAccumulator ? gathered.total.dataBinLayouts() : undefined;
    const figures = figuresFrom(definition, waveId, gathered.total, options, gathered.source, layouts);
    if (query.by && gathered.columns) {
      const columns = new Map([...gathered.columns].map(([option, tallies]) => [option, figuresFrom(definition, waveId, tallies, options, gathered.source, layouts)] as const));
      figures.crosstab = buildCrosstab(definition, query.by, columns);
    }
    if (query.filter) figures.filter = query.filter;
    if (gathered.weighting) figures.weighting = gathered.weighting;
    return figures;
  }

  /** Figures on each of `bases`, from one read of the counters or one pass over the responses. */
  async function computeByBase(request: FiguresRequest, bases: readonly BasePolicyName[]): Promise<Map<BasePolicyName, Figures>> {
    catalog.require(request.surveyId);
    const wave = await findWave(request.surveyId, request.wave);
    // Each wave's figures read its answers with the definition its respondents answered.
    const { definition } = await catalog.forWave(wave);
    const gathered = await gather(definition, wave.waveId, request.query);
    let previous: { waveId: string; definition: TSurveyDefinition; gathered: Gathered; breaks: SeriesBreaks } | undefined;
    if (request.query.compare) {
      const previousWave = await findWave(definition.id, request.query.compare);
      const { definition: previousDefinition } = await catalog.forWave(previousWave);
      const { by: _by, compare: _compare, ...rest } = request.query;
      previous = {
        waveId: previousWave.waveId,
        definition: previousDefinition,
        gathered: await gather(previousDefinition, previousWave.waveId, rest),
        breaks: await findSeriesBreaks(catalog, wave, previousWave),
      };
    }
    const result = new Map<BasePolicyName, Figures>();
    const withhold = request.withhold ?? true;
    for (const base of new Set(bases)) {
      const figures = build(definition, wave.waveId, gathered, request.query, base, request.lowBaseBelow, withhold);
      if (previous) {
        const before = build(previous.definition, previous.waveId, previous.gathered, { ...request.query, by: undefined }, base, request.lowBaseBelow, withhold);
        addWaveChanges(definition, figures, before, previous.breaks);
        figures.comparedWith = { wave: before.wave, n: before.n };
      }
      result.set(base, figures);
    }
    return result;
  }

  return {
    computeByBase,
    async computeFigures(request: FiguresRequest): Promise<Figures> {
      const byBase = await computeByBase(request, [request.query.base]);
      return byBase.get(request.query.base) as Figures;
    },
  };
}

export type FiguresService = ReturnType<typeof createFiguresService>;
