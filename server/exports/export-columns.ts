// The columns of a response export, named by stable ids so that they never change between waves:
//   response_id, wave, fingerprint, language, source, started_at, completed_at, weight   (META_COLUMNS)
//   <question>          one per question (multiple choice and ranking: ids joined with ";")
//   <question>_<option> with ?multi=columns (always in .sav), one 0/1 column per option of a multiple choice
//   <question>.<row>    one per matrix row (piped matrices: one per option of the source question)
//   <question>--other   the "other (specify)" text of a choice question
// The same names are what the importer reads, so an export can be imported back.
import type { TLocalizedText, TMatrixQuestion, TOption, TPage, TQuestion, TSurveyDefinition } from '../surveys/survey.schemas';
import { findQuestion } from '../surveys/visibility';

export const META_COLUMNS = ['response_id', 'wave', 'fingerprint', 'language', 'source', 'started_at', 'completed_at', 'weight'] as const;

/** The two columns a `?voided=include` export ends with: 1 and the reason for a voided response, 0 and nothing for the others. */
export const VOIDED_COLUMNS = ['voided', 'voided_reason'] as const;

/** The two columns a `?status=all` export adds: complete, partial or screened_out, and the id of the last page the respondent saved. */
export const PROGRESS_COLUMNS = ['status', 'last_page'] as const;
export type MetaColumnName = (typeof META_COLUMNS)[number];

/** Joins the ids (or labels) of a multiple choice or ranking answer in one cell. */
export const LIST_SEPARATOR = ';';
export const OTHER_SUFFIX = '--other';

export interface MatrixRowRef {
  id: string;
  label: TLocalizedText;
}

export type ExportColumn =
  | { kind: 'meta'; name: MetaColumnName }
  | { kind: 'answer'; name: string; question: TQuestion; page: TPage; definition: TSurveyDefinition }
  | { kind: 'matrix_row'; name: string; question: TMatrixQuestion; row: MatrixRowRef; page: TPage; definition: TSurveyDefinition }
  | { kind: 'other_text'; name: string; question: TQuestion; option: TOption; page: TPage; definition: TSurveyDefinition }
  | { kind: 'option_flag'; name: string; question: TQuestion; option: TOption; page: TPage; definition: TSurveyDefinition };

export type QuestionColumn = Exclude<ExportColumn, { kind: 'meta' }>;

export function optionsOf(question: TQuestion): TOption[] {
  return 'options' in question && question.options ? question.options : [];
}

/** Every row a matrix can have: its own rows, or each option of the source question that is not excluded. */
export function matrixRows(definition: TSurveyDefinition, question: TMatrixQuestion): MatrixRowRef[] {
  if (question.rows) return question.rows.map((r) => ({ id: r.id, label: r.label }));
  if (!question.rows_from) return [];
  const source = findQuestion(definition, question.rows_from.question);
  const exclude = new Set(question.rows_from.exclude ?? []);
  return (source ? optionsOf(source) : []).filter((o) => !exclude.has(o.id)).map((o) => ({ id: o.id, label: o.label }));
}

/** The option that opens a "specify" text box, if the question has one. */
export function specifyOption(question: TQuestion): TOption | undefined {
  return optionsOf(question).find((o) => o.specify);
}

/** The question columns of one definition version, in questionnaire order. */
export function questionColumns(definition: TSurveyDefinition): QuestionColumn[] {
  const columns: QuestionColumn[] = [];
  for (const page of definition.pages) {
    for (const question of page.questions) {
      if (question.type === 'matrix') {
        for (const row of matrixRows(definition, question)) {
          columns.push({ kind: 'matrix_row', name: `${question.id}.${row.id}`, question, row, page, definition });
        }
        continue;
      }
      columns.push({ kind: 'answer', name: question.id, question, page, definition });
      const other = specifyOption(question);
      if (other) columns.push({ kind: 'other_text', name: `${question.id}${OTHER_SUFFIX}`, question, option: other, page, definition });
    }
  }
  return columns;
}

/**
 * The columns of an export that spans several definition versions (a wave whose definition was
 * edited while it ran). Versions come newest first: their order and wording win, and a column
 * that only an older version has is added after the ones before it, so no answer is dropped.
 */
export function exportColumns(versions: readonly TSurveyDefinition[]): ExportColumn[] {
  const merged: QuestionColumn[] = [];
  for (const definition of versions) {
    let insertAt = 0;
    for (const column of questionColumns(definition)) {
      const index = merged.findIndex((c) => c.name === column.name);
      if (index >= 0) {
        insertAt = index + 1;
        continue;
      }
      merged.splice(insertAt, 0, column);
      insertAt += 1;
    }
  }
  return [...META_COLUMNS.map((name) => ({ kind: 'meta' as const, name })), ...merged];
}

/** How a multiple choice answer is laid out: its ids joined in one cell, or one 0/1 column per option. */
export type MultipleChoiceLayout = 'list' | 'columns';

/** The column of one option of a multiple choice question (`?multi=columns`). */
export function optionFlagName(questionId: string, optionId: string): string {
  return `${questionId}_${optionId}`;
}

/**
 * The columns with each multiple choice column replaced by one 0/1 column per option, in option
 * order, where statistical packages want them (a multiple-response set is a set of such columns).
 */
export function splitMultipleChoices(columns: readonly ExportColumn[]): ExportColumn[] {
  return columns.flatMap((column): ExportColumn[] => {
    if (column.kind !== 'answer' || column.question.type !== 'multiple_choice') return [column];
    const { question, page, definition } = column;
    return question.options.map((option) => ({ kind: 'option_flag' as const, name: optionFlagName(question.id, option.id), question, option, page, definition }));
  });
}
