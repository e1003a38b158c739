// How a survey's export columns become the variables of a .sav file: codes with value labels
// (option labels, scale labels) in the language asked for, "don't know" as a declared missing
// code, one 0/1 variable per option of a multiple choice grouped in a multiple-response set, one
// rank variable per option of a ranking, SPSS dates for timestamps and date answers, strings for
// texts, and the design weight as the file's weight variable.
import { DONT_KNOW } from '../../surveys/answers';
import { localize } from '../../surveys/localize';
import type { TLocalizedText, TQuestion, TScale, TSurveyDefinition } from '../../surveys/survey.schemas';
import { META_TEXT, OPTION_FLAG_LABELS } from '../codebook';
import { LIST_SEPARATOR, OTHER_SUFFIX, optionFlagName, optionsOf, type ExportColumn, type PROGRESS_COLUMNS, type VOIDED_COLUMNS } from '../export-columns';
import type { Cell } from '../response-row';
import { utf8Length } from './sav-bytes';
import { MAX_STRING_BYTES, SAV_FORMAT, spssDate, spssSeconds, type SavFormat, type SavMultipleResponseSet, type SavValue, type SavVariable } from './sav-dictionary';
import { NameRegistry, validName } from './sav-names';

/** The code "don't know" is written as, declared missing: above every scale point the survey format allows. */
const DONT_KNOW_CODE = 99;
const WEIGHT_VARIABLE = 'weight';

/** A variable and how its value is read from a response's row of cells (export codes). */
export interface SavColumn {
  variable: SavVariable;
  read(cells: readonly Cell[]): SavValue;
}

export interface SavPlan {
  columns: SavColumn[];
  multipleResponseSets: SavMultipleResponseSet[];
  weight: string;
}

/** The columns after the survey's, when the export asks for them (status, last_page, voided, voided_reason). */
export type ExtraColumnName = (typeof PROGRESS_COLUMNS)[number] | (typeof VOIDED_COLUMNS)[number];

const EXTRA_TEXT: Record<ExtraColumnName, { fr: string; en: string }> = {
  status: { fr: 'Statut de la réponse (complete, partial, screened_out)', en: 'Response status (complete, partial, screened_out)' },
  last_page: { fr: 'Dernière page enregistrée', en: 'Last page saved' },
  voided: { fr: 'Réponse annulée', en: 'Voided response' },
  voided_reason: { fr: "Motif de l'annulation", en: 'Why it was voided' },
};

const NO_YES = [
  { fr: 'Non', en: 'No' },
  { fr: 'Oui', en: 'Yes' },
] as const;

const NUMBER_FORMAT = (width: number, decimals = 0): SavFormat => ({ type: SAV_FORMAT.F, width, decimals });
const TIMESTAMP_FORMAT: SavFormat = { type: SAV_FORMAT.DATETIME, width: 20, decimals: 0 };
const DATE_FORMAT: SavFormat = { type: SAV_FORMAT.DATE, width: 11, decimals: 0 };

function byLanguage(text: { fr: string; en: string }, lang: string): string {
  return lang === 'fr' ? text.fr : text.en;
}

/** The value labels of a 0/1 variable, in the export's language. */
function zeroOneLabels(texts: Readonly<Record<0 | 1, { fr: string; en: string }>>, lang: string): Array<[number, string]> {
  return [
    [0, byLanguage(texts[0], lang)],
    [1, byLanguage(texts[1], lang)],
  ];
}

function stringVariable(name: string, label: string): SavVariable {
  // The width is measured on the data (widenStrings) before the file is written.
  return { name, label, width: 1, measure: 'nominal' };
}

function toDate(cell: Cell): SavValue {
  return cell instanceof Date ? spssSeconds(cell) : null;
}

function toNumber(cell: Cell): SavValue {
  return typeof cell === 'number' ? cell : null;
}

