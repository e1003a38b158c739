import type { z } from 'zod';
import type { TCondition, TLocalizedText, TQuestion, TSurveyDefinitionShape } from './survey.schemas';
import { conditionOperator, isLeafCondition } from './conditions';
import { missingLanguages } from './localize';
import { DEFAULT_DONT_KNOW_LABEL } from './built-in-labels';
import { parsePlaceholders, PlaceholderSyntaxError, type Placeholder } from './report-placeholders';
import { META_COLUMNS, optionFlagName, PROGRESS_COLUMNS, VOIDED_COLUMNS } from '../exports/export-columns';

/*
 * The rules that need the whole survey: unique ids, conditions that only look back, piping,
 * translations, report placeholders. Each problem is a Zod issue with the path of the offending
 * value, so the loader can name its line. `params.lineSuffix`, when given, extends the path to a
 * more precise node to take the line from than the path that is printed.
 */

type Path = (string | number)[];
type Ctx = z.RefinementCtx;

interface QuestionEntry {
  question: TQuestion;
  order: number;
  pageIndex: number;
  path: Path;
}

function issue(ctx: Ctx, path: Path, message: string): void {
  ctx.addIssue({ code: 'custom', path, message });
}

export function choiceOptionIds(q: TQuestion): string[] | undefined {
  switch (q.type) {
    case 'single_choice':
    case 'yes_no':
    case 'multiple_choice':
    case 'ranking':
      return q.options.map((o) => o.id);
    default:
      return undefined;
  }
}

/** Row ids a matrix can have: its own rows, or the piped options of its source question. */
export function matrixRowIds(q: Extract<TQuestion, { type: 'matrix' }>, byId: ReadonlyMap<string, TQuestion>): string[] {
  if (q.rows) return q.rows.map((r) => r.id);
  if (!q.rows_from) return [];
  const source = byId.get(q.rows_from.question);
  const exclude = new Set(q.rows_from.exclude ?? []);
  return (source ? (choiceOptionIds(source) ?? []) : []).filter((id) => !exclude.has(id));
}

function fmtValue(v: unknown): string {
  return typeof v === 'string' ? `"${v}"` : String(v);
}

function checkCondition(
  condition: TCondition,
  path: Path,
  ctx: Ctx,
  questions: ReadonlyMap<string, QuestionEntry>,
  isEarlier: (entry: QuestionEntry) => boolean,
): void {
  if (!isLeafCondition(condition)) {
    if ('all' in condition) condition.all.forEach((c, i) => checkCondition(c, [...path, 'all', i], ctx, questions, isEarlier));
    else if ('any' in condition) condition.any.forEach((c, i) => checkCondition(c, [...path, 'any', i], ctx, questions, isEarlier));
    else checkCondition(condition.not, [...path, 'not'], ctx, questions, isEarlier);
    return;
  }
  const entry = questions.get(condition.question);
  if (!entry) {
    issue(ctx, [...path, 'question'], `condition refers to unknown question "${condition.question}"`);
    return;
  }
  if (!isEarlier(entry)) {
    issue(ctx, [...path, 'question'], `condition refers to question "${condition.question}", which is not asked before this point (a condition can only use earlier questions)`);
    return;
  }
  const q = entry.question;
  const op = conditionOperator(condition);
  const value = (condition as Record<string, unknown>)[op];
  const optionIds = choiceOptionIds(q);
  const isMulti = q.type === 'multiple_choice' || q.type === 'ranking';
  const numeric = q.type === 'number' || q.type === 'rating' || q.type === 'nps';
  const checkOption = (v: unknown, p: Path): void => {
    if (optionIds && !optionIds.includes(String(v))) issue(ctx, p, `condition refers to unknown option ${fmtValue(v)} of question "${q.id}" (options: ${optionIds.join(', ')})`);
  };
  const checkRating = (v: unknown, p: Path): void => {
    if (q.type !== 'rating') return;
    const ok = v === 'dont_know' ? q.scale.dont_know !== undefined : Number.isInteger(Number(v)) && Number(v) >= 1 && Number(v) <= q.scale.points;
    if (!ok) issue(ctx, p, `condition value ${fmtValue(v)} is not a point of the ${q.scale.points}-point scale of "${q.id}"`);
  };
  switch (op) {
    case 'answered':
      return;
    case 'equals':
    case 'in': {
      if (isMulti || q.type === 'matrix') {
        issue(ctx, [...path, op], `"${op}" cannot be used on ${q.type} question "${q.id}"${isMulti ? ': use "includes"' : ''}`);
        return;
      }
      const values = op === 'in' ? (value as unknown[]) : [value];
      values.forEach((v, i) => {
        const p = op === 'in' ? [...path, op, i] : [...path, op];
        checkOption(v, p);
        checkRating(v, p);
      });
      return;
    }
    case 'includes':
      if (!isMulti) {
        issue(ctx, [...path, op], `"includes" needs a multiple_choice or ranking question, but "${q.id}" is ${q.type}${optionIds ? ': use "equals"' : ''}`);
        return;
      }
      checkOption(value, [...path, op]);
      return;
    default:
      if (!numeric) issue(ctx, [...path, op], `"${op}" needs a number, rating or nps question, but "${q.id}" is ${q.type}`);
  }
}

