// The codebook: what each export column holds, in the wording of the definition version that
// was answered. One entry per column, with its question text, type, codes and labels in every
// survey language, and its base ("asked if ...") spelled out from the display logic.
import type { TCondition, TLocalizedText, TQuestion, TSurveyDefinition } from '../surveys/survey.schemas';
import { isLeafCondition, conditionOperator } from '../surveys/conditions';
import { localize } from '../surveys/localize';
import { DONT_KNOW } from '../surveys/answers';
import { LIST_SEPARATOR, type ExportColumn, type MetaColumnName, optionsOf } from './export-columns';
import { guardFormula } from './formula-guard';

export type LocalizedRecord = Record<string, string>;

export interface CodebookValue {
  code: string | number;
  label: LocalizedRecord;
}

export interface CodebookEntry {
  column: string;
  /** null for the response's own fields (response_id, wave...). */
  questionId: string | null;
  questionText: LocalizedRecord;
  type: string;
  /** null for the response's own fields. */
  required: boolean | null;
  /** Who was asked: "all respondents", or "asked if <condition>". */
  base: string;
  notes: string;
  values: CodebookValue[];
}

export interface Codebook {
  surveyId: string;
  waveId: string;
  /** The definition versions the codebook describes, newest first. */
  fingerprints: string[];
  languages: string[];
  columns: CodebookEntry[];
}

export const META_TEXT: Record<MetaColumnName, { fr: string; en: string; notes: string }> = {
  response_id: { fr: 'Identifiant de la réponse', en: 'Response id', notes: 'unique per response' },
  wave: { fr: 'Vague', en: 'Wave', notes: 'wave id' },
  fingerprint: { fr: 'Version du questionnaire répondu (empreinte)', en: 'Version of the questionnaire answered (fingerprint)', notes: 'see the codebook of that fingerprint for its wording' },
  language: { fr: 'Langue de réponse', en: 'Language the questionnaire was answered in', notes: 'language code' },
  source: { fr: 'Origine de la réponse', en: 'Where the response came from', notes: '' },
  started_at: { fr: 'Début de la réponse', en: 'When the response was started', notes: 'ISO 8601, UTC' },
  completed_at: { fr: 'Fin de la réponse', en: 'When the response was completed', notes: 'ISO 8601, UTC' },
  weight: { fr: 'Poids de sondage', en: 'Design weight', notes: 'inverse of the selection probability; 1 when the response has none' },
};

/** The codes of a multiple choice option's 0/1 column. */
export const OPTION_FLAG_LABELS: Record<0 | 1, { fr: string; en: string }> = {
  0: { fr: 'Non choisi', en: 'Not chosen' },
  1: { fr: 'Choisi', en: 'Chosen' },
};

const SOURCE_VALUES: CodebookValue[] = [
  { code: 'web', label: { fr: 'Formulaire en ligne', en: 'Web form' } },
  { code: 'import', label: { fr: 'Importée', en: 'Imported' } },
];

function localized(text: TLocalizedText | undefined, languages: readonly string[]): LocalizedRecord {
  const out: LocalizedRecord = {};
  for (const lang of languages) out[lang] = text === undefined ? '' : localize(text, lang, languages[0]);
  return out;
}

function joinLocalized(a: LocalizedRecord, b: LocalizedRecord, languages: readonly string[]): LocalizedRecord {
  const out: LocalizedRecord = {};
  for (const lang of languages) out[lang] = b[lang] ? `${a[lang] ?? ''} [${b[lang]}]` : (a[lang] ?? '');
  return out;
}

// ---------------------------------------------------------------------------------------------
// Bases: display logic in words
// ---------------------------------------------------------------------------------------------

function describeValue(value: string | number | boolean): string {
  return String(value);
}

/** A condition as a short readable formula: `usage in (personal, both) and networks includes facebook`. */
export function describeCondition(condition: TCondition, nested = false): string {
  if (isLeafCondition(condition)) {
    const c = condition as Record<string, unknown> & { question: string };
    switch (conditionOperator(condition)) {
      case 'equals':
        return `${c.question} = ${describeValue(c.equals as string)}`;
      case 'in':
        return `${c.question} in (${(c.in as (string | number | boolean)[]).map(describeValue).join(', ')})`;
      case 'includes':
        return `${c.question} includes ${String(c.includes)}`;
      case 'answered':
        return c.answered ? `${c.question} answered` : `${c.question} not answered`;
      case 'gt':
        return `${c.question} > ${String(c.gt)}`;
      case 'gte':
        return `${c.question} >= ${String(c.gte)}`;
      case 'lt':
        return `${c.question} < ${String(c.lt)}`;
      case 'lte':
        return `${c.question} <= ${String(c.lte)}`;
    }
  }
  if ('all' in condition) {
    const text = condition.all.map((c) => describeCondition(c, true)).join(' and ');
    return nested && condition.all.length > 1 ? `(${text})` : text;
  }
  if ('any' in condition) {
    const text = condition.any.map((c) => describeCondition(c, true)).join(' or ');
    return nested && condition.any.length > 1 ? `(${text})` : text;
  }
  return `not (${describeCondition(condition.not)})`;
}

