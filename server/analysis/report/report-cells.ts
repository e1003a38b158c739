// How the report writes one figure in a table cell.
import { localize } from '../../surveys/localize';
import type { TQuestion } from '../../surveys/survey.schemas';
import { formatPercent, formatPoints, formatSignedDecimal } from '../format/index';
import type { WaveChange } from '../figures/figures.types';
import type { ReportLanguage } from './statements';

/** A share as a percentage (no decimals by default), or a dash when there is none. */
export function pct(figure: { proportion: number | null } | undefined, lang: ReportLanguage, decimals = 0): string {
  return figure && figure.proportion !== null ? formatPercent(figure.proportion, { locale: lang, decimals }) : '—';
}

/** A matrix row's label; rows piped from another question's options have none here: their id, capitalised. */
export function matrixRowLabel(question: TQuestion, rowId: string, lang: ReportLanguage, source: string): string {
  const label = question.type === 'matrix' ? question.rows?.find((r) => r.id === rowId)?.label : undefined;
  return label ? localize(label, lang, source) : rowId.charAt(0).toUpperCase() + rowId.slice(1);
}

/**
 * A change since the compared wave as the report prints it: a share's in points (its z-test), a
 * mean's as a signed decimal (Welch's t-test), and whether that test finds it significant.
 */
export interface ReportChange {
  text: string;
  unit: 'points' | 'mean';
  significant: boolean;
}

export function reportChange(change: WaveChange, unit: ReportChange['unit'], lang: ReportLanguage): ReportChange {
  const text = unit === 'points' ? formatPoints(change.difference, lang) : formatSignedDecimal(change.difference, 2, lang);
  return { text, unit, significant: change.significant };
}
