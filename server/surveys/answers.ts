import { z } from 'zod';
import type { TMatrixQuestion, TMatrixRow, TOption, TQuestion, TSurveyDefinition } from './survey.schemas';
import { DONT_KNOW, isRealDate } from './survey.schemas';
import { conditionQuestionIds } from './conditions';
import { computeVisibility, findPage, findQuestion, pruneHiddenAnswers, type SurveyVisibility } from './visibility';

/*
 * Canonical answer values. They are storage keys and export columns, so they stay plain:
 *   single_choice, yes_no  option id                   multiple_choice  option ids, definition order
 *   rating                 1..N or "dont_know"         matrix           { rowId: 1..N | "dont_know" }
 *   number                 number                      short/long text  string (trimmed)
 *   date                   "YYYY-MM-DD"                ranking          option ids, rank order
 *   nps                    0..10
 * "Other (specify)" texts are stored apart, in otherTexts[questionId].
 *
 * The checks are Zod schemas built from the definition (and from what display logic shows);
 * their issues carry an AnswerError code, never a sentence: the web layer words them.
 */

export { DONT_KNOW };
export type TDontKnow = typeof DONT_KNOW;
export type TMatrixAnswer = Record<string, number | TDontKnow>;
export type TAnswerValue = string | number | string[] | TMatrixAnswer;
export type TAnswers = Record<string, TAnswerValue>;
export type TOtherTexts = Record<string, string>;

export type AnswerErrorCode =
  | 'required'
  | 'unknown_question'
  | 'unknown_option'
  | 'wrong_type'
  | 'too_few'
  | 'too_many'
  | 'exclusive'
  | 'too_long'
  | 'below_min'
  | 'above_max'
  | 'not_integer'
  | 'invalid_date'
  | 'hidden'
  | 'other_text_required'
  | 'incomplete_ranking';

export interface AnswerError {
  questionId: string;
  rowId?: string;
  code: AnswerErrorCode;
  params?: Record<string, string | number>;
}

export type AnswerValidationResult = { ok: true; answers: TAnswers; otherTexts: TOtherTexts } | { ok: false; errors: AnswerError[] };

/** What a page form posts: answers keyed by question id, other texts keyed by question id. */
export interface PageInput {
  answers: Record<string, unknown>;
  otherTexts?: Record<string, unknown>;
}

// ---------------------------------------------------------------------------------------------
// Zod schemas derived from a question
// ---------------------------------------------------------------------------------------------

type Params = Record<string, string | number>;

function fail(ctx: z.RefinementCtx, code: AnswerErrorCode, params?: Params, path?: (string | number)[]): void {
  ctx.addIssue({ code: 'custom', message: code, params: { answerCode: code, ...(params ?? {}) }, ...(path ? { path } : {}) });
}

const NUMERIC = /^\s*[+-]?(\d+(\.\d*)?|\.\d+)\s*$/;

/** A number, or a numeric string from an HTML form. */
const ZNumeric = z.union([z.number().finite(), z.string().regex(NUMERIC).transform(Number)]);

function zBoundedNumber(opts: { min?: number; max?: number; integer: boolean }): z.ZodType<number> {
  return ZNumeric.superRefine((n, ctx) => {
    if (opts.integer && !Number.isInteger(n)) fail(ctx, 'not_integer');
    else if (opts.min !== undefined && n < opts.min) fail(ctx, 'below_min', { min: opts.min });
    else if (opts.max !== undefined && n > opts.max) fail(ctx, 'above_max', { max: opts.max });
  });
}

function zScalePoint(points: number, dontKnow: boolean): z.ZodType<number | TDontKnow> {
  return z.union([z.literal(DONT_KNOW), zBoundedNumber({ min: 1, max: points, integer: true })]).superRefine((v, ctx) => {
    if (v === DONT_KNOW && !dontKnow) fail(ctx, 'unknown_option', { optionId: DONT_KNOW });
  }) as z.ZodType<number | TDontKnow>;
}

function zOptionId(allIds: string[], visibleIds: string[]): z.ZodType<string, string> {
  return z.string().superRefine((id, ctx) => {
    if (!allIds.includes(id)) fail(ctx, 'unknown_option', { optionId: id });
    else if (!visibleIds.includes(id)) fail(ctx, 'hidden', { optionId: id });
  });
}

/** Arrays of ids; a single string (one checked box of an HTML form) counts as a list of one. */
const ZIdList = z.union([z.array(z.string()), z.string().transform((s) => [s])]);

