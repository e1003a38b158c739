import { z } from 'zod';
import { P_VALUE_ADJUSTMENTS } from '../stats/multiple-comparisons';

const ZFlag = z
  .enum(['1', '0', 'true', 'false', 'yes', 'no'])
  .transform((v) => v === '1' || v === 'true' || v === 'yes');

/**
 * A filter on answers: `question:option[,option...]`, several joined with `;`, e.g.
 * `company_size:tpe,pme;uses_social:yes`. Respondents must match every part.
 */
export const ZFilter = z
  .string()
  .regex(/^[a-z][a-z0-9_]*:[a-z0-9_,]+(;[a-z][a-z0-9_]*:[a-z0-9_,]+)*$/, 'write filters as question:option[,option];question:option')
  .transform((text) => {
    const filter: Record<string, string[]> = {};
    for (const part of text.split(';')) {
      const [question = '', options = ''] = part.split(':');
      filter[question] = options.split(',').filter(Boolean);
    }
    return filter;
  });

export const ZFiguresQuery = z.strictObject({
  base: z.enum(['answered', 'shown', 'all']).default('answered'),
  weighted: ZFlag.default(false),
  mentions: ZFlag.default(false),
  filter: ZFilter.optional(),
  by: z.string().regex(/^[a-z][a-z0-9_]*$/, 'by names a single-choice question id').optional(),
  /**
   * How the crosstab's column letters adjust for multiple comparisons: Benjamini-Hochberg over the
   * table when absent (comparisons.ts says why), Bonferroni over a row's pairs, or none.
   */
  adjust: z.enum(P_VALUE_ADJUSTMENTS).optional(),
  compare: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]*$/, 'compare names another wave').optional(),
  lang: z.enum(['fr', 'en']).optional(),
});
export type TFiguresQuery = z.infer<typeof ZFiguresQuery>;

export const ZWeightingConfig = z.strictObject({
  method: z.enum(['poststratify', 'rake']),
  /** question id → option id → percent of the population (each question sums to 100). */
  targets: z.record(z.string(), z.record(z.string(), z.number().min(0).max(100))).refine((t) => Object.keys(t).length > 0, 'give targets for at least one question'),
  cap: z.number().gt(1).max(100).optional(),
  convergence: z.number().gt(0).lt(1).optional(),
  maxIterations: z.number().int().positive().max(100_000).optional(),
});
export type TWeightingConfig = z.infer<typeof ZWeightingConfig>;
