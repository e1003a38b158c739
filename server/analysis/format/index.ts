export { formatInterval, formatPercent } from './percent';
export { formatDecimal, formatPoints, formatPValue, formatSignedDecimal } from './decimal';
export type { PercentFormat, DisplayLocale } from './percent';
export { DEFAULT_BASE_POLICY, flagBase, isSuppressed } from './base-policy';
export type { BaseFlag, BasePolicy } from './base-policy';
export { displayShare } from './share-display';
export type { DisplayedShare } from './share-display';
export { roundHalfAwayFromZero, roundToStep, floorToStep, snapToDecimal, decimalsOf } from './decimal-rounding';
