// The dashboard's page, its event stream and each chart's figures as CSV. Each handler reads the
// view's settings from the URL, asks the dashboard views for the figures, and renders or streams.
import type { Request, RequestHandler } from 'express';
import type { AppDependencies } from '../lib/app-dependencies';
import { NotFoundError, ValidationError } from '../lib/errors';
import { negotiateLanguage, translator, type InterfaceLanguage } from '../lib/i18n/index';
import type { TFiguresQuery } from '../analysis/figures/figures.schemas';
import { checkBy, checkFilter } from '../analysis/figures/figures.service';
import { mayManageSurvey } from '../accounts/permissions';
import { principalOf } from '../accounts/principal';
import { localize } from '../surveys/localize';
import type { TQuestion, TSurveyDefinition } from '../surveys/survey.schemas';
import { findQuestion } from '../surveys/visibility';
import { isSingleChoice, type SingleChoiceQuestion } from '../surveys/single-choice';
import { waveConsolePath } from '../waves/console-paths';
import { findWave, listWaves } from '../waves/wave.service';
import { changedQuery, dashboardSearch, parseDashboardQuery } from './dashboard-query';
import { createDashboardViews, dashboardPath, type DashboardWave } from './dashboard-view.service';
import { questionFiguresCsv } from './figures-csv';
import { activityChart } from './activity.service';

/** What a dashboard filters on: one or several option ids per answer. */
type FilterQuestion = SingleChoiceQuestion | Extract<TQuestion, { type: 'multiple_choice' }>;

function questionsOf(definition: TSurveyDefinition): TQuestion[] {
  return definition.pages.flatMap((page) => page.questions);
}

/** `?since=` on the stream: the version the page was drawn at. */
function sinceOf(req: Request): number | undefined {
  const raw = req.query.since;
  if (raw === undefined) return undefined;
  if (typeof raw !== 'string' || !/^\d{1,15}$/.test(raw)) throw new ValidationError('since: the version a page was drawn at, a whole number', undefined, 'invalid_query');
  return Number(raw);
}

