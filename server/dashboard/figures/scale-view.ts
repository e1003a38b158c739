// Ratings and matrices: the full distribution, every point and "don't know", with the top-2 box
// and the mean. The table gives the API's shares (on the view's base policy: with the default one,
// "don't know" is left out of the base). The stacked chart must add up to the whole of those who
// answered, so under that policy it draws each point and "don't know" over the answered plus the
// "don't know"s; under "shown" or "all" the API's base already holds them and the chart is its shares.
import type { BasePolicyName, ScaleFigures } from '../../analysis/figures/figures.types';
import { formatDecimal } from '../../analysis/format/index';
import { matrixRows } from '../../exports/export-columns';
import type { TMatrixQuestion, TRatingQuestion, TScale } from '../../surveys/survey.schemas';
import type { ChartSeries, ChartSpec, TableCell } from '../dashboard.types';
import { NO_FIGURE, changeCell, countCell, decimalCell, emptyCell, intervalCell, percentCell, percentText, shareOf, toPercent, weightedCountCell } from './figure-cells';
import { chartTitle, segmentHeader, segmentNotes, seriesOf, tableOf, textOf, waveChangeColumns, type Column, type ViewContext, type ViewParts } from './view-context';

interface Point {
  key: string;
  label: string;
}

function pointsOf(ctx: ViewContext, scale: TScale): Point[] {
  return Array.from({ length: scale.points }, (_, i) => {
    const key = String(i + 1);
    const label = scale.labels[key];
    return { key, label: label ? `${key} – ${textOf(ctx, label)}` : key };
  });
}

function dontKnowLabel(ctx: ViewContext, scale: TScale): string | undefined {
  return scale.dont_know ? textOf(ctx, scale.dont_know) : undefined;
}

/** The stacked bar of one distribution, in percent: each point, then "don't know" (see the top comment). */
function stackedShares(figures: ScaleFigures | undefined, points: Point[], weighted: boolean, policy: BasePolicyName): { points: Array<number | null>; dontKnow: number | null } {
  if (!figures) return { points: points.map(() => null), dontKnow: null };
  const amount = (f: { count: number; weightedCount: number } | undefined) => (f ? (weighted ? f.weightedCount : f.count) : 0);
  const base = (weighted ? figures.base.weighted : figures.base.n) + (policy === 'answered' ? amount(figures.dontKnow) : 0);
  const percent = (value: number) => (base > 0 ? (100 * value) / base : null);
  return { points: points.map((p) => percent(amount(figures.options[p.key]))), dontKnow: figures.dontKnow ? percent(amount(figures.dontKnow)) : null };
}

function stackedChart(ctx: ViewContext, points: Point[], dontKnow: string | undefined, bars: Array<{ label: string; figures: ScaleFigures | undefined }>, annotations: string[]): ChartSpec {
  const shares = bars.map((bar) => stackedShares(bar.figures, points, ctx.weighted, ctx.all.base));
  const series: ChartSeries[] = points.map((p, i) => seriesOf(p.label, 'point', shares.map((s) => s.points[i] ?? null)));
  if (dontKnow) series.push(seriesOf(dontKnow, 'dont_know', shares.map((s) => s.dontKnow)));
  return { type: 'stacked', unit: 'percent', labels: bars.map((b) => b.label), series, annotations, title: chartTitle(ctx) };
}

function top2Share(figures: ScaleFigures | undefined): number | null {
  return shareOf(figures?.top2);
}

/** "Don't know" over a base that holds it ("shown", "all"): the figures give its count, not its share. */
function dontKnowShare(f: ScaleFigures, weighted: boolean): number | null {
  const denominator = weighted ? f.base.weighted : f.base.n;
  if (!f.dontKnow || !(denominator > 0)) return null;
  return (weighted ? f.dontKnow.weightedCount : f.dontKnow.count) / denominator;
}

/** "Top-2 64 % · mean 3.4" */
function top2Mean(ctx: ViewContext, figures: ScaleFigures | undefined): string {
  const mean = figures?.mean;
  return ctx.wording.t('dashboard.figures.top2_mean', {
    top2: percentText(top2Share(figures), ctx.wording),
    mean: mean === null || mean === undefined ? NO_FIGURE : formatDecimal(mean, 1, ctx.wording.lang),
  });
}

function scaleNotes(ctx: ViewContext, dontKnow: string | undefined): string[] {
  return [...(dontKnow && ctx.all.base === 'answered' ? [ctx.wording.t('dashboard.figures.dont_know_chart_base')] : []), ...segmentNotes(ctx)];
}

type RatingRow = { kind: 'point'; point: Point } | { kind: 'dont_know' } | { kind: 'top2' } | { kind: 'mean' } | { kind: 'sd' };

