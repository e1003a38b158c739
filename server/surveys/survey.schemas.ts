import { z } from 'zod';
import { CONDITION_OPERATORS } from './conditions';
import { checkSurveyDefinition } from './survey.checks';
import { DEFAULT_DONT_KNOW_LABEL } from './built-in-labels';
import { AA_CONTRAST, contrastRatio, darkestNeeded, formatRatio, HEX_COLOUR, PAGE_BACKGROUND } from './contrast';
import { readLogoData } from './logo-image';

/*
 * The survey definition language. A definition file (YAML or JSON) is parsed with
 * ZSurveyDefinition: the shape checks live here, the checks that need the whole survey
 * (duplicate ids, conditions, translations, piping, report placeholders) live in
 * survey.checks.ts and run from the superRefine at the bottom.
 *
 * Objects are strict so that a typo such as `requried: true` is reported instead of ignored.
 */

export const SNAKE_CASE = /^[a-z][a-z0-9]*(?:_[a-z0-9]+)*$/;
export const LANGUAGE_CODE = /^[a-z]{2,3}(?:-[A-Z]{2})?$/;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** A stable id: a storage key and an export column, so snake_case and never renamed. */
export function zStableId(kind: string): z.ZodString {
  return z
    .string({ error: `${kind} id must be a text` })
    .regex(SNAKE_CASE, { error: (issue) => `${kind} id "${String(issue.input)}" is not snake_case (lowercase letters, digits and _, starting with a letter)` });
}

/** A visible string: either plain text (source language) or one text per language. */
export const ZLocalizedText = z.union(
  [z.string().trim().min(1, 'must not be empty'), z.record(z.string().regex(LANGUAGE_CODE, 'language codes look like "fr" or "en"'), z.string().trim().min(1, 'must not be empty'))],
  { error: 'must be a text, or one text per language such as { fr: ..., en: ... }' },
);
export type TLocalizedText = z.infer<typeof ZLocalizedText>;

export const ZIsoDate = z
  .string()
  .regex(ISO_DATE, 'must be a date written YYYY-MM-DD')
  .refine((s) => isRealDate(s), 'is not a real calendar date');

export function isRealDate(s: string): boolean {
  if (!ISO_DATE.test(s)) return false;
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}

// ---------------------------------------------------------------------------------------------
// Conditions (display logic). Data, not code: evaluated by conditions.ts, never eval'd.
// ---------------------------------------------------------------------------------------------

export type TConditionValue = string | number | boolean;

export type TConditionLeaf =
  | { question: string; equals: TConditionValue }
  | { question: string; in: TConditionValue[] }
  | { question: string; includes: string }
  | { question: string; answered: boolean }
  | { question: string; gt: number }
  | { question: string; gte: number }
  | { question: string; lt: number }
  | { question: string; lte: number };

export type TCondition = TConditionLeaf | { all: TCondition[] } | { any: TCondition[] } | { not: TCondition };

const COMBINATORS = ['all', 'any', 'not'] as const;

const ZConditionValue = z.union([z.string(), z.number(), z.boolean()], { error: 'must be an id, a number or true/false' });

// One flat strict object rather than a z.union: a union only says "invalid input", this names
// the field that is wrong.
const ZConditionObject = z
  .strictObject({
    question: z.string().optional(),
    equals: ZConditionValue.optional(),
    in: z.array(ZConditionValue).min(1, 'must list at least one value').optional(),
    includes: z.string().optional(),
    answered: z.boolean().optional(),
    gt: z.number().optional(),
    gte: z.number().optional(),
    lt: z.number().optional(),
    lte: z.number().optional(),
    get all(): z.ZodOptional<z.ZodArray<z.ZodType<TCondition>>> {
      return z.array(ZCondition).min(1, 'must list at least one condition').optional();
    },
    get any(): z.ZodOptional<z.ZodArray<z.ZodType<TCondition>>> {
      return z.array(ZCondition).min(1, 'must list at least one condition').optional();
    },
    get not(): z.ZodOptional<z.ZodType<TCondition>> {
      return ZCondition.optional();
    },
  })
  .superRefine((c, ctx) => {
    const ops = CONDITION_OPERATORS.filter((k) => c[k] !== undefined);
    const combinators = COMBINATORS.filter((k) => c[k] !== undefined);
    if (combinators.length > 0) {
      if (combinators.length > 1 || ops.length > 0 || c.question !== undefined) {
        ctx.addIssue({ code: 'custom', message: `a condition uses exactly one of all / any / not, alone (found ${[...combinators, ...ops, ...(c.question !== undefined ? ['question'] : [])].join(', ')})` });
      }
      return;
    }
    if (c.question === undefined) {
      ctx.addIssue({ code: 'custom', message: 'a condition needs "question" (or all / any / not)' });
      return;
    }
    if (ops.length !== 1) {
      ctx.addIssue({ code: 'custom', message: ops.length === 0 ? `a condition on "${c.question}" needs one operator: ${CONDITION_OPERATORS.join(', ')}` : `a condition uses one operator, found ${ops.join(', ')}: combine conditions with all / any` });
    }
  });

