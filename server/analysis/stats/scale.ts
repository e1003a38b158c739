import { resolveWeights } from './weights-input';

/*
 * Helpers for rating scales. An answer of undefined means "not answered / not asked": it is
 * left out of the base, as the published figures do ("45% satisfied" is a share of those asked).
 * Every helper returns its base so the figure can be printed with it, and null when the base is 0.
 */

export interface ShareWithBase {
  /** Share in [0, 1]. */
  proportion: number;
  /** Number (or weighted number) of respondents who answered. */
  base: number;
}

export interface ScaleDefinition {
  /** Number of points, e.g. 5 for a 1..5 satisfaction scale. */
  points: number;
  /** Code of the lowest point: 1 for 1..5 (default), 0 for 0..10. */
  lowest?: number;
}

export interface BoxOptions extends ScaleDefinition {
  /** How many points make the box: 2 for "top-2" (default). */
  boxSize?: number;
  weights?: readonly number[];
}

function assertScaleAnswer(answer: number, lowest: number, points: number): void {
  if (!Number.isInteger(answer) || answer < lowest || answer > lowest + points - 1) {
    throw new RangeError(`answer ${answer} is not a point of the ${lowest}..${lowest + points - 1} scale`);
  }
}

function shareInRange(
  answers: readonly (number | undefined)[],
  options: BoxOptions,
  isInBox: (answer: number, lowest: number, highest: number, boxSize: number) => boolean,
): ShareWithBase | null {
  const lowest = options.lowest ?? 1;
  const boxSize = options.boxSize ?? 2;
  const highest = lowest + options.points - 1;
  if (!Number.isInteger(options.points) || options.points < 2) throw new RangeError('a scale needs at least 2 points');
  if (!Number.isInteger(boxSize) || boxSize < 1 || boxSize >= options.points) {
    throw new RangeError(`boxSize must be between 1 and ${options.points - 1}, got ${boxSize}`);
  }
  const weights = resolveWeights(answers.length, options.weights);
  let base = 0;
  let inBox = 0;
  answers.forEach((answer, i) => {
    if (answer === undefined) return;
    assertScaleAnswer(answer, lowest, options.points);
    const weight = weights[i] ?? 0;
    base += weight;
    if (isInBox(answer, lowest, highest, boxSize)) inBox += weight;
  });
  return base === 0 ? null : { proportion: inBox / base, base };
}

/** Share of answers in the top `boxSize` points (top-2 box: 4 or 5 on a 1..5 scale, F3's "satisfied to very satisfied"). */
export function topBoxShare(answers: readonly (number | undefined)[], options: BoxOptions): ShareWithBase | null {
  return shareInRange(answers, options, (answer, _lowest, highest, boxSize) => answer > highest - boxSize);
}

/** Share of answers in the bottom `boxSize` points (bottom-2 box: 1 or 2 on a 1..5 scale). */
export function bottomBoxShare(answers: readonly (number | undefined)[], options: BoxOptions): ShareWithBase | null {
  return shareInRange(answers, options, (answer, lowest, _highest, boxSize) => answer < lowest + boxSize);
}

export interface NetPromoterScore {
  /** Shares in [0, 1] of 9–10, 7–8 and 0–6 answers. */
  promoters: number;
  passives: number;
  detractors: number;
  /** 100 · (promoters − detractors), from −100 to 100; in points, not a proportion. */
  score: number;
  base: number;
}

/**
 * Net Promoter Score on the 0..10 likelihood-to-recommend scale (Reichheld 2003): promoters
 * answer 9–10, detractors 0–6, and the score is %promoters − %detractors.
 */
export function netPromoterScore(
  answers: readonly (number | undefined)[],
  weights?: readonly number[],
): NetPromoterScore | null {
  const w = resolveWeights(answers.length, weights);
  let base = 0;
  let promoters = 0;
  let detractors = 0;
  answers.forEach((answer, i) => {
    if (answer === undefined) return;
    assertScaleAnswer(answer, 0, 11);
    const weight = w[i] ?? 0;
    base += weight;
    if (answer >= 9) promoters += weight;
    else if (answer <= 6) detractors += weight;
  });
  if (base === 0) return null;
  const promoterShare = promoters / base;
  const detractorShare = detractors / base;
  return {
    promoters: promoterShare,
    passives: (base - promoters - detractors) / base,
    detractors: detractorShare,
    score: 100 * (promoterShare - detractorShare),
    base,
  };
}

export interface MeanRank {
  /** Mean rank among those who ranked the item (1 = ranked first, so lower is better). */
  meanRank: number;
  base: number;
}

/**
 * Mean rank of each item of a ranking question. Each respondent's answer maps item ids to the
 * rank they gave (1 = first); items they left unranked are undefined and do not count towards
 * that item's base. Items nobody ranked are absent from the result.
 */
export function meanRanks(
  rankings: readonly Readonly<Record<string, number | undefined>>[],
  weights?: readonly number[],
): Record<string, MeanRank> {
  const w = resolveWeights(rankings.length, weights);
  const totals = new Map<string, { weightedRankSum: number; base: number }>();
  rankings.forEach((ranking, i) => {
    const weight = w[i] ?? 0;
    for (const [item, rank] of Object.entries(ranking)) {
      if (rank === undefined) continue;
      if (!Number.isInteger(rank) || rank < 1) throw new RangeError(`rank of ${item} must be an integer ≥ 1, got ${rank}`);
      const total = totals.get(item) ?? { weightedRankSum: 0, base: 0 };
      total.weightedRankSum += weight * rank;
      total.base += weight;
      totals.set(item, total);
    }
  });
  const result: Record<string, MeanRank> = {};
  for (const [item, { weightedRankSum, base }] of totals) {
    if (base > 0) result[item] = { meanRank: weightedRankSum / base, base };
  }
  return result;
}