function ratingRows(points: Point[], dontKnow: string | undefined, ctx: ViewContext): Array<{ label: string; item: RatingRow; kind?: 'summary' }> {
  const { t } = ctx.wording;
  return [
    ...points.map((point) => ({ label: point.label, item: { kind: 'point', point } as RatingRow })),
    ...(dontKnow ? [{ label: dontKnow, item: { kind: 'dont_know' } as RatingRow }] : []),
    { label: t('dashboard.figures.top2'), item: { kind: 'top2' }, kind: 'summary' as const },
    { label: t('report.mean'), item: { kind: 'mean' }, kind: 'summary' as const },
    { label: t('dashboard.figures.sd'), item: { kind: 'sd' }, kind: 'summary' as const },
  ];
}

/** A rating's figures alone: count, share and interval per point; the mean in the share column. */
function ratingTotalColumns(ctx: ViewContext, f: ScaleFigures): Array<Column<RatingRow>> {
  const { wording } = ctx;
  const figureOf = (row: RatingRow) => (row.kind === 'point' ? f.options[row.point.key] : row.kind === 'top2' ? f.top2 : row.kind === 'dont_know' ? f.dontKnow : undefined);
  const columns: Array<Column<RatingRow>> = [
    { header: wording.t('report.count'), base: countCell(f.base.n), cell: (row) => (figureOf(row) ? countCell(figureOf(row)?.count ?? 0) : emptyCell()) },
  ];
  if (ctx.weighted) {
    columns.push({ header: wording.t('dashboard.figures.weighted_count'), base: weightedCountCell(f.base.weighted, wording), cell: (row) => { const figure = figureOf(row); return figure ? weightedCountCell(figure.weightedCount, wording) : emptyCell(); } });
  }
  columns.push({ header: wording.t('report.percent'), base: emptyCell(), cell: (row) => ratingCell(ctx, f, row) });
  if (ctx.intervalHeader) {
    columns.push({ header: ctx.intervalHeader, base: emptyCell(), cell: (row) => (row.kind === 'point' ? intervalCell(f.options[row.point.key]?.ci95, wording) : row.kind === 'top2' ? intervalCell(f.top2?.ci95, wording) : emptyCell()) });
  }
  return columns;
}

/** A rating's cell for one row in one column: a share, "don't know" (a share only where the base holds it), the mean, the SD. */
function ratingCell(ctx: ViewContext, f: ScaleFigures | undefined, row: RatingRow): TableCell {
  const { wording } = ctx;
  if (!f) return { text: NO_FIGURE, value: null };
  switch (row.kind) {
    case 'point':
      return percentCell(shareOf(f.options[row.point.key]), wording);
    case 'dont_know':
      if (!f.dontKnow) return emptyCell();
      return ctx.all.base === 'answered' ? countCell(f.dontKnow.count) : percentCell(dontKnowShare(f, ctx.weighted), wording);
    case 'top2':
      return percentCell(top2Share(f), wording);
    case 'mean':
      return decimalCell(f.mean, 2, wording);
    case 'sd':
      return decimalCell(f.sd, 2, wording);
  }
}

/** Compared with another wave: the top-2 box's and the mean's value then and their change, on their rows. */
function ratingChangeColumns(ctx: ViewContext, f: ScaleFigures): Array<Column<RatingRow>> {
  return waveChangeColumns<RatingRow>(ctx, (row) => (row.kind === 'top2' ? { change: f.top2?.change, unit: 'share' } : row.kind === 'mean' ? { change: f.meanChange, unit: 'mean' } : undefined));
}

export function ratingView(ctx: ViewContext & { question: TRatingQuestion }): ViewParts {
  const { wording, figures } = ctx;
  const scale = ctx.question.scale;
  const points = pointsOf(ctx, scale);
  const dontKnow = dontKnowLabel(ctx, scale);
  const scaleFigures = figures as ScaleFigures;
  const rows = ratingRows(points, dontKnow, ctx);
  if (!ctx.segments) {
    return {
      table: tableOf(wording.t('report.option'), [...ratingTotalColumns(ctx, scaleFigures), ...ratingChangeColumns(ctx, scaleFigures)], rows, wording),
      chart: stackedChart(ctx, points, dontKnow, [{ label: wording.t('dashboard.figures.total'), figures: scaleFigures }], [top2Mean(ctx, scaleFigures)]),
      notes: scaleNotes(ctx, dontKnow),
    };
  }
  const bars = [{ label: wording.t('dashboard.figures.total'), figures: scaleFigures }, ...ctx.segments.map((s) => ({ label: s.label, figures: s.figures as ScaleFigures | undefined }))];
  const columns: Array<Column<RatingRow>> = [
    { header: wording.t('dashboard.figures.total'), base: countCell(figures.base.n), cell: (row) => ratingCell(ctx, scaleFigures, row) },
    ...ctx.segments.map((s): Column<RatingRow> => ({ header: segmentHeader(s, wording), base: countCell(s.figures?.base.n ?? 0), cell: (row) => ratingCell(ctx, s.figures as ScaleFigures | undefined, row) })),
    ...ratingChangeColumns(ctx, scaleFigures),
  ];
  return {
    table: tableOf(wording.t('report.option'), columns, rows, wording),
    chart: stackedChart(ctx, points, dontKnow, bars, bars.map((b) => wording.t('dashboard.figures.labelled', { label: b.label, text: top2Mean(ctx, b.figures) }))),
    notes: scaleNotes(ctx, dontKnow),
  };
}

