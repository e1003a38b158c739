export interface WeightingRespondent {
  id: string;
  /** Category of each weighting variable; undefined when the respondent did not answer it. */
  values: Readonly<Record<string, string | undefined>>;
}

/** Population margins: variable → category → percent (each variable sums to 100 ± 0.1). */
export type TargetMargins = Readonly<Record<string, Readonly<Record<string, number>>>>;