interface Shown {
  options: TOption[];
  rows: TMatrixRow[];
  /** Every row id the matrix can ever have (to tell a hidden row from an unknown one). */
  possibleRowIds?: string[];
  /** Whether every shown row of a matrix must be rated (the question's `required`, unless going Back). */
  required?: boolean;
}

/** The schema of a non-empty answer to a visible question. */
export function answerSchemaFor(question: TQuestion, shown: Shown): z.ZodType<TAnswerValue> {
  const allIds = 'options' in question && question.options ? question.options.map((o) => o.id) : [];
  const visibleIds = shown.options.map((o) => o.id);
  switch (question.type) {
    case 'single_choice':
    case 'yes_no':
      return zOptionId(allIds, visibleIds);
    case 'multiple_choice': {
      const exclusiveIds = question.options.filter((o) => o.exclusive).map((o) => o.id);
      return ZIdList.pipe(z.array(zOptionId(allIds, visibleIds)))
        .transform((ids) => allIds.filter((id) => ids.includes(id)))
        .superRefine((ids, ctx) => {
          const exclusive = ids.find((id) => exclusiveIds.includes(id));
          if (exclusive !== undefined && ids.length > 1) fail(ctx, 'exclusive', { optionId: exclusive });
          else if (question.min_selections !== undefined && ids.length < question.min_selections && exclusive === undefined) fail(ctx, 'too_few', { min: question.min_selections });
          else if (question.max_selections !== undefined && ids.length > question.max_selections) fail(ctx, 'too_many', { max: question.max_selections });
        });
    }
    case 'ranking':
      return ZIdList.pipe(z.array(zOptionId(allIds, visibleIds))).superRefine((ids, ctx) => {
        if (new Set(ids).size !== ids.length) fail(ctx, 'wrong_type', { reason: 'duplicate' });
        const needed = question.min_ranked !== undefined ? Math.min(question.min_ranked, visibleIds.length) : visibleIds.length;
        if (ids.length < needed) fail(ctx, 'incomplete_ranking', { min: needed });
      });
    case 'rating':
      return zScalePoint(question.scale.points, question.scale.dont_know !== undefined);
    case 'matrix': {
      const point = zScalePoint(question.scale.points, question.scale.dont_know !== undefined);
      const rowIds = shown.rows.map((r) => r.id);
      const possible = shown.possibleRowIds ?? rowIds;
      return z.record(z.string(), z.unknown()).transform((raw, ctx) => {
        const out: TMatrixAnswer = {};
        const faulty = new Set<string>();
        for (const [rowId, value] of Object.entries(raw)) {
          if (isEmpty(value)) continue;
          if (!rowIds.includes(rowId)) {
            fail(ctx, possible.includes(rowId) ? 'hidden' : 'unknown_option', { optionId: rowId }, [rowId]);
            continue;
          }
          const parsed = point.safeParse(value);
          if (parsed.success) out[rowId] = parsed.data;
          else {
            faulty.add(rowId);
            for (const i of parsed.error.issues) ctx.addIssue({ ...toCustom(i), path: [rowId] });
          }
        }
        if (shown.required ?? question.required) for (const rowId of rowIds) if (out[rowId] === undefined && !faulty.has(rowId)) fail(ctx, 'required', undefined, [rowId]);
        return out;
      });
    }
    case 'number':
      return zBoundedNumber({ min: question.min, max: question.max, integer: question.integer });
    case 'nps':
      return zBoundedNumber({ min: 0, max: 10, integer: true });
    case 'short_text':
    case 'long_text':
      return z
        .string()
        .transform((s) => s.trim())
        .superRefine((s, ctx) => {
          if (s.length > question.max_length) fail(ctx, 'too_long', { max: question.max_length });
        });
    case 'date':
      return z.string().superRefine((s, ctx) => {
        if (!isRealDate(s)) fail(ctx, 'invalid_date');
        else if (question.min !== undefined && s < question.min) fail(ctx, 'below_min', { min: question.min });
        else if (question.max !== undefined && s > question.max) fail(ctx, 'above_max', { max: question.max });
      });
  }
}

/**
 * Building a question's schema costs more than checking an answer with it, and the same few
 * schemas serve every respondent: they are kept per question of a loaded definition (a new
 * definition version is new objects, so its schemas are built afresh), and per what is shown.
 */
const schemaCache = new WeakMap<TQuestion, Map<string, z.ZodType<TAnswerValue>>>();

function cachedAnswerSchema(question: TQuestion, shown: Shown): z.ZodType<TAnswerValue> {
  const key = JSON.stringify([shown.options.map((o) => o.id), shown.rows.map((r) => r.id), shown.possibleRowIds ?? null, shown.required ?? null]);
  let byShown = schemaCache.get(question);
  if (!byShown) schemaCache.set(question, (byShown = new Map()));
  let schema = byShown.get(key);
  if (!schema) byShown.set(key, (schema = answerSchemaFor(question, shown)));
  return schema;
}

