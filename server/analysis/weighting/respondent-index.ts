import { WeightingError } from './weighting.errors';
import type { TargetShares } from './targets';
import type { WeightingRespondent } from './weighting.types';

/** Marks a respondent whose value for a variable is unknown. */
export const MISSING = -1;

/** One weighting variable, with each respondent's category as an index into `categories`. */
export interface IndexedVariable {
  name: string;
  categories: string[];
  /** Target share of each category, summing to 1. */
  shares: number[];
  /** categoryOf[respondent] = index into categories, or MISSING. */
  categoryOf: Int32Array;
}

/**
 * Validates the respondents against the targets and encodes their categories as indexes, so
 * the iterations work on flat arrays. Fails with a WeightingError when a respondent has a
 * category the targets do not know (the targets cannot say how much it should weigh), when a
 * category with a positive target has nobody in it (no weight can produce it), or when a
 * category targeted at 0% has respondents (anesrake refuses this too: it would zero them out).
 */
export function indexRespondents(respondents: readonly WeightingRespondent[], shares: TargetShares): IndexedVariable[] {
  if (respondents.length === 0) throw new WeightingError('no_respondents', 'There are no respondents to weight.');
  const seen = new Set<string>();
  for (const { id } of respondents) {
    if (seen.has(id)) throw new WeightingError('duplicate_respondent', `Respondent "${id}" appears more than once.`, { respondentId: id });
    seen.add(id);
  }

  return [...shares].map(([name, categoryShares]) => {
    const categories = [...categoryShares.keys()];
    const positionOf = new Map(categories.map((category, index) => [category, index]));
    const counts = new Array<number>(categories.length).fill(0);
    const categoryOf = new Int32Array(respondents.length);
    respondents.forEach((respondent, r) => {
      const category = respondent.values[name];
      if (category === undefined) {
        categoryOf[r] = MISSING;
        return;
      }
      const index = positionOf.get(category);
      if (index === undefined) {
        throw new WeightingError(
          'unknown_category',
          `Respondent "${respondent.id}" has "${name}" = "${category}", which has no target (targets: ${categories.join(', ')}).`,
          { respondentId: respondent.id, variable: name, category },
        );
      }
      categoryOf[r] = index;
      counts[index] = (counts[index] ?? 0) + 1;
    });
    const sharesInOrder = categories.map((category) => categoryShares.get(category) ?? 0);
    categories.forEach((category, index) => {
      const share = sharesInOrder[index] ?? 0;
      const count = counts[index] ?? 0;
      if (share > 0 && count === 0) {
        throw new WeightingError(
          'empty_target_category',
          `No respondent has "${name}" = "${category}", so its target of ${Number((share * 100).toPrecision(12))}% cannot be reached. Merge it with a neighbouring category or drop the variable.`,
          { variable: name, category },
        );
      }
      if (share === 0 && count > 0) {
        throw new WeightingError(
          'zero_target_with_respondents',
          `"${name}" = "${category}" has a target of 0% but ${count} respondent(s); weighting cannot remove them. Filter them out first.`,
          { variable: name, category },
        );
      }
    });
    return { name, categories, shares: sharesInOrder, categoryOf };
  });
}
