// A survey's definition versions: upload, list, differences between waves, editorial marks.
import express, { type RequestHandler, type Router } from 'express';
import multer from 'multer';
import { surveyOrganizer, surveyReader } from '../../accounts/guards';
import type { AppDependencies } from '../../lib/app-dependencies';
import { ValidationError } from '../../lib/errors';
import { routeTable } from '../../lib/routes';
import { csrfProtection } from '../../lib/security';
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
  const readForm = multer({ storage: multer.memoryStorage(), limits: { fileSize: MAX_DEFINITION_BYTES, files: 1, fields: 4, fieldSize: 1024 } }).single('definition');
  /**
   * Too large a file is drawn back on the page (413), once the form's CSRF token is checked; a
   * form that cannot be read (another file field, too many parts, cut short) is a 400.
   */
  const readUpload: RequestHandler = (req, res, next) => {
    readForm(req, res, (error: unknown) => {
      if (!error) next();
      else if (error instanceof multer.MulterError && error.code === 'LIMIT_FILE_SIZE') {
        req.uploadRefusal = { code: 'file_too_large' };
        next();
      } else next(new ValidationError(`The upload form could not be read: ${(error as Error).message}`, undefined, 'unreadable_form'));
    });
  };
  const csrf = csrfProtection(deps.config, deps.secret);
  /** A refused upload draws the page again, whose forms need the token the app's pages get. */
  const offerCsrfToken: RequestHandler = (req, res, next) => {
    res.locals.csrfToken = csrf.generateCsrfToken(req, res);
    next();
  };
  return routeTable([
    ['post', '/admin/surveys/:surveyId/versions', surveyOrganizer, readUpload, csrf.doubleCsrfProtection, offerCsrfToken, h.upload],
    ['post', '/api/v1/surveys/:surveyId/versions', surveyOrganizer, express.text({ type: DEFINITION_TYPES, limit: MAX_DEFINITION_BYTES }), h.uploadApi],
  ]);
}
