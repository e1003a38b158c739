// Figures for a wave. Figures of the whole wave or of a segment, plain or weighted, come from the
// live counters, at a cost that does not grow with the number of responses: weighted ones from the
// counters kept per weighting cell, calibrated on the spot (the factors change as responses
// arrive). Filtered figures, and medians, need the responses themselves: they are recomputed on
// demand, through the same cells and the same calibration.
import { NotFoundError, ValidationError } from '../../lib/errors';
import { streamCompleteAnswers } from '../../responses/response.service';
import { DONT_KNOW, type TAnswers } from '../../surveys/answers';
import type { SurveyCatalog } from '../../surveys/survey.catalog';
import type { TQuestion, TSurveyDefinition } from '../../surveys/survey.schemas';
import { findQuestion } from '../../surveys/visibility';
import { findSingleChoiceQuestion, type SingleChoiceQuestion } from '../../surveys/single-choice';
import { findWave, findWaveWeighting } from '../../waves/wave.service';
import { kishEffectiveSizeOfSums, median, quartiles, weightedMedian, weightedQuartiles } from '../stats/index';
import { accumulate, contributionOf, type Contribution } from '../tally/contribution';
import { binIndex, binsOf, dataBins, definitionBins, type BinLayout } from '../tally/number-bins';
import { ALL_SEGMENT, readDesignWeighted, readSegmentCells, readSegmentTallies } from '../tally/tally.service';
import { healCellTallies } from '../tally/cell-healing';
import { addToCell, cellValuesOf, cellVariablesOf, designWeightTotals, hasDesignWeights, mergeCells, tallySetFromCells } from '../tally/cell-tallies';
import { calibrateCells, cellKeyOf } from '../design/calibrate-cells';
import type { CellTallies } from '../design/design.types';
import { designCalibrationOf, prepareDesign, type PreparedDesign } from '../design/design-variance';
import { raoScottTestOn } from '../design/rao-scott';
import type { Logger } from '../../lib/logger';
import { addDesignErrors, type FiguresDesign } from './design-figures';
import { buildFigures, type BuildOptions, type TallySet } from './build-figures';
import type { TFiguresQuery, TWeightingConfig } from './figures.schemas';
import type { BasePolicyName, Figures, WeightingSummary } from './figures.types';
import { addWaveChanges, buildCrosstab, type CrosstabOptions } from './comparisons';
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

/** A response as the figures need it: an id, its answers and its design weight (1 when absent). */
export interface AnsweredResponse {
  id: string;
  answers: TAnswers;
  weight?: number;
}

/**
 * Sums responses into tallies one at a time, so a recompute never holds every response. Weighted
 * (given the wave's weighting variables), it sums them by weighting cell with their design weights,
 * as the live counters do; calibrate() then puts each cell's factor g on them.
 */
export class TallyAccumulator {
  private readonly counts: Contribution = new Map();
  /** Weighted: the tallies by weighting cell (Σv, Σd·v, Σd²·v), what calibration and design variance read. */
  readonly cells: CellTallies | undefined;
  private factors: ReadonlyMap<string, number> = new Map();
  /** Numeric answers per number question, with their cell and design weight, for medians, quartiles and histograms. */
  readonly numbers = new Map<string, { values: number[]; cells: string[]; designWeights: number[] }>();
  /** Number questions without min and max: their tallies have no bins, the values give them. */
  private readonly unbinned = new Set<string>();

  constructor(
    private readonly definition: TSurveyDefinition,
    private readonly cellVariables?: readonly string[],
  ) {
    if (cellVariables) this.cells = new Map();
    // Found once here, not once per response.
    for (const page of definition.pages) {
      for (const question of page.questions) {
        if (question.type !== 'number') continue;
        this.numbers.set(question.id, { values: [], cells: [], designWeights: [] });
        if (!definitionBins(question)) this.unbinned.add(question.id);
      }
    }
  }

  add(response: AnsweredResponse, contribution: Contribution = contributionOf(this.definition, response.answers)): void {
    const d = response.weight ?? 1;
    let cell = '';
    if (this.cells && this.cellVariables) {
      const values = cellValuesOf(response.answers, this.cellVariables);
      cell = cellKeyOf(values, this.cellVariables);
      addToCell(this.cells, cell, values, contribution, d);
    } else {
      accumulate(this.counts, contribution);
    }
    for (const [questionId, list] of this.numbers) {
      const value = response.answers[questionId];
      if (typeof value !== 'number') continue;
      list.values.push(value);
      list.cells.push(cell);
      list.designWeights.push(d);
    }
  }

  /** The calibration factor g of each cell (a cell without one keeps its design weights). */
  calibrate(factors: ReadonlyMap<string, number>): void {
    this.factors = factors;
  }

