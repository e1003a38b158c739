import type { RequestHandler, Router } from 'express';
import { publicAccess, routeTable } from '../lib/routes';
import type { AppDependencies } from '../lib/app-dependencies';
import { negotiateLanguage, translator } from '../lib/i18n/index';
import { surveyTitle } from '../surveys/survey-titles';
import { CURRENT_WAVE, lookUpWave } from '../waves/wave.service';
import { phaseOf } from '../waves/wave-phase';

export function homeRoutes({ catalog, clock }: Pick<AppDependencies, 'catalog' | 'clock'>): Router {
  const home: RequestHandler = async (req, res) => {
    const lang = negotiateLanguage(req);
    const t = translator(lang);
    // One moment for the whole page: every survey is judged open or not at the same instant.
    const now = clock.now();
    const surveys = await Promise.all(
      catalog.list().map(async ({ definition }) => {
        const wave = await lookUpWave(definition.id, CURRENT_WAVE, now);
        return {
          open: wave !== undefined && phaseOf(wave, now) === 'open',
          href: `/s/${encodeURIComponent(definition.id)}${lang === definition.languages[0] ? '' : `?lang=${lang}`}`,
          reportHref: `/admin/surveys/${encodeURIComponent(definition.id)}/waves/${CURRENT_WAVE}/report?lang=${lang}`,
          title: surveyTitle(definition, lang),
        };
      }),
    );
    res.render('home/index', {
      lang,
      t,
      title: `Barometer – ${t('home.title')}`,
      openSurveys: surveys.filter((s) => s.open),
      surveys,
      switchLanguageHref: `/?lang=${lang === 'fr' ? 'en' : 'fr'}`,
    });
  };
  return routeTable([['get', '/', publicAccess, home]]);
}
