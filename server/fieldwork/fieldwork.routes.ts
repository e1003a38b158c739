// Fieldwork progress of a wave, and its quotas.
import type { Router } from 'express';
import type { AppDependencies } from '../lib/app-dependencies';
import { routeTable } from '../lib/routes';

export function fieldworkRoutes(_deps: AppDependencies): Router {
  return routeTable([]);
}
