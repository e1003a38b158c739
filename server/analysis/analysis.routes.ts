// Analysts' pages and the figures API. Accounts and roles arrive with a later issue; until then
// these routes are open, so a production deployment must keep /admin and /api behind its proxy.
import express, { Router, type Request } from 'express';
import type { AppDependencies } from '../app';
import { UnprocessableError, ValidationError } from '../lib/errors';
import { isInterfaceLanguage, negotiateLanguage, translator } from '../lib/i18n/index';
import { findQuestion } from '../surveys/visibility';
import { findWave, setWaveWeighting } from '../waves/wave.service';
import { ZFiguresQuery, ZWeightingConfig, type TWeightingConfig } from './figures/figures.schemas';
import { createFiguresService } from './figures/figures.service';
import { createReportService } from './report/report.service';
import { readTargetShares } from './weighting/targets';
import type { TSurveyDefinition } from '../surveys/survey.schemas';

type Params = { surveyId: string; wave: string };

function parseQuery(req: Request) {
  const result = ZFiguresQuery.safeParse(req.query);
  if (!result.success) {
    throw new ValidationError(
      result.error.issues.map((i) => `${i.path.join('.') || 'query'}: ${i.message}`).join('; '),
      result.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
      'invalid_query',
    );
  }
  return result.data;
}

/** Targets must name single-choice questions and their options, or weighting cannot work. */
function checkWeightingTargets(definition: TSurveyDefinition, config: TWeightingConfig): void {
  const problems: string[] = [];
  for (const [questionId, margins] of Object.entries(config.targets)) {
    const question = findQuestion(definition, questionId);
    if (!question || (question.type !== 'single_choice' && question.type !== 'yes_no')) {
      problems.push(`targets.${questionId}: not a single-choice question of ${definition.id}`);
      continue;
    }
    const known = new Set(question.options.map((o) => o.id));
    for (const optionId of Object.keys(margins)) if (!known.has(optionId)) problems.push(`targets.${questionId}.${optionId}: no such option`);
  }
  if (config.method === 'poststratify' && Object.keys(config.targets).length !== 1) {
    problems.push('post-stratification uses exactly one variable; use method "rake" for several');
  }
  if (problems.length) throw new UnprocessableError(problems.join('; '), { problems }, 'invalid_weighting');
  // Sums to 100, no negative shares: the same check the weighting itself runs.
  readTargetShares(config.targets);
}

/**
 * Two routers: the JSON API, mounted before the cookie and CSRF middleware (it uses neither), and
 * the analysts' HTML pages, mounted with the other pages.
 */
export function analysisRoutes({ catalog, config }: AppDependencies): { api: Router; pages: Router } {
  const figures = createFiguresService(catalog);
  const reports = createReportService(figures, config.LOW_BASE_THRESHOLD);
  const api = Router();
  const pages = Router();

  api.get('/api/v1/surveys/:surveyId/waves/:wave/figures', async (req, res) => {
    const { surveyId, wave } = req.params as Params;
    const query = parseQuery(req);
    res.json(await figures.computeFigures({ surveyId, wave, query, lowBaseBelow: config.LOW_BASE_THRESHOLD }));
  });

  // JSON only: a cross-site form cannot send application/json without a CORS preflight, which
  // we never grant, so this route needs no CSRF token.
  api.put('/api/v1/surveys/:surveyId/waves/:wave/weighting', express.json({ limit: '64kb' }), async (req, res) => {
    const { surveyId, wave: waveName } = req.params as Params;
    if (!req.is('application/json')) throw new ValidationError('Send the weighting as application/json', undefined, 'json_required');
    const { definition } = catalog.require(surveyId);
    const wave = await findWave(surveyId, waveName);
    const parsed = ZWeightingConfig.safeParse(req.body);
    if (!parsed.success) {
      throw new ValidationError(parsed.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; '), undefined, 'invalid_weighting');
    }
    checkWeightingTargets(definition, parsed.data);
    await setWaveWeighting(surveyId, wave.waveId, parsed.data);
    res.status(204).end();
  });

  api.delete('/api/v1/surveys/:surveyId/waves/:wave/weighting', async (req, res) => {
    const { surveyId, wave: waveName } = req.params as Params;
    catalog.require(surveyId);
    const wave = await findWave(surveyId, waveName);
    await setWaveWeighting(surveyId, wave.waveId, null);
    res.status(204).end();
  });

  pages.get('/admin/surveys/:surveyId/waves/:wave/report', async (req, res) => {
    const { surveyId, wave } = req.params as Params;
    const survey = catalog.require(surveyId);
    const query = parseQuery(req);
    const lang = isInterfaceLanguage(query.lang) ? query.lang : negotiateLanguage(req, survey.definition.languages);
    const report = await reports.buildReport(survey, wave, lang, query.weighted, query.by);
    const t = translator(lang);
    const other = lang === 'fr' ? 'en' : 'fr';
    res.render('analysis/report', {
      lang,
      t,
      title: `${report.title} – ${t('report.title')}`,
      report,
      switchLanguageHref: `${req.path}?lang=${other}${query.weighted ? '&weighted=1' : ''}${query.by ? `&by=${query.by}` : ''}`,
      segmentLinks: (survey.definition.segments ?? []).map((id) => ({ id, href: `${req.path}?lang=${lang}&by=${id}${query.weighted ? '&weighted=1' : ''}`, active: query.by === id })),
      wholeSampleHref: `${req.path}?lang=${lang}${query.weighted ? '&weighted=1' : ''}`,
      scripts: ['/vendor/chart.js/chart.umd.min.js', '/public/js/report.js'],
    });
  });
  return { api, pages };
}