export const ZCondition: z.ZodType<TCondition> = z.lazy(() => ZConditionObject) as unknown as z.ZodType<TCondition>;

// ---------------------------------------------------------------------------------------------
// Options, scales, questions
// ---------------------------------------------------------------------------------------------

const ZSpecify = z.union([
  z.literal(true).transform(() => ({ required: true, max_length: 200 }) as { label?: TLocalizedText; required: boolean; max_length: number }),
  z.strictObject({
    label: ZLocalizedText.optional(),
    required: z.boolean().default(true),
    max_length: z.number().int().positive().max(10000).default(200),
  }),
]);

export const ZOption = z.strictObject({
  id: zStableId('option'),
  label: ZLocalizedText,
  /** "Other (specify)": choosing it opens a text box, stored in otherTexts[questionId]. */
  specify: ZSpecify.optional(),
  /** "None of these": cannot be combined with other options (multiple choice only). */
  exclusive: z.boolean().optional(),
  show_if: ZCondition.optional(),
});
export type TOption = z.infer<typeof ZOption>;

export const DONT_KNOW = 'dont_know' as const;

export const ZScale = z
  .strictObject({
    points: z.number().int().min(2, 'a scale has at least 2 points').max(11, 'a scale has at most 11 points'),
    /** Keyed by point number: both ends (1 and N) or every point (1..N). */
    labels: z.record(z.string(), ZLocalizedText),
    /** "Don't know": stored as "dont_know", kept out of the base. `true` uses the default label. */
    dont_know: z.union([z.literal(true).transform(() => DEFAULT_DONT_KNOW_LABEL as TLocalizedText), ZLocalizedText]).optional(),
  })
  .superRefine((s, ctx) => {
    const keys = Object.keys(s.labels);
    const ends = ['1', String(s.points)];
    const every = Array.from({ length: s.points }, (_, i) => String(i + 1));
    const same = (a: string[], b: string[]): boolean => a.length === b.length && a.every((k) => b.includes(k));
    if (!same(keys, ends) && !same(keys, every)) {
      ctx.addIssue({
        code: 'custom',
        path: ['labels'],
        message: `scale labels do not match its ${s.points} points: label both ends (1 and ${s.points}) or every point (1 to ${s.points}); got ${keys.length ? keys.join(', ') : 'none'}`,
      });
    }
  });
export type TScale = z.infer<typeof ZScale>;

const questionBase = {
  id: zStableId('question'),
  text: ZLocalizedText,
  help: ZLocalizedText.optional(),
  required: z.boolean().default(false),
  show_if: ZCondition.optional(),
};

function checkUniqueOptionIds(options: { id: string }[], ctx: z.RefinementCtx, key = 'options', what = 'option'): void {
  const seen = new Set<string>();
  options.forEach((o, i) => {
    if (seen.has(o.id)) ctx.addIssue({ code: 'custom', path: [key], message: `duplicate ${what} id "${o.id}"`, params: { lineSuffix: [i, 'id'] } });
    seen.add(o.id);
  });
}

const ZOptions = z.array(ZOption).min(2, 'needs at least 2 options');

export const ZSingleChoiceQuestion = z
  .strictObject({ ...questionBase, type: z.literal('single_choice'), options: ZOptions })
  .superRefine((q, ctx) => checkUniqueOptionIds(q.options, ctx));

const DEFAULT_YES_NO_OPTIONS: TOption[] = [
  { id: 'yes', label: { fr: 'Oui', en: 'Yes' } },
  { id: 'no', label: { fr: 'Non', en: 'No' } },
];

