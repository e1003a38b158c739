import { flagBase, isSuppressed } from './base-policy';
import type { BaseFlag, BasePolicy } from './base-policy';
import { formatPercent } from './percent';
import type { PercentFormat } from './percent';

export interface DisplayedShare {
  /** The formatted percentage, or null when the figure is suppressed or has no base. */
  text: string | null;
  flags: BaseFlag[];
  /** The unweighted base, always shown next to the figure. */
  base: number;
}

/**
 * Applies the base policy, then the percent format: what a report cell shows for a share.
 * A share of null (nobody to compute it on) or a suppressed base gives text null.
 */
export function displayShare(
  proportion: number | null,
  base: number,
  format: PercentFormat = {},
  policy: Partial<BasePolicy> = {},
): DisplayedShare {
  const flags = flagBase(base, policy);
  if (proportion === null || isSuppressed(flags)) return { text: null, flags, base };
  return { text: formatPercent(proportion, format), flags, base };
}
