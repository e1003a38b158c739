// What a panel file's columns mean and whether a row can be stored, without reading or writing
// anything: the import service feeds it rows and stages what it accepts.
import { UnprocessableError } from '../lib/errors';
import { MAX_DESIGN_WEIGHT, readDesignWeight } from '../responses/import-weight';
import type { TLocalizedText, TSurveyDefinition } from '../surveys/survey.schemas';
import { quotaQuestionsOf } from '../waves/quota-cells';
import { emailKeyOf, hasLineBreak, isValidEmail } from './panel.service';

const EMAIL_HEADERS = ['email', 'e-mail', 'e_mail', 'mail', 'courriel', 'adresse email', 'adresse e-mail', 'adresse mail', 'email address', 'e-mail address'];
const NAME_HEADERS = ['name', 'nom', 'full name', 'nom complet'];
const LANGUAGE_HEADERS = ['language', 'langue', 'lang'];
/** The design weight (docs/design-weights.md): a field of the member, not an attribute. */
const WEIGHT_HEADERS = ['weight', 'poids', 'design weight', 'poids de sondage'];

const MAX_NAME = 200;
const MAX_ATTRIBUTE = 500;

/**
 * What a file holds, for a message: control characters (C0, DEL, C1) written as \\uXXXX, so a cell
 * printed on an operator's terminal cannot move the cursor, clear the screen or retitle the window.
 */
