// Turns tallies (counts by question and key, see ../tally/contribution.ts) into figures. Live
// figures and recomputed ones go through this same function; only the tallies differ.
import type { TQuestion, TScale, TSurveyDefinition } from '../../surveys/survey.schemas';
import { flagBase, isSuppressed, type BaseFlag } from '../format/index';
import { kishEffectiveSizeOfSums, wilsonInterval } from '../stats/index';
import { RESPONSE_KEY, type Contribution } from '../tally/contribution';
import { binsOf, definitionBins } from '../tally/number-bins';
import type { BasePolicyName, BoxFigure, FigureBase, Figures, NumberBinFigure, OptionFigure, QuestionFigures, ScaleFigures } from './figures.types';

export interface TallySet {
  /** Plain counts. */
  counts: Contribution;
  /** Counts weighted by w, and by w² (for the effective base); absent when unweighted. */
  weighted?: Contribution;
  weightedSquares?: Contribution;
}

export interface BuildOptions {
  base: BasePolicyName;
  mentions: boolean;
  lowBaseBelow: number;
  /**
   * Withhold shares, intervals and means below the publication threshold (the default: the API
   * and the report). false computes every figure and keeps the flags: the analysts' dashboard
   * shows them marked "not for publication".
   */
  withhold?: boolean;
}

/** The size the publication policy judges: respondents, or Kish's effective base when weighted. */
function judgedSize(r: Reader, key: string, isWeighted: boolean): number {
  return isWeighted ? kishEffectiveSizeOfSums(r.weighted(key), r.squares(key)) : r.count(key);
}

/**
 * A figure's flags. 'low_base' judges the base its shares are on (under "shown" or "all" that may
 * hold people who gave no answer, and the shares are as precise as that base). 'suppressed' also
 * judges those who answered (`answeredKey`): a row mean on 3 answers, or shares of everyone that
 * split 3 answers, tell about those 3 people whatever the base they are divided by. Weighted,
 * both judge Kish's effective base: weighting does not add people.
 */
function flagsFor(base: FigureBase, r: Reader, answeredKey: string, options: BuildOptions, isWeighted: boolean): BaseFlag[] {
  const policy = { lowBaseBelow: options.lowBaseBelow };
  const flags = flagBase(isWeighted ? base.effective : base.n, policy);
  if (!isSuppressed(flags) && isSuppressed(flagBase(judgedSize(r, answeredKey, isWeighted), policy))) return ['suppressed'];
  return flags;
}

/** Whether a question's figures are withheld: flagged `suppressed`, and the caller withholds. */
function withheldFor(flags: BaseFlag[], options: BuildOptions): boolean {
  return options.withhold !== false && isSuppressed(flags);
}

interface Reader {
  count(key: string): number;
  weighted(key: string): number;
  squares(key: string): number;
}

function reader(tallies: TallySet, questionId: string): Reader {
  const plain = tallies.counts.get(questionId) ?? {};
  const weighted = tallies.weighted?.get(questionId);
  const squares = tallies.weightedSquares?.get(questionId);
  return {
    count: (key) => plain[key] ?? 0,
    weighted: (key) => (weighted ? (weighted[key] ?? 0) : (plain[key] ?? 0)),
    squares: (key) => (squares ? (squares[key] ?? 0) : (plain[key] ?? 0)),
  };
}

function makeBase(r: Reader, total: Reader, key: string, policy: BasePolicyName): FigureBase {
  const source = policy === 'all' ? total : r;
  const baseKey = policy === 'all' ? 'n' : key;
  const weighted = source.weighted(baseKey);
  return {
    n: source.count(baseKey),
    weighted,
    effective: kishEffectiveSizeOfSums(weighted, source.squares(baseKey)),
    policy,
  };
}

/**
 * A share and, unweighted, its Wilson interval. A weighted share's interval is on the design
 * (Korn-Graubard), which tallies alone cannot give: design-figures.ts adds it from the cells.
 */
function share(count: number, weightedCount: number, base: FigureBase, suppressed: boolean, isWeighted: boolean): BoxFigure {
  if (suppressed || base.n === 0) return { count, weightedCount, proportion: null, ci95: null };
  const proportion = isWeighted ? weightedCount / base.weighted : count / base.n;
  const ci95 = isWeighted ? null : wilsonInterval(count, base.n);
  return { count, weightedCount, proportion, ci95 };
}

/** A rating's scale, or the 0-10 points of an NPS. */
export type ScalePoints = TScale | { points: number; zeroBased: true };

