// NPS: promoters (9-10), passives (7-8) and detractors (0-6), and the score, promoters minus
// detractors in points; one stacked bar for the whole sample and one per segment.
import type { QuestionFigures } from '../../analysis/figures/figures.types';
import type { MessageKey } from '../../lib/i18n/index';
import type { TableCell } from '../dashboard.types';
import { NO_FIGURE, countCell, emptyCell, percentCell, scoreText, toPercent, weightedCountCell } from './figure-cells';
import { chartTitle, segmentHeader, segmentNotes, seriesOf, tableOf, type Column, type ViewContext, type ViewParts } from './view-context';

type Group = 'detractors' | 'passives' | 'promoters';

const GROUPS: ReadonlyArray<{ group: Group; points: number[]; label: MessageKey }> = [
  { group: 'promoters', points: [9, 10], label: 'dashboard.figures.promoters' },
  { group: 'passives', points: [7, 8], label: 'dashboard.figures.passives' },
  { group: 'detractors', points: [0, 1, 2, 3, 4, 5, 6], label: 'dashboard.figures.detractors' },
];

type NpsRow = Group | 'score';

function groupCounts(figures: QuestionFigures, group: Group): { count: number; weightedCount: number } {
  const points = GROUPS.find((g) => g.group === group)?.points ?? [];
  return points.reduce(
    (sum, point) => {
      const f = figures.options?.[String(point)];
      return { count: sum.count + (f?.count ?? 0), weightedCount: sum.weightedCount + (f?.weightedCount ?? 0) };
    },
    { count: 0, weightedCount: 0 },
  );
}

function groupShare(figures: QuestionFigures | undefined, group: Group): number | null {
  return figures?.nps?.[group] ?? null;
}

function score(figures: QuestionFigures | undefined): number | null {
  return figures?.nps?.score ?? null;
}

function npsCell(ctx: ViewContext, figures: QuestionFigures | undefined, row: NpsRow): TableCell {
  if (row !== 'score') return percentCell(groupShare(figures, row), ctx.wording);
  const value = score(figures);
  return value === null ? { text: NO_FIGURE, value: null } : { text: scoreText(value, ctx.wording), value };
}

function annotation(ctx: ViewContext, figures: QuestionFigures | undefined): string {
  const value = score(figures);
  return ctx.wording.t('dashboard.figures.nps_annotation', { score: value === null ? NO_FIGURE : scoreText(value, ctx.wording) });
}

export function npsView(ctx: ViewContext): ViewParts {
  const { wording, figures } = ctx;
  const rows = [
    ...GROUPS.map((g) => ({ label: wording.t(g.label), item: g.group as NpsRow })),
    { label: wording.t('dashboard.figures.nps_score'), item: 'score' as NpsRow, kind: 'summary' as const },
  ];
  const bars = [{ label: wording.t('dashboard.figures.total'), figures }, ...(ctx.segments ?? []).map((s) => ({ label: s.label, figures: s.figures }))];
  const columns: Array<Column<NpsRow>> = ctx.segments
    ? [
        { header: wording.t('dashboard.figures.total'), base: countCell(figures.base.n), cell: (row) => npsCell(ctx, figures, row) },
        ...ctx.segments.map((s): Column<NpsRow> => ({ header: segmentHeader(s, wording), base: countCell(s.figures?.base.n ?? 0), cell: (row) => npsCell(ctx, s.figures, row) })),
      ]
    : [
        { header: wording.t('report.count'), base: countCell(figures.base.n), cell: (row) => (row === 'score' ? emptyCell() : countCell(groupCounts(figures, row).count)) },
        ...(ctx.weighted
          ? [{ header: wording.t('dashboard.figures.weighted_count'), base: weightedCountCell(figures.base.weighted, wording), cell: (row: NpsRow) => (row === 'score' ? emptyCell() : weightedCountCell(groupCounts(figures, row).weightedCount, wording)) }]
          : []),
        { header: wording.t('report.percent'), base: emptyCell(), cell: (row) => npsCell(ctx, figures, row) },
      ];
  // Stacked from the left: detractors, passives, promoters.
  const series = [...GROUPS].reverse().map((g) => seriesOf(wording.t(g.label), 'point', bars.map((b) => toPercent(groupShare(b.figures, g.group)))));
  return {
    table: tableOf(wording.t('report.option'), columns, rows, wording),
    chart: {
      type: 'stacked',
      unit: 'percent',
      labels: bars.map((b) => b.label),
      series,
      annotations: ctx.segments ? bars.map((b) => wording.t('dashboard.figures.labelled', { label: b.label, text: annotation(ctx, b.figures) })) : [annotation(ctx, figures)],
      title: chartTitle(ctx),
    },
    notes: segmentNotes(ctx),
  };
}
