// Structured JSON logs (pino). One root logger; modules take children with their own bindings.
import { pino, type Logger } from 'pino';
import type { Config } from './config';

export type { Logger };

export function createLogger(
  config: Pick<Config, 'LOG_LEVEL' | 'NODE_ENV'>,
  /** Command-line tools log to stderr, so their stdout carries only their output. */
  stream: 'stdout' | 'stderr' = 'stdout',
): Logger {
  return pino(
    {
      level: config.LOG_LEVEL,
      base: { service: 'barometer' },
      // Never log secrets that travel in headers or bodies.
      redact: ['req.headers.cookie', 'req.headers.authorization', 'res.headers["set-cookie"]'],
    },
    pino.destination(stream === 'stderr' ? 2 : 1),
  );
}