function isWellFormedText(text: unknown): boolean {
  if (typeof text === 'string') return true;
  return text !== null && typeof text === 'object' && !Array.isArray(text) && Object.values(text).every((v) => typeof v === 'string');
}

function checkTranslations(def: TSurveyDefinitionShape, ctx: Ctx): void {
  const langs = def.languages;
  const check = (text: TLocalizedText | undefined, path: Path): void => {
    // Malformed texts (a number, a list...) were already reported by the shape check.
    if (text === undefined || !isWellFormedText(text)) return;
    if (typeof text === 'object') {
      for (const lang of Object.keys(text)) {
        if (!langs.includes(lang)) issue(ctx, [...path, lang], `"${lang}" is not one of the survey's languages (${langs.join(', ')})`);
      }
    }
    for (const lang of missingLanguages(text, langs)) {
      issue(
        ctx,
        path,
        typeof text === 'string'
          ? `missing translation "${lang}" (plain text counts as the source language "${langs[0]}"; write { ${langs.map((l) => `${l}: ...`).join(', ')} })`
          : `missing translation "${lang}"`,
      );
    }
  };
  for (const key of ['title', 'sponsor', 'conducted_by', 'target_population', 'method', 'intro', 'consent', 'thank_you'] as const) check(def[key], [key]);
  check(def.branding?.logo?.alt, ['branding', 'logo', 'alt']);
  check(def.branding?.sponsor, ['branding', 'sponsor']);
  check(def.branding?.thank_you_link?.label, ['branding', 'thank_you_link', 'label']);
  def.seed_waves?.forEach((wave, i) => check(wave.label, ['seed_waves', i, 'label']));
  def.pages.forEach((page, pi) => {
    check(page.title, ['pages', pi, 'title']);
    check(page.intro, ['pages', pi, 'intro']);
    page.questions.forEach((q, qi) => {
      const qp: Path = ['pages', pi, 'questions', qi];
      check(q.text, [...qp, 'text']);
      check(q.help, [...qp, 'help']);
      if ('options' in q && q.options) {
        q.options.forEach((o, oi) => {
          // yes_no labels come built in for fr and en; in a French-only survey the English one is harmless.
          if (q.type === 'yes_no' && typeof o.label !== 'string') {
            for (const lang of missingLanguages(o.label, langs)) {
              issue(ctx, [...qp, 'options', oi, 'label'], `missing translation "${lang}" (yes_no labels are built in for fr and en only: write options yes and no with their labels)`);
            }
            return;
          }
          check(o.label, [...qp, 'options', oi, 'label']);
          check(o.specify?.label, [...qp, 'options', oi, 'specify', 'label']);
        });
      }
      if (q.type === 'rating' || q.type === 'matrix') {
        for (const [point, label] of Object.entries(q.scale.labels)) check(label, [...qp, 'scale', 'labels', point]);
        // `dont_know: true` brings a built-in fr/en label; like yes_no, only a missing language matters.
        if (q.scale.dont_know === DEFAULT_DONT_KNOW_LABEL) {
          for (const lang of missingLanguages(q.scale.dont_know, langs)) {
            issue(ctx, [...qp, 'scale', 'dont_know'], `missing translation "${lang}" (the built-in "don't know" label exists in fr and en only: write dont_know: { ${langs.map((l) => `${l}: ...`).join(', ')} })`);
          }
        } else {
          check(q.scale.dont_know, [...qp, 'scale', 'dont_know']);
        }
      }
      if (q.type === 'matrix') q.rows?.forEach((r, ri) => check(r.label, [...qp, 'rows', ri, 'label']));
      if (q.type === 'number') check(q.unit, [...qp, 'unit']);
      if (q.type === 'nps') {
        check(q.low_label, [...qp, 'low_label']);
        check(q.high_label, [...qp, 'high_label']);
      }
    });
  });
  def.report?.statements.forEach((s, si) => check(s.text, ['report', 'statements', si, 'text']));
}

