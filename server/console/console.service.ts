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

function visibleSurveyIds(account: Account, catalog: SurveyCatalog): string[] {
  return catalog.list().map((survey) => survey.definition.id).filter((id) => mayReadSurvey(account, id));
}

export async function surveysOverview(account: Account, catalog: SurveyCatalog, now: Date, lang: InterfaceLanguage): Promise<SurveyOverview[]> {
  return Promise.all(
    visibleSurveyIds(account, catalog).map(async (surveyId) => {
      const survey = catalog.require(surveyId);
      return { id: surveyId, title: surveyTitle(survey.definition, lang), timeZone: surveyTimeZone(survey), waves: await waveOverviews(survey, now, lang) };
    }),
  );
}
