// Fieldwork progress of a wave, and its quotas: the organizer's pages and the same as a JSON API.
// Two routers, like the wave console's: the API is mounted before the form parsers and the CSRF
// check (it changes only with a token, guards.ts), the pages with the other pages.
import express, { type Router } from 'express';
import type { AppDependencies } from '../lib/app-dependencies';
import { routeTable } from '../lib/routes';
import { surveyOrganizer, surveyReader } from '../accounts/guards';
import { createFieldworkHandlers } from './fieldwork.handlers';

const WAVE = '/surveys/:surveyId/waves/:waveId';

export function fieldworkRouters(deps: AppDependencies): { api: Router; pages: Router } {
  const { pages: h, api: j } = createFieldworkHandlers(deps);
  const pages = routeTable([
    ['get', `/admin${WAVE}/progress`, surveyReader, h.progressPage],
    ['get', `/admin${WAVE}/quotas`, surveyReader, h.quotasPage],
    ['post', `/admin${WAVE}/quotas`, surveyOrganizer, h.saveQuotas],
  ]);
  const api = routeTable([
    ['get', `/api/v1${WAVE}/progress`, surveyReader, j.progressJson],
    ['get', `/api/v1${WAVE}/quotas`, surveyReader, j.quotasJson],
    ['put', `/api/v1${WAVE}/quotas`, surveyOrganizer, express.json({ limit: '64kb' }), j.putQuotasJson],
  ]);
  return { api, pages };
}
