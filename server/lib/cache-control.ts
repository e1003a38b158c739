// Pages and API answers show answers, resume links and personal data: no browser, proxy or
// shared computer may keep a copy (a respondent on a library PC pressing Back must not find the
// last one's answers). Everything the app answers after the static files is `no-store` by default;
// a route that may be kept says so itself (a survey's branding files, the offline worker), and its
// own header wins, since this one is set before any handler runs.
import type { RequestHandler } from 'express';

export function noStoreByDefault(): RequestHandler {
  return (_req, res, next) => {
    res.setHeader('Cache-Control', 'no-store');
    next();
  };
}