/** The lowest and highest point of a scale, whose top-2 and bottom-2 boxes are the two at each end. */
export function scaleEnds(scale: ScalePoints): { first: number; last: number } {
  return 'zeroBased' in scale ? { first: 0, last: scale.points - 1 } : { first: 1, last: scale.points };
}

function scaleFigures(r: Reader, total: Reader, prefix: string, scale: ScalePoints, options: BuildOptions, isWeighted: boolean): ScaleFigures {
  // The default base leaves "don't know" out; "shown" keeps skips and "don't know" in.
  const base = makeBase(r, total, `${prefix}${options.base === 'shown' ? 'shown' : 'answered'}`, options.base);
  const flags = flagsFor(base, r, `${prefix}answered`, options, isWeighted);
  const suppressed = withheldFor(flags, options);
  const { first, last } = scaleEnds(scale);
  const figures: Record<string, OptionFigure> = {};
  for (let point = first; point <= last; point += 1) {
    const key = `${prefix}opt:${point}`;
    figures[String(point)] = share(r.count(key), r.weighted(key), base, suppressed, isWeighted);
  }
  const box = (points: number[]) =>
    share(
      points.reduce((s, p) => s + r.count(`${prefix}opt:${p}`), 0),
      points.reduce((s, p) => s + r.weighted(`${prefix}opt:${p}`), 0),
      base,
      suppressed,
      isWeighted,
    );
  const answeredN = r.count(`${prefix}answered`);
  const answeredW = r.weighted(`${prefix}answered`);
  const sum = r.weighted(`${prefix}sum`);
  const sumsq = r.weighted(`${prefix}sumsq`);
  const denominator = isWeighted ? answeredW : answeredN;
  const mean = !suppressed && denominator > 0 ? sum / denominator : null;
  // Sample SD (n − 1; with weights, Σw − 1, as SPSS does).
  const sd = mean !== null && denominator > 1 ? Math.sqrt(Math.max(0, (sumsq - denominator * mean * mean) / (denominator - 1))) : null;
  const result: ScaleFigures = {
    base,
    options: figures,
    mean,
    sd,
    top2: box([last, last - 1]),
    bottom2: box([first, first + 1]),
    flags,
  };
  if ('dont_know' in scale && scale.dont_know) {
    result.dontKnow = { count: r.count(`${prefix}dk`), weightedCount: r.weighted(`${prefix}dk`) };
  }
  return result;
}

function choiceFigures(question: Extract<TQuestion, { options: unknown }>, r: Reader, total: Reader, options: BuildOptions, isWeighted: boolean): QuestionFigures {
  const base = makeBase(r, total, options.base === 'shown' ? 'shown' : 'answered', options.base);
  const flags = flagsFor(base, r, 'answered', options, isWeighted);
  const suppressed = withheldFor(flags, options);
  const optionFigures: Record<string, OptionFigure> = {};
  const mentions = question.options.reduce((s, o) => s + r.count(`opt:${o.id}`), 0);
  const weightedMentions = question.options.reduce((s, o) => s + r.weighted(`opt:${o.id}`), 0);
  for (const option of question.options) {
    const key = `opt:${option.id}`;
    const figure: OptionFigure = share(r.count(key), r.weighted(key), base, suppressed, isWeighted);
    if (options.mentions && question.type === 'multiple_choice') {
      const m = isWeighted ? weightedMentions : mentions;
      figure.shareOfMentions = suppressed || m === 0 ? null : (isWeighted ? r.weighted(key) : r.count(key)) / m;
    }
    optionFigures[option.id] = figure;
  }
  return { type: question.type, base, options: optionFigures, flags };
}

/**
 * A number's histogram from its `bin:<i>` counts. Counters kept before the bins existed hold none
 * for earlier responses: the bins then do not add up to those who answered (every stored answer
 * lies within min and max), and no histogram is given until `npm run tallies:rebuild`.
 */
function countedBins(r: Reader, bins: Array<{ from: number; to: number }>): NumberBinFigure[] | undefined {
  const counted = bins.map((bin, i) => ({ ...bin, count: r.count(`bin:${i}`), weightedCount: r.weighted(`bin:${i}`) }));
  return counted.reduce((sum, bin) => sum + bin.count, 0) === r.count('answered') ? counted : undefined;
}

