export { rake, DEFAULT_CAP, DEFAULT_CONVERGENCE, DEFAULT_MAX_ITERATIONS, COMPLETE_CONVERGENCE_CHANGE } from './rake';
export { postStratify } from './post-stratify';
export type { PostStratificationOptions } from './post-stratify';
export { WeightingError } from './weighting.errors';
export type { WeightingErrorCode } from './weighting.errors';
export { readTargetShares, TARGET_SUM_TOLERANCE } from './targets';
export type { WeightingRespondent, TargetMargins, WeightingResult, RakingOptions } from './weighting.types';
