// Numbers (the histogram, mean, SD, and median and quartiles when the figures were recomputed from responses),
// rankings (mean rank per option, lower = preferred) and open texts (how many answered).
import type { NumberBinFigure, QuestionFigures } from '../../analysis/figures/figures.types';
import { decimalsOf, formatDecimal } from '../../analysis/format/index';
import { definitionBins } from '../../analysis/tally/number-bins';
import type { TRankingQuestion } from '../../surveys/survey.schemas';
import type { ChartSeries } from '../dashboard.types';
import { NO_FIGURE, countCell, decimalCell, weightedCountCell } from './figure-cells';
import { chartTitle, segmentHeader, segmentNotes, seriesOf, tableOf, textOf, waveChangeColumns, type Column, type ViewContext, type ViewParts } from './view-context';

/** The whole sample's column, then one per segment: every figure of these types reads the same way across. */
function totalAndSegments<Item>(ctx: ViewContext, header: string, cell: (figures: QuestionFigures | undefined, item: Item) => ReturnType<Column<Item>['cell']>): Array<Column<Item>> {
  const { wording, figures } = ctx;
  return [
    { header: ctx.segments ? wording.t('dashboard.figures.total') : header, base: countCell(figures.base.n), cell: (item) => cell(figures, item) },
    ...(ctx.segments ?? []).map((s): Column<Item> => ({ header: segmentHeader(s, wording), base: countCell(s.figures?.base.n ?? 0), cell: (item) => cell(s.figures, item) })),
  ];
}

type NumberRow = { kind: 'bin'; index: number } | { kind: 'mean' | 'sd' | 'median' | 'q1' | 'q3' };

/** "3", or "10–20" for a range; at most three decimals (a range cut from odd bounds). */
function binText(bin: NumberBinFigure, wording: ViewContext['wording']): string {
  const digits = Math.min(3, Math.max(decimalsOf(bin.from), decimalsOf(bin.to)));
  const from = formatDecimal(bin.from, digits, wording.lang);
  return bin.from === bin.to ? from : `${from}–${formatDecimal(bin.to, digits, wording.lang)}`;
}

/** Why a number has no histogram: no range to bin on from the counters, or counters older than the bins. */
function noHistogramNote(ctx: ViewContext): string {
  // Counters keep bins exactly when number-bins.ts gives the question some.
  const counted = ctx.question.type === 'number' && definitionBins(ctx.question) !== undefined;
  return ctx.wording.t(counted ? 'dashboard.figures.no_histogram_rebuild' : 'dashboard.figures.no_histogram_range');
}

