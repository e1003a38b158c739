// What changed between two versions of a survey's definition, matched by stable ids: questions
// and options added, removed, reworded, moved, or changed in type, with the old and new wording
// side by side. Waves compare their figures question by question, so a changed wording is what
// decides whether two waves can still be compared (series-breaks.ts). Pure: no database.
import type { TLocalizedText, TQuestion, TSurveyDefinition } from '../survey.schemas';

/** A wording in every language compared, e.g. { fr: 'Utilisez-vous…', en: 'Do you use…' }. */
export type Wording = Record<string, string>;

export type ChangeKind = 'added' | 'removed' | 'reworded' | 'moved' | 'type_changed';

/** Where an item sits: its page (questions only) and its 1-based place in the page or question. */
export interface ItemState {
  wording: Wording;
  position: number;
  /** Questions only. */
  page?: string;
  type?: TQuestion['type'];
}

export interface DefinitionChange {
  kind: ChangeKind;
  target: 'question' | 'option';
  /** "question:<id>" or "option:<question id>.<option id>": what an editorial mark names. */
  ref: string;
  questionId: string;
  optionId?: string;
  /** Absent for an added item. */
  before?: ItemState;
  /** Absent for a removed item. */
  after?: ItemState;
}

export interface DefinitionDiff {
  /** Questions in the order of the newer version (removed ones where they were), options within. */
  changes: DefinitionChange[];
}

export function questionRef(questionId: string): string {
  return `question:${questionId}`;
}

export function optionRef(questionId: string, optionId: string): string {
  return `option:${questionId}.${optionId}`;
}

/** The question a ref is about: "question:q" and "option:q.o" are both about q. */
export function questionOfRef(ref: string): string | undefined {
  const match = /^(?:question:([a-z0-9_]+)|option:([a-z0-9_]+)\.[a-z0-9_]+)$/.exec(ref);
  return match ? (match[1] ?? match[2]) : undefined;
}

/** The refs of the rewordings of a diff: what can break a series, or be marked editorial. */
export function rewordingsOf(diff: DefinitionDiff): DefinitionChange[] {
  return diff.changes.filter((c) => c.kind === 'reworded');
}

interface Located<T> {
  item: T;
  position: number;
  page?: string;
}

/**
 * The items a respondent reads inside a question, keyed like its figures: choice options, matrix
 * rows, and scale labels by their point ("1", "5").
 */
export function wordedItemsOf(question: TQuestion): Map<string, TLocalizedText> {
  const items = new Map<string, TLocalizedText>();
  if ('options' in question && question.options) for (const option of question.options) items.set(option.id, option.label);
  if (question.type === 'matrix' && question.rows) for (const row of question.rows) items.set(row.id, row.label);
  if (question.type === 'rating' || question.type === 'matrix') for (const [point, label] of Object.entries(question.scale.labels)) items.set(point, label);
  return items;
}

function questionsOf(definition: TSurveyDefinition): Map<string, Located<TQuestion>> {
  const located = new Map<string, Located<TQuestion>>();
  for (const page of definition.pages) {
    page.questions.forEach((question, index) => located.set(question.id, { item: question, position: index + 1, page: page.id }));
  }
  return located;
}

/**
 * The ids, common to both orders, that keep their relative order (a longest common subsequence):
 * the others moved. Inserting a question before another does not make every later one "moved".
 */
function unmoved(before: readonly string[], after: readonly string[]): Set<string> {
  const common = new Set(before.filter((id) => after.includes(id)));
  const a = before.filter((id) => common.has(id));
  const b = after.filter((id) => common.has(id));
  const lengths = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      const row = lengths[i] as number[];
      const next = lengths[i + 1] as number[];
      row[j] = a[i] === b[j] ? (next[j + 1] as number) + 1 : Math.max(next[j] as number, row[j + 1] as number);
    }
  }
  const kept = new Set<string>();
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      kept.add(a[i] as string);
      i++;
      j++;
    } else if ((lengths[i + 1] as number[])[j]! >= (lengths[i] as number[])[j + 1]!) i++;
    else j++;
  }
  return kept;
}

/** Languages both versions are written in: adding a translation is not rewording the others. */
function comparedLanguages(before: TSurveyDefinition, after: TSurveyDefinition): { languages: string[]; sources: [string, string] } {
  const languages = before.languages.filter((l) => after.languages.includes(l));
  return { languages, sources: [before.languages[0] ?? 'fr', after.languages[0] ?? 'fr'] };
}

