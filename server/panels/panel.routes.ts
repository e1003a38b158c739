// A survey's panels: the console's pages and the JSON API. The API and the upload form are mounted
// before the app's form parsers and CSRF check (app.ts): the API changes only with a token
// (guards.ts), and the upload is multipart, so its CSRF token can only be checked once multer has
// read the form, as the definition upload does (surveys/versions/version.routes.ts).
// Members' addresses, names, attributes and histories are for those who run the fieldwork: a
// panel's page, a member's page and the members API are for organizers (and admins). Analysts
// publish figures and need no one's address (GDPR art. 5(1)(c), data minimisation): they keep the
// panels' names and counts only.
import { mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import express, { type Router } from 'express';
import type { AppDependencies } from '../lib/app-dependencies';
import { routeTable } from '../lib/routes';
import { uploadForm } from '../lib/upload';
import { surveyOrganizer, surveyReader } from '../accounts/guards';
import { createPanelImports } from './panel-import.service';
import { MAX_IMPORT_BYTES } from './panel-import-reader';
import { createPanelConsoleHandlers } from './panel-console.handlers';
import { createPanelApiHandlers } from './panel-api.handlers';

const PANELS = '/surveys/:surveyId/panels';
const PANEL = `${PANELS}/:panelId`;
const IMPORT = `${PANEL}/imports/:importId`;
const MEMBER = `${PANEL}/members/:memberId`;

/** Uploaded files wait here while they are read, and are deleted once read. */
const UPLOAD_DIR = path.join(os.tmpdir(), 'barometer-panel-imports');

export function panelRouters(deps: AppDependencies): { api: Router; pages: Router } {
  const imports = createPanelImports(deps);
  const h = createPanelConsoleHandlers(deps, imports);
  const j = createPanelApiHandlers(deps, imports);

  mkdirSync(UPLOAD_DIR, { recursive: true });
  // On disk, not in memory: a 20 MB file is streamed to the reader, never held whole.
  const form = uploadForm(deps, { field: 'file', maxBytes: MAX_IMPORT_BYTES, storage: { directory: UPLOAD_DIR } });
  const json = express.json({ limit: '16kb' });

  const api = routeTable([
    ['post', `/admin${PANEL}/imports`, surveyOrganizer, form.readUpload, form.checkCsrf, form.offerCsrfToken, h.uploadImport],
    ['get', `/api/v1${PANELS}`, surveyReader, j.listJson],
    ['post', `/api/v1${PANELS}`, surveyOrganizer, json, j.createJson],
    ['get', `/api/v1${PANEL}/members`, surveyOrganizer, j.membersJson],
    ['post', `/api/v1${PANEL}/imports`, surveyOrganizer, j.importJson],
    ['get', `/api/v1${IMPORT}`, surveyOrganizer, j.importStatusJson],
    ['post', `/api/v1${IMPORT}/confirm`, surveyOrganizer, j.confirmJson],
  ]);
  const pages = routeTable([
    ['get', `/admin${PANELS}`, surveyReader, h.panelsPage],
    ['post', `/admin${PANELS}`, surveyOrganizer, h.createPanelForm],
    ['get', `/admin${PANEL}`, surveyOrganizer, h.panelPage],
    ['get', `/admin${IMPORT}`, surveyOrganizer, h.importPage],
    ['post', `/admin${IMPORT}/confirm`, surveyOrganizer, h.confirmImport],
    ['post', `/admin${IMPORT}/cancel`, surveyOrganizer, h.cancelImport],
    ['get', `/admin${MEMBER}`, surveyOrganizer, h.memberPage],
    ['post', `/admin${MEMBER}`, surveyOrganizer, h.saveMember],
    ['post', `/admin${MEMBER}/remove`, surveyOrganizer, h.removeMemberForm],
  ]);
  return { api, pages };
}
