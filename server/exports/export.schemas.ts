import { z } from 'zod';
import { LANGUAGE_CODE } from '../surveys/survey.schemas';
import { P_VALUE_ADJUSTMENTS } from '../analysis/stats/multiple-comparisons';

const ZFlag = z.enum(['1', '0', 'true', 'false', 'yes', 'no']).transform((v) => v === '1' || v === 'true' || v === 'yes');

/** The language of the labels, spelt as a survey declares its languages. */
const ZLabelLanguage = z.string().regex(LANGUAGE_CODE, 'lang is a language code such as fr or en');

const ZMultipleChoiceLayout = z.enum(['list', 'columns'], { error: 'multi is "list" or "columns"' });

/** An option the export does not know is refused, not ignored: a misspelt `multi=column` must not silently give lists. */
function unknownOption(issue: { code: string; keys?: string[] }): string | undefined {
  return issue.code === 'unrecognized_keys' ? `unknown export option ${(issue.keys ?? []).map((k) => `"${k}"`).join(', ')}` : undefined;
}

/**
 * Query of the response exports: `?labels=1&lang=en` gives option labels in English instead of
 * codes; `?voided=include` adds the voided responses, marked (they are left out otherwise);
 * `?multi=columns` gives one 0/1 column per option of a multiple choice; `?status=all` adds the
 * partial and screened-out responses, with their status and last page.
 */
export const ZExportQuery = z.strictObject(
  {
    labels: ZFlag.optional(),
    voided: z.enum(['include', 'exclude'], { error: 'voided is "include" or "exclude"' }).optional(),
    lang: ZLabelLanguage.optional(),
    multi: ZMultipleChoiceLayout.optional(),
    status: z.enum(['complete', 'all'], { error: 'status is "complete" or "all"' }).optional(),
  },
  { error: unknownOption },
);
export type TExportQuery = z.infer<typeof ZExportQuery>;

/** Query of the codebooks: `?fingerprint=sha256:...` describes one definition version only; `?multi=columns` the 0/1 columns of multiple choices. */
export const ZCodebookQuery = z.strictObject(
  {
    fingerprint: z.string().regex(/^sha256:[0-9a-f]{16}$/, 'fingerprint looks like sha256: followed by 16 hex digits').optional(),
    multi: ZMultipleChoiceLayout.optional(),
  },
  { error: unknownOption },
);
export type TCodebookQuery = z.infer<typeof ZCodebookQuery>;

/**
 * Query of the tables workbook: `by=` one banner question or several (comma-separated, one sheet
 * each); the figures' own `weighted`, `base` and `adjust` (docs/api.md); `lang` for the labels.
 */
export const ZTablesQuery = z.strictObject(
  {
    by: z
      .string({ error: 'by names the banner question(s), e.g. by=company_size,region' })
      .regex(/^[a-z][a-z0-9_]*(,[a-z][a-z0-9_]*)*$/, 'by names single-choice question ids, separated by commas')
      .transform((text) => [...new Set(text.split(','))]),
    weighted: ZFlag.optional(),
    base: z.enum(['answered', 'shown', 'all'], { error: 'base is "answered", "shown" or "all"' }).optional(),
    adjust: z.enum(P_VALUE_ADJUSTMENTS, { error: 'adjust is "none", "bonferroni" or "bh"' }).optional(),
    lang: ZLabelLanguage.optional(),
  },
  { error: unknownOption },
);
export type TTablesQuery = z.infer<typeof ZTablesQuery>;

export const ZExportParams = z.object({
  surveyId: z.string().min(1),
  wave: z.string().min(1),
});
