// Structured logs (pino). One root logger; modules take children with their own bindings. In
// production and tests the lines are JSON, for machines; in development they are pretty-printed
// for the person at the terminal, when pino-pretty (a development dependency) is installed.
import { createRequire } from 'node:module';
import { pino, type DestinationStream, type Logger } from 'pino';
import type { Config } from './config';

export type { Logger };

type PrettyFactory = (options: Record<string, unknown>) => DestinationStream;

interface RequestLine {
  req?: { method?: string; url?: string };
  res?: { statusCode?: number };
  responseTime?: number;
}

/** A request on one line, `GET /s/captic_2011 200 4 ms`; other messages as they are. */
function prettyMessage(log: Record<string, unknown>, messageKey: string): string {
  const { req, res, responseTime } = log as RequestLine;
  const message = String(log[messageKey] ?? '');
  if (!req || !res) return message;
  return `${req.method ?? ''} ${req.url ?? ''} ${res.statusCode ?? ''} ${responseTime ?? '?'} ms`;
}

/** pino-pretty when it is installed; a production install (`npm ci --omit=dev`) has none. */
function loadPrettyPrinter(): PrettyFactory | undefined {
  try {
    return createRequire(import.meta.url)('pino-pretty') as PrettyFactory;
  } catch {
    return undefined;
  }
}

export function createLogger(
  config: Pick<Config, 'LOG_LEVEL' | 'NODE_ENV'>,
  /** Command-line tools log to stderr, so their stdout carries only their output. */
  stream: 'stdout' | 'stderr' = 'stdout',
): Logger {
  const fd = stream === 'stderr' ? 2 : 1;
  const pretty = config.NODE_ENV === 'development' ? loadPrettyPrinter() : undefined;
  return pino(
    {
      level: config.LOG_LEVEL,
      base: { service: 'barometer' },
      // Never log secrets that travel in headers or bodies.
      redact: ['req.headers.cookie', 'req.headers.authorization', 'res.headers["set-cookie"]'],
    },
    // Synchronous, like pino.destination: a line is written before the process can exit.
    pretty
      ? pretty({ destination: fd, sync: true, ignore: 'pid,hostname,service,req,res,responseTime', translateTime: 'SYS:HH:MM:ss.l', messageFormat: prettyMessage })
      : pino.destination(fd),
  );
}
