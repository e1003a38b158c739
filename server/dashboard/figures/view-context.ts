// What every question's view is built from: its definition, its figures, the crosstab columns when
// the view has a segment, and the wording of the view's language.
import type { Figures, QuestionFigures, WaveChange } from '../../analysis/figures/figures.types';
import type { BaseFlag } from '../../analysis/format/index';
import { localize } from '../../surveys/localize';
import type { TLocalizedText, TQuestion, TSurveyDefinition } from '../../surveys/survey.schemas';
import { findSingleChoiceQuestion } from '../../surveys/single-choice';
import type { ChartSpec, ChartSeries, FiguresTable, TableCell, TableRow } from '../dashboard.types';
import { changeCell, emptyCell, previousCell, type ChangeUnit, type Wording } from './figure-cells';

/** One column of a crosstab, as the dashboard shows it: an option of the segment question. */
export interface Segment {
  id: string;
  label: string;
  letter: string;
  /** The question's figures among this segment's respondents (absent if the column has none). */
  figures: QuestionFigures | undefined;
}

export interface ViewContext {
  definition: TSurveyDefinition;
  question: TQuestion;
  figures: QuestionFigures;
  all: Figures;
  wording: Wording;
  /** The definition's first language: where a text without the view's language falls back to. */
  source: string;
  weighted: boolean;
  /**
   * The interval column's header, as the report's tables name it (publication-rules.ts: a margin
   * of error, a credibility interval); absent when the survey's publication rules show no
   * interval, and then the view has no interval column and its charts no whiskers.
   */
  intervalHeader?: string;
  /** The crosstab's columns; absent without a segment, and for the segment question itself. */
  segments?: Segment[];
  lowBaseBelow: number;
}

/** What a question type's builder gives; question-view.ts adds what every question has. */
export interface ViewParts {
  table: FiguresTable;
  chart: ChartSpec | null;
  notes: string[];
}

export function textOf(ctx: Pick<ViewContext, 'wording' | 'source'>, text: TLocalizedText): string {
  return localize(text, ctx.wording.lang, ctx.source);
}

export function segmentsOf(definition: TSurveyDefinition, figures: Figures, question: TQuestion, wording: Wording): Segment[] | undefined {
  const crosstab = figures.crosstab;
  if (!crosstab || crosstab.question === question.id) return undefined;
  const options = findSingleChoiceQuestion(definition, crosstab.question)?.options ?? [];
  const source = definition.languages[0] ?? wording.lang;
  return Object.entries(crosstab.columns).map(([id, column]) => {
    const option = options.find((o) => o.id === id);
    return { id, label: option ? localize(option.label, wording.lang, source) : id, letter: column.letter, figures: column.questions[question.id] };
  });
}

/** "TPE (A)": a segment's column header, with the letter its significance markers use. */
export function segmentHeader(segment: Segment, wording: Wording): string {
  return wording.t('dashboard.figures.segment_column', { label: segment.label, letter: segment.letter });
}

/** The flags of a question's figures and, for a matrix, of each of its rows (each has its own base). */
function flagsOf(figures: QuestionFigures | undefined): Set<BaseFlag> {
  return new Set([...(figures?.flags ?? []), ...Object.values(figures?.rows ?? {}).flatMap((row) => row.flags)]);
}

/** Notes naming the segments whose base is low, or too small to publish. */
export function segmentNotes(ctx: ViewContext): string[] {
  const notes: string[] = [];
  const flagged = (flag: BaseFlag) => (ctx.segments ?? []).filter((s) => flagsOf(s.figures).has(flag)).map((s) => s.label);
  const withheld = flagged('suppressed');
  const low = flagged('low_base').filter((label) => !withheld.includes(label));
  if (low.length) notes.push(ctx.wording.t('dashboard.figures.low_base_columns', { n: ctx.lowBaseBelow, columns: low.join(', ') }));
  if (withheld.length) notes.push(ctx.wording.t('dashboard.figures.not_for_publication_columns', { columns: withheld.join(', ') }));
  return notes;
}

/** Whether any figure of the question, in the total or a segment, is below the publication threshold. */
export function belowPublication(ctx: Pick<ViewContext, 'figures' | 'segments'>): boolean {
  return [ctx.figures, ...(ctx.segments ?? []).map((s) => s.figures)].some((f) => flagsOf(f).has('suppressed'));
}

/** A table column: its header, its cell on the base row, and its cell on each item's row. */
export interface Column<Item> {
  header: string;
  base: TableCell;
  cell(item: Item): TableCell;
}

/**
 * Compared with another wave: the value then and the change since, on the rows `changeOf` gives a
 * change to (a top-2 box, a mean), the others left empty. No columns without a compared wave.
 */
export function waveChangeColumns<Item>(ctx: ViewContext, changeOf: (item: Item) => { change: WaveChange | undefined; unit: ChangeUnit } | undefined): Array<Column<Item>> {
  const wave = ctx.all.comparedWith?.wave;
  if (!wave) return [];
  const { wording } = ctx;
  return [
    { header: wording.t('dashboard.figures.wave_series', { wave }), base: emptyCell(), cell: (item) => { const c = changeOf(item); return c ? previousCell(c.change, c.unit, wording) : emptyCell(); } },
    { header: wording.t('dashboard.figures.change_since', { wave }), base: emptyCell(), cell: (item) => { const c = changeOf(item); return c ? changeCell(c.change, c.unit, wording) : emptyCell(); } },
  ];
}

/** A table whose base row comes first, then one row per item. */
export function tableOf<Item>(firstHeader: string, columns: Array<Column<Item>>, items: Array<{ label: string; item: Item; kind?: TableRow['kind'] }>, wording: Wording, withBase = true): FiguresTable {
  const rows: TableRow[] = [];
  if (withBase) rows.push({ label: wording.t('report.base_short'), kind: 'base', cells: columns.map((c) => c.base) });
  for (const { label, item, kind } of items) rows.push({ label, cells: columns.map((c) => c.cell(item)), ...(kind ? { kind } : {}) });
  return { columns: [firstHeader, ...columns.map((c) => c.header)], rows };
}

export function chartTitle(ctx: ViewContext): string {
  return ctx.wording.t('report.chart_label', { question: textOf(ctx, ctx.question.text) });
}

export function seriesOf(label: string, role: ChartSeries['role'], values: Array<number | null>, intervals?: { low: Array<number | null>; high: Array<number | null> }): ChartSeries {
  return { label, role, values, ...(intervals ?? {}) };
}