export const ZYesNoQuestion = z
  .strictObject({
    ...questionBase,
    type: z.literal('yes_no'),
    /** Optional: override the labels (or add show_if); the ids are always yes and no. */
    options: ZOptions.optional(),
  })
  .superRefine((q, ctx) => {
    if (q.options && (q.options.length !== 2 || !q.options.some((o) => o.id === 'yes') || !q.options.some((o) => o.id === 'no'))) {
      ctx.addIssue({ code: 'custom', path: ['options'], message: 'a yes_no question has exactly the options "yes" and "no"' });
    }
  })
  .transform((q) => ({ ...q, options: q.options ?? DEFAULT_YES_NO_OPTIONS.map((o) => ({ ...o })) }));

export const ZMultipleChoiceQuestion = z
  .strictObject({
    ...questionBase,
    type: z.literal('multiple_choice'),
    options: ZOptions,
    min_selections: z.number().int().min(1).optional(),
    max_selections: z.number().int().min(1).optional(),
  })
  .superRefine((q, ctx) => {
    checkUniqueOptionIds(q.options, ctx);
    if (q.min_selections !== undefined && q.max_selections !== undefined && q.min_selections > q.max_selections) {
      ctx.addIssue({ code: 'custom', path: ['min_selections'], message: 'min_selections is greater than max_selections' });
    }
    if (q.max_selections !== undefined && q.max_selections > q.options.length) {
      ctx.addIssue({ code: 'custom', path: ['max_selections'], message: `max_selections (${q.max_selections}) is more than the ${q.options.length} options` });
    }
  });

export const ZRatingQuestion = z.strictObject({ ...questionBase, type: z.literal('rating'), scale: ZScale });

export const ZMatrixRow = z.strictObject({ id: zStableId('row'), label: ZLocalizedText, show_if: ZCondition.optional() });
export type TMatrixRow = z.infer<typeof ZMatrixRow>;

export const ZRowsFrom = z.strictObject({
  /** A multiple_choice question asked earlier: one row per option the respondent chose. */
  question: z.string(),
  /** Option ids of that question that never become rows (e.g. "other"). */
  exclude: z.array(z.string()).optional(),
});
export type TRowsFrom = z.infer<typeof ZRowsFrom>;

export const ZMatrixQuestion = z
  .strictObject({
    ...questionBase,
    type: z.literal('matrix'),
    rows: z.array(ZMatrixRow).min(1, 'needs at least 1 row').optional(),
    rows_from: ZRowsFrom.optional(),
    scale: ZScale,
  })
  .superRefine((q, ctx) => {
    if ((q.rows === undefined) === (q.rows_from === undefined)) {
      ctx.addIssue({ code: 'custom', message: 'a matrix has either "rows" or "rows_from" (piped from a multiple_choice question), not both and not neither' });
    }
    if (q.rows) checkUniqueOptionIds(q.rows, ctx, 'rows', 'row');
  });

export const ZNumberQuestion = z
  .strictObject({
    ...questionBase,
    type: z.literal('number'),
    min: z.number().optional(),
    max: z.number().optional(),
    integer: z.boolean().default(false),
    unit: ZLocalizedText.optional(),
  })
  .superRefine((q, ctx) => {
    if (q.min !== undefined && q.max !== undefined && q.min > q.max) ctx.addIssue({ code: 'custom', path: ['min'], message: 'min is greater than max' });
  });

export const ZShortTextQuestion = z.strictObject({
  ...questionBase,
  type: z.literal('short_text'),
  max_length: z.number().int().positive().max(1000).default(200),
});

export const ZLongTextQuestion = z.strictObject({
  ...questionBase,
  type: z.literal('long_text'),
  max_length: z.number().int().positive().max(100000).default(5000),
});

export const ZDateQuestion = z
  .strictObject({ ...questionBase, type: z.literal('date'), min: ZIsoDate.optional(), max: ZIsoDate.optional() })
  .superRefine((q, ctx) => {
    if (q.min !== undefined && q.max !== undefined && q.min > q.max) ctx.addIssue({ code: 'custom', path: ['min'], message: 'min is after max' });
  });

