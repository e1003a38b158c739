// The respondent's service worker (public/js/take-offline-worker.js), served from /s/ so that its
// scope covers the survey pages: a worker's scope cannot reach above the path it is served from.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Request, Response } from 'express';

const WORKER_FILE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'public', 'js', 'take-offline-worker.js');

export function serveOfflineWorker(_req: Request, res: Response): void {
  // Revalidated on every registration check, so a changed worker replaces the old one at once.
  res.set('Cache-Control', 'no-cache');
  res.sendFile(WORKER_FILE);
}
