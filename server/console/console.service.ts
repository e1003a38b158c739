// The console's home: the surveys an account may see, each with its waves and their counts.
import type { Account } from '../accounts/account.service';
import { mayReadSurvey } from '../accounts/permissions';
import type { InterfaceLanguage } from '../lib/i18n/index';
import { surveyTitle } from '../surveys/survey-titles';
import type { SurveyCatalog } from '../surveys/survey.catalog';
import { countResponsesByWave } from '../responses/response.service';
import { listWaves, type Wave } from '../waves/wave.service';

export interface SurveyOverview {
  id: string;
  title: string;
  waves: Array<Wave & { complete: number; partial: number }>;
}

function visibleSurveyIds(account: Account, catalog: SurveyCatalog): string[] {
  return catalog.list().map((survey) => survey.definition.id).filter((id) => mayReadSurvey(account, id));
}

export async function surveysOverview(account: Account, catalog: SurveyCatalog, lang: InterfaceLanguage): Promise<SurveyOverview[]> {
  return Promise.all(
    visibleSurveyIds(account, catalog).map(async (surveyId) => {
      const { definition } = catalog.require(surveyId);
      const [waves, counts] = await Promise.all([listWaves(surveyId), countResponsesByWave(surveyId)]);
      return {
        id: surveyId,
        title: surveyTitle(definition, lang),
        waves: waves.map((wave) => ({ ...wave, complete: counts.get(wave.waveId)?.complete ?? 0, partial: counts.get(wave.waveId)?.partial ?? 0 })),
      };
    }),
  );
}
