// Admins manage accounts: create with grants, change role and grants, disable, new one-time links.
import type { Router } from 'express';
import type { AppDependencies } from '../lib/app-dependencies';
import type { AccountService } from './account.service';
import { routeTable } from '../lib/routes';

export function userAdminRoutes(_deps: AppDependencies, _accounts: AccountService): Router {
  return routeTable([]);
}
