export type BaseFlag = 'low_base' | 'suppressed';

export interface BasePolicy {
  /** Figures on fewer respondents than this are flagged 'low_base' (shown with a warning). Default 50. */
  lowBaseBelow: number;
  /** Figures on fewer respondents than this are 'suppressed' (not shown at all). Default 10. */
  suppressBelow: number;
}

/*
 * Common market-research practice (e.g. the ESOMAR / MRS guidance and the defaults of Q and
 * SPSS-based reporting): a share on fewer than ~50 people swings by ±14 points at 95%, so it is
 * shown with a warning; below ~10 it says more about individuals than about a population and
 * is withheld, which also protects respondents in small segments.
 */
export const DEFAULT_BASE_POLICY: Readonly<BasePolicy> = Object.freeze({ lowBaseBelow: 50, suppressBelow: 10 });

function readPolicy(policy: Partial<BasePolicy>): BasePolicy {
  const resolved = { ...DEFAULT_BASE_POLICY, ...policy };
  const { lowBaseBelow, suppressBelow } = resolved;
  if (!(lowBaseBelow >= 0) || !(suppressBelow >= 0) || suppressBelow > lowBaseBelow) {
    throw new RangeError(
      `base policy needs 0 ≤ suppressBelow ≤ lowBaseBelow, got suppressBelow ${suppressBelow} and lowBaseBelow ${lowBaseBelow}`,
    );
  }
  return resolved;
}

/**
 * Flags for a figure's base: ['suppressed'] below the suppression threshold, ['low_base'] below
 * the low-base threshold, [] otherwise. Pass the unweighted number of respondents: the policy is
 * about how many people answered, which weighting does not change.
 */
export function flagBase(base: number, policy: Partial<BasePolicy> = {}): BaseFlag[] {
  if (!Number.isFinite(base) || base < 0) throw new RangeError(`a base must be a count ≥ 0, got ${base}`);
  const { lowBaseBelow, suppressBelow } = readPolicy(policy);
  if (base < suppressBelow) return ['suppressed'];
  if (base < lowBaseBelow) return ['low_base'];
  return [];
}

export function isSuppressed(flags: readonly BaseFlag[]): boolean {
  return flags.includes('suppressed');
}
