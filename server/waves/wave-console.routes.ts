// The organizer's pages for a survey and its waves: make, schedule, open and close waves.
import type { Router } from 'express';
import type { AppDependencies } from '../lib/app-dependencies';
import { routeTable } from '../lib/routes';

export function waveConsoleRoutes(_deps: AppDependencies): Router {
  return routeTable([]);
}
