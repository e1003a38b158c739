// The analysts' live dashboard of a wave: the page, its event stream, each chart's figures as CSV,
// the open answers, and the organizers' weighting form. `:wave` is a wave id or "current".
import type { Router } from 'express';
import type { AppDependencies } from '../lib/app-dependencies';
import { routeTable } from '../lib/routes';
import { surveyOrganizer, surveyReader } from '../accounts/guards';
import { createDashboardHandlers } from './dashboard.handlers';
import { createOpenAnswersHandlers } from './open-answers.handlers';
import { createWeightingFormHandlers } from './weighting-form.handlers';

const WAVE = '/admin/surveys/:surveyId/waves/:wave';

export function dashboardRouters(deps: AppDependencies): { api: Router; pages: Router } {
  const dashboard = createDashboardHandlers(deps);
  const openAnswers = createOpenAnswersHandlers(deps);
  const weighting = createWeightingFormHandlers(deps);
  const pages = routeTable([
    ['get', `${WAVE}/dashboard`, surveyReader, dashboard.page],
    ['get', `${WAVE}/dashboard/events`, surveyReader, dashboard.events],
    ['get', `${WAVE}/dashboard/figures.csv`, surveyReader, dashboard.figuresCsv],
    ['get', `${WAVE}/dashboard/open-answers`, surveyReader, openAnswers.page],
    ['get', `${WAVE}/weighting`, surveyOrganizer, weighting.page],
    ['post', `${WAVE}/weighting`, surveyOrganizer, weighting.save],
    ['post', `${WAVE}/weighting/remove`, surveyOrganizer, weighting.remove],
  ]);
  return { api: routeTable([]), pages };
}
