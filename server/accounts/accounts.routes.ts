// Signing in and out, the first admin, one-time password links (and asking for one by mail), and who the API sees.
import type { RequestHandler, Router } from 'express';
import type { AppDependencies } from '../lib/app-dependencies';
import { publicAccess, routeTable } from '../lib/routes';
import type { AccountService } from './account.service';
import { signedIn } from './guards';
import { principalOf } from './principal';
import { createSignInHandlers } from './sign-in.handlers';

export function signInRoutes(deps: AppDependencies, accounts: AccountService): Router {
  const h = createSignInHandlers(deps, accounts);
  return routeTable([
    ['get', '/login', publicAccess, h.showSignIn],
    ['post', '/login', publicAccess, h.signIn],
    ['get', '/login/forgot', publicAccess, h.showForgotPassword],
    ['post', '/login/forgot', publicAccess, h.requestPasswordLink],
    ['post', '/logout', signedIn, h.signOut],
    ['get', '/setup', publicAccess, h.showSetup],
    ['post', '/setup', publicAccess, h.setUp],
    ['get', '/account/password/:token', publicAccess, h.showPasswordLink],
    ['post', '/account/password/:token', publicAccess, h.setPasswordWithLink],
  ]);
}

/** Who the API sees: the account behind the token or session, and what it may do. */
const whoAmI: RequestHandler = (req, res) => {
  const { account, via, scope } = principalOf(req);
  res.json({ email: account.email, name: account.name, role: account.role, grants: account.grants, via, scope });
};

export function accountApiRoutes(): Router {
  return routeTable([['get', '/api/v1/me', signedIn, whoAmI]]);
}
