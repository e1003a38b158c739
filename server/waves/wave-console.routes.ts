// The organizer's pages for a survey and its waves (make, schedule, open and close waves), and the
// same use cases as a JSON API for scripts. Two routers, like the figures API: the API is mounted
// before the form parsers and the CSRF check (it changes only with a token, guards.ts), the pages
// with the other pages.
import express, { type Router } from 'express';
import type { AppDependencies } from '../lib/app-dependencies';
import { routeTable } from '../lib/routes';
import { surveyOrganizer, surveyReader } from '../accounts/guards';
import { createWaveConsoleHandlers } from './wave-console.handlers';

const SURVEY = '/surveys/:surveyId';
const WAVE = `${SURVEY}/waves/:waveId`;

export function waveConsoleRouters(deps: AppDependencies): { api: Router; pages: Router } {
  const { pages: h, api: j } = createWaveConsoleHandlers(deps);
  const json = express.json({ limit: '64kb' });
  const pages = routeTable([
    ['get', `/admin${SURVEY}`, surveyReader, h.surveyPage],
    ['post', `/admin${SURVEY}/waves`, surveyOrganizer, h.createWave],
    ['get', `/admin${WAVE}`, surveyReader, h.wavePage],
    ['post', `/admin${WAVE}/schedule`, surveyOrganizer, h.saveSchedule],
    ['post', `/admin${WAVE}/settings`, surveyOrganizer, h.saveSettings],
    ['post', `/admin${WAVE}/version`, surveyOrganizer, h.pinVersion],
    ['post', `/admin${WAVE}/actions/schedule`, surveyOrganizer, h.scheduleWave],
    ['post', `/admin${WAVE}/actions/open`, surveyOrganizer, h.openWave],
    ['post', `/admin${WAVE}/actions/close`, surveyOrganizer, h.closeWave],
  ]);
  const api = routeTable([
    ['get', `/api/v1${SURVEY}/waves`, surveyReader, j.listJson],
    ['post', `/api/v1${SURVEY}/waves`, surveyOrganizer, json, j.createJson],
    ['get', `/api/v1${WAVE}`, surveyReader, j.showJson],
    ['patch', `/api/v1${WAVE}`, surveyOrganizer, json, j.patchJson],
    ['post', `/api/v1${WAVE}/schedule`, surveyOrganizer, j.scheduleJson],
    ['post', `/api/v1${WAVE}/open`, surveyOrganizer, j.openJson],
    ['post', `/api/v1${WAVE}/close`, surveyOrganizer, j.closeJson],
  ]);
  return { api, pages };
}
