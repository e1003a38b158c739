// "Email me this link": the respondent's resume link sent to an address they type. Filled in by
// the resume-mail part; until then the route refuses.
import type { Request, Response, RequestHandler } from 'express';
import type { AppDependencies } from '../lib/app-dependencies';

export function createResumeMailHandlers(_deps: AppDependencies): { limits: RequestHandler[]; send: RequestHandler } {
  return {
    limits: [],
    send: (_req: Request, res: Response) => {
      res.status(404).type('text/plain').send('Not found');
    },
  };
}