function checkPlaceholder(p: Placeholder, byId: ReadonlyMap<string, TQuestion>): string | undefined {
  if (p.kind === 'n') return undefined;
  const q = byId.get(p.question);
  if (!q) return `unknown question "${p.question}"`;
  const row = 'row' in p ? p.row : undefined;
  if (q.type === 'matrix') {
    const rows = matrixRowIds(q, byId);
    if (row === undefined) return p.kind === 'base' ? undefined : `"${q.id}" is a matrix: name a row, e.g. ${q.id}[${rows[0] ?? 'row'}]`;
    if (!rows.includes(row)) return `unknown row "${row}" of matrix "${q.id}" (rows: ${rows.join(', ')})`;
  } else if (row !== undefined) {
    return `"${q.id}" is not a matrix, it has no row "${row}"`;
  }
  switch (p.kind) {
    case 'pct': {
      if (q.type !== 'single_choice' && q.type !== 'yes_no' && q.type !== 'multiple_choice') return `pct needs a single_choice, yes_no or multiple_choice question, "${q.id}" is ${q.type}`;
      const ids = q.options.map((o) => o.id);
      return ids.includes(p.option) ? undefined : `unknown option "${p.option}" of question "${q.id}" (options: ${ids.join(', ')})`;
    }
    case 'top2':
    case 'bottom2':
      return q.type === 'rating' || q.type === 'matrix' ? undefined : `${p.kind} needs a rating or matrix question, "${q.id}" is ${q.type}`;
    case 'mean':
      return ['rating', 'matrix', 'number', 'nps'].includes(q.type) ? undefined : `mean needs a rating, matrix, number or nps question, "${q.id}" is ${q.type}`;
    case 'nps':
      return q.type === 'nps' ? undefined : `nps needs an nps question, "${q.id}" is ${q.type}`;
    case 'base':
      return undefined;
  }
}