export const ZRankingQuestion = z
  .strictObject({
    ...questionBase,
    type: z.literal('ranking'),
    options: ZOptions,
    /** Partial ranking: at least this many must be ranked. Absent: every visible option. */
    min_ranked: z.number().int().min(1).optional(),
  })
  .superRefine((q, ctx) => {
    checkUniqueOptionIds(q.options, ctx);
    if (q.min_ranked !== undefined && q.min_ranked > q.options.length) ctx.addIssue({ code: 'custom', path: ['min_ranked'], message: `min_ranked (${q.min_ranked}) is more than the ${q.options.length} options` });
    q.options.forEach((o, i) => {
      if (o.specify || o.exclusive) ctx.addIssue({ code: 'custom', path: ['options', i], message: 'ranking options cannot use specify or exclusive' });
    });
  });

export const ZNpsQuestion = z.strictObject({
  ...questionBase,
  type: z.literal('nps'),
  /** Labels of 0 and 10; defaults are provided in fr and en. */
  low_label: ZLocalizedText.optional(),
  high_label: ZLocalizedText.optional(),
});

export const ZQuestion = z.discriminatedUnion('type', [
  ZSingleChoiceQuestion,
  ZYesNoQuestion,
  ZMultipleChoiceQuestion,
  ZRatingQuestion,
  ZMatrixQuestion,
  ZNumberQuestion,
  ZShortTextQuestion,
  ZLongTextQuestion,
  ZDateQuestion,
  ZRankingQuestion,
  ZNpsQuestion,
]);
export type TQuestion = z.infer<typeof ZQuestion>;
export type TQuestionType = TQuestion['type'];
export const QUESTION_TYPES = ['single_choice', 'yes_no', 'multiple_choice', 'rating', 'matrix', 'number', 'short_text', 'long_text', 'date', 'ranking', 'nps'] as const satisfies readonly TQuestionType[];

export type TSingleChoiceQuestion = Extract<TQuestion, { type: 'single_choice' }>;
export type TYesNoQuestion = Extract<TQuestion, { type: 'yes_no' }>;
export type TMultipleChoiceQuestion = Extract<TQuestion, { type: 'multiple_choice' }>;
export type TRatingQuestion = Extract<TQuestion, { type: 'rating' }>;
export type TMatrixQuestion = Extract<TQuestion, { type: 'matrix' }>;
export type TNumberQuestion = Extract<TQuestion, { type: 'number' }>;
export type TShortTextQuestion = Extract<TQuestion, { type: 'short_text' }>;
export type TLongTextQuestion = Extract<TQuestion, { type: 'long_text' }>;
export type TDateQuestion = Extract<TQuestion, { type: 'date' }>;
export type TRankingQuestion = Extract<TQuestion, { type: 'ranking' }>;
export type TNpsQuestion = Extract<TQuestion, { type: 'nps' }>;
/** Questions whose answer is one or several option ids. */
export type TChoiceQuestion = TSingleChoiceQuestion | TYesNoQuestion | TMultipleChoiceQuestion | TRankingQuestion;

export const ZPage = z.strictObject({
  id: zStableId('page'),
  title: ZLocalizedText.optional(),
  intro: ZLocalizedText.optional(),
  show_if: ZCondition.optional(),
  questions: z.array(ZQuestion).min(1, 'a page needs at least 1 question'),
});
export type TPage = z.infer<typeof ZPage>;

// ---------------------------------------------------------------------------------------------
// Metadata, seed waves, report
// ---------------------------------------------------------------------------------------------

/**
 * A wave the definition file creates on a fresh database, so a survey is answerable on first
 * start. Once the survey has waves, the console and `npm run wave` decide; the file no longer does
 * (server/waves/wave-seed.ts). Field dates are days in the survey's time zone: the wave opens at
 * the start of `field_start` and closes at the end of `field_end`, whatever `status` says.
 */
export const ZSeedWave = z
  .strictObject({
    id: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]*$/, 'a wave id uses letters, digits, - and _ (e.g. "2011-03")')
      .refine((id) => id !== 'current', '"current" is reserved: it names the current wave in addresses'),
    label: ZLocalizedText,
    field_start: ZIsoDate.optional(),
    field_end: ZIsoDate.optional(),
    status: z.enum(['draft', 'scheduled', 'open', 'closed']),
  })
  .superRefine((w, ctx) => {
    if (w.field_start && w.field_end && w.field_start > w.field_end) ctx.addIssue({ code: 'custom', path: ['field_end'], message: 'field_end is before field_start' });
    if (w.status === 'scheduled' && !w.field_start) ctx.addIssue({ code: 'custom', path: ['field_start'], message: 'a scheduled wave needs field_start, the day it opens' });
  });