function describeBase(conditions: (TCondition | undefined)[]): string {
  const present = conditions.filter((c): c is TCondition => c !== undefined);
  if (present.length === 0) return 'all respondents';
  return `asked if ${present.map((c) => describeCondition(c, present.length > 1)).join(' and ')}`;
}

function columnConditions(column: Exclude<ExportColumn, { kind: 'meta' }>): (TCondition | undefined)[] {
  const base = [column.page.show_if, column.question.show_if];
  if (column.kind === 'matrix_row') {
    const q = column.question;
    if (q.rows_from) return [...base, { question: q.rows_from.question, includes: column.row.id }];
    return [...base, q.rows?.find((r) => r.id === column.row.id)?.show_if];
  }
  if (column.kind === 'option_flag') return [...base, column.option.show_if];
  if (column.kind === 'other_text') {
    const chosen: TCondition = column.question.type === 'multiple_choice' ? { question: column.question.id, includes: column.option.id } : { question: column.question.id, equals: column.option.id };
    return [...base, column.option.show_if, chosen];
  }
  return base;
}

// ---------------------------------------------------------------------------------------------
// Values and notes
// ---------------------------------------------------------------------------------------------

function scaleValues(scale: { points: number; labels: Record<string, TLocalizedText>; dont_know?: TLocalizedText }, languages: readonly string[]): CodebookValue[] {
  const values: CodebookValue[] = [];
  for (let point = 1; point <= scale.points; point += 1) values.push({ code: point, label: localized(scale.labels[String(point)], languages) });
  if (scale.dont_know) values.push({ code: DONT_KNOW, label: localized(scale.dont_know, languages) });
  return values;
}

function optionValues(question: TQuestion, languages: readonly string[]): CodebookValue[] {
  return optionsOf(question).map((o) => ({ code: o.id, label: localized(o.label, languages) }));
}

function scaleNotes(points: number, dontKnow: boolean): string {
  return `1 to ${points}${dontKnow ? `, or ${DONT_KNOW} (kept out of bases)` : ''}`;
}

function answerNotes(question: TQuestion, languages: readonly string[]): string {
  switch (question.type) {
    case 'single_choice':
    case 'yes_no':
      return 'one option id';
    case 'multiple_choice': {
      const limits = [question.min_selections !== undefined ? `at least ${question.min_selections}` : '', question.max_selections !== undefined ? `at most ${question.max_selections}` : ''].filter(Boolean);
      const exclusive = question.options.filter((o) => o.exclusive).map((o) => o.id);
      return [`ids of the chosen options, joined with "${LIST_SEPARATOR}"`, ...limits, ...(exclusive.length ? [`${exclusive.join(', ')} excludes the others`] : [])].join('; ');
    }
    case 'ranking':
      return `option ids in rank order (rank 1 first), joined with "${LIST_SEPARATOR}"${question.min_ranked !== undefined ? `; at least ${question.min_ranked} ranked` : '; every shown option ranked'}`;
    case 'rating':
      return scaleNotes(question.scale.points, question.scale.dont_know !== undefined);
    case 'matrix':
      return scaleNotes(question.scale.points, question.scale.dont_know !== undefined);
    case 'number': {
      const parts = [question.integer ? 'whole number' : 'number'];
      if (question.min !== undefined) parts.push(`min ${question.min}`);
      if (question.max !== undefined) parts.push(`max ${question.max}`);
      if (question.unit) parts.push(`unit: ${localize(question.unit, 'en', languages[0])}`);
      return parts.join('; ');
    }
    case 'nps':
      return '0 to 10';
    case 'short_text':
    case 'long_text':
      return `free text, at most ${question.max_length} characters`;
    case 'date':
      return ['date, YYYY-MM-DD', ...(question.min ? [`from ${question.min}`] : []), ...(question.max ? [`to ${question.max}`] : [])].join('; ');
  }
}

