// The fieldwork pages of a wave (progress, quotas) and the same as JSON. Each handler reads the
// request, calls the quota or progress service and renders; a refused quota form is drawn again
// with the message, the status the service chose and what was typed.
import type { Request, RequestHandler, Response } from 'express';
import { z } from 'zod';
import type { AppError } from '../lib/errors';
import type { AppDependencies } from '../lib/app-dependencies';
import type { InterfaceLanguage, MessageKey, Translate } from '../lib/i18n/index';
import { doneNotice, staffPageContext } from '../console/page-context';
import { mayManageSurvey } from '../accounts/permissions';
import { auditActorOf, principalOf } from '../accounts/principal';
import { echoedText, refusalMessage } from '../accounts/refusals';
import { localize } from '../surveys/localize';
import { surveyTitle } from '../surveys/survey-titles';
import type { LoadedSurvey } from '../surveys/survey.loader';
import type { TSurveyDefinition } from '../surveys/survey.schemas';
import { findQuestion } from '../surveys/visibility';
import { surveyConsolePath, waveConsolePath } from '../waves/console-paths';
import { MAX_QUOTA_LIMIT, quotaQuestionsOf } from '../waves/quota-cells';
import { formatInZone, surveyTimeZone } from '../waves/wave-dates';
import type { Wave, WaveQuota } from '../waves/wave.service';
import { computeWaveProgress, type WaveProgress } from './progress.service';
import { createQuotaService, type QuotaCellStatus } from './quota.service';
import { parseJsonBody } from '../lib/input-errors';

/** The refusals the quota page words itself, each naming the cell from the service's details. */
const REFUSALS: Record<string, MessageKey> = {
  quota_unknown_question: 'fieldwork.refused_unknown_question',
  quota_not_single_choice: 'fieldwork.refused_not_single_choice',
  quota_unknown_option: 'fieldwork.refused_unknown_option',
  quota_invalid_limit: 'fieldwork.refused_invalid_limit',
  quota_duplicate_cell: 'fieldwork.refused_duplicate_cell',
  wave_closed: 'fieldwork.refused_wave_closed',
};

/** The quota form's limit fields are named `limit.<option id>`. */
const LIMIT_FIELD = 'limit.';

interface QuotaForm {
  questionId: string;
  /** What was typed in each limit field, by option id. */
  limits: Record<string, string>;
}

function readQuotaForm(body: unknown): QuotaForm {
  const raw = (body ?? {}) as Record<string, unknown>;
  const limits: Record<string, string> = {};
  for (const [name, value] of Object.entries(raw)) {
    if (name.startsWith(LIMIT_FIELD)) limits[name.slice(LIMIT_FIELD.length)] = echoedText(value, 20);
  }
  return { questionId: echoedText(raw.questionId, 100), limits };
}

/** A typed limit as a number; what is not one reaches the service as NaN, which it refuses. */
function limitOf(typed: string): number {
  return /^\s*-?\d+(\.\d*)?\s*$/.test(typed) ? Number(typed) : Number.NaN;
}

/** The quotas a posted form asks for: the other questions' as they are, this question's as typed. */
function quotasFromForm(wave: Wave, form: QuotaForm): WaveQuota[] {
  const posted = Object.entries(form.limits)
    .filter(([, typed]) => typed.trim() !== '')
    .map(([optionId, typed]) => ({ questionId: form.questionId, optionId, limit: limitOf(typed) }));
  return [...wave.quotas.filter((quota) => quota.questionId !== form.questionId), ...posted];
}

/** A cell as people read it: the question's text and the option's label, in the reader's language. */
function cellLabels(definition: TSurveyDefinition, cell: Pick<WaveQuota, 'questionId' | 'optionId'>, lang: string): { question: string; option: string } {
  const question = findQuestion(definition, cell.questionId);
  const fallback = definition.languages[0];
  const option = question && 'options' in question ? question.options?.find((o) => o.id === cell.optionId) : undefined;
  return {
    question: question ? localize(question.text, lang, fallback) : cell.questionId,
    option: option ? localize(option.label, lang, fallback) : cell.optionId,
  };
}

