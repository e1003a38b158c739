// The organizers' weighting form and its summary. The form's fields become the weighting API's JSON
// and go through the same use case (createWeightingSettings: it checks everything and audits);
// nothing is checked here. A refused form is drawn again (422) with what was typed, each problem
// beside the field it is about, worded from where the use case found it and what was typed there.
import type { Request, RequestHandler, Response } from 'express';
import type { AppDependencies } from '../lib/app-dependencies';
import { AppError } from '../lib/errors';
import type { InterfaceLanguage, MessageKey, Translate } from '../lib/i18n/index';
import { doneNotice, staffPageContext } from '../console/page-context';
import { auditActorOf } from '../accounts/principal';
import { echoedText } from '../accounts/refusals';
import { createWeightingSettings } from '../analysis/weighting/weighting-settings.service';
import type { TWeightingConfig } from '../analysis/figures/figures.schemas';
import { localize } from '../surveys/localize';
import type { TLocalizedText, TSurveyDefinition } from '../surveys/survey.schemas';
import { findQuestion } from '../surveys/visibility';
import { findSingleChoiceQuestion } from '../surveys/single-choice';
import { surveyTitle } from '../surveys/survey-titles';
import { waveConsolePath } from '../waves/console-paths';
import { dashboardPath } from './dashboard-view.service';
import { createWeightingPage, weightingQuestionsOf, type WeightingState } from './weighting-form.service';

/** Target fields are named `target.<question>.<option>`. */
const TARGET_FIELD = /^target\.([^.]+)\.([^.]+)$/;

const NOTICES = { saved: 'dashboard.weighting_saved', removed: 'dashboard.weighting_removed' } as const satisfies Record<string, MessageKey>;

/** What was typed, by field. */
interface WeightingForm {
  method: string;
  cap: string;
  /** question → option → typed. */
  targets: Record<string, Record<string, string>>;
}

/** A problem the page shows: beside its field (by the field's name), or above the form. */
interface Problem {
  field?: string;
  message: string;
}

function readForm(body: unknown): WeightingForm {
  const raw = (body ?? {}) as Record<string, unknown>;
  const targets: WeightingForm['targets'] = {};
  for (const [name, value] of Object.entries(raw)) {
    const match = TARGET_FIELD.exec(name);
    if (!match) continue;
    const [, questionId = '', optionId = ''] = match;
    (targets[questionId] ??= {})[optionId] = echoedText(value, 20);
  }
  return { method: echoedText(raw.method, 20), cap: echoedText(raw.cap, 20), targets };
}

/** A typed number, a decimal comma allowed; what is not one reaches the use case as NaN, which it refuses. */
function numberOf(typed: string): number {
  return /^\s*-?\d+([.,]\d*)?\s*$/.test(typed) ? Number(typed.trim().replace(',', '.')) : Number.NaN;
}

/** The weighting API's JSON for the form: a question with every field empty is not used. */
function configOf(form: WeightingForm): unknown {
  const targets: Record<string, Record<string, number>> = {};
  for (const [questionId, typed] of Object.entries(form.targets)) {
    if (Object.values(typed).every((value) => value.trim() === '')) continue;
    targets[questionId] = Object.fromEntries(Object.entries(typed).map(([optionId, value]) => [optionId, numberOf(value)]));
  }
  return { method: form.method, targets, ...(form.cap.trim() === '' ? {} : { cap: numberOf(form.cap) }) };
}

function formOf(config: TWeightingConfig | undefined): WeightingForm {
  return {
    method: config?.method ?? 'rake',
    cap: config?.cap === undefined ? '' : String(config.cap),
    targets: Object.fromEntries(Object.entries(config?.targets ?? {}).map(([q, margins]) => [q, Object.fromEntries(Object.entries(margins).map(([o, n]) => [o, String(n)]))])),
  };
}

/** Where a refusal points and what it says: the use case gives each problem's path in the weighting's JSON as details. */
function refusalsOf(error: AppError): Array<{ path: string | undefined; text: string }> {
  if (!Array.isArray(error.details)) return [{ path: undefined, text: error.message }];
  return (error.details as Array<{ path?: unknown; message?: unknown }>).map((d) => ({ path: typeof d.path === 'string' && d.path ? d.path : undefined, text: String(d.message) }));
}

