// The console's home page: what the signed-in account may see, and where it may go.
import type { RequestHandler, Router } from 'express';
import type { AppDependencies } from '../lib/app-dependencies';
import { routeTable } from '../lib/routes';
import { negotiateLanguage, translator } from '../lib/i18n/index';
import { signedIn } from '../accounts/guards';
import { principalOf } from '../accounts/principal';
import { surveysOverview } from './console.service';

export function consoleRoutes({ catalog }: AppDependencies): Router {
  const home: RequestHandler = async (req, res) => {
    const { account } = principalOf(req);
    const lang = negotiateLanguage(req);
    const t = translator(lang);
    res.render('console/home', {
      lang,
      t,
      title: `${t('console.title')} – Barometer`,
      account,
      surveys: await surveysOverview(account, catalog, lang),
      switchLanguageHref: `${req.path}?lang=${lang === 'fr' ? 'en' : 'fr'}`,
    });
  };
  return routeTable([['get', '/admin', signedIn, home]]);
}
