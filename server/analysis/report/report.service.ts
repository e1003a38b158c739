// The published-style report of a wave: the definition's statements with live figures, a table
// and a chart per question, and the methodology box.
import type { SurveyCatalog } from '../../surveys/survey.catalog';
import { wordedItemsOf } from '../../surveys/versions/definition-diff';
import { localize } from '../../surveys/localize';
import { findQuestion } from '../../surveys/visibility';
import type { TQuestion } from '../../surveys/survey.schemas';
import { findWave, findWaveWeighting } from '../../waves/wave.service';
import { countInvitations } from '../../invitations/invitation.service';
import { fieldDatesOf, surveyTimeZone } from '../../waves/wave-dates';
import { formatDecimal, formatInterval, isSuppressed } from '../format/index';
import type { FiguresService } from '../figures/figures.service';
import type { BasePolicyName, Figures, OptionFigure, QuestionFigures } from '../figures/figures.types';
import { buildMethodology, type Methodology } from './methodology';
import { intervalRuleOf, needsRoundingNote } from './publication-rules';
import { matrixRowLabel, pct, reportChange, type ReportChange } from './report-cells';
import { crosstabSection, type CrosstabSection } from './crosstab-section';
import { basePoliciesUsed, renderStatements, type RenderedStatement, type ReportLanguage } from './statements';

export interface ReportRow {
  label: string;
  count: number;
  percent: string;
  /** The 95 % interval, when the publication rules show intervals (publication-rules.ts). */
  ci?: string;
  proportion: number | null;
  /** Compared with another wave: the difference in points, and whether the z-test finds it significant. */
  change?: ReportChange;
}

/** One row of a matrix's table; compared with another wave, its mean's and top-2 box's changes. */
export interface ReportMatrixRow {
  label: string;
  base: number;
  mean: string;
  top2: string;
  dontKnow: number;
  meanChange?: ReportChange;
  top2Change?: ReportChange;
}

export interface ReportQuestion {
  id: string;
  text: string;
  type: TQuestion['type'];
  base: number;
  basePolicy: BasePolicyName;
  flags: string[];
  multi: boolean;
  rows: ReportRow[];
  /** The printed percentages of an exclusive-answer table do not add to 100. */
  roundingNote: boolean;
  /** Matrix: one line per row with its base, mean and top-2 box. */
  matrixRows?: ReportMatrixRow[];
  mean?: string;
  /** Compared with another wave: the change of the mean (rating, NPS, number), by Welch's t-test. */
  meanChange?: ReportChange;
  /** A rating compared with another wave: its top-2 box and that box's change (z-test). */
  top2?: { percent: string; change: ReportChange };
  dontKnow?: number;
  chart?: { labels: string[]; values: number[]; title: string };
  /** With a segment question: column percentages, column bases and significance letters. */
  crosstab?: CrosstabSection;
  /** Compared with another wave across a change of wording: what was reworded; nothing is compared. */
  seriesBreak?: { question: boolean; options: string[] };
}

export interface Report {
  title: string;
  surveyId: string;
  waveId: string;
  waveLabel?: string;
  lang: ReportLanguage;
  weighted: boolean;
  statements: RenderedStatement[];
  questions: ReportQuestion[];
  methodology: Methodology;
  lowBaseBelow: number;
  /** The segment question the crosstabs split by, with its text. */
  by?: { id: string; text: string };
  /** The wave the figures are compared with (`compare=`), and its number of respondents. */
  comparedWith?: { waveId: string; n: number };
}

export interface ReportRequest {
  surveyId: string;
  wave: string;
  lang: ReportLanguage;
  weighted: boolean;
  by?: string;
  /** Another wave: each option shows its change since then, except across a break in series. */
  compare?: string;
}

function interval(figure: OptionFigure | undefined, lang: ReportLanguage, shown: boolean): Pick<ReportRow, 'ci'> {
  if (!shown) return {};
  return { ci: figure?.ci95 ? formatInterval(figure.ci95, lang) : '—' };
}

/** "2011-03-01" as "1 mars 2011" / "1 March 2011". Field dates are calendar days: read in UTC. */
function longDate(isoDay: string, lang: ReportLanguage): string {
  const date = new Date(`${isoDay}T00:00:00Z`);
  if (Number.isNaN(date.getTime())) return isoDay;
  return new Intl.DateTimeFormat(lang === 'fr' ? 'fr-FR' : 'en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' }).format(date);
}

function decimal(value: number | null | undefined, lang: ReportLanguage, digits = 2): string {
  return value === null || value === undefined ? '—' : formatDecimal(value, digits, lang);
}

/** The labels of the reworded items of a question, from the `option:<q>.<id>` refs of a break. */
function seriesBreakOf(question: TQuestion, reworded: readonly string[], lang: ReportLanguage, source: string): NonNullable<ReportQuestion['seriesBreak']> {
  const items = wordedItemsOf(question);
  const prefix = `option:${question.id}.`;
  return {
    question: reworded.includes(`question:${question.id}`),
    options: reworded.filter((ref) => ref.startsWith(prefix)).map((ref) => {
      const label = items.get(ref.slice(prefix.length));
      return label ? localize(label, lang, source) : ref.slice(prefix.length);
    }),
  };
}