function wordingOf(text: TLocalizedText, source: string, languages: readonly string[]): Wording {
  const all: Wording = typeof text === 'string' ? { [source]: text } : { ...text };
  const wording: Wording = {};
  for (const lang of languages) if (all[lang] !== undefined) wording[lang] = all[lang];
  return Object.keys(wording).length > 0 ? wording : all;
}

function sameWording(a: Wording, b: Wording): boolean {
  const languages = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...languages].every((lang) => (a[lang] ?? '').trim() === (b[lang] ?? '').trim());
}

/** The differences from `before` to `after` (two versions of the same survey). */
export function diffDefinitions(before: TSurveyDefinition, after: TSurveyDefinition): DefinitionDiff {
  const { languages, sources } = comparedLanguages(before, after);
  const oldWording = (text: TLocalizedText) => wordingOf(text, sources[0], languages);
  const newWording = (text: TLocalizedText) => wordingOf(text, sources[1], languages);
  const oldQuestions = questionsOf(before);
  const newQuestions = questionsOf(after);
  const keptInOrder = unmoved([...oldQuestions.keys()], [...newQuestions.keys()]);
  const changes: DefinitionChange[] = [];

  const questionState = (located: Located<TQuestion>, wording: Wording): ItemState => ({
    wording,
    position: located.position,
    ...(located.page ? { page: located.page } : {}),
    type: located.item.type,
  });

  // Removed questions are listed where they stood: after the question that preceded them.
  const oldIds = [...oldQuestions.keys()];
  const listRemovedAfter = (index: number) => {
    for (let i = index + 1; i < oldIds.length && !newQuestions.has(oldIds[i] as string); i++) {
      const id = oldIds[i] as string;
      const old = oldQuestions.get(id) as Located<TQuestion>;
      changes.push({ kind: 'removed', target: 'question', ref: questionRef(id), questionId: id, before: questionState(old, oldWording(old.item.text)) });
    }
  };
  listRemovedAfter(-1);

  for (const [id, now] of newQuestions) {
    const old = oldQuestions.get(id);
    const after = questionState(now, newWording(now.item.text));
    if (!old) {
      changes.push({ kind: 'added', target: 'question', ref: questionRef(id), questionId: id, after });
      continue;
    }
    const beforeState = questionState(old, oldWording(old.item.text));
    const question = (kind: ChangeKind) => changes.push({ kind, target: 'question', ref: questionRef(id), questionId: id, before: beforeState, after });
    if (old.item.type !== now.item.type) question('type_changed');
    if (!sameWording(beforeState.wording, after.wording)) question('reworded');
    if (old.page !== now.page || !keptInOrder.has(id)) question('moved');
    changes.push(...optionChanges(id, old.item, now.item, oldWording, newWording));
    listRemovedAfter(oldIds.indexOf(id));
  }
  return { changes };
}

function optionChanges(questionId: string, before: TQuestion, after: TQuestion, oldWording: (t: TLocalizedText) => Wording, newWording: (t: TLocalizedText) => Wording): DefinitionChange[] {
  const oldItems = wordedItemsOf(before);
  const newItems = wordedItemsOf(after);
  const oldIds = [...oldItems.keys()];
  const newIds = [...newItems.keys()];
  const keptInOrder = unmoved(oldIds, newIds);
  const state = (wording: Wording, position: number): ItemState => ({ wording, position });
  const change = (kind: ChangeKind, optionId: string, states: Pick<DefinitionChange, 'before' | 'after'>): DefinitionChange => ({
    kind,
    target: 'option',
    ref: optionRef(questionId, optionId),
    questionId,
    optionId,
    ...states,
  });
  const changes: DefinitionChange[] = [];
  for (const [index, id] of oldIds.entries()) {
    if (!newItems.has(id)) changes.push(change('removed', id, { before: state(oldWording(oldItems.get(id) as TLocalizedText), index + 1) }));
  }
  for (const [index, id] of newIds.entries()) {
    const now = state(newWording(newItems.get(id) as TLocalizedText), index + 1);
    const oldLabel = oldItems.get(id);
    if (oldLabel === undefined) {
      changes.push(change('added', id, { after: now }));
      continue;
    }
    const old = state(oldWording(oldLabel), oldIds.indexOf(id) + 1);
    if (!sameWording(old.wording, now.wording)) changes.push(change('reworded', id, { before: old, after: now }));
    if (!keptInOrder.has(id)) changes.push(change('moved', id, { before: old, after: now }));
  }
  return changes;
}
