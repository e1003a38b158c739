// How an account reads on the admin pages and in `npm run user:list`.
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
