import { AppError } from '../../lib/errors';

export type WeightingErrorCode =
  | 'no_respondents'
  | 'duplicate_respondent'
  | 'invalid_targets'
  | 'targets_not_100'
  | 'unknown_category'
  | 'empty_target_category'
  | 'zero_target_with_respondents'
  | 'invalid_option'
  | 'not_converged';

/**
 * Why a set of weights cannot be computed from these respondents and targets. It is the
 * analyst's input that cannot be satisfied, not a server fault, hence 422 and `expected`.
 * `details` names the variable / category / respondent involved so a UI can point at it.
 */
export class WeightingError extends AppError {
  declare readonly code: WeightingErrorCode;

  constructor(code: WeightingErrorCode, message: string, details?: Record<string, unknown>) {
    super(message, 422, code, true, details);
  }
}