  result(): TallySet {
    return this.cells ? tallySetFromCells(this.cells, this.factors) : { counts: this.counts };
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

  /** Each value's final weight g·d (1 unweighted). */
  private weightsOf(list: { cells: string[]; designWeights: number[] }): number[] {
    return list.designWeights.map((d, i) => (this.factors.get(list.cells[i] ?? '') ?? 1) * d);
  }

  /**
   * Adds medians and quartiles of number questions, which counters cannot give, and the histogram
   * of those without a defined range, on `layouts` (a crosstab's columns share the total's bins).
   */
  addDistributions(figures: Figures, layouts: ReadonlyMap<string, BinLayout> = this.dataBinLayouts()): void {
    for (const [questionId, list] of this.numbers) {
      const target = figures.questions[questionId];
      if (!target || list.values.length === 0) continue;
      const weights = this.cells ? this.weightsOf(list) : undefined;
      target.median = weights ? weightedMedian(list.values, weights) : median(list.values);
      const q = weights ? weightedQuartiles(list.values, weights) : quartiles(list.values);
      target.quartiles = q ? [q.q1, q.median, q.q3] : null;
    }
    for (const [questionId, layout] of layouts) {
      const target = figures.questions[questionId];
      const list = this.numbers.get(questionId);
      if (!target || !list) continue;
      const weights = this.weightsOf(list);
      const distribution = binsOf(layout).map((bin) => ({ ...bin, count: 0, weightedCount: 0 }));
      list.values.forEach((value, i) => {
        const bin = distribution[binIndex(layout, value) ?? -1];
        if (!bin) return;
        bin.count += 1;
        bin.weightedCount += weights[i] ?? 1;
      });
      target.distribution = distribution;
    }
  }
}

/**
 * Tallies recomputed from responses; weighted by `weights` (response id → weight) when given, which
 * stand as design weights with no calibration on top.
 */
export function tallyResponses(definition: TSurveyDefinition, responses: Iterable<AnsweredResponse>, weights?: ReadonlyMap<string, number>): TallySet {
  const accumulator = new TallyAccumulator(definition, weights ? [] : undefined);
  for (const response of responses) accumulator.add(weights ? { ...response, weight: weights.get(response.id) ?? 1 } : response);
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

/**
 * What figures are built from: the tallies of the whole selection and of each crosstab column.
 * Weighted, also what they were computed from, for design-based variance and tests: the whole
 * wave's cells as calibrated (what calibration saw), the tallies by weighting cell of the selection
 * and of each column (domains of the wave's design), and the calibration factor g of each cell.
 */
export interface Gathered {
  source: Figures['source'];
  total: TallyAccumulator | TallySet;
  columns?: Map<string, TallyAccumulator | TallySet>;
  weighting?: WeightingSummary;
  cells?: CellTallies;
  columnCells?: Map<string, CellTallies>;
  factors?: ReadonlyMap<string, number>;
  /**
   * Weighted: the wave's cells and their calibration read once (prepareDesign) for every figure,
   * column, base policy and test of the view, rather than once per domain, base and test.
   */
  design?: PreparedDesign;
  /** Some respondent of the wave has a design weight other than 1. */
  designWeighted: boolean;
}

/** A weighted view's calibration: the wave's config when targets are set, else its design weights alone. */
interface WaveWeighting {
  config: TWeightingConfig | undefined;
  variables: string[];
}

function notWeighted(definition: TSurveyDefinition, waveId: string): NotFoundError {
  return new NotFoundError(`Wave "${waveId}" of ${definition.id} has no weighting targets`, 'weighting_not_set');
}

/** What a weighted view adds to Gathered: the wave's cells calibrated, and the domains the errors are computed on. */
type WeightedParts = Required<Pick<Gathered, 'cells' | 'factors' | 'design' | 'weighting'>> & Pick<Gathered, 'columnCells'>;

/**
 * The factor g of each cell of the wave: calibrated to the targets, or 1 everywhere (the design
 * weights alone) when the wave has design weights and no targets. Neither: a 404 weighting_not_set.
 * The selection's and the columns' cells are the domains of the wave's design.
 */
function calibrateWave(definition: TSurveyDefinition, waveId: string, weighting: WaveWeighting, domains: { waveCells: CellTallies; cells: CellTallies; columnCells: Map<string, CellTallies> | undefined }): WeightedParts {
  const { waveCells, cells, columnCells } = domains;
  const parts = { cells, ...(columnCells ? { columnCells } : {}) };
  if (weighting.config) {
    const { factors, summary } = calibrateCells(waveCells, weighting.config);
    return { ...parts, factors, weighting: summary, design: prepareDesign(waveCells, designCalibrationOf(weighting.config, factors)) };
  }
  if (hasDesignWeights(waveCells)) return { ...parts, factors: new Map(), weighting: designWeightsSummary(waveCells), design: prepareDesign(waveCells, { method: 'none' }) };
  throw notWeighted(definition, waveId);
}

/**
 * The design weights alone: Kish's design effect and effective n on them, from the cells' n, Σd
 * and Σd². No calibration, so no iterations, no margin gap, and a factor of 1 for everyone (the
 * range of the design weights themselves is not in the cells' sums).
 */
function designWeightsSummary(waveCells: CellTallies): WeightingSummary {
  const { n, sum, squares } = designWeightTotals(waveCells);
  const effectiveN = kishEffectiveSizeOfSums(sum, squares);
  return {
    method: 'design',
    variables: [],
    iterations: 0,
    converged: true,
    designEffect: effectiveN > 0 ? n / effectiveN : 1,
    effectiveN,
    efficiency: n > 0 ? effectiveN / n : 1,
    minWeight: 1,
    maxWeight: 1,
    maxMarginGap: 0,
  };
}

function tallySetOf(tallies: TallyAccumulator | TallySet): TallySet {
  return tallies instanceof TallyAccumulator ? tallies.result() : tallies;
}

/** Figures of one domain (the selection or a crosstab column) with their errors on the design (design-figures.ts). */
function figuresFrom(definition: TSurveyDefinition, waveId: string, tallies: TallyAccumulator | TallySet, options: BuildOptions, source: Figures['source'], design: FiguresDesign, layouts?: ReadonlyMap<string, BinLayout>): Figures {
  const set = tallySetOf(tallies);
  const figures = buildFigures(definition, waveId, set, options, source);
  addDesignErrors(definition, figures, set, design);
  if (tallies instanceof TallyAccumulator) tallies.addDistributions(figures, layouts);
  return figures;
}

/** The design of a domain of a weighted view, or the unweighted one. */
function designOf(gathered: Gathered, domain: CellTallies | undefined): FiguresDesign {
  if (!gathered.design || !domain) return { weighted: false };
  return { weighted: true, design: gathered.design, domain };
}

/** What buildCrosstab needs from the query and, weighted, Rao-Scott's test on the columns' cells. */
function crosstabOptionsOf(gathered: Gathered, query: TFiguresQuery): CrosstabOptions {
  const options: CrosstabOptions = query.adjust ? { adjust: query.adjust } : {};
  const { design, columnCells } = gathered;
  if (!design || !columnCells) return options;
  options.designTest = (questionId, optionIds, columnIds) => {
    const columns = columnIds.map((id) => columnCells.get(id) ?? new Map());
    const test = raoScottTestOn(design, { question: questionId, rowKeys: optionIds.map((o) => `opt:${o}`), denominator: 'answered', columns });
    return Number.isFinite(test.f) && Number.isFinite(test.p) ? { f: test.f, ndf: test.ndf, ddf: test.ddf, p: test.p } : null;
  };
  return options;
}

/**
 * `logger` hears of the background rebuilds of stale cells (tally/cell-healing.ts); without one,
 * their failures are emitted as process warnings.
 */
export function createFiguresService(catalog: SurveyCatalog, logger?: Logger) {
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
    const needsResponses = (query.filter !== undefined && !segmentFilter) || (query.by !== undefined && !segments.includes(query.by));
    let weighting: WaveWeighting | undefined;
    if (query.weighted) {
      const config = await findWaveWeighting(definition.id, waveId);
      weighting = { config, variables: cellVariablesOf(config?.targets) };
    }

    if (!needsResponses) {
      // Every segment the figures need, in one read of the counters.
      const totalSegments = segmentFilter && query.filter ? [...new Set(query.filter[segmentFilter])].map((option) => `${segmentFilter}=${option}`) : [ALL_SEGMENT];
      const columnSegments = query.by && byOptions ? byOptions.map((option) => `${query.by}=${option}`) : [];
      if (!weighting) return gatherCounters(totalSegments, columnSegments);
      const gathered = await gatherCells(weighting, totalSegments, columnSegments);
      if (gathered) return gathered;
      // Undefined: the counters' cells are not the wave's responses in the current cells (kept
      // before cells existed, for other variables, or a move under way): recompute, and have
      // them rebuilt in the background so that later reads come from the counters again.
      healCellTallies(definition, waveId, logger);
    }
    return gatherResponses(weighting);

    async function gatherCounters(totalSegments: string[], columnSegments: string[]): Promise<Gathered> {
      // Two independent reads: side by side, not one after the other, on every view and live update.
      const [tallies, designWeighted] = await Promise.all([readSegmentTallies(definition.id, waveId, [...totalSegments, ...columnSegments]), readDesignWeighted(definition.id, waveId)]);
      const counts: Contribution = new Map();
      for (const segment of totalSegments) accumulate(counts, tallies.get(segment) ?? new Map());
      const gathered: Gathered = { source: 'counters', total: { counts }, designWeighted };
      if (query.by && byOptions) {
        gathered.columns = new Map(byOptions.map((option) => [option, { counts: tallies.get(`${query.by}=${option}`) ?? new Map() }]));
      }
      return gathered;
    }

    async function gatherCells(waveWeighting: WaveWeighting, totalSegments: string[], columnSegments: string[]): Promise<Gathered | undefined> {
      // The whole wave's cells too: calibration weighs every response, before any filter.
      const bySegment = await readSegmentCells(definition.id, waveId, [ALL_SEGMENT, ...totalSegments, ...columnSegments], waveWeighting.variables);
      if (!bySegment) return undefined;
      const waveCells = bySegment.get(ALL_SEGMENT) ?? new Map();
      const cells: CellTallies = new Map();
      for (const segment of totalSegments) mergeCells(cells, bySegment.get(segment) ?? new Map());
      const columnCells = query.by && byOptions ? new Map(byOptions.map((option) => [option, bySegment.get(`${query.by}=${option}`) ?? new Map()])) : undefined;
      const weighted = calibrateWave(definition, waveId, waveWeighting, { waveCells, cells, columnCells });
      return {
        source: 'counters',
        total: tallySetFromCells(cells, weighted.factors),
        ...(columnCells ? { columns: new Map([...columnCells].map(([option, domain]) => [option, tallySetFromCells(domain, weighted.factors)])) } : {}),
        designWeighted: hasDesignWeights(waveCells),
        ...weighted,
      };
    }

    async function gatherResponses(waveWeighting: WaveWeighting | undefined): Promise<Gathered> {
      const variables = waveWeighting?.variables;
      const total = new TallyAccumulator(definition, variables);
      const columns = byOptions ? new Map(byOptions.map((option) => [option, new TallyAccumulator(definition, variables)])) : undefined;
      // Calibration weighs every response of the wave, before any filter: filtered, the wave's cells
      // are summed apart here; unfiltered, they are the total's.
      const wholeWave = variables && query.filter ? { variables, cells: new Map() as CellTallies } : undefined;
      let designWeighted = false;
      for await (const response of streamCompleteAnswers(definition.id, waveId)) {
        if ((response.weight ?? 1) !== 1) designWeighted = true;
        const contribution = contributionOf(definition, response.answers);
        if (wholeWave) {
          const values = cellValuesOf(response.answers, wholeWave.variables);
          addToCell(wholeWave.cells, cellKeyOf(values, wholeWave.variables), values, contribution, response.weight);
        }
        if (!matchesFilter(response.answers, query.filter)) continue;
        total.add(response, contribution);
        const column = query.by ? response.answers[query.by] : undefined;
        if (typeof column === 'string') columns?.get(column)?.add(response, contribution);
      }
      const gathered: Gathered = { source: 'responses', total, designWeighted, ...(columns ? { columns } : {}) };
      const waveCells = wholeWave?.cells ?? total.cells;
      if (!waveWeighting || !waveCells || !total.cells) return gathered;
      const columnCells = columns ? new Map([...columns].map(([option, column]) => [option, column.cells ?? new Map()])) : undefined;
      const weighted = calibrateWave(definition, waveId, waveWeighting, { waveCells, cells: total.cells, columnCells });
      total.calibrate(weighted.factors);
      for (const column of columns?.values() ?? []) column.calibrate(weighted.factors);
      return { ...gathered, ...weighted };
    }
  }

  function build(definition: TSurveyDefinition, waveId: string, gathered: Gathered, query: TFiguresQuery, base: BasePolicyName, lowBaseBelow: number, withhold: boolean): Figures {
    const options: BuildOptions = { base, mentions: query.mentions, lowBaseBelow, withhold };
    // Histograms binned from the data: each crosstab column on the total's bins, so they can be set side by side.
    const layouts = gathered.total instanceof TallyAccumulator ? gathered.total.dataBinLayouts() : undefined;
    const figures = figuresFrom(definition, waveId, gathered.total, options, gathered.source, designOf(gathered, gathered.cells), layouts);
    if (query.by && gathered.columns) {
      const columns = new Map([...gathered.columns].map(([option, tallies]) => [option, figuresFrom(definition, waveId, tallies, options, gathered.source, designOf(gathered, gathered.columnCells?.get(option)), layouts)] as const));
      figures.crosstab = buildCrosstab(definition, query.by, columns, crosstabOptionsOf(gathered, query));
    }
    figures.designWeighted = gathered.designWeighted;
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
