export { Z_95, twoSidedNormalPValue, twoSidedTPValue, chiSquareSurvival } from './distributions';
export { wilsonInterval } from './proportion';
export type { Interval } from './proportion';
export { kishEffectiveSampleSize, kishEffectiveSizeOfSums, kishDesignEffect } from './design-effect';
export { DEFAULT_ALPHA, twoProportionZTest, weightedTwoProportionZTest, welchTTest } from './significance';
export type { ZTestResult, ZTestOptions, CountedProportion, WeightedProportion, MeanSummary, WelchTestResult } from './significance';
export { chiSquareIndependence } from './chi-square';
export type { ChiSquareResult } from './chi-square';
export { fisherExactTwoSided } from './fisher-exact';
export { adjustPValues, benjaminiHochberg, bonferroni, P_VALUE_ADJUSTMENTS } from './multiple-comparisons';
export type { PValueAdjustment } from './multiple-comparisons';
export { compareColumnProportions, columnLetter, DEFAULT_COLUMN_ADJUSTMENT, SIGNIFICANCE_LEVELS } from './column-comparison';
export type { ColumnComparisonInput, ColumnComparisonOptions, ColumnComparisonResult } from './column-comparison';
export {
  mean,
  weightedMean,
  sampleStandardDeviation,
  weightedStandardDeviation,
  quantile,
  median,
  quartiles,
  weightedQuantile,
  weightedMedian,
  weightedQuartiles,
} from './descriptive';
export type { Quartiles } from './descriptive';
export { topBoxShare, bottomBoxShare, netPromoterScore, meanRanks } from './scale';
export type { ShareWithBase, ScaleDefinition, BoxOptions, NetPromoterScore, MeanRank } from './scale';
