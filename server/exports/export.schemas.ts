import { z } from 'zod';

const ZFlag = z.enum(['1', '0', 'true', 'false', 'yes', 'no']).transform((v) => v === '1' || v === 'true' || v === 'yes');

/**
 * Query of the response exports: `?labels=1&lang=en` gives option labels in English instead of
 * codes; `?voided=include` adds the voided responses, marked (they are left out otherwise).
 */
export const ZExportQuery = z.object({
  labels: ZFlag.optional(),
  voided: z.enum(['include', 'exclude'], { error: 'voided is "include" or "exclude"' }).optional(),
  lang: z.string().regex(/^[a-z]{2,3}(?:-[A-Z]{2})?$/, 'lang is a language code such as fr or en').optional(),
});
export type TExportQuery = z.infer<typeof ZExportQuery>;

/** Query of the codebooks: `?fingerprint=sha256:...` describes one definition version only. */
export const ZCodebookQuery = z.object({
  fingerprint: z.string().regex(/^sha256:[0-9a-f]{16}$/, 'fingerprint looks like sha256: followed by 16 hex digits').optional(),
});
export type TCodebookQuery = z.infer<typeof ZCodebookQuery>;

export const ZExportParams = z.object({
  surveyId: z.string().min(1),
  wave: z.string().min(1),
});
