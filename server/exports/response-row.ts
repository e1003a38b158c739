// One response as one row of cells, in the order of the export columns. Cells keep their types
// (numbers stay numbers, timestamps stay dates) so that each writer (CSV, XLSX) formats them its
// own way; the formula guard is applied by the writers, to strings only.
import type { StoredResponse } from '../responses/response.service';
import { DONT_KNOW, type TAnswerValue } from '../surveys/answers';
import { localize } from '../surveys/localize';
import type { TLocalizedText, TOption, TQuestion, TScale, TSurveyDefinition } from '../surveys/survey.schemas';
import { computeVisibility, type SurveyVisibility } from '../surveys/visibility';
import { isAnswered } from '../surveys/conditions';
import { LIST_SEPARATOR, optionsOf, type ExportColumn } from './export-columns';
import { guardFormula } from './formula-guard';

export type Cell = string | number | Date | null;

export type ExportedResponse = Pick<StoredResponse, 'id' | 'waveId' | 'fingerprint' | 'language' | 'source' | 'startedAt' | 'completedAt' | 'answers' | 'otherTexts'> &
  Partial<Pick<StoredResponse, 'status' | 'lastPageId'>> & {
    /** The design weight; absent means 1. */
    weight?: number;
  };

export interface RowOptions {
  /** Option and scale labels instead of codes. */
  labels: boolean;
  /** Language of the labels. */
  lang: string;
}

export const CODE_ROWS: RowOptions = { labels: false, lang: 'fr' };

function text(label: TLocalizedText, definition: TSurveyDefinition, lang: string): string {
  return localize(label, lang, definition.languages[0]);
}

function optionLabel(question: TQuestion, id: string, definition: TSurveyDefinition, lang: string): string {
  const option = optionsOf(question).find((o) => o.id === id);
  // An id the definition does not know (data older than the wording) is shown as it was stored.
  return option ? text(option.label, definition, lang) : id;
}

export function scalePointLabel(scale: TScale, point: number | string, definition: TSurveyDefinition, lang: string): string | undefined {
  if (point === DONT_KNOW) return scale.dont_know ? text(scale.dont_know, definition, lang) : undefined;
  const label = scale.labels[String(point)];
  return label ? text(label, definition, lang) : undefined;
}

function scaleCell(scale: TScale, value: unknown, definition: TSurveyDefinition, options: RowOptions): Cell {
  if (typeof value !== 'number' && typeof value !== 'string') return null;
  if (!options.labels) return value;
  // Points without a label of their own (scales labelled at both ends only) stay numbers.
  return scalePointLabel(scale, value, definition, options.lang) ?? value;
}

function idList(value: TAnswerValue | undefined): string[] {
  if (Array.isArray(value)) return value;
  return typeof value === 'string' && value !== '' ? [value] : [];
}

function answerCell(question: TQuestion, value: TAnswerValue | undefined, definition: TSurveyDefinition, options: RowOptions): Cell {
  if (value === undefined || value === null) return null;
  switch (question.type) {
    case 'single_choice':
    case 'yes_no':
      if (typeof value !== 'string') return null;
      return options.labels ? optionLabel(question, value, definition, options.lang) : value;
    case 'multiple_choice':
    case 'ranking': {
      const ids = idList(value);
      if (ids.length === 0) return null;
      return (options.labels ? ids.map((id) => optionLabel(question, id, definition, options.lang)) : ids).join(LIST_SEPARATOR);
    }
    case 'rating':
      return scaleCell(question.scale, value, definition, options);
    case 'number':
    case 'nps':
      return typeof value === 'number' ? value : null;
    case 'short_text':
    case 'long_text':
    case 'date':
      return typeof value === 'string' ? value : null;
    case 'matrix':
      return null; // one column per row, see matrix_row
  }
}

function metaCell(name: string, response: ExportedResponse): Cell {
  switch (name) {
    case 'response_id':
      return response.id;
    case 'wave':
      return response.waveId;
    case 'fingerprint':
      return response.fingerprint;
    case 'language':
      return response.language;
    case 'source':
      return response.source;
    case 'started_at':
      return response.startedAt;
    case 'completed_at':
      return response.completedAt ?? null;
    case 'weight':
      return response.weight ?? 1;
    default:
      return null;
  }
}

/**
 * Whether the respondent saw a question: its display logic holds and, for a response not finished,
 * they reached its page (a page after the last one they saved was never shown to them).
 */
function reachedQuestion(definition: TSurveyDefinition, question: TQuestion, response: ExportedResponse): boolean {
  if (isAnswered(response.answers[question.id])) return true;
  if (response.status === undefined || response.status === 'complete' || (response.status === 'voided' && response.completedAt)) return true;
  const pageIndex = definition.pages.findIndex((p) => p.questions.some((q) => q.id === question.id));
  const lastIndex = response.lastPageId ? definition.pages.findIndex((p) => p.id === response.lastPageId) : -1;
  return pageIndex <= lastIndex;
}

/** An option of a multiple choice as a 0/1 cell: 1 chosen, 0 shown and not chosen, empty when the option was not shown. */
function optionFlagCell(question: TQuestion, option: TOption, definition: TSurveyDefinition, response: ExportedResponse, visibility: () => SurveyVisibility): Cell {
  if (idList(response.answers[question.id]).includes(option.id)) return 1;
  const shown = visibility().options.get(question.id)?.includes(option.id) === true && reachedQuestion(definition, question, response);
  return shown ? 0 : null;
}

export function buildResponseRow(columns: readonly ExportColumn[], response: ExportedResponse, options: RowOptions = CODE_ROWS): Cell[] {
  // Display logic is judged once per row (and per definition version, when columns come from several).
  const visibilities = new Map<TSurveyDefinition, SurveyVisibility>();
  const visibilityIn = (definition: TSurveyDefinition) => (): SurveyVisibility => {
    let visibility = visibilities.get(definition);
    if (!visibility) visibilities.set(definition, (visibility = computeVisibility(definition, response.answers)));
    return visibility;
  };
  return columns.map((column) => {
    switch (column.kind) {
      case 'meta':
        return metaCell(column.name, response);
      case 'answer':
        return answerCell(column.question, response.answers[column.question.id], column.definition, options);
      case 'matrix_row': {
        const answer = response.answers[column.question.id];
        if (answer === undefined || typeof answer !== 'object' || Array.isArray(answer)) return null;
        return scaleCell(column.question.scale, answer[column.row.id], column.definition, options);
      }
      case 'other_text':
        return response.otherTexts[column.question.id] ?? null;
      case 'option_flag':
        return optionFlagCell(column.question, column.option, column.definition, response, visibilityIn(column.definition));
    }
  });
}

/** A cell as CSV text: timestamps in ISO 8601 UTC, numbers as JavaScript writes them, empty for no answer. */
export function csvText(cell: Cell): string {
  if (cell === null) return '';
  if (cell instanceof Date) return cell.toISOString();
  return String(cell);
}

/** A row as CSV fields, with every text cell guarded against formula injection. */
export function csvRecord(cells: readonly Cell[]): string[] {
  return cells.map((cell) => (typeof cell === 'string' ? guardFormula(cell) : csvText(cell)));
}
