// Builds the Express app from its dependencies. It does not listen and does not connect: boot
// (server/index.ts) and the tests do that, so the tests drive exactly the app production runs.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import express, { type Express } from 'express';
import cookieParser from 'cookie-parser';
import onHeaders from 'on-headers';
import type { AppDependencies } from './lib/app-dependencies';
import { browserIdentity, csrfProtection, securityHeaders } from './lib/security';
import { errorHandler, notFoundHandler } from './lib/error-handlers';
import { requestLogging } from './lib/request-logging';
import { noStoreByDefault } from './lib/cache-control';
import { FORM_PARSER_OPTIONS, formBodiesOnly } from './lib/form-body';
import { healthRoutes } from './health/health.routes';
import { homeRoutes } from './home/home.routes';
import { takeRoutes } from './responses/take.routes';
import { brandingRoutes } from './surveys/branding.routes';
import { exportRoutes } from './exports/export.routes';
import { analysisRoutes } from './analysis/analysis.routes';
import { createAccountService } from './accounts/account.service';
import { accountApiRoutes, signInRoutes } from './accounts/accounts.routes';
import { authenticate } from './accounts/authenticate';
import { staffSessions } from './accounts/sessions';
import { consoleRoutes } from './console/console.routes';
import { ownAccountRoutes } from './accounts/own-account.routes';
import { userAdminRoutes } from './accounts/user-admin.routes';
import { auditRoutes } from './audit/audit.routes';
import { waveConsoleRouters } from './waves/wave-console.routes';
import { versionRoutes, versionUploadRoutes } from './surveys/versions/version.routes';
import { responseAdminRouters } from './responses/response-admin.routes';
import { fieldworkRouters } from './fieldwork/fieldwork.routes';
import { mailRouters } from './mail/mail.routes';
import { panelRouters } from './panels/panel.routes';
import { invitationRouters } from './invitations/invitation.routes';
import { dashboardRouters } from './dashboard/dashboard.routes';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Where staff sessions exist. Respondents' pages never read or write one. */
const STAFF_PATHS = ['/admin', '/api', '/login', '/logout', '/setup', '/account'];

export function createApp(deps: AppDependencies): Express {
  const { config, logger, secret, catalog } = deps;
  const accounts = createAccountService({ logger, knownSurveyIds: () => catalog.list().map((survey) => survey.definition.id) });
  const app = express();
  app.disable('x-powered-by');
  // Said, not left to the default: 'simple' (node:querystring) reads `?a[$ne]=x` as the text
  // "x" under the name "a[$ne]", never as an object an operator could hide in ('extended' would).
  app.set('query parser', 'simple');
  // A hop count, never `true`: see TRUST_PROXY_HOPS in config.ts.
  app.set('trust proxy', config.TRUST_PROXY ? config.TRUST_PROXY_HOPS : false);
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
  // Its error-bar plugin (the dashboard's interval whiskers), likewise.
  app.use('/vendor/chartjs-chart-error-bars', express.static(path.join(ROOT, 'node_modules', 'chartjs-chart-error-bars', 'build'), { maxAge: '1d' }));
  // Past the static files (which keep their caching) every answer is `no-store` unless its route says otherwise.
  app.use(noStoreByDefault());
  app.use(healthRoutes(deps));
  app.use(brandingRoutes(deps));

  app.use(cookieParser(secret));
  app.use(browserIdentity(config));
  app.use(STAFF_PATHS, staffSessions(config, secret));
  app.use(STAFF_PATHS, authenticate(accounts, config));

  // The API takes no form posts and no CSRF token: it reads with a session or a token, and
  // changes only with a token (guards.ts), which a cross-site page cannot send.
  const analysis = analysisRoutes(deps);
  app.use(analysis.api);
  app.use(accountApiRoutes());
  // Each feature's API here, its pages after the CSRF check. The invitations' API also holds the
  // one-click unsubscribe (RFC 8058): a mail client posts it, with no CSRF token to send.
  const features = [waveConsoleRouters, responseAdminRouters, fieldworkRouters, mailRouters, panelRouters, invitationRouters, dashboardRouters].map((routers) => routers(deps));
  for (const { api } of features) app.use(api);
  // Multipart and raw-text bodies: they read and check their own (versions/version.routes.ts).
  app.use(versionUploadRoutes(deps));

  // Past the API and the uploads, only forms: no JSON parser here (each API route mounts its own).
  app.use(formBodiesOnly());
  app.use(express.urlencoded(FORM_PARSER_OPTIONS));
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

  // Respondents first: theirs are the requests that come by the thousand, and no route below
  // answers under /s/ (a page GET walked 164 route layers to reach its own when they came last, 69 now).
  app.use(takeRoutes(deps));
  app.use(homeRoutes(deps));
  app.use(signInRoutes(deps, accounts));
  app.use(consoleRoutes(deps));
  app.use(ownAccountRoutes(deps, accounts));
  app.use(userAdminRoutes(deps, accounts));
  app.use(auditRoutes(deps));
  app.use(versionRoutes(deps));
  for (const { pages } of features) app.use(pages);
  app.use(analysis.pages);
  app.use(exportRoutes(deps));

  app.use(notFoundHandler);
  app.use(errorHandler(logger, config.SHOW_ERROR_DETAILS));
  return app;
}