function metaEntry(name: MetaColumnName, languages: readonly string[]): CodebookEntry {
  const text = META_TEXT[name];
  return {
    column: name,
    questionId: null,
    questionText: Object.fromEntries(languages.map((l) => [l, l === 'fr' ? text.fr : text.en])),
    type: 'response',
    required: null,
    base: 'every response',
    notes: text.notes,
    values: name === 'source' ? SOURCE_VALUES.map((v) => ({ code: v.code, label: Object.fromEntries(languages.map((l) => [l, v.label[l] ?? v.label.en ?? ''])) })) : [],
  };
}

function questionEntry(column: Exclude<ExportColumn, { kind: 'meta' }>, languages: readonly string[]): CodebookEntry {
  const { question } = column;
  const common = { column: column.name, questionId: question.id, required: question.required, base: describeBase(columnConditions(column)) };
  const questionText = localized(question.text, languages);
  switch (column.kind) {
    case 'matrix_row':
      return {
        ...common,
        questionText: joinLocalized(questionText, localized(column.row.label, languages), languages),
        type: 'matrix',
        notes: `row ${column.row.id}: ${answerNotes(question, languages)}`,
        values: scaleValues(column.question.scale, languages),
      };
    case 'other_text': {
      const specify = column.option.specify;
      return {
        ...common,
        questionText: joinLocalized(questionText, localized(specify?.label ?? column.option.label, languages), languages),
        type: 'other_text',
        required: specify?.required ?? false,
        notes: `text typed with option ${column.option.id}, at most ${specify?.max_length ?? 200} characters`,
        values: [],
      };
    }
    case 'option_flag':
      return {
        ...common,
        questionText: joinLocalized(questionText, localized(column.option.label, languages), languages),
        type: 'multiple_choice_option',
        required: false,
        notes: `option ${column.option.id}: 1 chosen, 0 shown and not chosen, empty when not shown`,
        values: ([0, 1] as const).map((code) => ({ code, label: Object.fromEntries(languages.map((l) => [l, l === 'fr' ? OPTION_FLAG_LABELS[code].fr : OPTION_FLAG_LABELS[code].en])) })),
      };
    case 'answer': {
      let values: CodebookValue[] = [];
      if (question.type === 'rating') values = scaleValues(question.scale, languages);
      else if (question.type === 'nps') {
        values = [
          { code: 0, label: localized(question.low_label, languages) },
          { code: 10, label: localized(question.high_label, languages) },
        ];
      } else values = optionValues(question, languages);
      return { ...common, questionText, type: question.type, notes: answerNotes(question, languages), values };
    }
  }
}

/** The codebook of export columns, worded in `definition`'s languages (the newest version exported). */
export function buildCodebook(input: { surveyId: string; waveId: string; fingerprints: string[]; definition: TSurveyDefinition; columns: readonly ExportColumn[] }): Codebook {
  const languages = [...input.definition.languages];
  return {
    surveyId: input.surveyId,
    waveId: input.waveId,
    fingerprints: input.fingerprints,
    languages,
    columns: input.columns.map((c) => (c.kind === 'meta' ? metaEntry(c.name, languages) : questionEntry(c, languages))),
  };
}

// ---------------------------------------------------------------------------------------------
// Flat form (CSV, XLSX): one row per column and code; a column without codes takes one row
// ---------------------------------------------------------------------------------------------

export function codebookHeader(languages: readonly string[]): string[] {
  return ['column', 'question_id', ...languages.map((l) => `question_text_${l}`), 'type', 'required', 'code', ...languages.map((l) => `label_${l}`), 'base', 'notes'];
}

export type CodebookCell = string | number;

export function codebookRows(codebook: Codebook): CodebookCell[][] {
  const { languages } = codebook;
  const rows: CodebookCell[][] = [];
  for (const entry of codebook.columns) {
    const head = [entry.column, entry.questionId ?? '', ...languages.map((l) => entry.questionText[l] ?? '')];
    const required = entry.required === null ? '' : entry.required ? 'yes' : 'no';
    const values: (CodebookValue | undefined)[] = entry.values.length ? entry.values : [undefined];
    for (const value of values) {
      rows.push([...head, entry.type, required, value?.code ?? '', ...languages.map((l) => value?.label[l] ?? ''), entry.base, entry.notes]);
    }
  }
  return rows;
}

/** A codebook row with its texts guarded against formula injection (labels are organizer-written, but a spreadsheet does not care who wrote them). */
export function guardCodebookRow(row: readonly CodebookCell[]): CodebookCell[] {
  return row.map((cell) => (typeof cell === 'string' ? guardFormula(cell) : cell));
}
