// A survey's definition versions: upload, list, differences between waves, editorial marks.
import express, { type Router } from 'express';
import { surveyOrganizer, surveyReader } from '../../accounts/guards';
import type { AppDependencies } from '../../lib/app-dependencies';
import { routeTable } from '../../lib/routes';
import { uploadForm } from '../../lib/upload';
import { createVersionHandlers } from './version.handlers';
import { createVersionService, MAX_DEFINITION_BYTES } from './version.service';

/** The content types the upload API reads as the definition's text. */
const DEFINITION_TYPES = ['text/yaml', 'text/x-yaml', 'application/yaml', 'application/x-yaml', 'application/json', 'text/plain'];

function handlersOf(deps: AppDependencies) {
  return createVersionHandlers(deps, createVersionService(deps));
}

/** The version pages, mounted with the other pages (form parsers and CSRF checks before them). */
export function versionRoutes(deps: AppDependencies): Router {
  const h = handlersOf(deps);
  const SURVEY = '/admin/surveys/:surveyId';
  return routeTable([
    ['get', `${SURVEY}/versions`, surveyOrganizer, h.list],
    ['get', `${SURVEY}/waves/:waveId/changes`, surveyReader, h.showChanges],
    ['post', `${SURVEY}/waves/:waveId/changes/editorial`, surveyOrganizer, h.markEditorial],
  ]);
}

/**
 * The two ways to upload a definition, mounted before the app's form parsers and CSRF check (like
 * the figures API), because neither body is a form those parsers read: the console's form is
 * multipart, so its CSRF token can only be checked once multer has read it; the API takes the
 * definition's text as its body and a token, like every API change.
 */
export function versionUploadRoutes(deps: AppDependencies): Router {
  const h = handlersOf(deps);
  // In memory: a definition is checked and stored as a document, never kept as a file.
  const form = uploadForm(deps, { field: 'definition', maxBytes: MAX_DEFINITION_BYTES, storage: 'memory' });
  return routeTable([
    ['post', '/admin/surveys/:surveyId/versions', surveyOrganizer, form.readUpload, form.checkCsrf, form.offerCsrfToken, h.upload],
    ['post', '/api/v1/surveys/:surveyId/versions', surveyOrganizer, express.text({ type: DEFINITION_TYPES, limit: MAX_DEFINITION_BYTES }), h.uploadApi],
  ]);
}