function buildQuestionFigures(question: TQuestion, tallies: TallySet, options: BuildOptions): QuestionFigures {
  const r = reader(tallies, question.id);
  const total = reader(tallies, RESPONSE_KEY);
  const isWeighted = tallies.weighted !== undefined;
  switch (question.type) {
    case 'single_choice':
    case 'yes_no':
    case 'multiple_choice':
      return choiceFigures(question, r, total, options, isWeighted);
    case 'rating':
      return { type: question.type, ...scaleFigures(r, total, '', question.scale, options, isWeighted) };
    case 'nps': {
      const figures = scaleFigures(r, total, '', { points: 11, zeroBased: true }, options, isWeighted);
      const part = (points: number[]) => share(
        points.reduce((s, p) => s + r.count(`opt:${p}`), 0),
        points.reduce((s, p) => s + r.weighted(`opt:${p}`), 0),
        figures.base,
        withheldFor(figures.flags, options),
        isWeighted,
      ).proportion;
      const promoters = part([9, 10]);
      const detractors = part([0, 1, 2, 3, 4, 5, 6]);
      const { top2: _top2, bottom2: _bottom2, ...rest } = figures;
      return {
        type: question.type,
        ...rest,
        nps: {
          promoters,
          passives: part([7, 8]),
          detractors,
          // In points, −100..100.
          score: promoters === null || detractors === null ? null : (promoters - detractors) * 100,
        },
      };
    }
    case 'matrix': {
      const rowIds = new Set<string>();
      for (const key of Object.keys(tallies.counts.get(question.id) ?? {})) {
        const match = /^row:([^:]+):/.exec(key);
        if (match?.[1]) rowIds.add(match[1]);
      }
      for (const row of question.rows ?? []) rowIds.add(row.id);
      const rows: Record<string, ScaleFigures> = {};
      for (const rowId of rowIds) rows[rowId] = scaleFigures(r, total, `row:${rowId}:`, question.scale, options, isWeighted);
      const base = makeBase(r, total, options.base === 'shown' ? 'shown' : 'answered', options.base);
      return { type: question.type, base, rows, flags: flagsFor(base, r, 'answered', options, isWeighted) };
    }
    case 'ranking': {
      const base = makeBase(r, total, options.base === 'shown' ? 'shown' : 'answered', options.base);
      const flags = flagsFor(base, r, 'answered', options, isWeighted);
      const meanRanks: Record<string, { meanRank: number | null; base: number }> = {};
      for (const option of question.options) {
        const ranked = isWeighted ? r.weighted(`ranked:${option.id}`) : r.count(`ranked:${option.id}`);
        const sum = isWeighted ? r.weighted(`rank:${option.id}`) : r.count(`rank:${option.id}`);
        // Each item's mean rank stands on those who ranked it: withheld when they are too few.
        const withheld = withheldFor(flags, options) || withheldFor(flagBase(judgedSize(r, `ranked:${option.id}`, isWeighted)), options);
        meanRanks[option.id] = { meanRank: !withheld && ranked > 0 ? sum / ranked : null, base: r.count(`ranked:${option.id}`) };
      }
      return { type: question.type, base, meanRanks, flags };
    }
    case 'number': {
      const base = makeBase(r, total, options.base === 'shown' ? 'shown' : 'answered', options.base);
      const flags = flagsFor(base, r, 'answered', options, isWeighted);
      const n = isWeighted ? r.weighted('answered') : r.count('answered');
      const mean = !withheldFor(flags, options) && n > 0 ? r.weighted('sum') / n : null;
      const sd = mean !== null && n > 1 ? Math.sqrt(Math.max(0, (r.weighted('sumsq') - n * mean * mean) / (n - 1))) : null;
      const layout = definitionBins(question);
      const distribution = layout ? countedBins(r, binsOf(layout)) : undefined;
      return { type: question.type, base, mean, sd, flags, ...(distribution ? { distribution } : {}) };
    }
    case 'short_text':
    case 'long_text':
    case 'date': {
      const base = makeBase(r, total, options.base === 'shown' ? 'shown' : 'answered', options.base);
      // Under "shown" or "all" the base is not those who wrote something: say how many did.
      return { type: question.type, base, answers: r.count('answered'), flags: flagsFor(base, r, 'answered', options, isWeighted) };
    }
  }
}

export function buildFigures(
  definition: TSurveyDefinition,
  waveId: string,
  tallies: TallySet,
  options: BuildOptions,
  source: Figures['source'],
): Figures {
  const questions: Record<string, QuestionFigures> = {};
  for (const page of definition.pages) {
    for (const question of page.questions) questions[question.id] = buildQuestionFigures(question, tallies, options);
  }
  return {
    survey: definition.id,
    wave: waveId,
    n: tallies.counts.get(RESPONSE_KEY)?.n ?? 0,
    weighted: tallies.weighted !== undefined,
    // The service knows the wave; figures built from tallies alone say none.
    designWeighted: false,
    base: options.base,
    source,
    questions,
  };
}
