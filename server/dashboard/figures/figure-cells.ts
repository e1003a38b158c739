// Table cells of the dashboard's figures: each keeps the API's machine value beside the text the
// report would print for it (the report's own formatters in analysis/format, nothing of its own).
import { formatDecimal, formatInterval, formatPercent, formatPoints, formatSignedDecimal, roundHalfAwayFromZero } from '../../analysis/format/index';
import { translator, type InterfaceLanguage, type Translate } from '../../lib/i18n/index';
import type { WaveChange } from '../../analysis/figures/figures.types';
import type { TableCell } from '../dashboard.types';

export const NO_FIGURE = '—';

/** What every builder of a question's view needs to word its figures. */
export interface Wording {
  lang: InterfaceLanguage;
  t: Translate;
}

export function wordingFor(lang: InterfaceLanguage): Wording {
  return { lang, t: translator(lang) };
}

export function percentText(proportion: number | null | undefined, { lang }: Pick<Wording, 'lang'>): string {
  return proportion === null || proportion === undefined ? NO_FIGURE : formatPercent(proportion, { locale: lang });
}

export function emptyCell(): TableCell {
  return { text: '', value: null };
}

export function countCell(count: number): TableCell {
  return { text: String(count), value: count };
}

/** A weighted count: one decimal, since weights make fractions. */
export function weightedCountCell(count: number, wording: Wording): TableCell {
  return { text: formatDecimal(count, 1, wording.lang), value: count };
}

export function percentCell(proportion: number | null | undefined, wording: Wording): TableCell {
  return { text: percentText(proportion, wording), value: proportion ?? null };
}

export function decimalCell(value: number | null | undefined, digits: number, wording: Wording): TableCell {
  return value === null || value === undefined ? { text: NO_FIGURE, value: null } : { text: formatDecimal(value, digits, wording.lang), value };
}

/** The 95 % interval as the report prints it ("38,2 % – 50,1 %"); a pair has no single machine value. */
export function intervalCell(ci95: [number, number] | null | undefined, { lang }: Wording): TableCell {
  return { text: ci95 ? formatInterval(ci95, lang) : NO_FIGURE, value: null };
}

/** "+5,0 pt": a difference of proportions in points, signed as the report signs it. */
function pointsText(difference: number, wording: Wording): string {
  return wording.t('dashboard.figures.points', { value: formatPoints(difference, wording.lang) });
}

/** An NPS score in points, always signed: "+12", "−5", "0". */
export function scoreText(score: number, wording: Wording): string {
  const rounded = roundHalfAwayFromZero(score, 0);
  if (rounded === 0) return '0';
  return `${rounded > 0 ? '+' : '−'}${formatDecimal(Math.abs(rounded), 0, wording.lang)}`;
}

/**
 * The share a figure shows: the figures service's own. The dashboard asks it not to withhold
 * figures below the publication threshold, so analysts see them there (flagged by the view).
 */
export function shareOf(figure: { proportion: number | null } | undefined): number | null {
  return figure?.proportion ?? null;
}

/** Percent 0–100 for a chart, from a proportion. */
export function toPercent(proportion: number | null | undefined): number | null {
  return proportion === null || proportion === undefined ? null : proportion * 100;
}

/** What a wave change measures: a share (its change in points, a z-test) or a mean (a signed decimal, Welch's t-test). */
export type ChangeUnit = 'share' | 'mean';

/** The compared wave's value: its share, or its mean with two decimals. */
export function previousCell(change: WaveChange | undefined, unit: ChangeUnit, wording: Wording): TableCell {
  return unit === 'share' ? percentCell(change?.previous, wording) : decimalCell(change?.previous, 2, wording);
}

/** The change since the compared wave, starred when its test finds it significant. */
export function changeCell(change: WaveChange | undefined, unit: ChangeUnit, wording: Wording): TableCell {
  if (!change) return { text: NO_FIGURE, value: null };
  const text = unit === 'share' ? pointsText(change.difference, wording) : formatSignedDecimal(change.difference, 2, wording.lang);
  const label = unit === 'share' ? wording.t('dashboard.figures.change_marker_label') : wording.t('dashboard.figures.mean_change_marker_label');
  return { text, value: change.difference, ...(change.significant ? { marker: '*', markerLabel: label } : {}) };
}
