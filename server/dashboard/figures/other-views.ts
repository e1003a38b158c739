// Numbers (mean, SD, and median and quartiles when the figures were recomputed from responses),
// rankings (mean rank per option, lower = preferred) and open texts (how many answered).
import type { QuestionFigures } from '../../analysis/figures/figures.types';
import type { TRankingQuestion } from '../../surveys/survey.schemas';
import type { ChartSeries } from '../dashboard.types';
import { countCell, decimalCell } from './figure-cells';
import { chartTitle, segmentHeader, segmentNotes, seriesOf, tableOf, textOf, type Column, type ViewContext, type ViewParts } from './view-context';

/** The whole sample's column, then one per segment: every figure of these types reads the same way across. */
function totalAndSegments<Item>(ctx: ViewContext, header: string, cell: (figures: QuestionFigures | undefined, item: Item) => ReturnType<Column<Item>['cell']>): Array<Column<Item>> {
  const { wording, figures } = ctx;
  return [
    { header: ctx.segments ? wording.t('dashboard.figures.total') : header, base: countCell(figures.base.n), cell: (item) => cell(figures, item) },
    ...(ctx.segments ?? []).map((s): Column<Item> => ({ header: segmentHeader(s, wording), base: countCell(s.figures?.base.n ?? 0), cell: (item) => cell(s.figures, item) })),
  ];
}

type NumberRow = 'mean' | 'sd' | 'median' | 'q1' | 'q3';

export function numberView(ctx: ViewContext): ViewParts {
  const { wording, figures } = ctx;
  const rows: Array<{ label: string; item: NumberRow; kind: 'summary' }> = [
    { label: wording.t('report.mean'), item: 'mean', kind: 'summary' },
    { label: wording.t('dashboard.figures.sd'), item: 'sd', kind: 'summary' },
  ];
  // Medians and quartiles need the answers themselves: only a recompute from responses has them.
  if (figures.median !== undefined) rows.push({ label: wording.t('dashboard.figures.median'), item: 'median', kind: 'summary' });
  if (figures.quartiles !== undefined) {
    rows.push({ label: wording.t('dashboard.figures.q1'), item: 'q1', kind: 'summary' }, { label: wording.t('dashboard.figures.q3'), item: 'q3', kind: 'summary' });
  }
  const valueOf = (f: QuestionFigures | undefined, row: NumberRow): number | null | undefined => {
    if (!f) return null;
    if (row === 'q1') return f.quartiles?.[0];
    if (row === 'q3') return f.quartiles?.[2];
    return f[row];
  };
  return {
    table: tableOf(wording.t('dashboard.figures.figure'), totalAndSegments<NumberRow>(ctx, wording.t('dashboard.figures.value'), (f, row) => decimalCell(valueOf(f, row), 2, wording)), rows, wording),
    // A histogram needs the distribution of the values, which the figures do not carry.
    chart: null,
    notes: [wording.t('dashboard.figures.no_histogram'), ...segmentNotes(ctx)],
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
