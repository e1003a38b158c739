// A console form that uploads one file (a survey definition, a panel's members). Such a form is
// multipart, which the app's form parsers do not read, so its route is mounted before them and the
// CSRF check (app.ts), and these three steps stand in: read the form with multer, check its CSRF
// token (only now readable), and give a refused page the token its own forms need.
import { rm } from 'node:fs/promises';
import type { RequestHandler } from 'express';
import multer from 'multer';
import type { AppDependencies } from './app-dependencies';
import { ValidationError } from './errors';
import { csrfProtection } from './security';

export interface UploadFormOptions {
  /** The form's file field. */
  field: string;
  maxBytes: number;
  /** In memory for a file read whole at once; on disk for one streamed to its reader (deleted by its route once read). */
  storage: 'memory' | { directory: string };
}

export interface UploadForm {
  /**
   * Reads the form. Too large a file is not an error yet: `req.uploadRefusal` says so, and the
   * handler draws the page back (413) once the CSRF token is checked; a form that cannot be read
   * (another file field, too many parts, cut short) is a 400.
   */
  readUpload: RequestHandler;
  /** The CSRF check; a refused form leaves no file behind. */
  checkCsrf: RequestHandler;
  /** A refused upload draws the page again, whose forms need the token the app's pages get. */
  offerCsrfToken: RequestHandler;
}

export function uploadForm(deps: Pick<AppDependencies, 'config' | 'secret'>, options: UploadFormOptions): UploadForm {
  const storage = options.storage === 'memory' ? { storage: multer.memoryStorage() } : { dest: options.storage.directory };
  // Browsers send the file's name in UTF-8; multer would read it as Latin-1 ("adhÃ©rents.csv").
  const readForm = multer({ ...storage, defParamCharset: 'utf8', limits: { fileSize: options.maxBytes, files: 1, fields: 4, fieldSize: 1024 } }).single(options.field);
  const csrf = csrfProtection(deps.config, deps.secret);
  return {
    readUpload(req, res, next) {
      readForm(req, res, (error: unknown) => {
        if (!error) next();
        else if (error instanceof multer.MulterError && error.code === 'LIMIT_FILE_SIZE') {
          req.uploadRefusal = { code: 'file_too_large' };
          next();
        } else next(new ValidationError(`The upload form could not be read: ${(error as Error).message}`, undefined, 'unreadable_form'));
      });
    },
    checkCsrf(req, res, next) {
      csrf.doubleCsrfProtection(req, res, (error?: unknown) => {
        if (!error) return next();
        const file = req.file?.path;
        if (!file) return next(error);
        rm(file, { force: true }).finally(() => next(error));
      });
    },
    offerCsrfToken(req, res, next) {
      res.locals.csrfToken = csrf.generateCsrfToken(req, res);
      next();
    },
  };
}
