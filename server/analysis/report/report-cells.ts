// How the report writes one figure in a table cell.
import { formatPercent } from '../format/index';
import type { ReportLanguage } from './statements';

/** A share as a percentage (no decimals by default), or a dash when there is none. */
export function pct(figure: { proportion: number | null } | undefined, lang: ReportLanguage, decimals = 0): string {
  return figure && figure.proportion !== null ? formatPercent(figure.proportion, { locale: lang, decimals }) : '—';
}