export function printable(text: string): string {
  return text.replace(/\p{Cc}/gu, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** A header as compared: trimmed, lower-cased, single spaces. */
function headerKey(header: string): string {
  return header.trim().toLowerCase().replace(/\s+/g, ' ');
}

/**
 * The attribute name a column is stored under: "Company size" → company_size, "Région" → region.
 * Only [a-z0-9_], so it is a safe field name and matches a question id written the same way.
 */
function attributeKeyOf(header: string): string {
  return header
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .slice(0, 64);
}

interface AttributeColumn {
  index: number;
  header: string;
  key: string;
  /** For a column named like a single-choice question: its option ids, by id and by every label (lower-cased). */
  options?: Map<string, string>;
}

export interface ImportColumns {
  emailIndex: number;
  nameIndex?: number;
  languageIndex?: number;
  weightIndex?: number;
  attributes: AttributeColumn[];
  /** The question ids whose values are checked. */
  checkedQuestions: string[];
  /** Columns that are neither email, name, language nor a question of the survey: kept, but maybe a typo. */
  unknownColumns: string[];
  /** Columns not stored: no name, or the name of a column before them. */
  ignoredColumns: string[];
}

function labelsOf(text: TLocalizedText): string[] {
  return typeof text === 'string' ? [text] : Object.values(text);
}

/**
 * Single-choice questions (and yes/no, which hold one option too) by id, with their options by id
 * and label: the questions a quota splits by, which an invitation's member attributes answer
 * (invitation-access.service.ts), so the import checks exactly those.
 */
function choiceQuestions(definition: TSurveyDefinition): Map<string, Map<string, string>> {
  const questions = new Map<string, Map<string, string>>();
  for (const question of quotaQuestionsOf(definition)) {
    const options = new Map<string, string>();
    for (const option of question.options) {
      options.set(option.id.toLowerCase(), option.id);
      for (const label of labelsOf(option.label)) options.set(label.trim().toLowerCase(), option.id);
    }
    questions.set(question.id, options);
  }
  return questions;
}

function allQuestionIds(definition: TSurveyDefinition): Set<string> {
  return new Set(definition.pages.flatMap((page) => page.questions.map((question) => question.id)));
}

/** What each column of the header holds; a file without an email column is refused. */
export function mapColumns(header: readonly string[], definition: TSurveyDefinition): ImportColumns {
  const choices = choiceQuestions(definition);
  const questionIds = allQuestionIds(definition);
  let emailIndex: number | undefined;
  let nameIndex: number | undefined;
  let languageIndex: number | undefined;
  let weightIndex: number | undefined;
  const attributes: AttributeColumn[] = [];
  const unknownColumns: string[] = [];
  const ignoredColumns: string[] = [];
  const taken = new Set<string>();
  header.forEach((raw, index) => {
    const key = headerKey(raw);
    if (EMAIL_HEADERS.includes(key) && emailIndex === undefined) emailIndex = index;
    else if (NAME_HEADERS.includes(key) && nameIndex === undefined) nameIndex = index;
    else if (LANGUAGE_HEADERS.includes(key) && languageIndex === undefined) languageIndex = index;
    else if (WEIGHT_HEADERS.includes(key) && weightIndex === undefined) weightIndex = index;
    else {
      const attribute = attributeKeyOf(raw);
      // A nameless or repeated column cannot be stored without losing or mixing values.
      if (attribute === '' || taken.has(attribute)) {
        ignoredColumns.push(raw.trim() === '' ? `(column ${index + 1})` : raw.trim());
        return;
      }
      taken.add(attribute);
      const options = choices.get(attribute);
      attributes.push({ index, header: raw.trim(), key: attribute, ...(options ? { options } : {}) });
      if (!questionIds.has(attribute)) unknownColumns.push(raw.trim());
    }
  });
  if (emailIndex === undefined) {
    throw new UnprocessableError(
      `The file has no email column: name one "email" (or "e-mail", "mail", "courriel"). Its columns are: ${header.map((h) => `"${printable(h.trim())}"`).join(', ') || 'none'}`,
      { columns: header },
      'missing_email_column',
    );
  }
  return {
    emailIndex,
    ...(nameIndex !== undefined ? { nameIndex } : {}),
    ...(languageIndex !== undefined ? { languageIndex } : {}),
    ...(weightIndex !== undefined ? { weightIndex } : {}),
    attributes,
    checkedQuestions: attributes.filter((a) => a.options).map((a) => a.key),
    unknownColumns,
    ignoredColumns,
  };
}

export interface MemberRow {
  email: string;
  emailKey: string;
  /** Given only when the cell is not empty: an empty cell never clears a stored value. */
  name?: string;
  language?: string;
  weight?: number;
  attributes: Record<string, string>;
}

export interface BadValue {
  column: string;
  value: string;
  /** What the column takes, for the report. */
  expected: string;
}

export type RowCheck = { kind: 'member'; member: MemberRow } | { kind: 'invalid_email'; value: string } | { kind: 'bad_values'; email: string; badValues: BadValue[] };

/** Whether every cell is empty: such a row is not a member and not an error (spreadsheets end with them). */
export function isBlankRow(cells: readonly string[]): boolean {
  return cells.every((cell) => cell.trim() === '');
}

/** A row as the member it describes, or why it is skipped. */
export function checkRow(cells: readonly string[], columns: ImportColumns, languages: readonly string[]): RowCheck {
  const cell = (index: number | undefined) => (index === undefined ? '' : (cells[index] ?? ''));
  const email = cell(columns.emailIndex).trim();
  if (!isValidEmail(email)) return { kind: 'invalid_email', value: email.slice(0, 200) };
  const badValues: BadValue[] = [];
  const rawName = cell(columns.nameIndex);
  const name = rawName.trim();
  // Even inside the value, a line break would end a mail header (header injection).
  if (hasLineBreak(name) || name.length > MAX_NAME) badValues.push({ column: 'name', value: rawName.slice(0, 200), expected: `one line of up to ${MAX_NAME} characters` });
  const language = cell(columns.languageIndex).trim().toLowerCase();
  if (language !== '' && !languages.includes(language)) badValues.push({ column: 'language', value: language.slice(0, 200), expected: languages.join(', ') });
  const rawWeight = cell(columns.weightIndex);
  const weight = readDesignWeight(rawWeight);
  if (weight.kind === 'refused') badValues.push({ column: 'weight', value: rawWeight.trim().slice(0, 200), expected: `a positive number of at most ${MAX_DESIGN_WEIGHT} (this one ${weight.reason})` });
  const attributes: Record<string, string> = {};
  for (const column of columns.attributes) {
    const value = cell(column.index).trim();
    if (value === '') continue;
    if (column.options) {
      const optionId = column.options.get(value.toLowerCase());
      if (optionId) attributes[column.key] = optionId;
      else badValues.push({ column: column.header, value: value.slice(0, 200), expected: `an option of question ${column.key}: ${[...new Set(column.options.values())].join(', ')}` });
    } else if (value.length > MAX_ATTRIBUTE || hasLineBreak(value)) {
      badValues.push({ column: column.header, value: value.slice(0, 200), expected: `one line of up to ${MAX_ATTRIBUTE} characters` });
    } else attributes[column.key] = value;
  }
  if (badValues.length) return { kind: 'bad_values', email, badValues };
  const member: MemberRow = { email, emailKey: emailKeyOf(email), ...(name ? { name } : {}), ...(language ? { language } : {}), ...(weight.kind === 'weight' ? { weight: weight.weight } : {}), attributes };
  return { kind: 'member', member };
}

/** What the row would change on the member already on the panel: nothing, or something. */
export function changesMember(row: MemberRow, stored: { name?: string | null; language?: string | null; weight?: number | null; attributes?: unknown }): boolean {
  if (row.name !== undefined && row.name !== (stored.name ?? undefined)) return true;
  if (row.language !== undefined && row.language !== (stored.language ?? undefined)) return true;
  if (row.weight !== undefined && row.weight !== (stored.weight ?? undefined)) return true;
  const attributes = (stored.attributes ?? {}) as Record<string, unknown>;
  return Object.entries(row.attributes).some(([key, value]) => attributes[key] !== value);
}
