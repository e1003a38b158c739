// Organizers' handling of responses: preview (test mode), the responses of a wave, one response,
// void, erase, delete test responses; and voiding and erasing as a JSON API for scripts. Two
// routers, like the figures API: the API is mounted before the form parsers and the CSRF check (it
// changes only with a token, guards.ts), the pages with the other pages.
import express, { type Router } from 'express';
import type { AppDependencies } from '../lib/app-dependencies';
import { routeTable } from '../lib/routes';
import { surveyOrganizer, surveyReader } from '../accounts/guards';
import { createResponseAdminHandlers } from './response-admin.handlers';

const SURVEY = '/surveys/:surveyId';
const WAVE = `${SURVEY}/waves/:waveId`;
const RESPONSE = `${SURVEY}/responses/:responseId`;

export function responseAdminRouters(deps: AppDependencies): { api: Router; pages: Router } {
  const { pages: h, api: j } = createResponseAdminHandlers(deps);
  const pages = routeTable([
    ['get', `/admin${WAVE}/responses`, surveyReader, h.responsesPage],
    ['post', `/admin${WAVE}/preview`, surveyOrganizer, h.preview],
    ['post', `/admin${WAVE}/responses/test/delete`, surveyOrganizer, h.deleteTestResponses],
    ['get', `/admin${RESPONSE}`, surveyReader, h.responsePage],
    ['post', `/admin${RESPONSE}/void`, surveyOrganizer, h.voidResponse],
    ['post', `/admin${RESPONSE}/erase`, surveyOrganizer, h.eraseResponse],
  ]);
  const api = routeTable([
    ['post', `/api/v1${RESPONSE}/void`, surveyOrganizer, express.json({ limit: '16kb' }), j.voidJson],
    ['delete', `/api/v1${RESPONSE}`, surveyOrganizer, j.eraseJson],
  ]);
  return { api, pages };
}