export function numberView(ctx: ViewContext): ViewParts {
  const { wording, figures } = ctx;
  const bins = figures.distribution ?? [];
  const labels = bins.map((bin) => binText(bin, wording));
  const rows: Array<{ label: string; item: NumberRow; kind?: 'summary' }> = [
    ...labels.map((range, index) => ({ label: wording.t('dashboard.figures.bin_row', { range }), item: { kind: 'bin', index } as NumberRow })),
    { label: wording.t('report.mean'), item: { kind: 'mean' }, kind: 'summary' },
    { label: wording.t('dashboard.figures.sd'), item: { kind: 'sd' }, kind: 'summary' },
  ];
  // Medians and quartiles need the answers themselves: only a recompute from responses has them.
  if (figures.median !== undefined) rows.push({ label: wording.t('dashboard.figures.median'), item: { kind: 'median' }, kind: 'summary' });
  if (figures.quartiles !== undefined) {
    rows.push({ label: wording.t('dashboard.figures.q1'), item: { kind: 'q1' }, kind: 'summary' }, { label: wording.t('dashboard.figures.q3'), item: { kind: 'q3' }, kind: 'summary' });
  }
  // Weighted, a bin holds the weights of its respondents.
  const binAmount = (bin: NumberBinFigure | undefined) => (bin ? (ctx.weighted ? bin.weightedCount : bin.count) : null);
  const cellOf = (f: QuestionFigures | undefined, row: NumberRow) => {
    switch (row.kind) {
      case 'bin': {
        const amount = binAmount(f?.distribution?.[row.index]);
        return amount === null ? { text: NO_FIGURE, value: null } : ctx.weighted ? weightedCountCell(amount, wording) : countCell(amount);
      }
      case 'q1':
        return decimalCell(f?.quartiles?.[0], 2, wording);
      case 'q3':
        return decimalCell(f?.quartiles?.[2], 2, wording);
      default:
        return decimalCell(f?.[row.kind], 2, wording);
    }
  };
  const notes = bins.length === 0 ? [noHistogramNote(ctx)] : bins.some((bin) => bin.from !== bin.to) ? [wording.t('dashboard.figures.histogram_ranges')] : [];
  const counted = wording.t(ctx.weighted ? 'dashboard.figures.weighted_count' : 'report.count');
  // Side by side, one series per segment: their bins are the same (the question's, or the total's).
  const series = ctx.segments
    ? ctx.segments.map((s) => seriesOf(s.label, 'segment', bins.map((_, i) => binAmount(s.figures?.distribution?.[i]))))
    : [seriesOf(counted, 'count', bins.map((bin) => binAmount(bin)))];
  const columns = [
    ...totalAndSegments<NumberRow>(ctx, wording.t('dashboard.figures.value'), cellOf),
    // Compared with another wave: the mean then, and its change (Welch's t-test).
    ...waveChangeColumns<NumberRow>(ctx, (row) => (row.kind === 'mean' ? { change: figures.meanChange, unit: 'mean' } : undefined)),
  ];
  return {
    table: tableOf(wording.t('dashboard.figures.figure'), columns, rows, wording),
    chart: bins.length === 0 ? null : { type: 'histogram', unit: 'count', labels, series, annotations: [], title: chartTitle(ctx) },
    notes: [...notes, ...segmentNotes(ctx)],
  };
}

export function rankingView(ctx: ViewContext & { question: TRankingQuestion }): ViewParts {
  const { wording, figures } = ctx;
  const options = ctx.question.options;
  const labels = options.map((o) => textOf(ctx, o.label));
  const meanRank = (f: QuestionFigures | undefined, id: string) => decimalCell(f?.meanRanks?.[id]?.meanRank, 2, wording);
  const columns = totalAndSegments<string>(ctx, wording.t('dashboard.figures.mean_rank'), meanRank);
  if (!ctx.segments) columns.push({ header: wording.t('dashboard.figures.ranked_by'), base: { text: '', value: null }, cell: (id) => countCell(figures.meanRanks?.[id]?.base ?? 0) });
  const series: ChartSeries[] = [
    seriesOf(wording.t('dashboard.figures.total'), 'total', options.map((o) => figures.meanRanks?.[o.id]?.meanRank ?? null)),
    ...(ctx.segments ?? []).map((s) => seriesOf(s.label, 'segment', options.map((o) => s.figures?.meanRanks?.[o.id]?.meanRank ?? null))),
  ];
  return {
    table: tableOf(wording.t('report.option'), columns, options.map((o, i) => ({ label: labels[i] as string, item: o.id })), wording),
    chart: { type: 'bars', unit: 'rank', labels, series, annotations: [], title: chartTitle(ctx) },
    notes: [wording.t('dashboard.figures.rank_note'), ...segmentNotes(ctx)],
  };
}

export function textView(ctx: ViewContext): ViewParts {
  const { wording } = ctx;
  // The base row is the count: under the default policy, those who wrote an answer.
  return {
    table: tableOf(wording.t('dashboard.figures.answers'), totalAndSegments<never>(ctx, wording.t('report.count'), () => ({ text: '', value: null })), [], wording),
    chart: null,
    notes: segmentNotes(ctx),
  };
}