export function matrixView(ctx: ViewContext & { question: TMatrixQuestion }): ViewParts {
  const { wording, figures } = ctx;
  const scale = ctx.question.scale;
  const points = pointsOf(ctx, scale);
  const dontKnow = dontKnowLabel(ctx, scale);
  const known = matrixRows(ctx.definition, ctx.question).map((r) => ({ id: r.id, label: textOf(ctx, r.label) }));
  const extra = Object.keys(figures.rows ?? {}).filter((id) => !known.some((r) => r.id === id)).map((id) => ({ id, label: id }));
  const rows = [...known, ...extra].filter((r) => figures.rows?.[r.id]);
  const rowFigures = (f: typeof figures | undefined, id: string) => f?.rows?.[id];
  // Compared with another wave: each row's change of top-2 box and of mean, for the whole sample.
  const wave = ctx.all.comparedWith?.wave;
  const changeColumns: Array<Column<string>> = wave
    ? [
        { header: wording.t('dashboard.figures.top2_change', { wave }), base: emptyCell(), cell: (id) => changeCell(rowFigures(figures, id)?.top2?.change, 'share', wording) },
        { header: wording.t('dashboard.figures.mean_change', { wave }), base: emptyCell(), cell: (id) => changeCell(rowFigures(figures, id)?.meanChange, 'mean', wording) },
      ]
    : [];

  if (ctx.segments) {
    // Per segment, each row's top-2 box: a full distribution per row and segment would not read.
    const segments = ctx.segments;
    const columns: Array<Column<string>> = [
      { header: wording.t('dashboard.figures.total'), base: countCell(figures.base.n), cell: (id) => percentCell(top2Share(rowFigures(figures, id)), wording) },
      ...segments.map((s): Column<string> => ({ header: segmentHeader(s, wording), base: countCell(s.figures?.base.n ?? 0), cell: (id) => percentCell(top2Share(rowFigures(s.figures, id)), wording) })),
      ...changeColumns,
    ];
    // Whiskers only where the publication rules show intervals.
    const interval = (f: typeof figures | undefined) => (ctx.intervalHeader ? { low: rows.map((r) => toPercent(rowFigures(f, r.id)?.top2?.ci95?.[0])), high: rows.map((r) => toPercent(rowFigures(f, r.id)?.top2?.ci95?.[1])) } : undefined);
    const series = [
      seriesOf(wording.t('dashboard.figures.total'), 'total', rows.map((r) => toPercent(top2Share(rowFigures(figures, r.id)))), interval(figures)),
      ...segments.map((s) => seriesOf(s.label, 'segment', rows.map((r) => toPercent(top2Share(rowFigures(s.figures, r.id)))), interval(s.figures))),
    ];
    return {
      table: tableOf(wording.t('dashboard.figures.top2'), columns, rows.map((r) => ({ label: r.label, item: r.id })), wording),
      chart: { type: 'bars', unit: 'percent', labels: rows.map((r) => r.label), series, annotations: [], title: chartTitle(ctx) },
      notes: segmentNotes(ctx),
    };
  }

  const columns: Array<Column<string>> = [
    ...points.map((p): Column<string> => ({ header: p.label, base: emptyCell(), cell: (id) => { const f = rowFigures(figures, id); return f ? percentCell(shareOf(f.options[p.key]), wording) : emptyCell(); } })),
    ...(dontKnow ? [{ header: dontKnow, base: emptyCell(), cell: (id: string) => countCell(rowFigures(figures, id)?.dontKnow?.count ?? 0) }] : []),
    { header: wording.t('report.base_short'), base: emptyCell(), cell: (id) => countCell(rowFigures(figures, id)?.base.n ?? 0) },
    { header: wording.t('report.mean'), base: emptyCell(), cell: (id) => decimalCell(rowFigures(figures, id)?.mean, 2, wording) },
    { header: wording.t('dashboard.figures.top2'), base: emptyCell(), cell: (id) => percentCell(top2Share(rowFigures(figures, id)), wording) },
    ...changeColumns,
  ];
  const bars = rows.map((r) => ({ label: r.label, figures: rowFigures(figures, r.id) }));
  return {
    // Each row has its own base (a column): the question's base row would say nothing more.
    table: tableOf(wording.t('report.row'), columns, rows.map((r) => ({ label: r.label, item: r.id })), wording, false),
    chart: stackedChart(ctx, points, dontKnow, bars, bars.map((b) => wording.t('dashboard.figures.labelled', { label: b.label, text: top2Mean(ctx, b.figures) }))),
    notes: scaleNotes(ctx, dontKnow),
  };
}
