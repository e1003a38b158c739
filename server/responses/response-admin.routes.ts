// Organizers' handling of responses: preview (test mode), void, erase, delete test responses.
import type { Router } from 'express';
import type { AppDependencies } from '../lib/app-dependencies';
import { routeTable } from '../lib/routes';

export function responseAdminRoutes(_deps: AppDependencies): Router {
  return routeTable([]);
}
