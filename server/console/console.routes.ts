// The console's home page: what the signed-in account may see, and where it may go.
import type { RequestHandler, Router } from 'express';
import type { AppDependencies } from '../lib/app-dependencies';
import { routeTable } from '../lib/routes';
import { signedIn } from '../accounts/guards';
import { principalOf } from '../accounts/principal';
import { surveysOverview } from './console.service';
import { staffPageContext } from './page-context';

export function consoleRoutes({ catalog, clock }: AppDependencies): Router {
  const home: RequestHandler = async (req, res) => {
    const { account } = principalOf(req);
    const context = staffPageContext(req, req.path);
    res.render('console/home', {
      ...context,
      title: `${context.t('console.title')} – Barometer`,
      account,
      surveys: await surveysOverview(account, catalog, clock.now(), context.lang),
    });
  };
  return routeTable([['get', '/admin', signedIn, home]]);
}
