// The view model of a question page: every string localized, every value the respondent gave put
// back in place, every error message attached to its field. Templates only print it.
import type { Translate } from '../lib/i18n/index';
import type { MessageKey } from '../lib/i18n/messages';
import { localize } from '../surveys/localize';
import type { TLocalizedText, TQuestion, TScale } from '../surveys/survey.schemas';
import type { AnswerError, TAnswers, TOtherTexts } from '../surveys/answers';
import type { PagePlan, PlannedQuestion } from './page-plan';

export interface ChoiceView {
  value: string;
  /** The full label: what a screen reader says ("0 – Not at all likely"). */
  label: string;
  /** What a scale cell shows instead of the full label (the point's number), when it differs. */
  cellText?: string;
  /** Read by screen readers before the label, not shown (a matrix row's name). */
  hiddenPrefix?: string;
  inputId: string;
  checked: boolean;
  exclusive: boolean;
  showIf?: string;
  specify?: { name: string; inputId: string; label: string; value: string; maxLength: number };
}

/**
 * A rating, NPS or matrix scale drawn as one strip of equal cells: the cells show numbers, the
 * labels sit under the strip (only at its ends when only the ends are labelled), and "don't know"
 * is a separate cell beside the strip, not one of its points.
 */
export interface ScaleView {
  /** One caption per point ("" for an unlabelled point), shown under the cells when `captions` is 'each'. */
  captions: string[];
  captionMode: 'ends' | 'each';
  /** The end labels when `captionMode` is 'ends'. */
  low: string;
  high: string;
  /** The strip wraps onto two rows on a phone: more points than 44 px cells fit in 360 px. */
  long: boolean;
  dontKnowLabel?: string;
}

export interface RowView {
  id: string;
  label: string;
  name: string;
  headerId: string;
  errorId: string;
  choices: ChoiceView[];
  dontKnow?: ChoiceView;
  errorMessages: string[];
}

export interface RankView {
  id: string;
  label: string;
  name: string;
  inputId: string;
  rank: string;
}

export interface QuestionView {
  id: string;
  type: TQuestion['type'];
  text: string;
  help?: string;
  required: boolean;
  legendId: string;
  inputId: string;
  hintId?: string;
  errorId: string;
  describedBy?: string;
  errorMessages: string[];
  showIf?: string;
  choices?: ChoiceView[];
  /** A scale's "don't know", drawn apart from the strip. */
  dontKnow?: ChoiceView;
  scale?: ScaleView;
  rows?: RowView[];
  ranks?: RankView[];
  rankPositions?: number[];
  value?: string;
  min?: number | string;
  max?: number | string;
  step?: string;
  maxLength?: number;
  unit?: string;
  constraintHint?: string;
}

export interface ErrorLink {
  href: string;
  message: string;
}

export interface PageErrors {
  /** Errors by question id ("" for the page), already translated. */
  byQuestion: Map<string, string[]>;
  byRow: Map<string, string[]>;
  summary: ErrorLink[];
}

export interface Context {
  lang: string;
  source: string;
  t: Translate;
}

/** French puts a no-break space before ? ! : ; so the sign never wraps onto a line of its own. */
export function typeset(text: string, lang: string): string {
  return lang === 'fr' ? text.replace(/ ([?!:;»])/g, '\u00a0$1').replace(/« /g, '«\u00a0') : text;
}

function text(value: TLocalizedText | undefined, ctx: Context): string {
  return value === undefined ? '' : typeset(localize(value, ctx.lang, ctx.source), ctx.lang);
}

interface ScalePoint {
  value: string;
  /** The point's own label, without its number ("" when the scale does not label it). */
  caption: string;
}

/** More points than this and a strip of 44 px cells no longer fits a 360 px phone: it wraps. */
const LONGEST_ONE_ROW_STRIP = 7;

function ratingPoints(scale: TScale, ctx: Context): ScalePoint[] {
  return Array.from({ length: scale.points }, (_, i) => {
    const value = String(i + 1);
    const label = scale.labels[value];
    return { value, caption: label === undefined ? '' : text(label, ctx) };
  });
}

function npsPoints(q: Extract<TQuestion, { type: 'nps' }>, ctx: Context): ScalePoint[] {
  const low = q.low_label ? text(q.low_label, ctx) : ctx.t('take.nps_low');
  const high = q.high_label ? text(q.high_label, ctx) : ctx.t('take.nps_high');
  return Array.from({ length: 11 }, (_, i) => ({ value: String(i), caption: i === 0 ? low : i === 10 ? high : '' }));
}