export type TSeedWave = z.infer<typeof ZSeedWave>;

/** An IANA time zone name that this runtime knows, e.g. "Europe/Paris". */
const ZTimeZone = z.string().refine((zone) => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}, 'not a known time zone (write an IANA name such as "Europe/Paris")');

/** Where field dates are read and shown when a definition names no time zone. */
export const DEFAULT_TIME_ZONE = 'Europe/Paris';

export const ZReportStatement = z.strictObject({
  id: zStableId('statement'),
  /** Text with placeholders, see report-placeholders.ts. */
  text: ZLocalizedText,
});
export type TReportStatement = z.infer<typeof ZReportStatement>;

export const ZReport = z.strictObject({ statements: z.array(ZReportStatement).default([]) });
export type TReport = z.infer<typeof ZReport>;

// ---------------------------------------------------------------------------------------------
// Branding: the survey's own look on the respondent's pages (server/surveys/branding.ts)
// ---------------------------------------------------------------------------------------------

/**
 * The logo. In a file on the server it is `file`, a path beside the definition, which the loader
 * reads and replaces with `data`, so that the stored version carries the image and a wave pinned to
 * it keeps its look. An uploaded definition has no files beside it: it carries `data` itself.
 */
export const ZBrandingLogo = z
  .strictObject({
    file: z.string().optional(),
    /** `data:<type>;base64,<bytes>`: PNG, JPEG, WebP or SVG, checked from the bytes. */
    data: z.string().optional(),
    alt: ZLocalizedText,
  })
  .superRefine((logo, ctx) => {
    if (logo.file !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['file'],
        message: 'a logo file is read only beside a definition file on the server; an uploaded definition carries its logo: write data: data:image/png;base64,... (the image in base64) instead of file',
      });
    } else if (logo.data === undefined) {
      ctx.addIssue({ code: 'custom', message: 'a logo needs file (an image beside the survey file, e.g. assets/logo.svg) or data' });
    } else {
      const reading = readLogoData(logo.data);
      if (!reading.ok) ctx.addIssue({ code: 'custom', path: ['data'], message: reading.message });
    }
  })
  .transform(({ data, alt }) => ({ data: data ?? '', alt }));
export type TBrandingLogo = z.infer<typeof ZBrandingLogo>;

const ZAccent = z
  .string({ error: 'must be a colour written #rrggbb' })
  .regex(HEX_COLOUR, { error: (issue) => `${JSON.stringify(issue.input)} is not a colour written #rrggbb (e.g. "#0b5cad")` })
  .superRefine((accent, ctx) => {
    if (!HEX_COLOUR.test(accent)) return; // said by the regex above
    const ratio = contrastRatio(accent, PAGE_BACKGROUND);
    if (ratio >= AA_CONTRAST) return;
    ctx.addIssue({
      code: 'custom',
      message: `${accent} has a contrast of ${formatRatio(ratio)} against the white page (links in the accent, and white text on accent buttons): WCAG AA needs at least ${AA_CONTRAST}:1; a darker shade such as ${darkestNeeded(accent)} passes`,
    });
  })
  .transform((accent) => accent.toLowerCase());

const LOOPBACK_HOSTS = ['localhost', '127.0.0.1', '[::1]'];
/** What every browser takes in a link, and more than a thank-you page needs. */
const LINK_MAX_LENGTH = 2000;

/**
 * https only (http for a test server on this machine): never javascript:, data: or a relative
 * link; nor a user name or password, which every respondent would read in the page and which
 * also make https://trusted.example@elsewhere.example/ look like it goes to trusted.example.
 */
