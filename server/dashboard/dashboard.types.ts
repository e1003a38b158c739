// What the analysts' live dashboard shows, as data: the page renders it (views/dashboard/), the live
// stream sends the same pieces rendered once per change (live/), and the CSV of a chart is its table.
// Every figure keeps its machine value beside its text, so a test (or a copy into a spreadsheet)
// can compare it with the figures API exactly.
import type { TFiguresQuery } from '../analysis/figures/figures.schemas';
import type { WeightingSummary } from '../analysis/figures/figures.types';
import type { TQuestion } from '../surveys/survey.schemas';
import type { InterfaceLanguage } from '../lib/i18n/index';

/** The fieldwork at a glance, for the whole wave (filters and segments do not apply to it). */
export interface DashboardHeader {
  completes: number;
  /** Consented, not finished: in progress or abandoned. */
  partials: number;
  screenedOut: number;
  /** complete ÷ (partial + complete + screened out); null before anyone started. */
  completionRate: number | null;
  /** Completes today, in the survey's time zone. */
  today: number;
  /** Completes per day in the survey's time zone, oldest first, zeros included, the last 60 days at most. */
  perDay: Array<{ day: string; completes: number }>;
  /** When the last response was completed; null before the first. */
  lastCompletedAt: Date | null;
}

/** One cell of a figures table. */
export interface TableCell {
  /** As shown: "42 %", "3,4", "—". */
  text: string;
  /**
   * The machine value the text shows: a proportion between 0 and 1 (as the figures API gives it), a
   * count, a mean, a change in points; null where there is no figure.
   */
  value: number | null;
  /** Significance marker shown after the text: column letters ("AB"), or "*" for a wave change. */
  marker?: string;
  /** What the marker means, for screen readers and the title attribute. */
  markerLabel?: string;
}

export interface TableRow {
  /** The row header: an option, a scale point, a matrix row, "Base". */
  label: string;
  cells: TableCell[];
  /** 'base' rows hold the base of each column; 'summary' rows a mean, a top-2 box, a score. */
  kind?: 'base' | 'summary';
}

export interface FiguresTable {
  /** Column headers, the first one over the row headers. */
  columns: string[];
  rows: TableRow[];
}

export type ChartSeriesRole = 'total' | 'segment' | 'current' | 'previous' | 'point' | 'dont_know' | 'count';

export interface ChartSeries {
  label: string;
  /** In the chart's unit: percent 0–100, a count, a mean rank; null where there is no figure. */
  values: Array<number | null>;
  /** The 95 % interval of each value, in the same unit (whiskers). */
  low?: Array<number | null>;
  high?: Array<number | null>;
  role: ChartSeriesRole;
}

export interface ChartSpec {
  /**
   * bars: horizontal bars, one group per label (options, segments side by side);
   * stacked: horizontal 100 % bars, one per label, one series per scale point and "don't know";
   * histogram: vertical bars of counts over ranges of a number;
   * trend: vertical bars of completes per day (the header).
   */
  type: 'bars' | 'stacked' | 'histogram' | 'trend';
  unit: 'percent' | 'count' | 'rank';
  labels: string[];
  series: ChartSeries[];
  /** Short texts shown with the chart: "Top-2 64 % · mean 3.4", "NPS +12". */
  annotations: string[];
  /** The accessible name of the chart (its canvas's aria-label). */
  title: string;
}

export type QuestionKind = 'choice' | 'scale' | 'matrix' | 'nps' | 'number' | 'ranking' | 'text';

export interface QuestionView {
  id: string;
  text: string;
  type: TQuestion['type'];
  kind: QuestionKind;
  /** Unweighted respondents in the question's base. */
  base: number;
  /** "Base: 250 respondents who answered the question" (policy, weighting and multi-answer said). */
  baseNote: string;
  /**
   * Below the publication threshold: analysts see the raw figures here, flagged; the published
   * report and its exports withhold them.
   */
  notForPublication: boolean;
  /** Under the low-base threshold: shown with a warning. */
  lowBase: boolean;
  /** Wording changed since the compared wave: what changed; its figures are not compared. */
  seriesBreak?: string;
  /** Other short notes shown under the table (a multi-choice total over 100 %, a chi-square). */
  notes: string[];
  table: FiguresTable;
  /** null for questions with nothing to draw (open text). */
  chart: ChartSpec | null;
  /** Open-text questions, and choice questions with an "other (specify)": their answers' page. */
  openAnswers?: { count: number; href: string };
}

export interface DashboardView {
  surveyId: string;
  waveId: string;
  waveLabel?: string;
  title: string;
  lang: InterfaceLanguage;
  /** The survey's time zone: days and times are the survey's, not the server's. */
  timeZone: string;
  /** When the figures were computed. */
  generatedAt: Date;
  /** The view's settings, as parsed from the URL (dashboard-query.ts). */
  query: TFiguresQuery;
  /** The wave's live version the figures were computed at: the stream resumes from it. */
  version: number;
  header: DashboardHeader;
  questions: QuestionView[];
  source: 'counters' | 'responses';
  weighting?: WeightingSummary;
  by?: { id: string; text: string };
  comparedWith?: { waveId: string; n: number };
}
