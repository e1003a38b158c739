// How the report writes one figure in a table cell.
import { localize } from '../../surveys/localize';
import type { TQuestion } from '../../surveys/survey.schemas';
import { formatPercent } from '../format/index';
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