function questionSection(question: TQuestion, figures: QuestionFigures, lang: ReportLanguage, source: string, showIntervals: boolean): ReportQuestion {
  const text = localize(question.text, lang, source);
  const section: ReportQuestion = {
    id: question.id,
    text,
    type: question.type,
    base: figures.base.n,
    basePolicy: figures.base.policy,
    flags: figures.flags,
    multi: question.type === 'multiple_choice',
    rows: [],
    roundingNote: false,
  };
  const suppressed = isSuppressed(figures.flags);
  if ('options' in question && question.options && figures.options) {
    for (const option of question.options) {
      const f = figures.options[option.id];
      section.rows.push({
        label: localize(option.label, lang, source),
        count: f?.count ?? 0,
        percent: pct(f, lang),
        ...interval(f, lang, showIntervals),
        proportion: f?.proportion ?? null,
        ...(f?.change ? { change: reportChange(f.change, 'points', lang) } : {}),
      });
    }
  } else if ((question.type === 'rating' || question.type === 'nps') && figures.options) {
    for (const [point, f] of Object.entries(figures.options)) {
      const label = question.type === 'rating' ? question.scale.labels[point] : undefined;
      section.rows.push({
        label: label ? `${point} – ${localize(label, lang, source)}` : point,
        count: f.count,
        percent: pct(f, lang),
        ...interval(f, lang, showIntervals),
        proportion: f.proportion,
      });
    }
    section.mean = decimal(figures.mean, lang);
    if (figures.meanChange) section.meanChange = reportChange(figures.meanChange, 'mean', lang);
    if (question.type === 'rating' && figures.top2?.change) section.top2 = { percent: pct(figures.top2, lang), change: reportChange(figures.top2.change, 'points', lang) };
    if (figures.dontKnow) section.dontKnow = figures.dontKnow.count;
  } else if (question.type === 'matrix' && figures.rows) {
    section.matrixRows = Object.entries(figures.rows).map(([rowId, row]) => {
      return {
        label: matrixRowLabel(question, rowId, lang, source),
        base: row.base.n,
        mean: decimal(row.mean, lang),
        top2: pct(row.top2, lang),
        dontKnow: row.dontKnow?.count ?? 0,
        ...(row.meanChange ? { meanChange: reportChange(row.meanChange, 'mean', lang) } : {}),
        ...(row.top2?.change ? { top2Change: reportChange(row.top2.change, 'points', lang) } : {}),
      };
    });
    section.chart = {
      title: text,
      labels: section.matrixRows.map((r) => r.label),
      values: Object.values(figures.rows).map((row) => (row.top2?.proportion ?? 0) * 100),
    };
  } else if (question.type === 'number') {
    section.mean = decimal(figures.mean, lang);
    if (figures.meanChange) section.meanChange = reportChange(figures.meanChange, 'mean', lang);
  }
  if (figures.seriesBreak) section.seriesBreak = seriesBreakOf(question, figures.seriesBreak.reworded, lang, source);
  if (section.rows.length > 0 && !suppressed) {
    section.roundingNote = needsRoundingNote(question.type, section.rows.map((r) => r.proportion));
    section.chart = { title: text, labels: section.rows.map((r) => r.label), values: section.rows.map((r) => (r.proportion ?? 0) * 100) };
  }
  return section;
}

export function createReportService(catalog: SurveyCatalog, figuresService: FiguresService, lowBaseBelow: number) {
  return {
    async buildReport({ surveyId, wave: waveName, lang, weighted, by, compare }: ReportRequest): Promise<Report> {
      catalog.require(surveyId);
      const wave = await findWave(surveyId, waveName);
      // The wording its respondents read: the version the wave pins.
      const { definition } = await catalog.forWave(wave);
      const source = definition.languages[0] ?? lang;
      // Every base the statements use, from one read of the counters (or one recompute).
      const figuresByBase = await figuresService.computeByBase(
        { surveyId: definition.id, wave: wave.waveId, query: { base: 'answered', weighted, mentions: false, ...(by ? { by } : {}), ...(compare ? { compare } : {}) }, lowBaseBelow },
        ['answered', ...basePoliciesUsed(definition)],
      );
      const main = figuresByBase.get('answered') as Figures;
      const intervals = intervalRuleOf(definition);
      const questions: ReportQuestion[] = [];
      for (const page of definition.pages) {
        for (const question of page.questions) {
          const figures = main.questions[question.id];
          if (!figures || question.type === 'short_text' || question.type === 'long_text' || question.type === 'date') continue;
          const section = questionSection(question, figures, lang, source, intervals.columnHeader !== undefined);
          const crosstab = crosstabSection(question, main, definition, lang);
          if (crosstab) section.crosstab = crosstab;
          questions.push(section);
        }
      }
      const field = fieldDatesOf(wave, surveyTimeZone(catalog.require(definition.id)));
      const [invitations, weightingConfig] = await Promise.all([
        wave.accessMode === 'panel' ? countInvitations(wave) : undefined,
        findWaveWeighting(definition.id, wave.waveId),
      ]);
      const statements = renderStatements(definition, figuresByBase, lang);
      return {
        title: localize(definition.title, lang, source),
        surveyId: definition.id,
        waveId: wave.waveId,
        ...(wave.label ? { waveLabel: localize(wave.label as Parameters<typeof localize>[0], lang, source) } : {}),
        lang,
        weighted,
        statements,
        questions,
        lowBaseBelow,
        ...(main.comparedWith ? { comparedWith: { waveId: main.comparedWith.wave, n: main.comparedWith.n } } : {}),
        ...(by ? { by: { id: by, text: localize(findQuestion(definition, by)?.text ?? by, lang, source) } } : {}),
        methodology: buildMethodology({
          definition,
          lang,
          waveId: wave.waveId,
          field: { ...(field.start ? { start: longDate(field.start, lang) } : {}), ...(field.end ? { end: longDate(field.end, lang) } : {}) },
          figures: main,
          statements,
          intervals,
          ...(weightingConfig ? { weightingConfig } : {}),
          ...(invitations ? { invitations } : {}),
          designWeights: main.designWeighted,
        }),
      };
    },
  };
}

export type ReportService = ReturnType<typeof createReportService>;
