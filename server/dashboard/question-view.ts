// Turns a wave's figures into what the dashboard shows per question: a table (each cell with the
// API's own value beside its text) and a chart suited to the question's type. The figures come
// from the figures service as they are; nothing here recomputes a figure the API gives. Below the
// publication threshold the service computes them anyway for the dashboard (it asks it not to
// withhold): analysts see the real share, interval and mean there, flagged "not for publication".
import type { Figures, QuestionFigures } from '../analysis/figures/figures.types';
import { optionsOf } from '../exports/export-columns';
import type { InterfaceLanguage } from '../lib/i18n/index';
import type { TQuestion, TSurveyDefinition } from '../surveys/survey.schemas';
import { wordedItemsOf } from '../surveys/versions/definition-diff';
import type { QuestionKind, QuestionView } from './dashboard.types';
import { formatDecimal } from '../analysis/format/index';
import { intervalRuleOf } from '../analysis/report/publication-rules';
import { wordingFor, type Wording } from './figures/figure-cells';
import { choiceView } from './figures/choice-view';
import { npsView } from './figures/nps-view';
import { numberView, rankingView, textView } from './figures/other-views';
import { matrixView, ratingView } from './figures/scale-view';
import { belowPublication, segmentsOf, textOf, type ViewContext, type ViewParts } from './figures/view-context';

export interface QuestionViewInput {
  /** The definition the wave's respondents answered. */
  definition: TSurveyDefinition;
  /**
   * From the figures service, not withheld (`withhold: false`: every figure computed below the
   * publication threshold too), with `crosstab` when the view has a segment, `change`s when it compares.
   */
  figures: Figures;
  lang: InterfaceLanguage;
  /** Figures on fewer respondents are "not for publication" (LOW_BASE_THRESHOLD's suppression level). */
  lowBaseBelow: number;
  /** The open answers page of a question, with the view's settings. */
  openAnswersHref(questionId: string): string;
}

function kindOf(type: TQuestion['type']): QuestionKind {
  switch (type) {
    case 'single_choice':
    case 'yes_no':
    case 'multiple_choice':
      return 'choice';
    case 'rating':
      return 'scale';
    case 'matrix':
      return 'matrix';
    case 'nps':
      return 'nps';
    case 'number':
      return 'number';
    case 'ranking':
      return 'ranking';
    case 'short_text':
    case 'long_text':
    case 'date':
      return 'text';
  }
}

function partsOf(ctx: ViewContext): ViewParts {
  const { question } = ctx;
  switch (question.type) {
    case 'single_choice':
    case 'yes_no':
    case 'multiple_choice':
      return choiceView({ ...ctx, question });
    case 'rating':
      return ratingView({ ...ctx, question });
    case 'matrix':
      return matrixView({ ...ctx, question });
    case 'nps':
      return npsView(ctx);
    case 'number':
      return numberView(ctx);
    case 'ranking':
      return rankingView({ ...ctx, question });
    case 'short_text':
    case 'long_text':
    case 'date':
      return textView(ctx);
  }
}

/** "Base: 250 respondents who were asked and answered. Weighted (raking): effective base 212." */
function baseNoteOf(figures: QuestionFigures, all: Figures, wording: Wording): string {
  const { t } = wording;
  const base = t('dashboard.figures.base_note', { n: figures.base.n, policy: t(`report.base_policy_${figures.base.policy}`) });
  if (!all.weighted) return `${base} ${t('dashboard.figures.unweighted_note')}`;
  const method = all.weighting ? t(`report.method_${all.weighting.method}`) : '';
  return `${base} ${t('dashboard.figures.weighted_note', { method, effective: formatDecimal(figures.base.effective, 0, wording.lang) })}`;
}

/** What a break in series reworded, in the view's language: "the question, Facebook". */
function seriesBreakOf(ctx: ViewContext, reworded: readonly string[], wave: string): string {
  const items = wordedItemsOf(ctx.question);
  const prefix = `option:${ctx.question.id}.`;
  const names = reworded.map((ref) => {
    if (ref === `question:${ctx.question.id}`) return ctx.wording.t('dashboard.figures.series_break_question');
    const id = ref.startsWith(prefix) ? ref.slice(prefix.length) : ref;
    const label = items.get(id);
    return label ? textOf(ctx, label) : id;
  });
  return ctx.wording.t('dashboard.figures.series_break', { wave, items: names.join(', ') });
}

/** Open texts, and choice questions with an "other (specify)": how many wrote something, and where to read it. */
function openAnswersOf(question: TQuestion, figures: QuestionFigures, href: string): QuestionView['openAnswers'] {
  if (kindOf(question.type) === 'text') return { count: figures.answers ?? 0, href };
  const specify = optionsOf(question).filter((o) => o.specify);
  if (specify.length === 0) return undefined;
  return { count: specify.reduce((sum, o) => sum + (figures.options?.[o.id]?.count ?? 0), 0), href };
}

export function buildQuestionViews(input: QuestionViewInput): QuestionView[] {
  const { definition, figures: all, lowBaseBelow } = input;
  const wording = wordingFor(input.lang);
  const source = definition.languages[0] ?? input.lang;
  // The same rule as the report's tables: whether intervals are shown, and what they are called.
  const { columnHeader } = intervalRuleOf(definition);
  const intervalHeader = columnHeader ? wording.t(columnHeader) : undefined;
  const views: QuestionView[] = [];
  for (const question of definition.pages.flatMap((page) => page.questions)) {
    const figures = all.questions[question.id];
    if (!figures) continue;
    const segments = segmentsOf(definition, all, question, wording);
    const ctx: ViewContext = { definition, question, figures, all, wording, source, weighted: all.weighted, lowBaseBelow, ...(intervalHeader ? { intervalHeader } : {}), ...(segments ? { segments } : {}) };
    const parts = partsOf(ctx);
    const openAnswers = openAnswersOf(question, figures, input.openAnswersHref(question.id));
    views.push({
      id: question.id,
      text: textOf(ctx, question.text),
      type: question.type,
      kind: kindOf(question.type),
      base: figures.base.n,
      baseNote: baseNoteOf(figures, all, wording),
      notForPublication: belowPublication(ctx),
      lowBase: figures.flags.includes('low_base'),
      ...(figures.seriesBreak && all.comparedWith ? { seriesBreak: seriesBreakOf(ctx, figures.seriesBreak.reworded, all.comparedWith.wave) } : {}),
      notes: parts.notes,
      table: parts.table,
      chart: parts.chart,
      ...(openAnswers ? { openAnswers } : {}),
    });
  }
  return views;
}
