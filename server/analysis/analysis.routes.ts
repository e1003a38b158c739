// Analysts' pages and the figures API.
import express, { type Request, type RequestHandler, type Router } from 'express';
import type { AppDependencies } from '../lib/app-dependencies';
import { ValidationError } from '../lib/errors';
import { routeTable } from '../lib/routes';
import { isInterfaceLanguage, negotiateLanguage, translator } from '../lib/i18n/index';
import { surveyOrganizer, surveyReader } from '../accounts/guards';
import { auditActorOf } from '../accounts/principal';
import { ZFiguresQuery } from './figures/figures.schemas';
import { createFiguresService } from './figures/figures.service';
import { createReportService } from './report/report.service';
import { createWeightingSettings } from './weighting/weighting-settings.service';
import { listWaves } from '../waves/wave.service';
import { issueDetails, issuesText, requireJsonBody } from '../lib/input-errors';

type Params = { surveyId: string; wave: string };

function parseQuery(req: Request) {
  const result = ZFiguresQuery.safeParse(req.query);
  if (!result.success) throw new ValidationError(issuesText(result.error.issues, 'query'), issueDetails(result.error.issues), 'invalid_query');
  return result.data;
}

/**
 * Two routers: the JSON API, mounted before the form parsers and CSRF middleware (it uses neither), and
 * the analysts' HTML pages, mounted with the other pages.
 */
export function analysisRoutes({ catalog, config, logger }: AppDependencies): { api: Router; pages: Router } {
  const figures = createFiguresService(catalog, logger);
  const reports = createReportService(catalog, figures, config.LOW_BASE_THRESHOLD);
  const weighting = createWeightingSettings(catalog, logger);

  const figuresJson: RequestHandler = async (req, res) => {
    const { surveyId, wave } = req.params as Params;
    const query = parseQuery(req);
    res.json(await figures.computeFigures({ surveyId, wave, query, lowBaseBelow: config.LOW_BASE_THRESHOLD }));
  };

  const changeWeighting: RequestHandler = async (req, res) => {
    const { surveyId, wave } = req.params as Params;
    requireJsonBody(req, 'the weighting');
    await weighting.change(surveyId, wave, req.body, auditActorOf(req));
    res.status(204).end();
  };

  const removeWeighting: RequestHandler = async (req, res) => {
    const { surveyId, wave } = req.params as Params;
    await weighting.remove(surveyId, wave, auditActorOf(req));
    res.status(204).end();
  };

  const reportPage: RequestHandler = async (req, res) => {
    const { surveyId, wave } = req.params as Params;
    const survey = catalog.require(surveyId);
    const query = parseQuery(req);
    const lang = isInterfaceLanguage(query.lang) ? query.lang : negotiateLanguage(req, survey.definition.languages);
    const report = await reports.buildReport({ surveyId, wave, lang, weighted: query.weighted, ...(query.by ? { by: query.by } : {}), ...(query.compare ? { compare: query.compare } : {}) });
    const t = translator(lang);
    const other = lang === 'fr' ? 'en' : 'fr';
    /** This page's address with some of its settings changed. */
    const link = (change: { lang?: string; by?: string | undefined; compare?: string | undefined }) => {
      const settings = { lang, weighted: query.weighted ? '1' : undefined, by: query.by, compare: query.compare, ...change };
      const params = new URLSearchParams(Object.entries(settings).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
      return `${req.path}?${params}`;
    };
    const otherWaves = (await listWaves(surveyId)).filter((w) => w.waveId !== report.waveId);
    res.render('analysis/report', {
      lang,
      t,
      title: `${report.title} – ${t('report.title')}`,
      report,
      switchLanguageHref: link({ lang: other }),
      segmentLinks: (survey.definition.segments ?? []).map((id) => ({ id, href: link({ by: id }), active: query.by === id })),
      wholeSampleHref: link({ by: undefined }),
      // The live dashboard of the same view: its figures move as responses arrive.
      dashboardHref: link({}).replace(/\/report\?/, '/dashboard?'),
      compareLinks: otherWaves.map((w) => ({ id: w.waveId, href: link({ compare: w.waveId }), active: report.comparedWith?.waveId === w.waveId })),
      noComparisonHref: link({ compare: undefined }),
      scripts: ['/vendor/chart.js/chart.umd.min.js', '/public/js/report.js'],
    });
  };

  const WAVE = '/surveys/:surveyId/waves/:wave';
  const api = routeTable([
    ['get', `/api/v1${WAVE}/figures`, surveyReader, figuresJson],
    ['put', `/api/v1${WAVE}/weighting`, surveyOrganizer, express.json({ limit: '64kb' }), changeWeighting],
    ['delete', `/api/v1${WAVE}/weighting`, surveyOrganizer, removeWeighting],
  ]);
  const pages = routeTable([['get', `/admin${WAVE}/report`, surveyReader, reportPage]]);
  return { api, pages };
}