function toCustom(i: z.core.$ZodIssue): { code: 'custom'; message: string; params: Params } {
  const params = (i as { params?: Params }).params;
  return { code: 'custom', message: i.message, params: params?.answerCode ? params : { answerCode: 'wrong_type' } };
}

function toAnswerErrors(questionId: string, issues: readonly z.core.$ZodIssue[], isMatrix: boolean): AnswerError[] {
  return issues.map((i) => {
    const raw = (i as { params?: Params }).params ?? {};
    const { answerCode, ...params } = raw;
    const error: AnswerError = { questionId, code: (answerCode as AnswerErrorCode | undefined) ?? 'wrong_type' };
    const row = i.path[0];
    if (isMatrix && typeof row === 'string') error.rowId = row;
    if (Object.keys(params).length) error.params = params;
    return error;
  });
}

function possibleMatrixRowIds(definition: TSurveyDefinition, question: TMatrixQuestion): string[] {
  if (question.rows) return question.rows.map((r) => r.id);
  const source = question.rows_from ? findQuestion(definition, question.rows_from.question) : undefined;
  const exclude = new Set(question.rows_from?.exclude ?? []);
  return (source && 'options' in source && source.options ? source.options.map((o) => o.id) : []).filter((id) => !exclude.has(id));
}

function isEmpty(value: unknown): boolean {
  if (value === undefined || value === null) return true;
  if (typeof value === 'string') return value.trim() === '';
  if (Array.isArray(value)) return value.every(isEmpty);
  if (typeof value === 'object') return Object.values(value).every(isEmpty);
  return false;
}

// ---------------------------------------------------------------------------------------------
// One question, then a page, then a whole response
// ---------------------------------------------------------------------------------------------

interface QuestionOutcome {
  value?: TAnswerValue;
  otherText?: string;
  errors: AnswerError[];
}

interface ValidationOptions {
  /** False when going Back: what is given must be valid, but nothing is required. */
  requireAnswers?: boolean;
}

function validateQuestion(
  definition: TSurveyDefinition,
  question: TQuestion,
  raw: unknown,
  rawOther: unknown,
  visibility: SurveyVisibility,
  { requireAnswers = true }: ValidationOptions,
): QuestionOutcome {
  const required = requireAnswers && question.required === true;
  const empty = isEmpty(raw);
  if (!visibility.questions.has(question.id)) {
    return empty ? { errors: [] } : { errors: [{ questionId: question.id, code: 'hidden' }] };
  }
  if (empty) return { errors: required ? [{ questionId: question.id, code: 'required' }] : [] };

  const visibleOptionIds = visibility.options.get(question.id) ?? [];
  const options = 'options' in question && question.options ? question.options.filter((o) => visibleOptionIds.includes(o.id)) : [];
  const rows = visibility.rows.get(question.id) ?? [];
  const possibleRowIds = question.type === 'matrix' ? possibleMatrixRowIds(definition, question) : undefined;
  const parsed = cachedAnswerSchema(question, { options, rows, required, ...(possibleRowIds ? { possibleRowIds } : {}) }).safeParse(raw);
  if (!parsed.success) return { errors: toAnswerErrors(question.id, parsed.error.issues, question.type === 'matrix') };

  const value = parsed.data;
  const outcome: QuestionOutcome = { errors: [] };
  if (!isEmpty(value)) outcome.value = value;
  else if (required) return { errors: [{ questionId: question.id, code: 'required' }] };

  // "Other (specify)": kept only while its option is selected.
  const specifyOption = options.find((o) => o.specify);
  const selected = Array.isArray(value) ? value : typeof value === 'string' ? [value] : [];
  if (specifyOption?.specify && selected.includes(specifyOption.id)) {
    const text = typeof rawOther === 'string' ? rawOther.trim() : '';
    if (rawOther !== undefined && rawOther !== null && typeof rawOther !== 'string') outcome.errors.push({ questionId: question.id, code: 'wrong_type', params: { field: 'other_text' } });
    else if (text === '' && specifyOption.specify.required) outcome.errors.push({ questionId: question.id, code: 'other_text_required', params: { optionId: specifyOption.id } });
    else if (text.length > specifyOption.specify.max_length) outcome.errors.push({ questionId: question.id, code: 'too_long', params: { max: specifyOption.specify.max_length, field: 'other_text' } });
    else if (text !== '') outcome.otherText = text;
  }
  return outcome;
}

