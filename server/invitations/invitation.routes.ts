// A wave's invitations page and API (a send starts in the background and is read back at its
// address), and the members' unsubscribe links. The one-click unsubscribe
// POST (RFC 8058) is on the API router, before the CSRF check: a mail client posts it with no
// token to send, and it reads its own small form body (List-Unsubscribe=One-Click).
import express, { type Router } from 'express';
import type { AppDependencies } from '../lib/app-dependencies';
import { publicAccess, routeTable } from '../lib/routes';
import { surveyOrganizer, surveyReader } from '../accounts/guards';
import { createInvitationHandlers } from './invitation.handlers';

const WAVE = '/surveys/:surveyId/waves/:waveId';

export function invitationRouters(deps: AppDependencies): { api: Router; pages: Router } {
  const { pages: h, api: j } = createInvitationHandlers(deps);
  const oneClickBody = express.urlencoded({ extended: false, limit: '1kb', parameterLimit: 10 });
  const pages = routeTable([
    ['get', `/admin${WAVE}/invitations`, surveyReader, h.invitationsPage],
    ['post', `/admin${WAVE}/invitations/send`, surveyOrganizer, h.sendPage],
    ['get', '/u/:link', publicAccess, h.unsubscribePage],
  ]);
  const api = routeTable([
    ['get', `/api/v1${WAVE}/invitations`, surveyReader, j.showJson],
    ['post', `/api/v1${WAVE}/invitations/send`, surveyOrganizer, j.startSendJson],
    ['get', `/api/v1${WAVE}/invitations/sends/:sendId`, surveyReader, j.showSendJson],
    ['post', '/u/:link', publicAccess, oneClickBody, j.unsubscribePost],
  ]);
  return { api, pages };
}
