// What an account may do with a survey. The route guards and the pages that list surveys ask
// the same questions, so they get the same answers.
import type { Account } from './account.service';

type Who = Pick<Account, 'role' | 'grants'>;

/** Reports, figures, exports: an admin, or anyone granted the survey. */
export function mayReadSurvey(account: Who, surveyId: string): boolean {
  return account.role === 'admin' || account.grants.includes(surveyId);
}

/** Weighting, waves, panels: an admin, or an organizer granted the survey. */
export function mayManageSurvey(account: Who, surveyId: string): boolean {
  return account.role === 'admin' || (account.role === 'organizer' && account.grants.includes(surveyId));
}
