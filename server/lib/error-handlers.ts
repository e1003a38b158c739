// The end of the middleware chain: a 404, then one handler that normalises any error into an
// AppError and answers in HTML or JSON. Only this module picks status codes for thrown errors.
import type { ErrorRequestHandler, RequestHandler } from 'express';
import mongoose from 'mongoose';
import { AppError, ConflictError, DatabaseUnavailableError, NotFoundError, TooManyRequestsError, ValidationError } from './errors';
import type { Logger } from './logger';
import { maskSecretsInUrl } from './request-logging';
import { negotiateLanguage, translator, type MessageKey } from './i18n/index';
import { isDuplicateKey } from './duplicate-key';

export const notFoundHandler: RequestHandler = (req, _res, next) => {
  next(new NotFoundError(`No page at ${req.method} ${req.path}`));
};

interface HttpishError {
  status?: number;
  statusCode?: number;
  code?: string;
  type?: string;
  expose?: boolean;
}

const { MongoNetworkError, MongoServerSelectionError, MongoNotConnectedError, MongoTopologyClosedError, MongoClientClosedError, MongoServerError } = mongoose.mongo;

/**
 * Server answers that mean "this member cannot take the operation now": it is shutting down or
 * stepping down, or it is no longer the primary (a replica set electing one). What the driver
 * itself treats as a reason to mark the server unknown and look again.
 */
const UNAVAILABLE_SERVER_CODES = new Set<number>([
  91, // ShutdownInProgress
  11600, // InterruptedAtShutdown
  189, // PrimarySteppedDown
  11602, // InterruptedDueToReplStateChange
  10107, // NotWritablePrimary
  13435, // NotPrimaryNoSecondaryOk
  13436, // NotPrimaryOrSecondary
]);

/**
 * Whether `error` (or what it wraps, as `cause`) says the database cannot be reached: no server to
 * select within serverSelectionTimeoutMS, a connection that broke, a client closed by shutdown, a
 * member that cannot serve. Services may wrap a driver error; the chain is followed a few links.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  for (let link: unknown = error, depth = 0; link instanceof Error && depth < 5; link = link.cause, depth += 1) {
    if (
      link instanceof MongoNetworkError ||
      link instanceof MongoServerSelectionError ||
      link instanceof mongoose.Error.MongooseServerSelectionError ||
      link instanceof MongoNotConnectedError ||
      link instanceof MongoTopologyClosedError ||
      link instanceof MongoClientClosedError
    ) {
      return true;
    }
    if (link instanceof MongoServerError && typeof link.code === 'number' && UNAVAILABLE_SERVER_CODES.has(link.code)) return true;
  }
  return false;
}

export function normaliseError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  if (isDatabaseUnavailable(error)) return new DatabaseUnavailableError();
  if (error instanceof mongoose.Error.ValidationError) {
    return new ValidationError(error.message, Object.keys(error.errors));
  }
  if (error instanceof mongoose.Error.CastError) {
    return new ValidationError(`Invalid value for ${error.path}`);
  }
  const httpish = (error ?? {}) as HttpishError;
  if (httpish.code === 'EBADCSRFTOKEN') {
    return new AppError('Invalid or missing CSRF token', 403, 'csrf_invalid');
  }
  if (isDuplicateKey(error)) {
    return new ConflictError('A record with the same key already exists', 'duplicate_key');
  }
  const status = httpish.status ?? httpish.statusCode;
  // body-parser and friends throw http-errors with a status and a safe message.
  if (typeof status === 'number' && status >= 400 && status < 500) {
    const message = error instanceof Error && httpish.expose !== false ? error.message : 'Bad request';
    return new AppError(message, status, httpish.type ?? 'bad_request');
  }
  return new AppError('Internal server error', 500, 'internal', false);
}

/** What a person reads, in their language, instead of the technical message (which goes to the log). */
const FRIENDLY_MESSAGE: Record<string, MessageKey> = {
  csrf_invalid: 'errors.csrf',
  form_encoding_required: 'errors.form_encoding_required',
  wave_closed: 'errors.survey_closed',
  response_not_yours: 'errors.response_not_yours',
  rate_limited: 'errors.rate_limited',
  bot_suspected: 'errors.bot',
  not_found: 'errors.page_not_found',
  survey_not_found: 'errors.survey_not_found',
  wave_not_found: 'errors.survey_not_found',
  response_not_found: 'errors.resume_link_invalid',
  response_busy: 'errors.response_busy',
  unknown_question: 'errors.form_not_offered',
  hidden_question: 'errors.form_not_offered',
  invalid_answers: 'errors.form_not_offered',
  survey_not_granted: 'errors.forbidden',
  admin_only: 'errors.forbidden',
  organizer_only: 'errors.forbidden',
  insufficient_scope: 'errors.forbidden',
  account_not_found: 'users.not_found',
  database_unavailable: 'outage.generic_body',
};

const TITLE_BY_STATUS: Partial<Record<number, MessageKey>> = {
  404: 'errors.not_found_title',
  403: 'errors.forbidden_title',
};

/** `showDetails` (SHOW_ERROR_DETAILS) lets stacks reach the client; otherwise they only reach the log. */
export function errorHandler(logger: Logger, showDetails: boolean): ErrorRequestHandler {
  return (error: unknown, req, res, next) => {
    if (res.headersSent) return next(error);
    const appError = normaliseError(error);
    const outage = appError instanceof DatabaseUnavailableError;
    if (outage) {
      // One line, no stack: during an outage every request says the same thing.
      logger.warn({ code: appError.code, path: maskSecretsInUrl(req.path), cause: error instanceof Error ? error.message : undefined }, 'database unavailable');
    } else if (appError.expected) {
      logger.info({ code: appError.code, status: appError.status, path: maskSecretsInUrl(req.path) }, appError.message);
    } else {
      logger.error({ err: error, path: maskSecretsInUrl(req.path) }, 'unhandled error');
    }
    // An outage is no bug to debug from the page: its stack says nothing the log does not.
    const stack = showDetails && !outage && error instanceof Error ? error.stack : undefined;
    const body = {
      error: {
        code: appError.code,
        message: appError.message,
        ...(appError.details === undefined ? {} : { details: appError.details }),
        ...(stack ? { stack } : {}),
      },
    };
    res.status(appError.status);
    if (appError instanceof TooManyRequestsError || appError instanceof DatabaseUnavailableError) res.setHeader('Retry-After', String(appError.retryAfterSeconds));
    // The API always answers JSON, whatever a client's Accept header says.
    if (req.path.startsWith('/api/')) {
      res.json(body);
      return;
    }
    res.format({
      html: () => {
        const lang = negotiateLanguage(req);
        const t = translator(lang);
        const friendly = FRIENDLY_MESSAGE[appError.code];
        res.render('errors/error', {
          lang,
          t,
          title: t(outage ? 'outage.title' : (TITLE_BY_STATUS[appError.status] ?? 'errors.generic_title')),
          message: friendly ? t(friendly) : appError.status >= 500 ? '' : appError.message,
          status: appError.status,
          stack,
        });
      },
      json: () => res.json(body),
      default: () => res.type('text/plain').send(`${appError.status} ${appError.message}`),
    });
  };
}
