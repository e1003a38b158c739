// The respondent's service worker, served from /s/ so that its scope covers the survey pages.
// Filled in by the client script's part; until then there is none.
import type { Request, Response } from 'express';

export function serveOfflineWorker(_req: Request, res: Response): void {
  res.status(404).type('text/plain').send('Not found');
}