function checkReport(def: TSurveyDefinitionShape, byId: ReadonlyMap<string, TQuestion>, ctx: Ctx): void {
  const seen = new Set<string>();
  def.report?.statements.forEach((s, si) => {
    const sp: Path = ['report', 'statements', si];
    if (seen.has(s.id)) issue(ctx, [...sp, 'id'], `duplicate statement id "${s.id}"`);
    seen.add(s.id);
    const texts: [Path, string][] = typeof s.text === 'string' ? [[[...sp, 'text'], s.text]] : Object.entries(s.text).map(([lang, t]) => [[...sp, 'text', lang], t]);
    const signatures = new Map<string, string>();
    let faulty = false;
    for (const [path, text] of texts) {
      try {
        const parsed = parsePlaceholders(text);
        for (const { raw, placeholder } of parsed) {
          const problem = checkPlaceholder(placeholder, byId);
          if (problem) issue(ctx, path, `placeholder ${raw}: ${problem}`);
          faulty ||= problem !== undefined;
        }
        signatures.set(String(path[path.length - 1]), JSON.stringify(parsed.map((x) => x.placeholder)));
      } catch (err) {
        if (!(err instanceof PlaceholderSyntaxError)) throw err;
        issue(ctx, path, err.message);
        faulty = true;
      }
    }
    // Every language must print the same figures; only worth saying once each text is valid.
    if (!faulty && new Set(signatures.values()).size > 1) {
      issue(ctx, [...sp, 'text'], `the translations of statement "${s.id}" do not use the same placeholders (${[...signatures.keys()].join(', ')})`);
    }
  });
}

/**
 * Column and field names the responses' exports and imports keep for their own use, and why. A
 * question id is its export column and its import field, so a question with one of these ids
 * would be read back as the response's weight, id or status, or written twice. The exports' own
 * columns come from export-columns.ts; the import's identity and envelope names (external_id,
 * answers) are listed here.
 */
const RESERVED_COLUMNS: ReadonlyMap<string, string> = new Map([
  ...META_COLUMNS.map((name) => [name, 'every responses export writes this column and the import reads it'] as const),
  ['external_id', 'the import identifies a response by this column'],
  ...PROGRESS_COLUMNS.map((name) => [name, 'the export of partial responses (?status=all) writes this column'] as const),
  ...VOIDED_COLUMNS.map((name) => [name, 'the export of voided responses (?voided=include) writes this column'] as const),
  ['answers', 'a JSON Lines import reads a line with an "answers" object as an envelope, not as answers'],
]);

/**
 * Ids that would clash with the exports' own columns: a reserved name, or the 0/1 column of a
 * multiple choice's option (`<question>_<option>`, ?multi=columns and .sav) that is another
 * question's id or another option's column.
 */
function checkColumnNames(questions: ReadonlyMap<string, QuestionEntry>, ctx: Ctx): void {
  const flags = new Map<string, string>();
  for (const { question: q, path } of questions.values()) {
    const reserved = RESERVED_COLUMNS.get(q.id);
    if (reserved) issue(ctx, [...path, 'id'], `question id "${q.id}" is reserved: ${reserved}; give the question another id`);
    if (q.type !== 'multiple_choice') continue;
    q.options.forEach((o, oi) => {
      const column = optionFlagName(q.id, o.id);
      const clash = questions.has(column) ? `the id of question "${column}"` : RESERVED_COLUMNS.has(column) ? 'a reserved column' : flags.get(column);
      if (clash) issue(ctx, [...path, 'options', oi, 'id'], `option "${o.id}" of "${q.id}" exports as the column "${column}" (one 0/1 column per option), which is already ${clash}; rename the option or the question`);
      else flags.set(column, `the column of option "${o.id}" of "${q.id}"`);
    });
  }
}