function linkProblem(url: string): string | undefined {
  if (url.length > LINK_MAX_LENGTH) return `the thank-you link has ${url.length} characters, more than the ${LINK_MAX_LENGTH} a link may have`;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return `${JSON.stringify(url)} is not a full address: write it https://...`;
  }
  if (parsed.username || parsed.password) {
    return 'the thank-you link carries a user name or password (https://user:pass@...): every respondent would see it; give the address without them';
  }
  if (parsed.protocol === 'https:') return undefined;
  if (parsed.protocol === 'http:' && LOOPBACK_HOSTS.includes(parsed.hostname)) return undefined;
  return parsed.protocol === 'http:'
    ? `${JSON.stringify(url)} is not https: a thank-you link must be https (http only for localhost)`
    : `${JSON.stringify(url)} uses ${parsed.protocol}, not https: a thank-you link must be an https address`;
}

export const ZThankYouLink = z.strictObject({
  url: z.string().superRefine((url, ctx) => {
    const problem = linkProblem(url);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  }),
  label: ZLocalizedText,
});

export const ZBranding = z.strictObject({
  logo: ZBrandingLogo.optional(),
  /** Buttons, links and the progress bar; refused under WCAG AA against the white page. */
  accent: ZAccent.optional(),
  /** A line under the logo, e.g. "A survey by … with …". */
  sponsor: ZLocalizedText.optional(),
  /** Where the thank-you page sends the respondent next. */
  thank_you_link: ZThankYouLink.optional(),
});
export type TBranding = z.infer<typeof ZBranding>;

export const ZSurveyDefinitionShape = z.strictObject({
  id: zStableId('survey'),
  title: ZLocalizedText,
  /** The first language is the source language. */
  languages: z.array(z.string().regex(LANGUAGE_CODE, 'language codes look like "fr" or "en"')).min(1, 'list at least one language'),
  sponsor: ZLocalizedText,
  conducted_by: ZLocalizedText,
  target_population: ZLocalizedText,
  method: ZLocalizedText,
  /**
   * How respondents were found: a random sample (`probability`), people who chose to answer
   * (`opt_in`), or everyone in the population (`census`). It decides how the report shows
   * intervals (server/analysis/report/publication-rules.ts).
   */
  sampling: z.enum(['opt_in', 'probability', 'census']),
  /** `hidden`: no interval in the report's tables, whatever the sampling (absent means shown). */
  intervals: z.enum(['shown', 'hidden']).optional(),
  intro: ZLocalizedText.optional(),
  consent: ZLocalizedText.optional(),
  thank_you: ZLocalizedText,
  /** Logo, accent colour, sponsor line and thank-you link on the respondent's pages. */
  branding: ZBranding.optional(),
  /** The time zone of the field dates: they are stored in UTC and shown in this zone. */
  time_zone: ZTimeZone.optional(),
  seed_waves: z
    .array(ZSeedWave)
    .optional()
    .superRefine((waves, ctx) => {
      const seen = new Set<string>();
      (waves ?? []).forEach((w, i) => {
        if (seen.has(w.id)) ctx.addIssue({ code: 'custom', path: [i, 'id'], message: `wave "${w.id}" is listed twice` });
        seen.add(w.id);
      });
      if ((waves ?? []).filter((w) => w.status === 'open').length > 1) ctx.addIssue({ code: 'custom', path: [], message: 'at most one seed wave may be open' });
    }),
  /**
   * Single-choice questions that split the live figures into segments (e.g. company_size): each
   * of their options gets its own live counters, so segment figures stay as fast as the totals.
   */
  segments: z.array(z.string()).optional(),
  pages: z.array(ZPage).min(1, 'a survey needs at least 1 page'),
  report: ZReport.optional(),
});

export type TSurveyDefinitionShape = z.infer<typeof ZSurveyDefinitionShape>;

/** The full check: shape, then the survey-wide rules of survey.checks.ts. */
export const ZSurveyDefinition = ZSurveyDefinitionShape.superRefine(
  (def, ctx) => {
    if (ctx.issues.length === 0) {
      checkSurveyDefinition(def, ctx);
      return;
    }
    // The shape already has problems: still run the survey-wide rules so that one run lists as
    // much as possible, but on data that may be malformed, so a rule that trips is skipped.
    try {
      checkSurveyDefinition(def, ctx);
    } catch {
      /* reported once the shape is fixed */
    }
  },
  { when: () => true },
);
export type TSurveyDefinition = z.infer<typeof ZSurveyDefinition>;
/** A definition as written in a file, before defaults are applied. */
export type TSurveyDefinitionInput = z.input<typeof ZSurveyDefinition>;