/** How the strip's labels are laid out: at its two ends when only the ends carry one, else under each cell. */
export function scaleView(points: ScalePoint[], dontKnowLabel?: string): ScaleView {
  const captions = points.map((p) => p.caption);
  const inner = captions.slice(1, -1);
  const view: ScaleView = {
    captions,
    captionMode: inner.some(Boolean) ? 'each' : 'ends',
    low: captions[0] ? `${points[0]?.value} – ${captions[0]}` : '',
    high: captions.at(-1) ? `${points.at(-1)?.value} – ${captions.at(-1)}` : '',
    long: points.length > LONGEST_ONE_ROW_STRIP,
  };
  if (dontKnowLabel) view.dontKnowLabel = dontKnowLabel;
  return view;
}

/** A cell shows its number; its label says the number and the point's label, for screen readers. */
function pointChoices(idPrefix: string, points: ScalePoint[], current: string): ChoiceView[] {
  return points.map((p) => ({
    value: p.value,
    label: p.caption ? `${p.value} – ${p.caption}` : p.value,
    cellText: p.value,
    inputId: `${idPrefix}-${p.value}`,
    checked: current === p.value,
    exclusive: false,
  }));
}

function dontKnowChoice(idPrefix: string, label: string, current: string): ChoiceView {
  return { value: 'dont_know', label, inputId: `${idPrefix}-dont_know`, checked: current === 'dont_know', exclusive: false };
}

function stringValue(value: unknown): string {
  if (value === undefined || value === null) return '';
  return Array.isArray(value) ? '' : String(value);
}

export function translateAnswerError(error: AnswerError, t: Translate, optionLabel?: (id: string) => string): string {
  const params: Record<string, string | number> = { ...(error.params ?? {}) };
  if (typeof params.option === 'string' && optionLabel) params.option = optionLabel(params.option);
  return t(`errors.${error.code}` as MessageKey, params);
}

function choiceViews(planned: PlannedQuestion, answers: TAnswers, otherTexts: TOtherTexts, ctx: Context): ChoiceView[] {
  const q = planned.question;
  const current = answers[q.id];
  const selected = Array.isArray(current) ? current : current === undefined ? [] : [String(current)];
  return (planned.options ?? []).map(({ option, dynamic }) => {
    const inputId = `${q.id}-${option.id}`;
    const view: ChoiceView = {
      value: option.id,
      label: text(option.label, ctx),
      inputId,
      checked: selected.includes(option.id),
      exclusive: option.exclusive === true,
      ...(dynamic ? { showIf: JSON.stringify(dynamic) } : {}),
    };
    if (option.specify) {
      view.specify = {
        name: `${q.id}--other`,
        inputId: `${inputId}--other`,
        label: option.specify.label ? text(option.specify.label, ctx) : ctx.t('take.other_specify'),
        value: otherTexts[q.id] ?? '',
        maxLength: option.specify.max_length,
      };
    }
    return view;
  });
}