function percentText(share: number | null, lang: InterfaceLanguage): string | undefined {
  if (share === null) return undefined;
  return new Intl.NumberFormat(lang === 'fr' ? 'fr-FR' : 'en-GB', { style: 'percent', maximumFractionDigits: 1 }).format(share);
}

function durationText(ms: number | null, t: Translate): string | undefined {
  if (ms === null) return undefined;
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return t('fieldwork.duration_seconds', { s: seconds });
  if (seconds < 3600) return t('fieldwork.duration_minutes', { min: Math.floor(seconds / 60), s: seconds % 60 });
  return t('fieldwork.duration_hours', { h: Math.floor(seconds / 3600), min: Math.floor((seconds % 3600) / 60) });
}

/** PUT body: every quota of the wave; a cell left out has none. */
const ZQuotas = z.array(z.strictObject({ questionId: z.string().min(1), optionId: z.string().min(1), limit: z.number() })).max(500);

/** After saving quotas, the quotas page says so (`?done=`). */
const QUOTAS_NOTICES = { saved: 'fieldwork.done_saved' } as const satisfies Record<string, MessageKey>;

export function createFieldworkHandlers({ catalog, logger, clock }: AppDependencies) {
  const quotas = createQuotaService({ catalog, logger, clock });

  /** The survey (its file's version names it), the wave, and the version the wave's respondents answer. */
  async function waveOf(req: Request): Promise<{ survey: LoadedSurvey; wave: Wave; version: LoadedSurvey }> {
    const survey = catalog.require(String(req.params.surveyId));
    const wave = await quotas.requireWave(survey.definition.id, String(req.params.waveId));
    return { survey, wave, version: await quotas.versionOf(wave) };
  }

  async function progressOf(survey: LoadedSurvey, wave: Wave, version: LoadedSurvey): Promise<WaveProgress> {
    return computeWaveProgress({ wave, definition: version.definition, timeZone: surveyTimeZone(survey), quotas: await quotas.quotaCells(wave), now: clock.now() });
  }

  function quotaRows(cells: QuotaCellStatus[], definition: TSurveyDefinition, lang: string) {
    return cells.map((cell) => ({ ...cell, ...cellLabels(definition, cell, lang) }));
  }

  const progressPage: RequestHandler = async (req, res) => {
    const { survey, wave, version } = await waveOf(req);
    const surveyId = survey.definition.id;
    const base = waveConsolePath(surveyId, wave.waveId);
    const context = staffPageContext(req, `${base}/progress`);
    const { lang, t } = context;
    const progress = await progressOf(survey, wave, version);
    const timeZone = surveyTimeZone(survey);
    const fallback = version.definition.languages[0];
    res.render('fieldwork/progress', {
      ...context,
      title: `${t('fieldwork.progress_title')} – ${wave.waveId} – ${surveyTitle(survey.definition, lang)}`,
      surveyId,
      waveId: wave.waveId,
      surveyName: surveyTitle(survey.definition, lang),
      surveyHref: surveyConsolePath(surveyId),
      quotasHref: `${base}/quotas`,
      mayManage: mayManageSurvey(principalOf(req).account, surveyId),
      progress,
      timeZone,
      rateText: percentText(progress.completionRate, lang),
      medianText: durationText(progress.medianDurationMs, t),
      targetShareText: percentText(progress.targetShare, lang),
      elapsedText: percentText(progress.pace.elapsedShare, lang),
      opensText: progress.pace.opensAt && formatInZone(progress.pace.opensAt, timeZone, lang),
      closesText: progress.pace.closesAt && formatInZone(progress.pace.closesAt, timeZone, lang),
      funnel: progress.funnel.map((step) => ({ ...step, titleText: step.title ? localize(step.title, lang, fallback) : step.pageId })),
      quotaRows: quotaRows(progress.quotas, version.definition, lang),
    });
  };

  async function renderQuotas(req: Request, res: Response, status: number, extra: { form?: QuotaForm; error?: string; notice?: string } = {}): Promise<void> {
    const { survey, wave, version } = await waveOf(req);
    const surveyId = survey.definition.id;
    const base = waveConsolePath(surveyId, wave.waveId);
    const context = staffPageContext(req, `${base}/quotas`);
    const { lang, t } = context;
    const { definition } = version;
    const cells = await quotas.quotaCells(wave);
    const questions = quotaQuestionsOf(definition);
    // The question whose cells the form shows: the one asked for (or posted), else the first with
    // quotas, else the first segment, else the first that may have one.
    const asked = extra.form?.questionId ?? (typeof req.query.question === 'string' ? req.query.question : undefined);
    const eligible = (id: string | undefined) => questions.find((q) => q.id === id);
    const question = eligible(asked) ?? eligible(wave.quotas[0]?.questionId) ?? eligible(definition.segments?.[0]) ?? questions[0];
    const typed = extra.form && question && extra.form.questionId === question.id ? extra.form.limits : undefined;
    const fallback = definition.languages[0];
    res.status(status).render('fieldwork/quotas', {
      ...context,
      title: `${t('fieldwork.quotas_title')} – ${wave.waveId} – ${surveyTitle(survey.definition, lang)}`,
      surveyId,
      waveId: wave.waveId,
      progressHref: `${base}/progress`,
      action: `${base}/quotas`,
      quotaRows: quotaRows(cells, definition, lang),
      // Readers see the cells and their counts; only organizers get the form that changes them.
      mayManage: mayManageSurvey(principalOf(req).account, surveyId),
      maxLimit: MAX_QUOTA_LIMIT,
      questions: questions.map((q) => ({ id: q.id, text: localize(q.text, lang, fallback) })),
      question: question && {
        id: question.id,
        text: localize(question.text, lang, fallback),
        options: question.options.map((option) => {
          const quota = wave.quotas.find((q) => q.questionId === question.id && q.optionId === option.id);
          const cell = cells.find((c) => c.questionId === question.id && c.optionId === option.id);
          return {
            id: option.id,
            label: localize(option.label, lang, fallback),
            value: typed ? (typed[option.id] ?? '') : quota ? String(quota.limit) : '',
            count: cell?.count,
          };
        }),
      },
      notice: extra.notice,
      error: extra.error,
    });
  }

  const quotasPage: RequestHandler = async (req, res) => {
    await renderQuotas(req, res, 200, { notice: doneNotice(req, QUOTAS_NOTICES, staffPageContext(req, undefined).t) });
  };

  const saveQuotas: RequestHandler = async (req, res) => {
    const form = readQuotaForm(req.body);
    const { survey, wave, version } = await waveOf(req);
    try {
      await quotas.setQuotas(wave, quotasFromForm(wave, form), auditActorOf(req));
      res.redirect(303, `${waveConsolePath(survey.definition.id, wave.waveId)}/quotas?${new URLSearchParams({ question: form.questionId, done: 'saved' })}`);
    } catch (error) {
      const { lang, t } = staffPageContext(req, undefined);
      const details = ((error as AppError).details ?? {}) as Partial<WaveQuota>;
      const cell = { questionId: details.questionId ?? form.questionId, optionId: details.optionId ?? '' };
      const labels = cellLabels(version.definition, cell, lang);
      const message = refusalMessage(error, t, REFUSALS, {
        wave: wave.waveId,
        question: labels.question,
        option: labels.option,
        value: form.limits[cell.optionId] ?? String(details.limit ?? ''),
      });
      await renderQuotas(req, res, (error as AppError).status, { form, error: message });
    }
  };

  // --- API ---

  const progressJson: RequestHandler = async (req, res) => {
    const { survey, wave, version } = await waveOf(req);
    res.json({ ...(await progressOf(survey, wave, version)), timeZone: surveyTimeZone(survey) });
  };

  const quotasJson: RequestHandler = async (req, res) => {
    const { wave } = await waveOf(req);
    res.json({ surveyId: wave.surveyId, waveId: wave.waveId, quotas: await quotas.quotaCells(wave) });
  };

  const putQuotasJson: RequestHandler = async (req, res) => {
    const { wave } = await waveOf(req);
    const sent = parseJsonBody(req, ZQuotas, 'invalid_quotas', 'Send every quota of the wave as [{ "questionId", "optionId", "limit" }]');
    const { cells } = await quotas.setQuotas(wave, sent, auditActorOf(req));
    res.json({ surveyId: wave.surveyId, waveId: wave.waveId, quotas: cells });
  };

  return {
    pages: { progressPage, quotasPage, saveQuotas },
    api: { progressJson, quotasJson, putQuotasJson },
  };
}
