// One's own account: password, sign-out everywhere, API tokens.
import type { Router } from 'express';
import type { AppDependencies } from '../lib/app-dependencies';
import type { AccountService } from './account.service';
import { routeTable } from '../lib/routes';

export function ownAccountRoutes(_deps: AppDependencies, _accounts: AccountService): Router {
  return routeTable([]);
}
