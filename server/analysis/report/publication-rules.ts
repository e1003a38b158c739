// What a published table may say about precision and rounding, decided in one place so that the
// tables, the methodology box and the dashboard cannot contradict each other (AAPOR Code: a margin
// of sampling error only for probability samples; opt-in samples may show a model-based
// "credibility interval" if they say what it assumes; a census has no sampling error).
import type { MessageKey } from '../../lib/i18n/messages';
import type { TQuestion, TSurveyDefinition } from '../../surveys/survey.schemas';
import { roundToStep, snapToDecimal } from '../format/index';

/** z for a two-sided 95 % interval. */
const Z_95 = 1.959963984540054;

export interface IntervalRule {
  /** How intervals are presented: a margin of error, a credibility interval, or not at all. */
  presentation: 'margin_of_error' | 'credibility_interval' | 'none';
  /** The interval column's header in the tables; absent when the tables show no interval. */
  columnHeader?: MessageKey;
  /** What the methodology box says about sampling error (may take {moe}). */
  methodologyNote: MessageKey;
}

/** Whether and how the survey's tables show 95 % intervals, from its sampling and its `intervals`. */
export function intervalRuleOf(definition: Pick<TSurveyDefinition, 'sampling' | 'intervals'>): IntervalRule {
  const hidden = definition.intervals === 'hidden';
  switch (definition.sampling) {
    case 'probability':
      return hidden
        ? { presentation: 'none', methodologyNote: 'publication.note_margin_no_tables' }
        : { presentation: 'margin_of_error', columnHeader: 'publication.interval_margin', methodologyNote: 'publication.note_margin' };
    case 'opt_in':
      return hidden
        ? { presentation: 'none', methodologyNote: 'publication.note_opt_in_hidden' }
        : { presentation: 'credibility_interval', columnHeader: 'publication.interval_credibility', methodologyNote: 'publication.note_credibility' };
    case 'census':
      return { presentation: 'none', methodologyNote: 'publication.note_census' };
  }
}

/**
 * A probability sample's largest margin of error, in points: a 50 % share of the whole sample,
 * widened by the weighting's design effect. Other samples have none.
 */
export function maximumMarginOfError(sampling: TSurveyDefinition['sampling'], n: number, designEffect = 1): number | undefined {
  if (sampling !== 'probability' || n <= 0) return undefined;
  return 100 * Z_95 * Math.sqrt((0.25 * designEffect) / n);
}

/** Question types whose table splits each respondent's single answer: their shares make 100 %. */
const EXCLUSIVE_TYPES: ReadonlySet<TQuestion['type']> = new Set(['single_choice', 'yes_no', 'rating', 'nps']);

/**
 * Whether a table needs "may not add to 100 because of rounding": only a table of exclusive
 * answers whose percentages, as printed (whole numbers), do not add to 100. Multi-select tables
 * never add to 100 and say so already.
 */
export function needsRoundingNote(type: TQuestion['type'], proportions: ReadonlyArray<number | null>, decimals = 0): boolean {
  if (!EXCLUSIVE_TYPES.has(type)) return false;
  const shown = proportions.filter((p): p is number => p !== null);
  // No complete table to add up (nobody answered): nothing to explain.
  if (Math.abs(shown.reduce((sum, p) => sum + p, 0) - 1) > 1e-9) return false;
  const step = 10 ** -decimals;
  const total = snapToDecimal(shown.reduce((sum, p) => sum + roundToStep(snapToDecimal(p * 100), step), 0));
  return total !== 100;
}