/** The questions whose answers decide whether (and with which rows) a question is shown. */
function dependsOn(definition: TSurveyDefinition, question: TQuestion): string[] {
  const page = definition.pages.find((p) => p.questions.includes(question));
  const conditions = [page?.show_if, question.show_if, ...('options' in question && question.options ? question.options.map((o) => o.show_if) : [])];
  if (question.type === 'matrix') conditions.push(...(question.rows ?? []).map((r) => r.show_if));
  const ids = conditions.flatMap((c) => (c ? conditionQuestionIds(c) : []));
  if (question.type === 'matrix' && question.rows_from) ids.push(question.rows_from.question);
  return ids;
}

function validateQuestions(
  definition: TSurveyDefinition,
  questions: TQuestion[],
  input: Record<string, unknown>,
  otherInput: Record<string, unknown>,
  prior: TAnswers,
  options: ValidationOptions = {},
): { answers: TAnswers; otherTexts: TOtherTexts; errors: AnswerError[] } {
  const accumulated: TAnswers = { ...prior };
  const answers: TAnswers = {};
  const otherTexts: TOtherTexts = {};
  const errors: AnswerError[] = [];
  const unsettled = new Set<string>();
  for (const q of questions) {
    delete accumulated[q.id];
    // Visibility of this question depends only on earlier answers, which are already validated.
    const visibility = computeVisibility(definition, accumulated);
    const outcome = validateQuestion(definition, q, input[q.id], otherInput[q.id], visibility, options);
    // When a question this one depends on was answered wrongly, whether this one is shown is not
    // known yet: report only its own errors, not "hidden" or "required".
    if (dependsOn(definition, q).some((id) => unsettled.has(id))) {
      outcome.errors = outcome.errors.filter((e) => e.code !== 'hidden' && e.code !== 'required');
      unsettled.add(q.id);
    }
    if (outcome.errors.length > 0) unsettled.add(q.id);
    errors.push(...outcome.errors);
    if (outcome.value !== undefined && outcome.errors.length === 0) {
      answers[q.id] = outcome.value;
      accumulated[q.id] = outcome.value;
      if (outcome.otherText !== undefined) otherTexts[q.id] = outcome.otherText;
    }
  }
  return { answers, otherTexts, errors };
}

function asRecord(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

/**
 * Validates what one page posted. `priorAnswers` are the answers already stored for the earlier
 * pages (display logic of this page depends on them). Returns this page's canonical answers and
 * other texts only. Throws when the page id is unknown (a caller bug, not a respondent's).
 */
export function validatePageAnswers(
  definition: TSurveyDefinition,
  pageId: string,
  input: PageInput,
  priorAnswers: TAnswers,
  options: ValidationOptions = {},
): AnswerValidationResult {
  const page = findPage(definition, pageId);
  if (!page) throw new Error(`survey "${definition.id}" has no page "${pageId}"`);
  const pageQuestionIds = new Set(page.questions.map((q) => q.id));
  const answersIn = asRecord(input.answers);
  const othersIn = asRecord(input.otherTexts);
  const errors: AnswerError[] = [];
  for (const id of new Set([...Object.keys(answersIn), ...Object.keys(othersIn)])) {
    if (!pageQuestionIds.has(id)) errors.push({ questionId: id, code: 'unknown_question', params: { pageId } });
  }
  const prior = pruneHiddenAnswers(definition, priorAnswers);
  const result = validateQuestions(definition, page.questions, answersIn, othersIn, prior, options);
  errors.push(...result.errors);
  return errors.length ? { ok: false, errors } : { ok: true, answers: result.answers, otherTexts: result.otherTexts };
}

/** Validates a whole response (imports, final submission): every page in order. */
export function validateResponse(definition: TSurveyDefinition, answers: Record<string, unknown>, otherTexts: Record<string, unknown> = {}): AnswerValidationResult {
  const questions = definition.pages.flatMap((p) => p.questions);
  const known = new Set(questions.map((q) => q.id));
  const answersIn = asRecord(answers);
  const othersIn = asRecord(otherTexts);
  const errors: AnswerError[] = [];
  for (const id of new Set([...Object.keys(answersIn), ...Object.keys(othersIn)])) {
    if (!known.has(id)) errors.push({ questionId: id, code: 'unknown_question' });
  }
  const result = validateQuestions(definition, questions, answersIn, othersIn, {});
  errors.push(...result.errors);
  return errors.length ? { ok: false, errors } : { ok: true, answers: result.answers, otherTexts: result.otherTexts };
}
