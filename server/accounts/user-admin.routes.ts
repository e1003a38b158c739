// Admins manage accounts: create with grants, change role and grants, disable, new one-time links.
import type { Router } from 'express';
import type { AppDependencies } from '../lib/app-dependencies';
import type { AccountService } from './account.service';
import { routeTable } from '../lib/routes';
import { adminOnly } from './guards';
import { createUserAdminHandlers } from './user-admin.handlers';

export function userAdminRoutes(deps: AppDependencies, accounts: AccountService): Router {
  const h = createUserAdminHandlers(deps, accounts);
  return routeTable([
    ['get', '/admin/users', adminOnly, h.list],
    // Before '/admin/users/:userId', which would otherwise take "new" for an id.
    ['get', '/admin/users/new', adminOnly, h.showNew],
    ['post', '/admin/users', adminOnly, h.create],
    ['get', '/admin/users/:userId', adminOnly, h.show],
    ['post', '/admin/users/:userId', adminOnly, h.update],
    ['post', '/admin/users/:userId/disable', adminOnly, h.disable],
    ['post', '/admin/users/:userId/enable', adminOnly, h.enable],
    ['post', '/admin/users/:userId/password-link', adminOnly, h.issuePasswordLink],
    ['post', '/admin/users/:userId/sign-out-everywhere', adminOnly, h.signOutEverywhere],
  ]);
}
