// Builds a dashboard view: a wave's figures for the view's settings (the figures service, as the
// API computes them), worded per question, with the fieldwork header. The page and the live
// stream build the same view the same way; the stream then renders it into parts.
import type { AppDependencies } from '../lib/app-dependencies';
import type { InterfaceLanguage } from '../lib/i18n/index';
import type { TFiguresQuery } from '../analysis/figures/figures.schemas';
import type { Figures } from '../analysis/figures/figures.types';
import { createFiguresService } from '../analysis/figures/figures.service';
import { readDesignWeighted } from '../analysis/tally/tally.service';
import type { LoadedSurvey } from '../surveys/survey.loader';
import type { TSurveyDefinition } from '../surveys/survey.schemas';
import { localize } from '../surveys/localize';
import { findQuestion } from '../surveys/visibility';
import { surveyTitle } from '../surveys/survey-titles';
import { surveyTimeZone } from '../waves/wave-dates';
import { waveConsolePath } from '../waves/console-paths';
import { findWave, findWaveWeighting, type Wave } from '../waves/wave.service';
import { readWaveActivity } from './activity.service';
import { changedQuery, dashboardSearch, viewKeyOf } from './dashboard-query';
import { renderDashboardParts } from './dashboard-fragments';
import type { DashboardView, QuestionView } from './dashboard.types';
import type { LiveView } from './live/live.types';
import { buildQuestionViews } from './question-view';

/** The survey and wave a dashboard shows, and the definition its respondents answered. */
export interface SurveyWave {
  survey: LoadedSurvey;
  wave: Wave;
  definition: TSurveyDefinition;
}

export interface DashboardWave extends SurveyWave {
  /** Whether weighting targets are set: without them a weighted view shows unweighted figures. */
  weightable: boolean;
}

export function dashboardPath(surveyId: string, waveId: string): string {
  return `${waveConsolePath(surveyId, waveId)}/dashboard`;
}

export function createDashboardViews({ catalog, config, clock, live, logger }: Pick<AppDependencies, 'catalog' | 'config' | 'clock' | 'live' | 'logger'>) {
  const figures = createFiguresService(catalog, logger);

  /** The wave without its weighting targets (the wave cache's read): what open answers need. */
  async function resolveSurveyWave(surveyId: string, waveName: string): Promise<SurveyWave> {
    const survey = catalog.require(surveyId);
    const wave = await findWave(survey.definition.id, waveName, clock.now());
    const { definition } = await catalog.forWave(wave);
    return { survey, wave, definition };
  }

  /** Whether the wave has weighted figures: targets to calibrate on, or respondents with design weights (one indexed read each). */
  async function isWeightable(wave: Wave): Promise<boolean> {
    return (await findWaveWeighting(wave.surveyId, wave.waveId)) !== undefined || (await readDesignWeighted(wave.surveyId, wave.waveId));
  }

  async function resolveWave(surveyId: string, waveName: string): Promise<DashboardWave> {
    const found = await resolveSurveyWave(surveyId, waveName);
    return { ...found, weightable: await isWeightable(found.wave) };
  }

  /**
   * The settings a wave can honour: a weighted view of a wave whose weighting was removed since
   * (a bookmark) shows unweighted figures, and says so, rather than failing.
   */
  function honoured(weightable: boolean, query: TFiguresQuery): TFiguresQuery {
    return query.weighted && !weightable ? changedQuery(query, { weighted: false }) : query;
  }

  function computeFigures(target: SurveyWave, query: TFiguresQuery): Promise<Figures> {
    return figures.computeFigures({ surveyId: target.survey.definition.id, wave: target.wave.waveId, query, lowBaseBelow: config.LOW_BASE_THRESHOLD, withhold: false });
  }

  function questionViewsOf(target: SurveyWave, computed: Figures, query: TFiguresQuery, lang: InterfaceLanguage): QuestionView[] {
    const openAnswersBase = `${dashboardPath(target.survey.definition.id, target.wave.waveId)}/open-answers`;
    return buildQuestionViews({
      definition: target.definition,
      figures: computed,
      lang,
      lowBaseBelow: config.LOW_BASE_THRESHOLD,
      openAnswersHref: (questionId) => `${openAnswersBase}${dashboardSearch({ ...query, lang }, { question: questionId })}`,
    });
  }

  async function build(target: SurveyWave, query: TFiguresQuery, lang: InterfaceLanguage, version: number): Promise<DashboardView> {
    const { survey, wave, definition } = target;
    const surveyId = survey.definition.id;
    const timeZone = surveyTimeZone(survey);
    const generatedAt = clock.now();
    const [computed, header] = await Promise.all([computeFigures(target, query), readWaveActivity(wave, timeZone, generatedAt)]);
    const questions = questionViewsOf(target, computed, query, lang);
    const byQuestion = query.by ? findQuestion(definition, query.by) : undefined;
    const fallback = definition.languages[0];
    return {
      surveyId,
      waveId: wave.waveId,
      ...(typeof wave.label === 'object' && wave.label ? { waveLabel: localize(wave.label as Record<string, string>, lang, fallback) } : {}),
      title: surveyTitle(survey.definition, lang),
      lang,
      timeZone,
      generatedAt,
      query,
      version,
      header,
      questions,
      source: computed.source,
      ...(computed.weighting ? { weighting: computed.weighting } : {}),
      ...(byQuestion ? { by: { id: byQuestion.id, text: localize(byQuestion.text, lang, fallback) } } : {}),
      ...(computed.comparedWith ? { comparedWith: { waveId: computed.comparedWith.wave, n: computed.comparedWith.n } } : {}),
    };
  }

  return {
    resolveSurveyWave,
    resolveWave,
    honoured,

    /** The view as of now, with the live version it was computed at (read first: a change during the computation is sent after). */
    async current(target: DashboardWave, query: TFiguresQuery, lang: InterfaceLanguage): Promise<DashboardView> {
      const version = await live.versionOf(target.wave.surveyId, target.wave.waveId);
      return build(target, query, lang, version);
    },

    /** The view's questions alone (a chart's CSV): without the header's reads or the live version. */
    async questions(target: SurveyWave, query: TFiguresQuery, lang: InterfaceLanguage): Promise<QuestionView[]> {
      return questionViewsOf(target, await computeFigures(target, query), query, lang);
    },

    /** The same view, for the live stream: recomputed and rendered into parts once per change. */
    liveView(target: DashboardWave, query: TFiguresQuery, lang: InterfaceLanguage): LiveView {
      const { surveyId, waveId } = target.wave;
      return {
        key: viewKeyOf(surveyId, waveId, { ...query, lang }),
        surveyId,
        waveId,
        compute: async () => {
          const fresh = await resolveSurveyWave(surveyId, waveId);
          // Only a weighted view can lose its weighting since the stream opened (an unweighted one
          // stays unweighted when targets are set), so only it reads the wave's weighting again.
          const settings = query.weighted ? honoured(await isWeightable(fresh.wave), query) : query;
          const view = await build(fresh, settings, lang, 0);
          return renderDashboardParts(view, { cache: config.NODE_ENV === 'production' });
        },
      };
    },
  };
}

export type DashboardViews = ReturnType<typeof createDashboardViews>;
