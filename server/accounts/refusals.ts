// A refused staff form is drawn again with a message the person can act on, in their language.
// The services explain a refusal by its code; each page lists the codes it words itself.
import { AppError, TooManyRequestsError } from '../lib/errors';
import type { MessageKey, Translate } from '../lib/i18n/index';
import { PasswordRejectedError } from './account.service';

/**
 * The message for a refusal, worded by `refusals` when it names the code. Anything that is not a
 * refusal (a failure, a 5xx) is thrown on to the error handler.
 */
export function refusalMessage(error: unknown, t: Translate, refusals: Partial<Record<string, MessageKey>>, params?: Record<string, string | number>): string {
  if (!(error instanceof AppError) || error.status >= 500) throw error;
  if (error instanceof PasswordRejectedError) return t(error.reason);
  const key = refusals[error.code];
  // A throttle says how long to wait: worded by the page when it names the code, else as sign-in's.
  if (error instanceof TooManyRequestsError) return t(key ?? 'accounts.sign_in_throttled', { seconds: error.retryAfterSeconds });
  return key ? t(key, params) : error.message;
}

/** Form fields drawn back into a refused form: strings only, cut to what the field holds. */
export function echoedText(value: unknown, max: number): string {
  return typeof value === 'string' ? value.slice(0, max) : '';
}
