// The console's home: the surveys an account may see, each with its waves as they stand now.
import type { Account } from '../accounts/account.service';
import { mayReadSurvey } from '../accounts/permissions';
import type { InterfaceLanguage } from '../lib/i18n/index';
import { surveyTitle } from '../surveys/survey-titles';
import type { SurveyCatalog } from '../surveys/survey.catalog';
import { waveOverviews, type WaveOverview } from './wave-overview.service';
import { surveyTimeZone } from '../waves/wave-dates';

export interface SurveyOverview {
  id: string;
  title: string;
  timeZone: string;
  waves: WaveOverview[];
}

export async function surveysOverview(account: Account, catalog: SurveyCatalog, now: Date, lang: InterfaceLanguage): Promise<SurveyOverview[]> {
  const visible = catalog.list().filter((survey) => mayReadSurvey(account, survey.definition.id));
  return Promise.all(
    visible.map(async (survey) => ({
      id: survey.definition.id,
      title: surveyTitle(survey.definition, lang),
      timeZone: surveyTimeZone(survey),
      waves: await waveOverviews(survey, now, lang),
    })),
  );
}