function toText(cell: Cell): SavValue {
  if (cell === null) return null;
  return cell instanceof Date ? cell.toISOString() : String(cell);
}

function scalePoint(cell: Cell): SavValue {
  if (cell === DONT_KNOW) return DONT_KNOW_CODE;
  return toNumber(cell);
}

function idsOf(cell: Cell): string[] {
  return typeof cell === 'string' && cell !== '' ? cell.split(LIST_SEPARATOR) : [];
}

/** A scale's value labels in one language, with the "don't know" code when the scale offers it. */
function scaleLabels(scale: TScale, text: (t: TLocalizedText) => string): Array<[number, string]> {
  const labels: Array<[number, string]> = [];
  for (let point = 1; point <= scale.points; point += 1) {
    const label = scale.labels[String(point)];
    if (label) labels.push([point, text(label)]);
  }
  if (scale.dont_know) labels.push([DONT_KNOW_CODE, text(scale.dont_know)]);
  return labels;
}

function npsLabels(low: TLocalizedText | undefined, high: TLocalizedText | undefined, text: (t: TLocalizedText) => string): Array<[number, string]> {
  return [...(low ? [[0, text(low)] as [number, string]] : []), ...(high ? [[10, text(high)] as [number, string]] : [])];
}

function ratingVariable(name: string, label: string, scale: TScale, text: (t: TLocalizedText) => string): SavVariable {
  return {
    name,
    label,
    width: 0,
    format: NUMBER_FORMAT(2),
    measure: 'ordinal',
    valueLabels: scaleLabels(scale, text),
    ...(scale.dont_know ? { missing: [DONT_KNOW_CODE] } : {}),
  };
}

