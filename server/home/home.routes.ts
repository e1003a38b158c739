import { Router } from 'express';
import type { AppDependencies } from '../app';
import { negotiateLanguage, translator } from '../lib/i18n/index';
import { localize } from '../surveys/localize';

export function homeRoutes({ catalog }: Pick<AppDependencies, 'catalog'>): Router {
  const router = Router();
  router.get('/', (req, res) => {
    const lang = negotiateLanguage(req);
    const t = translator(lang);
    const surveys = catalog.list().map(({ definition }) => ({
      href: `/s/${encodeURIComponent(definition.id)}${lang === definition.languages[0] ? '' : `?lang=${lang}`}`,
      title: localize(definition.title, lang, definition.languages[0]),
    }));
    res.render('home/index', {
      lang,
      t,
      title: `Barometer – ${t('home.title')}`,
      surveys,
      switchLanguageHref: `/?lang=${lang === 'fr' ? 'en' : 'fr'}`,
    });
  });
  return router;
}
