// What a new password must be: long enough, not absurdly long (scrypt's cost grows with it), and
// not guessable. zxcvbn-ts checks against ~40,000 common passwords and the patterns crackers try
// (keyboard walks, dates, l33t), which a plain list cannot; NIST SP 800-63B asks for such a check.
import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import * as common from '@zxcvbn-ts/language-common';
import type { MessageKey } from '../lib/i18n/index';

export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 256;
/** zxcvbn's 0-4 scale: 3 is "safely unguessable: moderate protection from offline slow-hash attacks". */
const MIN_SCORE = 3;

let estimator: ZxcvbnFactory | undefined;

/** Why a password is refused, as a message key; undefined when it is acceptable. */
export function passwordProblem(password: string, userInputs: string[]): MessageKey | undefined {
  const length = [...password].length;
  if (length < PASSWORD_MIN_LENGTH) return 'accounts.password_too_short';
  if (length > PASSWORD_MAX_LENGTH) return 'accounts.password_too_long';
  estimator ??= new ZxcvbnFactory({ dictionary: { ...common.dictionary }, graphs: common.adjacencyGraphs });
  const inputs = userInputs.flatMap((input) => [input, ...input.split(/[@.\s_-]+/)]).filter((input) => input.length >= 3);
  if (estimator.check(password, [...inputs, 'barometer', 'captic']).score < MIN_SCORE) return 'accounts.password_guessable';
  return undefined;
}