export function planSavColumns(input: { columns: readonly ExportColumn[]; extraColumns: readonly ExtraColumnName[]; lang: string }): SavPlan {
  const { lang } = input;
  const names = new NameRegistry();
  const claim = (wanted: string): string => names.claim(validName(wanted));
  const columns: SavColumn[] = [];
  const sets = new Map<string, SavMultipleResponseSet & { variables: string[] }>();
  let weight = WEIGHT_VARIABLE;
  const flagLabels = zeroOneLabels(OPTION_FLAG_LABELS, lang);

  input.columns.forEach((column, index) => {
    const cellOf = (cells: readonly Cell[]): Cell => cells[index] ?? null;
    const add = (variable: SavVariable, read: (cell: Cell) => SavValue): void => {
      columns.push({ variable, read: (cells) => read(cellOf(cells)) });
    };
    if (column.kind === 'meta') {
      const label = byLanguage(META_TEXT[column.name], lang);
      const name = claim(column.name);
      if (column.name === 'started_at' || column.name === 'completed_at') add({ name, label, width: 0, format: TIMESTAMP_FORMAT, measure: 'scale' }, toDate);
      else if (column.name === 'weight') {
        weight = name;
        add({ name, label, width: 0, format: NUMBER_FORMAT(12, 4), measure: 'scale' }, toNumber);
      } else add(stringVariable(name, label), toText);
      return;
    }
    const definition: TSurveyDefinition = column.definition;
    const text = (t: TLocalizedText): string => localize(t, lang, definition.languages[0]);
    const question: TQuestion = column.question;
    const wording = text(question.text);
    const labelled = (part: TLocalizedText): string => `${wording} [${text(part)}]`;
    switch (column.kind) {
      case 'matrix_row':
        add(ratingVariable(claim(column.name), labelled(column.row.label), column.question.scale, text), scalePoint);
        return;
      case 'other_text':
        add(stringVariable(claim(`${column.name.slice(0, -OTHER_SUFFIX.length)}_other_text`), labelled(column.option.specify?.label ?? column.option.label)), toText);
        return;
      case 'option_flag': {
        const name = claim(column.name);
        add({ name, label: labelled(column.option.label), width: 0, format: NUMBER_FORMAT(1), measure: 'nominal', valueLabels: flagLabels }, toNumber);
        const set = sets.get(question.id) ?? { name: validName(question.id), label: wording, variables: [], countedValue: 1 };
        set.variables.push(name);
        sets.set(question.id, set);
        return;
      }
      case 'answer':
        break;
    }
    const name = (): string => claim(column.name);
    switch (question.type) {
      case 'single_choice':
      case 'yes_no': {
        const ids = question.options.map((o) => o.id);
        const valueLabels = question.options.map((o, i): [number, string] => [i + 1, text(o.label)]);
        add({ name: name(), label: wording, width: 0, format: NUMBER_FORMAT(String(ids.length).length), measure: 'nominal', valueLabels }, (cell) => {
          const at = typeof cell === 'string' ? ids.indexOf(cell) : -1;
          return at >= 0 ? at + 1 : null;
        });
        return;
      }
      case 'multiple_choice':
      case 'ranking': {
        // A ranking: one variable per option holding its rank (empty when not ranked). A multiple
        // choice only comes here when the columns were not split: the same layout, 1 when chosen.
        const options = optionsOf(question);
        for (const option of options) {
          const rank = (cell: Cell): SavValue => {
            const at = idsOf(cell).indexOf(option.id);
            if (question.type === 'multiple_choice') return cell === null ? null : at >= 0 ? 1 : 0;
            return at >= 0 ? at + 1 : null;
          };
          add({ name: claim(optionFlagName(question.id, option.id)), label: labelled(option.label), width: 0, format: NUMBER_FORMAT(String(options.length).length), measure: 'ordinal' }, rank);
        }
        return;
      }
      case 'rating':
        add(ratingVariable(name(), wording, question.scale, text), scalePoint);
        return;
      case 'nps':
        add({ name: name(), label: wording, width: 0, format: NUMBER_FORMAT(2), measure: 'ordinal', valueLabels: npsLabels(question.low_label, question.high_label, text) }, toNumber);
        return;
      case 'number':
        add({ name: name(), label: wording, width: 0, format: NUMBER_FORMAT(12, question.integer ? 0 : 4), measure: 'scale' }, toNumber);
        return;
      case 'date':
        add({ name: name(), label: wording, width: 0, format: DATE_FORMAT, measure: 'scale' }, (cell) => (typeof cell === 'string' ? spssDate(cell) : null));
        return;
      case 'short_text':
      case 'long_text':
        add(stringVariable(name(), wording), toText);
        return;
      case 'matrix':
        return; // one column per row (matrix_row)
    }
  });

  input.extraColumns.forEach((extra, i) => {
    const index = input.columns.length + i;
    const label = byLanguage(EXTRA_TEXT[extra], lang);
    const voided = extra === 'voided';
    const variable: SavVariable = voided ? { name: claim(extra), label, width: 0, format: NUMBER_FORMAT(1), measure: 'nominal', valueLabels: zeroOneLabels(NO_YES, lang) } : stringVariable(claim(extra), label);
    const read = voided ? toNumber : toText;
    columns.push({ variable, read: (cells) => read(cells[index] ?? null) });
  });

  const multipleResponseSets = [...sets.values()].filter((s) => s.variables.length >= 2);
  return { columns, multipleResponseSets, weight };
}

/** Widens each string variable to the longest value it will hold, in bytes (1 at least, at most what the format allows). */
export function widenStrings(plan: SavPlan, cells: readonly Cell[]): void {
  for (const column of plan.columns) {
    if (column.variable.width === 0) continue;
    const value = column.read(cells);
    if (typeof value !== 'string') continue;
    column.variable = { ...column.variable, width: Math.min(Math.max(column.variable.width, utf8Length(value)), MAX_STRING_BYTES) };
  }
}

export function caseValues(plan: SavPlan, cells: readonly Cell[]): SavValue[] {
  return plan.columns.map((column) => column.read(cells));
}