export function createDashboardHandlers(deps: AppDependencies) {
  const { live } = deps;
  const views = createDashboardViews(deps);

  async function targetOf(req: Request): Promise<DashboardWave> {
    return views.resolveWave(String(req.params.surveyId), String(req.params.wave));
  }

  function languageOf(req: Request, query: TFiguresQuery): InterfaceLanguage {
    return query.lang ?? negotiateLanguage(req);
  }

  /**
   * The settings a dashboard can show, checked the same way for the page, its stream and its CSV
   * before anything is computed: the stream computes later, where an error could only be logged.
   * They come from an address people edit and keep, so a wrong one is a 400 naming the setting
   * (a missing compared wave is not the page that is missing).
   */
  async function checkSettings(target: DashboardWave, query: TFiguresQuery): Promise<void> {
    if (query.filter) checkFilter(target.definition, query.filter);
    if (query.by) checkBy(target.definition, query.by);
    if (query.compare) {
      const { surveyId, waveId } = target.wave;
      const compared = await findWave(surveyId, query.compare).catch((error: unknown) => {
        if (error instanceof NotFoundError) throw new ValidationError(`compare: survey "${surveyId}" has no wave "${query.compare}"`, undefined, 'invalid_compare');
        throw error;
      });
      if (compared.waveId === waveId) throw new ValidationError(`compare: name another wave than ${waveId}, the one shown`, undefined, 'invalid_compare');
    }
  }

  /** The wave asked for and the settings it can honour, checked. */
  async function checkedView(req: Request, asked: TFiguresQuery): Promise<{ target: DashboardWave; query: TFiguresQuery }> {
    const target = await targetOf(req);
    const query = views.honoured(target.weightable, asked);
    await checkSettings(target, query);
    return { target, query };
  }

  const page: RequestHandler = async (req, res) => {
    const { query: asked, canonicalSearch } = parseDashboardQuery(req);
    if (canonicalSearch !== undefined) {
      res.redirect(303, `${req.path}${canonicalSearch}`);
      return;
    }
    const { target, query } = await checkedView(req, asked);
    const lang = languageOf(req, asked);
    const t = translator(lang);
    const view = await views.current(target, query, lang);
    const { surveyId, waveId } = view;
    const fallback = target.definition.languages[0];
    const label = (text: Parameters<typeof localize>[0]) => localize(text, lang, fallback);
    const wavePath = waveConsolePath(surveyId, waveId);
    const here = dashboardPath(surveyId, waveId);
    const withLang = { ...query, lang };
    const { lang: _lang, ...figuresSettings } = query;
    const reportSettings = { base: 'answered', weighted: query.weighted, mentions: false, ...(query.by ? { by: query.by } : {}), ...(query.compare ? { compare: query.compare } : {}), lang } as const;
    const otherWaves = (await listWaves(surveyId)).filter((w) => w.waveId !== waveId);
    res.render('dashboard/show', {
      lang,
      t,
      title: `${t('dashboard.title')} – ${view.title} – ${view.waveLabel ?? waveId}`,
      view,
      timeZone: view.timeZone,
      generatedAt: view.generatedAt,
      headerChart: activityChart(view.header, lang),
      heartbeatMs: deps.config.LIVE_HEARTBEAT_MS,
      notices: asked.weighted && !query.weighted ? [t('dashboard.weighting_not_set_notice')] : [],
      links: {
        report: `${wavePath}/report${dashboardSearch(reportSettings)}`,
        exportCsv: `${wavePath}/export.csv`,
        exportXlsx: `${wavePath}/export.xlsx`,
        codebook: `${wavePath}/codebook.csv`,
        figuresJson: `/api/v1/surveys/${encodeURIComponent(surveyId)}/waves/${encodeURIComponent(waveId)}/figures${dashboardSearch(figuresSettings)}`,
        openAnswers: `${here}/open-answers${dashboardSearch(withLang)}`,
        ...(mayManageSurvey(principalOf(req).account, surveyId) ? { weighting: `${wavePath}/weighting` } : {}),
        refresh: `${here}${dashboardSearch(withLang)}`,
      },
      controls: {
        segments: questionsOf(target.definition).filter(isSingleChoice).map((q) => ({ id: q.id, text: label(q.text) })),
        filters: questionsOf(target.definition).filter((q): q is FilterQuestion => isSingleChoice(q) || q.type === 'multiple_choice').map((q) => ({
          id: q.id,
          text: label(q.text),
          options: q.options.map((o) => ({ id: o.id, label: label(o.label), checked: query.filter?.[q.id]?.includes(o.id) ?? false })),
        })),
        waves: otherWaves.map((w) => ({ id: w.waveId, label: typeof w.label === 'object' && w.label ? label(w.label as Parameters<typeof localize>[0]) : w.waveId })),
        weightable: target.weightable,
        basePolicies: ['answered', 'shown', 'all'],
      },
      streamUrl: `${here}/events${dashboardSearch(withLang, { since: String(view.version) })}`,
      csvHref: (questionId: string) => `${here}/figures.csv${dashboardSearch(withLang, { question: questionId })}`,
      switchLanguageHref: `${here}${dashboardSearch(changedQuery(query, { lang: lang === 'fr' ? 'en' : 'fr' }))}`,
      scripts: ['/vendor/chart.js/chart.umd.min.js', '/vendor/chartjs-chart-error-bars/index.umd.min.js', '/public/js/dashboard.js'],
      styles: ['/public/css/dashboard.css'],
    });
  };

  const events: RequestHandler = async (req, res) => {
    const { query: asked } = parseDashboardQuery(req, ['since', 'packed']);
    const since = sinceOf(req);
    // The page's script asks for packed events where the browser can inflate them.
    const packed = req.query.packed === '1';
    const { target, query } = await checkedView(req, asked);
    await live.stream(req, res, views.liveView(target, query, languageOf(req, asked)), { packed, ...(since === undefined ? {} : { since }) });
  };

  const figuresCsv: RequestHandler = async (req, res) => {
    const { query: asked } = parseDashboardQuery(req, ['question']);
    const questionId = req.query.question;
    const { target, query } = await checkedView(req, asked);
    if (typeof questionId !== 'string' || !findQuestion(target.definition, questionId)) {
      throw new ValidationError(`question: name one question of ${target.definition.id}`, undefined, 'invalid_query');
    }
    const question = (await views.questions(target, query, languageOf(req, asked))).find((q) => q.id === questionId);
    if (!question) throw new ValidationError(`question: "${questionId}" has no figures`, undefined, 'invalid_query');
    res.type('text/csv; charset=utf-8').attachment(`${target.survey.definition.id}-${target.wave.waveId}-${questionId}.csv`).send(questionFiguresCsv(question));
  };

  return { page, events, figuresCsv };
}