export function checkSurveyDefinition(def: TSurveyDefinitionShape, ctx: Ctx): void {
  // Languages
  const langSeen = new Set<string>();
  def.languages.forEach((l, i) => {
    if (langSeen.has(l)) issue(ctx, ['languages', i], `duplicate language "${l}"`);
    langSeen.add(l);
  });

  // Unique page and question ids; the order in which questions are asked.
  const questions = new Map<string, QuestionEntry>();
  const byId = new Map<string, TQuestion>();
  const pageIds = new Map<string, number>();
  let order = 0;
  def.pages.forEach((page, pi) => {
    const first = pageIds.get(page.id);
    if (first !== undefined) issue(ctx, ['pages', pi, 'id'], `duplicate page id "${page.id}" (first used by pages[${first}])`);
    else pageIds.set(page.id, pi);
    page.questions.forEach((q, qi) => {
      const path: Path = ['pages', pi, 'questions', qi];
      const prior = questions.get(q.id);
      if (prior) {
        issue(ctx, [...path, 'id'], `duplicate question id "${q.id}" (first used by ${formatPathForMessage(prior.path)})`);
        return;
      }
      questions.set(q.id, { question: q, order: order++, pageIndex: pi, path });
      byId.set(q.id, q);
    });
  });

  // Conditions and piping: only ever look back.
  def.pages.forEach((page, pi) => {
    if (page.show_if) checkCondition(page.show_if, ['pages', pi, 'show_if'], ctx, questions, (e) => e.pageIndex < pi);
    page.questions.forEach((q, qi) => {
      const path: Path = ['pages', pi, 'questions', qi];
      const self = questions.get(q.id);
      if (!self || self.path.join() !== path.join()) return; // a duplicate, already reported
      const earlier = (e: QuestionEntry): boolean => e.order < self.order;
      if (q.show_if) checkCondition(q.show_if, [...path, 'show_if'], ctx, questions, earlier);
      if ('options' in q && q.options) {
        q.options.forEach((o, oi) => {
          if (o.show_if) checkCondition(o.show_if, [...path, 'options', oi, 'show_if'], ctx, questions, earlier);
          if (o.exclusive && q.type !== 'multiple_choice') issue(ctx, [...path, 'options', oi, 'exclusive'], 'only multiple_choice options can be exclusive');
        });
        if (q.type === 'multiple_choice' && q.options.every((o) => o.exclusive)) issue(ctx, [...path, 'options'], 'every option is exclusive');
        // otherTexts holds one text per question.
        if (q.options.filter((o) => o.specify).length > 1) issue(ctx, [...path, 'options'], 'only one option of a question can have "specify"');
      }
      if (q.type === 'matrix') {
        q.rows?.forEach((r, ri) => {
          if (r.show_if) checkCondition(r.show_if, [...path, 'rows', ri, 'show_if'], ctx, questions, earlier);
        });
        if (q.rows_from) {
          const rp: Path = [...path, 'rows_from', 'question'];
          const source = questions.get(q.rows_from.question);
          if (!source) issue(ctx, rp, `matrix rows are piped from unknown question "${q.rows_from.question}"`);
          else if (!earlier(source)) issue(ctx, rp, `matrix rows are piped from question "${source.question.id}", which is not asked before this matrix`);
          else if (source.question.type !== 'multiple_choice') {
            issue(ctx, rp, `matrix rows are piped from question "${source.question.id}", which is ${source.question.type}, not multiple_choice`);
          } else {
            const ids = source.question.options.map((o) => o.id);
            q.rows_from.exclude?.forEach((x, xi) => {
              if (!ids.includes(x)) issue(ctx, [...path, 'rows_from', 'exclude', xi], `unknown option "${x}" of question "${source.question.id}" (options: ${ids.join(', ')})`);
            });
          }
        }
      }
    });
  });

  // Segments split the live counters by the options of a single-choice question.
  def.segments?.forEach((id, si) => {
    const q = byId.get(id);
    if (!q) issue(ctx, ['segments', si], `segment "${id}" is not a question of this survey`);
    else if (q.type !== 'single_choice' && q.type !== 'yes_no') issue(ctx, ['segments', si], `segment "${id}" is ${q.type}: segments must be single_choice or yes_no questions`);
    if (def.segments?.indexOf(id) !== si) issue(ctx, ['segments', si], `segment "${id}" is listed twice`);
  });

  checkColumnNames(questions, ctx);
  checkTranslations(def, ctx);
  checkReport(def, byId, ctx);
}

/** pages[1].questions[3].options — the path notation used in every message. */
export function formatPathForMessage(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out === '' ? String(key) : `.${String(key)}`;
  }
  return out;
}
