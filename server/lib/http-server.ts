// The HTTP server the app listens with, the same for `npm start` and the tests, so that what
// protects it (timeouts for slow clients) is what the tests exercise.
import http, { type Server } from 'node:http';
import type { Express } from 'express';
import type { Config } from './config';

/**
 * Node checks its timeouts every `connectionsCheckingInterval` (30 s by default), so a slow client
 * would be cut off up to 30 s late; checking at a tenth of the shortest timeout keeps the bound
 * honest at a negligible cost (one pass over the open connections).
 */
function checkingIntervalFor(config: Pick<Config, 'HEADERS_TIMEOUT_MS'>): number {
  return Math.max(50, Math.min(1_000, Math.floor(config.HEADERS_TIMEOUT_MS / 10)));
}

/** Listens on `port` and `host` and resolves once listening (port 0 picks a free one). */
export function listenHttp(app: Express, config: Pick<Config, 'HEADERS_TIMEOUT_MS' | 'REQUEST_TIMEOUT_MS'>, port: number, host: string): Promise<Server> {
  const server = http.createServer(
    {
      headersTimeout: config.HEADERS_TIMEOUT_MS,
      requestTimeout: config.REQUEST_TIMEOUT_MS,
      connectionsCheckingInterval: checkingIntervalFor(config),
    },
    app,
  );
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve(server);
    });
  });
}
