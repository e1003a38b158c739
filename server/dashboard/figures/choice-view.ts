// Single, yes/no and multiple choice: one row per option with its count, share and 95 % interval;
// with a segment, Total then one column per segment with its significance letters; compared with
// another wave, the previous share and the change in points, starred when significant.
import type { OptionFigure } from '../../analysis/figures/figures.types';
import { independenceText, questionLegendLines } from '../../analysis/report/crosstab-section';
import type { TOption } from '../../surveys/survey.schemas';
import type { ChartSeries, TableCell } from '../dashboard.types';
import {
  changeCell,
  countCell,
  emptyCell,
  intervalCell,
  percentCell,
  shareOf,
  toPercent,
  weightedCountCell,
} from './figure-cells';
import { chartTitle, segmentHeader, segmentNotes, seriesOf, tableOf, textOf, type Column, type Segment, type ViewContext, type ViewParts } from './view-context';

type ChoiceQuestion = Extract<ViewContext['question'], { type: 'single_choice' | 'yes_no' | 'multiple_choice' }>;

function totalColumns(ctx: ViewContext, figure: (o: TOption) => OptionFigure | undefined, share: (o: TOption) => number | null): Array<Column<TOption>> {
  const { wording, figures } = ctx;
  const columns: Array<Column<TOption>> = [
    { header: wording.t('report.count'), base: countCell(figures.base.n), cell: (o) => countCell(figure(o)?.count ?? 0) },
  ];
  if (ctx.weighted) {
    columns.push({ header: wording.t('dashboard.figures.weighted_count'), base: weightedCountCell(figures.base.weighted, wording), cell: (o) => weightedCountCell(figure(o)?.weightedCount ?? 0, wording) });
  }
  columns.push({ header: wording.t('report.percent'), base: emptyCell(), cell: (o) => percentCell(share(o), wording) });
  if (ctx.intervalHeader) columns.push({ header: ctx.intervalHeader, base: emptyCell(), cell: (o) => intervalCell(figure(o)?.ci95, wording) });
  if (Object.values(figures.options ?? {}).some((f) => f.shareOfMentions !== undefined)) {
    columns.push({ header: wording.t('dashboard.figures.share_of_mentions'), base: emptyCell(), cell: (o) => percentCell(figure(o)?.shareOfMentions, wording) });
  }
  return columns;
}

function segmentShare(segment: Segment, option: TOption): number | null {
  return shareOf(segment.figures?.options?.[option.id]);
}

function segmentColumns(ctx: ViewContext, segments: Segment[], share: (o: TOption) => number | null): Array<Column<TOption>> {
  const { wording, figures } = ctx;
  const markers = ctx.all.crosstab?.tests[ctx.question.id]?.markers;
  const total: Column<TOption> = { header: wording.t('dashboard.figures.total'), base: countCell(figures.base.n), cell: (o) => percentCell(share(o), wording) };
  return [
    total,
    ...segments.map((segment): Column<TOption> => ({
      header: segmentHeader(segment, wording),
      base: countCell(segment.figures?.base.n ?? 0),
      cell: (o) => {
        const cell: TableCell = percentCell(segmentShare(segment, o), wording);
        const letters = markers?.[o.id]?.[segment.id] ?? [];
        if (letters.length) {
          cell.marker = letters.join('');
          cell.markerLabel = wording.t('crosstab.marker_label', { letters: letters.join(', ') });
        }
        return cell;
      },
    })),
  ];
}

function changeColumns(ctx: ViewContext, wave: string, figure: (o: TOption) => OptionFigure | undefined): Array<Column<TOption>> {
  const { wording } = ctx;
  return [
    { header: wording.t('dashboard.figures.previous_percent', { wave }), base: emptyCell(), cell: (o) => percentCell(figure(o)?.change?.previous, wording) },
    { header: wording.t('dashboard.figures.change'), base: emptyCell(), cell: (o) => changeCell(figure(o)?.change, 'share', wording) },
  ];
}

function chartSeries(ctx: ViewContext, options: TOption[], figure: (o: TOption) => OptionFigure | undefined, share: (o: TOption) => number | null): ChartSeries[] {
  const { wording, all } = ctx;
  // Whiskers only where the publication rules show intervals.
  const interval = (f: (o: TOption) => OptionFigure | undefined) =>
    ctx.intervalHeader
      ? {
          low: options.map((o) => toPercent(f(o)?.ci95?.[0])),
          high: options.map((o) => toPercent(f(o)?.ci95?.[1])),
        }
      : undefined;
  const current = options.map((o) => toPercent(share(o)));
  const series: ChartSeries[] = [];
  if (ctx.segments) {
    series.push(seriesOf(wording.t('dashboard.figures.total'), 'total', current, interval(figure)));
    for (const segment of ctx.segments) {
      series.push(seriesOf(segment.label, 'segment', options.map((o) => toPercent(segmentShare(segment, o))), interval((o) => segment.figures?.options?.[o.id])));
    }
  } else if (all.comparedWith) {
    series.push(seriesOf(wording.t('dashboard.figures.wave_series', { wave: all.wave }), 'current', current, interval(figure)));
  } else {
    series.push(seriesOf(wording.t('dashboard.figures.total'), 'total', current, interval(figure)));
  }
  if (all.comparedWith) {
    series.push(seriesOf(wording.t('dashboard.figures.wave_series', { wave: all.comparedWith.wave }), 'previous', options.map((o) => toPercent(figure(o)?.change?.previous))));
  }
  return series;
}

function choiceNotes(ctx: ViewContext): string[] {
  const { wording, question } = ctx;
  const notes: string[] = [];
  if (question.type === 'multiple_choice') notes.push(wording.t('report.multi_note'));
  const crosstab = ctx.segments ? ctx.all.crosstab : undefined;
  const chiSquare = crosstab?.tests[question.id]?.chiSquare;
  if (chiSquare) notes.push(independenceText(chiSquare, wording.t, wording.lang));
  if (crosstab && ctx.segments) {
    // The legend of this question's letters, its withheld columns named by their labels.
    const segments = ctx.segments;
    const labelOf = (id: string) => segments.find((s) => s.id === id)?.label ?? id;
    notes.push(...questionLegendLines(crosstab, question.id, wording.t, labelOf));
  }
  return [...notes, ...segmentNotes(ctx)];
}

export function choiceView(ctx: ViewContext & { question: ChoiceQuestion }): ViewParts {
  const { wording, figures, all } = ctx;
  const options = ctx.question.options;
  const figure = (o: TOption) => figures.options?.[o.id];
  const share = (o: TOption) => shareOf(figure(o));
  const columns = ctx.segments ? segmentColumns(ctx, ctx.segments, share) : totalColumns(ctx, figure, share);
  if (all.comparedWith) columns.push(...changeColumns(ctx, all.comparedWith.wave, figure));
  const labels = options.map((o) => textOf(ctx, o.label));
  return {
    table: tableOf(wording.t('report.option'), columns, options.map((o, i) => ({ label: labels[i] as string, item: o })), wording),
    chart: {
      type: 'bars',
      unit: 'percent',
      labels,
      series: chartSeries(ctx, options, figure, share),
      annotations: [wording.t('dashboard.figures.labelled', { label: wording.t('report.base_short'), text: figures.base.n })],
      title: chartTitle(ctx),
    },
    notes: choiceNotes(ctx),
  };
}
