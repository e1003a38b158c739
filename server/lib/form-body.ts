// The pages' forms post application/x-www-form-urlencoded, and nothing else reaches their handlers:
// a JSON body could carry a number or an object where a form only ever sends text, or nesting
// deep enough to exhaust the stack, and a handler written for forms would fail on it (a 500, or
// worse, an operator object reaching a query). The API (its own JSON parsers, before this) and the
// multipart uploads (read by multer, before this) are mounted ahead of it in app.ts.
import type { Request, RequestHandler } from 'express';
import { AppError } from './errors';

const FORM_TYPE = 'application/x-www-form-urlencoded';

/** A body is coming: chunked, or a length above zero. An empty post (a bare button) is not one. */
function hasBody(req: Request): boolean {
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

/**
 * Refuses (415, before any handler runs) a body that is not a form, on every path but the API's;
 * the error handler answers with a page or JSON, by the request's Accept.
 */
export function formBodiesOnly(): RequestHandler {
  return (req, _res, next) => {
    if (req.path.startsWith('/api/') || !hasBody(req) || req.is(FORM_TYPE)) return next();
    const sent = req.headers['content-type'] ?? 'no Content-Type';
    next(new AppError(`This address takes a form (${FORM_TYPE}), not ${sent}`, 415, 'form_encoding_required'));
  };
}

/** How the form parser reads a body: flat names (no `a[b]` nesting), repeated names as arrays. */
export const FORM_PARSER_OPTIONS = { extended: false, limit: '200kb', parameterLimit: 2000 } as const;