function problemsOf(error: AppError, form: WeightingForm, definition: TSurveyDefinition, t: Translate, label: (text: TLocalizedText) => string): Problem[] {
  const questionText = (id: string) => {
    const question = findQuestion(definition, id);
    return question ? label(question.text) : id;
  };
  const targetProblem = (questionId: string, optionId: string): Problem => {
    const typed = form.targets[questionId]?.[optionId];
    const drawn = findSingleChoiceQuestion(definition, questionId)?.options.some((o) => o.id === optionId) ?? false;
    if (typed === undefined || !drawn) {
      // A field the page never drew (a forged or stale form): said above the form.
      return { message: t('dashboard.weighting_unknown_option', { question: questionText(questionId), option: optionId }) };
    }
    const value = numberOf(typed);
    const key: MessageKey =
      typed.trim() === '' ? 'dashboard.weighting_target_blank'
      : Number.isNaN(value) ? 'dashboard.weighting_target_not_number'
      : value < 0 ? 'dashboard.weighting_target_negative'
      : value > 100 ? 'dashboard.weighting_target_over_100'
      : 'dashboard.weighting_target_invalid';
    return { field: `target.${questionId}.${optionId}`, message: t(key, { typed }) };
  };
  const details = (error.details ?? {}) as { variable?: string; category?: string; sum?: number };
  if (error.code === 'targets_not_100' && details.variable) {
    return [{ field: `question.${details.variable}`, message: t('dashboard.weighting_sum_not_100', { question: questionText(details.variable), sum: String(details.sum) }) }];
  }
  if (error.code === 'invalid_targets' && details.variable && details.category) return [targetProblem(details.variable, details.category)];
  return refusalsOf(error).map(({ path, text }): Problem => {
    const [head, questionId, optionId] = path?.split('.') ?? [];
    if (head === 'targets' && questionId && optionId) return targetProblem(questionId, optionId);
    if (head === 'targets' && questionId) return { message: t('dashboard.weighting_unknown_question', { question: questionId }) };
    if (head === 'targets') return { message: t('dashboard.weighting_no_question') };
    if (head === 'cap') return { field: 'cap', message: t('dashboard.weighting_cap_invalid') };
    // A method the use case knows refused only for its number of questions: post-stratification.
    if (head === 'method') return { field: 'method', message: t(form.method === 'poststratify' ? 'dashboard.weighting_poststratify_one' : 'dashboard.weighting_method_unknown') };
    return { message: text };
  });
}

function numberText(lang: InterfaceLanguage, value: number, digits: number): string {
  return new Intl.NumberFormat(lang === 'fr' ? 'fr-FR' : 'en-GB', { minimumFractionDigits: digits, maximumFractionDigits: digits }).format(value);
}

