// The audit trail, for admins: filter by action, account, survey and dates; export the view as CSV.
import type { Router } from 'express';
import type { AppDependencies } from '../lib/app-dependencies';
import { routeTable } from '../lib/routes';
import { adminOnly } from '../accounts/guards';
import { createAuditHandlers } from './audit.handlers';

export function auditRoutes(deps: AppDependencies): Router {
  const h = createAuditHandlers(deps);
  return routeTable([
    ['get', '/admin/audit', adminOnly, h.showTrail],
    ['get', '/admin/audit.csv', adminOnly, h.exportCsv],
  ]);
}
