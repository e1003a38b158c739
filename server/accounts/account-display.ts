// How an account reads on the admin pages and in `npm run user:list`.
import type { SurveyCatalog } from '../surveys/survey.catalog';
import { surveyTitle } from '../surveys/survey-titles';
import type { Account } from './account.service';

export type AccountStatus = 'active' | 'disabled' | 'waiting';

/** What an admin needs to know first: can this person sign in, and if not, why not. */
export function accountStatus(account: Pick<Account, 'disabled' | 'passwordSet'>): AccountStatus {
  if (account.disabled) return 'disabled';
  return account.passwordSet ? 'active' : 'waiting';
}

/** Minutes are enough, and UTC keeps a time the same for every reader, as in the audit trail and the logs. */
export function formatUtcMinute(date: Date | undefined): string | undefined {
  return date ? `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC` : undefined;
}

/** The surveys an account is granted, titled in `lang`; a grant on a survey whose file was removed still shows, by its id. */
export function grantedSurveys(catalog: SurveyCatalog, grants: readonly string[], lang: string): Array<{ id: string; title: string }> {
  return grants.map((id) => {
    const survey = catalog.get(id);
    return { id, title: survey ? surveyTitle(survey.definition, lang) : id };
  });
}
