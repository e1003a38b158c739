// Builds the Express app from its dependencies. It does not listen and does not connect: boot
// (server/index.ts) and the tests do that, so the tests drive exactly the app production runs.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import express, { type Express } from 'express';
import cookieParser from 'cookie-parser';
import onHeaders from 'on-headers';
import type { Config } from './lib/config';
import type { Logger } from './lib/logger';
import { browserIdentity, csrfProtection, securityHeaders } from './lib/security';
import { errorHandler, notFoundHandler } from './lib/error-handlers';
import { requestLogging } from './lib/request-logging';
import { healthRoutes } from './health/health.routes';
import { homeRoutes } from './home/home.routes';
import { takeRoutes } from './responses/take.routes';
import { exportRoutes } from './exports/export.routes';
import { analysisRoutes } from './analysis/analysis.routes';
import type { SurveyCatalog } from './surveys/survey.catalog';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export interface AppDependencies {
  config: Config;
  logger: Logger;
  secret: string;
  catalog: SurveyCatalog;
  /** Flipped by boot on SIGTERM so health checks send traffic elsewhere while in-flight work ends. */
  lifecycle: { draining: boolean };
}

export function createApp(deps: AppDependencies): Express {
  const { config, logger, secret } = deps;
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', config.TRUST_PROXY);
  app.set('view engine', 'ejs');
  app.set('views', path.join(ROOT, 'views'));
  // Includes name their file from the views root ('/partials/head'), which EJS resolves without
  // looking on disk; a relative include costs a stat() on every render, cache or not.
  app.set('view options', { root: path.join(ROOT, 'views') });
  app.locals.rmWhitespace = false;

  app.use(requestLogging(logger));
  // While draining, every answer tells the client not to reuse its connection, including
  // answers to requests that began before SIGTERM (hence at header time, not request time).
  app.use((_req, res, next) => {
    onHeaders(res, () => {
      if (deps.lifecycle.draining) res.setHeader('Connection', 'close');
    });
    next();
  });
  app.use(securityHeaders());
  app.use('/public', express.static(path.join(ROOT, 'public'), { maxAge: '1h' }));
  // Chart.js is served from the installed package, never from a CDN.
  app.use(
    '/vendor/chart.js',
    express.static(path.join(ROOT, 'node_modules', 'chart.js', 'dist'), { maxAge: '1d' }),
  );
  app.use(healthRoutes(deps));
  const analysis = analysisRoutes(deps);
  app.use(analysis.api);

  app.use(cookieParser(secret));
  app.use(express.urlencoded({ extended: false, limit: '200kb', parameterLimit: 2000 }));
  app.use(express.json({ limit: '1mb' }));
  app.use(browserIdentity(config));
  const csrf = csrfProtection(config, secret);
  app.use(csrf.doubleCsrfProtection);
  app.use((req, res, next) => {
    // Made when a page with a form reads it, not for every redirect and JSON answer: a token
    // costs an HMAC and a Set-Cookie. Once made, it stays the same for the rest of the request.
    let token: string | undefined;
    Object.defineProperty(res.locals, 'csrfToken', {
      enumerable: true,
      get: () => (token ??= csrf.generateCsrfToken(req, res)),
    });
    next();
  });

  app.use(homeRoutes(deps));
  app.use(analysis.pages);
  app.use(exportRoutes(deps));
  app.use(takeRoutes(deps));

  app.use(notFoundHandler);
  app.use(errorHandler(logger, config.NODE_ENV === 'development'));
  return app;
}