export function buildQuestionView(
  planned: PlannedQuestion,
  answers: TAnswers,
  otherTexts: TOtherTexts,
  errors: PageErrors,
  ctx: Context,
  rankInput: Record<string, string> = {},
): QuestionView {
  const q = planned.question;
  const errorMessages = errors.byQuestion.get(q.id) ?? [];
  const view: QuestionView = {
    id: q.id,
    type: q.type,
    text: text(q.text, ctx),
    required: q.required,
    legendId: `${q.id}-legend`,
    inputId: `q-${q.id}`,
    errorId: `${q.id}-error`,
    errorMessages,
    ...(q.help ? { help: text(q.help, ctx), hintId: `${q.id}-hint` } : {}),
    ...(planned.dynamic ? { showIf: JSON.stringify(planned.dynamic) } : {}),
  };
  const current = answers[q.id];
  switch (q.type) {
    case 'single_choice':
    case 'yes_no':
    case 'multiple_choice':
      view.choices = choiceViews(planned, answers, otherTexts, ctx);
      if (q.type === 'multiple_choice') {
        const { min_selections: min, max_selections: max } = q;
        if (min !== undefined && max !== undefined) view.constraintHint = ctx.t('take.select_between', { min, max });
        else if (min !== undefined && min > 1) view.constraintHint = ctx.t('take.select_at_least', { min });
        else if (max !== undefined) view.constraintHint = ctx.t('take.select_at_most', { max });
      }
      break;
    case 'rating': {
      const points = ratingPoints(q.scale, ctx);
      const dontKnow = q.scale.dont_know ? text(q.scale.dont_know, ctx) : undefined;
      view.scale = scaleView(points, dontKnow);
      view.choices = pointChoices(q.id, points, stringValue(current));
      if (dontKnow) view.dontKnow = dontKnowChoice(q.id, dontKnow, stringValue(current));
      break;
    }
    case 'nps': {
      const points = npsPoints(q, ctx);
      view.scale = scaleView(points);
      view.choices = pointChoices(q.id, points, stringValue(current));
      break;
    }
    case 'matrix': {
      const points = ratingPoints(q.scale, ctx);
      const dontKnow = q.scale.dont_know ? text(q.scale.dont_know, ctx) : undefined;
      view.scale = scaleView(points, dontKnow);
      const rowAnswers = current && typeof current === 'object' && !Array.isArray(current) ? (current as Record<string, unknown>) : {};
      view.rows = (planned.rows ?? []).map((row) => {
        const label = text(row.label, ctx);
        const idPrefix = `${q.id}-${row.id}`;
        const answer = stringValue(rowAnswers[row.id]);
        // In the table look the row's name is only a column away: each radio says it too.
        const hiddenPrefix = `${label}${ctx.lang === 'fr' ? '\u00a0:' : ':'} `;
        const rowView: RowView = {
          id: row.id,
          label,
          name: `${q.id}.${row.id}`,
          headerId: `${idPrefix}-label`,
          errorId: `${idPrefix}-error`,
          errorMessages: errors.byRow.get(`${q.id}.${row.id}`) ?? [],
          choices: pointChoices(idPrefix, points, answer).map((c) => ({ ...c, hiddenPrefix })),
        };
        if (dontKnow) rowView.dontKnow = { ...dontKnowChoice(idPrefix, dontKnow, answer), hiddenPrefix };
        return rowView;
      });
      break;
    }
    case 'ranking': {
      const order = Array.isArray(current) ? current : [];
      view.ranks = (planned.options ?? []).map(({ option }) => {
        const position = order.indexOf(option.id);
        return {
          id: option.id,
          label: text(option.label, ctx),
          name: `${q.id}.${option.id}`,
          inputId: `${q.id}-${option.id}`,
          rank: rankInput[option.id] ?? (position >= 0 ? String(position + 1) : ''),
        };
      });
      view.rankPositions = view.ranks.map((_, i) => i + 1);
      view.constraintHint = ctx.t('take.rank_help');
      break;
    }
    case 'number':
      view.value = stringValue(current);
      if (q.min !== undefined) view.min = q.min;
      if (q.max !== undefined) view.max = q.max;
      view.step = q.integer ? '1' : 'any';
      if (q.unit) view.unit = text(q.unit, ctx);
      break;
    case 'short_text':
    case 'long_text':
      view.value = stringValue(current);
      view.maxLength = q.max_length;
      if (q.type === 'long_text') view.constraintHint = ctx.t('take.max_length_hint', { max: q.max_length });
      break;
    case 'date':
      view.value = stringValue(current);
      if (q.min) view.min = q.min;
      if (q.max) view.max = q.max;
      break;
  }
  const describedBy = [view.hintId, errorMessages.length ? view.errorId : undefined].filter(Boolean).join(' ');
  if (describedBy) view.describedBy = describedBy;
  return view;
}

export function buildPageView(
  plan: PagePlan,
  answers: TAnswers,
  otherTexts: TOtherTexts,
  errors: PageErrors,
  ctx: Context,
  rankInput: Record<string, Record<string, string>> = {},
): QuestionView[] {
  return plan.questions.map((planned) =>
    buildQuestionView(planned, answers, otherTexts, errors, ctx, rankInput[planned.question.id]),
  );
}

/** Where the error summary links to: the first input of the question or row. */
export function errorAnchor(plan: PagePlan, error: AnswerError): string {
  const planned = plan.questions.find((p) => p.question.id === error.questionId);
  if (!planned) return '#main';
  const q = planned.question;
  if (q.type === 'matrix') {
    const row = error.rowId ?? planned.rows?.[0]?.id;
    return `#${q.id}-${row}-1`;
  }
  if (q.type === 'ranking') return `#${q.id}-${planned.options?.[0]?.option.id ?? ''}`;
  if (q.type === 'rating') return `#${q.id}-1`;
  if (q.type === 'nps') return `#${q.id}-0`;
  if (planned.options) {
    if (error.code === 'other_text_required') {
      const specify = planned.options.find((o) => o.option.specify);
      if (specify) return `#${q.id}-${specify.option.id}--other`;
    }
    return `#${q.id}-${planned.options[0]?.option.id ?? ''}`;
  }
  return `#q-${q.id}`;
}
