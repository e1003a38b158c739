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
  label: string;
  /** Read by screen readers before the label, not shown (a matrix row's name). */
  hiddenPrefix?: string;
  inputId: string;
  checked: boolean;
  exclusive: boolean;
  showIf?: string;
  specify?: { name: string; inputId: string; label: string; value: string; maxLength: number };
}

export interface RowView {
  id: string;
  label: string;
  name: string;
  headerId: string;
  choices: ChoiceView[];
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
  scaleHeaders?: string[];
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

interface Context {
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

function scaleLabels(scale: TScale, ctx: Context): Array<{ value: string; label: string }> {
  const points = Array.from({ length: scale.points }, (_, i) => String(i + 1));
  return points.map((value) => {
    const label = scale.labels[value];
    return { value, label: label === undefined ? value : `${value} – ${text(label, ctx)}` };
  });
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

function pointChoices(idPrefix: string, points: Array<{ value: string; label: string }>, current: string): ChoiceView[] {
  return points.map((p) => ({
    value: p.value,
    label: p.label,
    inputId: `${idPrefix}-${p.value}`,
    checked: current === p.value,
    exclusive: false,
  }));
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
      const points = scaleLabels(q.scale, ctx);
      if (q.scale.dont_know) points.push({ value: 'dont_know', label: text(q.scale.dont_know, ctx) });
      view.choices = pointChoices(q.id, points, stringValue(current));
      break;
    }
    case 'nps': {
      const low = q.low_label ? text(q.low_label, ctx) : ctx.t('take.nps_low');
      const high = q.high_label ? text(q.high_label, ctx) : ctx.t('take.nps_high');
      const points = Array.from({ length: 11 }, (_, i) => ({
        value: String(i),
        label: i === 0 ? `0 – ${low}` : i === 10 ? `10 – ${high}` : String(i),
      }));
      view.choices = pointChoices(q.id, points, stringValue(current));
      break;
    }
    case 'matrix': {
      const points = scaleLabels(q.scale, ctx);
      if (q.scale.dont_know) points.push({ value: 'dont_know', label: text(q.scale.dont_know, ctx) });
      view.scaleHeaders = points.map((p) => p.label);
      const rowAnswers = current && typeof current === 'object' && !Array.isArray(current) ? (current as Record<string, unknown>) : {};
      view.rows = (planned.rows ?? []).map((row) => {
        const label = text(row.label, ctx);
        return {
          id: row.id,
          label,
          name: `${q.id}.${row.id}`,
          headerId: `${q.id}-${row.id}-label`,
          errorMessages: errors.byRow.get(`${q.id}.${row.id}`) ?? [],
          choices: pointChoices(`${q.id}-${row.id}`, points, stringValue(rowAnswers[row.id])).map((c) => ({
            ...c,
            hiddenPrefix: `${label}${ctx.lang === 'fr' ? '\u00a0:' : ':'} `,
          })),
        };
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
