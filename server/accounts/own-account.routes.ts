// One's own account: password, sign-out everywhere, API tokens.
import type { Router } from 'express';
import type { AppDependencies } from '../lib/app-dependencies';
import type { AccountService } from './account.service';
import { routeTable } from '../lib/routes';
import { signedIn } from './guards';
import { createOwnAccountHandlers } from './own-account.handlers';

export function ownAccountRoutes(deps: AppDependencies, accounts: AccountService): Router {
  const h = createOwnAccountHandlers(deps, accounts);
  return routeTable([
    ['get', '/admin/account', signedIn, h.show],
    ['post', '/admin/account/password', signedIn, h.changePassword],
    ['post', '/admin/account/sign-out-everywhere', signedIn, h.signOutEverywhere],
    ['post', '/admin/account/tokens', signedIn, h.createToken],
    ['post', '/admin/account/tokens/:tokenId/revoke', signedIn, h.revokeToken],
  ]);
}