function percentText(lang: InterfaceLanguage, share: number | null): string {
  if (share === null) return '—';
  return new Intl.NumberFormat(lang === 'fr' ? 'fr-FR' : 'en-GB', { style: 'percent', minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(share);
}

export function createWeightingFormHandlers(deps: AppDependencies): { page: RequestHandler; save: RequestHandler; remove: RequestHandler } {
  const settings = createWeightingSettings(deps.catalog, deps.logger);
  const weighting = createWeightingPage(deps);

  const pathOf = (req: Request) => `${waveConsolePath(String(req.params.surveyId), String(req.params.wave))}/weighting`;

  async function render(req: Request, res: Response, status: number, extra: { form?: WeightingForm; problems?: Problem[]; notice?: string; state?: WeightingState } = {}): Promise<void> {
    const state = extra.state ?? (await weighting.describe(String(req.params.surveyId), String(req.params.wave), deps.clock.now()));
    const { survey, wave, definition, config, summary } = state;
    const surveyId = survey.definition.id;
    const action = `${waveConsolePath(surveyId, wave.waveId)}/weighting`;
    const context = staffPageContext(req, action);
    const { lang, t } = context;
    const fallback = definition.languages[0];
    const label = (text: TLocalizedText) => localize(text, lang, fallback);
    const form = extra.form ?? formOf(config);
    const problems = extra.problems ?? [];
    const fieldProblem = (field: string) => problems.find((p) => p.field === field)?.message;
    const methodName = (method: string) => t(method === 'poststratify' ? 'dashboard.weighting_method_poststratify' : 'dashboard.weighting_method_rake');
    const problemReason = state.problem && (state.problem.code === 'no_respondents' ? t('dashboard.weighting_no_respondents') : state.problem.message);
    res.status(status).render('dashboard/weighting', {
      ...context,
      title: `${t('dashboard.weighting_title')} – ${wave.waveId} – ${surveyTitle(survey.definition, lang)}`,
      heading: t('dashboard.weighting_heading', { wave: wave.waveId }),
      dashboardHref: `${dashboardPath(surveyId, wave.waveId)}${config ? '?weighted=1' : ''}`,
      action,
      removeAction: `${action}/remove`,
      notice: extra.notice,
      current: config && {
        description: t('dashboard.weighting_on', { method: methodName(config.method), variables: state.margins.map((m) => label(m.question.text)).join(', ') }),
        problem: problemReason && t('dashboard.weighting_not_computable', { reason: problemReason }),
        summary: summary && [
          { id: 'iterations', label: t('dashboard.weighting_iterations'), text: String(summary.iterations), value: summary.iterations },
          { id: 'converged', label: t('dashboard.weighting_converged'), text: t(summary.converged ? 'dashboard.weighting_yes' : 'dashboard.weighting_no'), value: summary.converged ? 1 : 0 },
          { id: 'design-effect', label: t('dashboard.weighting_design_effect'), text: numberText(lang, summary.designEffect, 2), value: summary.designEffect },
          { id: 'efficiency', label: t('dashboard.weighting_efficiency'), text: percentText(lang, summary.efficiency), value: summary.efficiency },
          { id: 'effective-n', label: t('dashboard.weighting_effective_n'), text: numberText(lang, summary.effectiveN, 1), value: summary.effectiveN },
          {
            id: 'weight-range',
            label: t('dashboard.weighting_weight_range'),
            text: t('dashboard.weighting_range_value', { min: numberText(lang, summary.minWeight, 2), max: numberText(lang, summary.maxWeight, 2) }),
            value: summary.maxWeight,
          },
          { id: 'max-gap', label: t('dashboard.weighting_max_gap'), text: t('dashboard.weighting_points', { value: numberText(lang, summary.maxMarginGap, 1) }), value: summary.maxMarginGap },
        ],
        margins: state.margins.map(({ question, rows }) => ({
          id: question.id,
          caption: t('dashboard.weighting_margins_caption', { question: label(question.text) }),
          rows: rows.map((row) => {
            const option = question.options.find((o) => o.id === row.optionId);
            return {
              id: row.optionId,
              label: option ? label(option.label) : row.optionId,
              target: row.target === undefined ? '—' : percentText(lang, row.target / 100),
              targetValue: row.target === undefined ? '' : String(row.target / 100),
              sample: percentText(lang, row.sample),
              sampleValue: row.sample === null ? '' : String(row.sample),
              weighted: percentText(lang, row.weighted),
              weightedValue: row.weighted === null ? '' : String(row.weighted),
            };
          }),
        })),
      },
      methods: ['poststratify', 'rake'].map((id) => ({ id, label: methodName(id), hint: t(id === 'poststratify' ? 'dashboard.weighting_method_poststratify_hint' : 'dashboard.weighting_method_rake_hint'), checked: form.method === id })),
      methodProblem: fieldProblem('method'),
      cap: { value: form.cap, problem: fieldProblem('cap') },
      questions: weightingQuestionsOf(definition).map((question) => ({
        id: question.id,
        text: label(question.text),
        problem: fieldProblem(`question.${question.id}`),
        options: question.options.map((option) => {
          const name = `target.${question.id}.${option.id}`;
          return { id: option.id, name, fieldId: `target-${question.id}-${option.id}`, label: t('dashboard.weighting_target_of', { option: label(option.label) }), value: form.targets[question.id]?.[option.id] ?? '', problem: fieldProblem(name) };
        }),
      })),
      problems,
      fieldIdOf: (field: string) => (field.startsWith('target.') ? field.replace(/\./g, '-') : field.startsWith('question.') ? `fieldset-${field.slice('question.'.length)}` : field === 'method' ? 'method-poststratify' : field),
    });
  }

  const page: RequestHandler = async (req, res) => {
    await render(req, res, 200, { notice: doneNotice(req, NOTICES, staffPageContext(req, undefined).t) });
  };

  const save: RequestHandler = async (req, res) => {
    const form = readForm(req.body);
    try {
      await settings.change(String(req.params.surveyId), String(req.params.wave), configOf(form), auditActorOf(req));
    } catch (error) {
      if (!(error instanceof AppError) || error.status >= 500 || error.status === 404) throw error;
      // The page as it stands (nothing was stored), read only when it is drawn again.
      const state = await weighting.describe(String(req.params.surveyId), String(req.params.wave), deps.clock.now());
      const { lang, t } = staffPageContext(req, undefined);
      const fallback = state.definition.languages[0];
      const problems = problemsOf(error, form, state.definition, t, (text) => localize(text, lang, fallback));
      // Whatever the use case's own status (400 for a shape it cannot read, 422 for targets it
      // cannot use), the form was understood and refused: 422.
      await render(req, res, 422, { form, problems, state });
      return;
    }
    res.redirect(303, `${pathOf(req)}?done=saved`);
  };

  const remove: RequestHandler = async (req, res) => {
    await settings.remove(String(req.params.surveyId), String(req.params.wave), auditActorOf(req));
    res.redirect(303, `${pathOf(req)}?done=removed`);
  };

  return { page, save, remove };
}
