// One compact line per request: id, method, path, status and time. No headers (they carry
// cookies, and dumping them cost more than the rest of a log line), no client address (personal
// data we do not need), and no secret from a URL: a respondent's resume token and a staff
// member's one-time password link are masked, since whoever holds them holds the response or
// the account.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestHandler } from 'express';
import { pinoHttp } from 'pino-http';
import type { Logger } from './logger';

/**
 * Paths that carry a bearer secret: a resume token, a one-time password link, a panel member's
 * invitation token (it opens their survey, and in an identified wave their answers) and a signed
 * unsubscribe link. Whoever reads the logs must not be able to use them.
 */
const SECRET_IN_PATH = /(\/resume\/|\/account\/password\/|^\/s\/[^/?#]+\/i\/|^\/u\/)[^/?#]+/;

export function maskSecretsInUrl(url: string): string {
  return url.replace(SECRET_IN_PATH, '$1[token]');
}

export function requestLogging(logger: Logger): RequestHandler {
  return pinoHttp({
    logger,
    autoLogging: { ignore: (req) => req.url === '/healthz' },
    // The serializers run for every request, whatever the level: keep them to a few fields.
    wrapSerializers: false,
    serializers: {
      req: (req: IncomingMessage & { id?: unknown }) => ({ id: req.id, method: req.method, url: maskSecretsInUrl(req.url ?? '') }),
      res: (res: ServerResponse) => ({ statusCode: res.statusCode }),
    },
    customLogLevel: (_req, res, error) => levelOf(res.statusCode, error),
    customSuccessMessage: () => 'request',
    customErrorMessage: () => 'request failed',
    customErrorObject: (_req, res, error, line: Record<string, unknown>) => (isMadeUp(error, res) ? withoutError(line) : line),
  });
}

/**
 * A 503 is the database away (the error handler has said so, at warn) or the health check saying
 * so: a state to watch, not a bug. Any other answer of 500 or more, or a failed response, is an error.
 */
function levelOf(status: number, error: unknown): 'info' | 'warn' | 'error' {
  if (error) return 'error';
  if (status === 503) return 'warn';
  return status >= 500 ? 'error' : 'info';
}

/**
 * pino-http makes up an Error ("failed with status code 503") for an answer of 500 or more that
 * carries none, and logs it with a stack of its own code: during an outage, one useless stack per
 * request. The status stays on the line; the error handler logs the real error where there is one.
 */
function isMadeUp(error: Error, res: ServerResponse & { err?: unknown }): boolean {
  return res.err === undefined && error.message === `failed with status code ${res.statusCode}`;
}

function withoutError(line: Record<string, unknown>): Record<string, unknown> {
  const { err: _madeUp, ...rest } = line;
  return rest;
}
