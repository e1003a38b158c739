// The tables workbook: every question by each banner asked for (`by=`), one sheet per banner, as
// Q and WinCross deliver them: a Total column then one column per option of the banner question,
// with bases, percentages, the crosstab's column letters under each percentage and its legend
// under every table. The figures are the figures service's, so the workbook says exactly what the
// API and the report say, withheld cells included (shown as "—", never with a letter).
import type { Writable } from 'node:stream';
import type { Crosstab } from '../analysis/figures/comparisons';
import type { Figures, ScaleFigures } from '../analysis/figures/figures.types';
import { localize } from '../surveys/localize';
import { findQuestion } from '../surveys/visibility';
import type { TLocalizedText, TQuestion, TScale, TSurveyDefinition } from '../surveys/survey.schemas';
import { matrixRows, optionsOf } from './export-columns';
import { startStreamedWorkbook } from './xlsx-stream';
import { independenceText, questionLegendLines } from '../analysis/report/crosstab-section';
import { translator, type Translate } from '../lib/i18n/index';

/** What a table's words come from: the workbook's own labels, the survey's texts, and the report's crosstab wording. */
interface Wording {
  words: Words;
  text: (t: TLocalizedText) => string;
  t: Translate;
  lang: 'fr' | 'en';
  columnLabel: (columnId: string) => string;
}

export interface Banner {
  /** The banner's single-choice question. */
  by: string;
  /** The wave's figures with `by` set: the total in `questions`, the columns in `crosstab`. */
  figures: Figures;
}

type Words = Record<'total' | 'base' | 'weightedBase' | 'effectiveBase' | 'withheld' | 'top2' | 'bottom2' | 'mean' | 'dontKnow', string>;

const WORDS: Record<'fr' | 'en', Words> = {
  fr: {
    total: 'Total',
    base: 'Base (répondants)',
    weightedBase: 'Base pondérée',
    effectiveBase: 'Base effective',
    withheld: '—',
    top2: 'Top 2',
    bottom2: 'Bottom 2',
    mean: 'Moyenne',
    dontKnow: 'Ne sait pas (hors base)',
  },
  en: {
    total: 'Total',
    base: 'Base (respondents)',
    weightedBase: 'Weighted base',
    effectiveBase: 'Effective base',
    withheld: '—',
    top2: 'Top 2',
    bottom2: 'Bottom 2',
    mean: 'Mean',
    dontKnow: "Don't know (outside the base)",
  },
};

const PERCENT = '0%';
const MAX_SHEET_NAME = 31;

interface Line {
  label: string;
  /** Proportions (0..1) or numbers; null when withheld or absent. */
  values: (number | null)[];
  letters?: string[];
  format?: string;
}

function scaleLabel(scale: TScale, point: string, text: (t: TLocalizedText) => string): string {
  const label = scale.labels[point];
  return label ? `${point} ${text(label)}` : point;
}

/** The lines of one scale (a rating or a matrix row) in every column. */
function scaleLines(scale: TScale, columns: (ScaleFigures | undefined)[], words: Words, text: (t: TLocalizedText) => string): Line[] {
  const lines: Line[] = [];
  for (let point = 1; point <= scale.points; point += 1) {
    lines.push({ label: scaleLabel(scale, String(point), text), values: columns.map((c) => c?.options[String(point)]?.proportion ?? null), format: PERCENT });
  }
  lines.push({ label: words.top2, values: columns.map((c) => c?.top2?.proportion ?? null), format: PERCENT });
  lines.push({ label: words.bottom2, values: columns.map((c) => c?.bottom2?.proportion ?? null), format: PERCENT });
  lines.push({ label: words.mean, values: columns.map((c) => c?.mean ?? null), format: '0.00' });
  if (scale.dont_know) lines.push({ label: words.dontKnow, values: columns.map((c) => c?.dontKnow?.count ?? null), format: '0' });
  return lines;
}

interface Table {
  title: string;
  bases: (number | null)[];
  weightedBases?: (number | null)[];
  effectiveBases?: (number | null)[];
  lines: Line[];
  note?: string;
  /** The letters' legend, as under the report's crosstabs (the columns withheld for this question named). */
  legend: string[];
}

function tablesOf(question: TQuestion, definition: TSurveyDefinition, banner: Banner, crosstab: Crosstab, columnIds: string[], wording: Wording): Table[] {
  const { words, text } = wording;
  const legend = questionLegendLines(crosstab, question.id, wording.t, wording.columnLabel, columnIds);
  const all = [banner.figures.questions[question.id], ...columnIds.map((c) => crosstab.columns[c]?.questions[question.id])];
  const weighted = banner.figures.weighted;
  const basesOf = (bases: (ScaleFigures['base'] | undefined)[]) => ({
    bases: bases.map((b) => b?.n ?? null),
    ...(weighted ? { weightedBases: bases.map((b) => b?.weighted ?? null), effectiveBases: bases.map((b) => b?.effective ?? null) } : {}),
  });
  if (question.type === 'matrix') {
    return matrixRows(definition, question).map((row) => {
      const columns = all.map((q) => q?.rows?.[row.id]);
      return { title: `${text(question.text)} [${text(row.label)}]`, ...basesOf(columns.map((c) => c?.base)), lines: scaleLines(question.scale, columns, words, text), legend };
    });
  }
  const title = text(question.text);
  if (question.type === 'rating') return [{ title, ...basesOf(all.map((q) => q?.base)), lines: scaleLines(question.scale, all as (ScaleFigures | undefined)[], words, text), legend }];
  const options = optionsOf(question);
  if (options.length === 0 || question.type === 'ranking') return [];
  const test = crosstab.tests[question.id];
  const lines = options.map(
    (option): Line => ({
      label: text(option.label),
      values: all.map((q) => q?.options?.[option.id]?.proportion ?? null),
      letters: ['', ...columnIds.map((c) => (test?.markers[option.id]?.[c] ?? []).join(''))],
      format: PERCENT,
    }),
  );
  const chi = test?.chiSquare;
  const note = chi ? independenceText(chi, wording.t, wording.lang) : undefined;
  return [{ title, ...basesOf(all.map((q) => q?.base)), lines, legend, ...(note ? { note } : {}) }];
}

function sheetName(name: string, taken: Set<string>): string {
  let candidate = name.replace(/[[\]:*?/\\]/g, '_').slice(0, MAX_SHEET_NAME);
  for (let n = 2; taken.has(candidate); n += 1) candidate = `${name.slice(0, MAX_SHEET_NAME - String(n).length - 1)}_${n}`;
  taken.add(candidate);
  return candidate;
}

/** Streams the workbook: one sheet per banner, one table per question (per row of a matrix). */
export async function writeTablesWorkbook(input: { definition: TSurveyDefinition; lang: string; banners: readonly Banner[] }, out: Writable): Promise<void> {
  const { definition, lang } = input;
  const language = lang === 'fr' ? 'fr' : 'en';
  const words = WORDS[language];
  const t = translator(language);
  // Texts go in as string cells, as written: in XLSX a string cell is never a formula (no CSV quote needed).
  const text = (t: TLocalizedText): string => localize(t, lang, definition.languages[0]);
  const { workbook, finished: done } = startStreamedWorkbook(out);
  const taken = new Set<string>();
  const questions = definition.pages.flatMap((p) => p.questions);
  for (const banner of input.banners) {
    const crosstab = banner.figures.crosstab;
    if (!crosstab) throw new Error(`the figures of banner ${banner.by} have no crosstab`);
    const byQuestion = findQuestion(definition, banner.by);
    const columnIds = Object.keys(crosstab.columns);
    const optionLabels = new Map(byQuestion ? optionsOf(byQuestion).map((o) => [o.id, text(o.label)]) : []);
    const optionLabel = (id: string) => optionLabels.get(id) ?? id;
    const sheet = workbook.addWorksheet(sheetName(banner.by, taken));
    sheet.columns = [{ width: 60 }, { width: 12 }, ...columnIds.map(() => ({ width: 16 }))];
    const header = ['', words.total, ...columnIds.map((c) => `${optionLabel(c)} (${crosstab.columns[c]?.letter ?? ''})`)];
    if (byQuestion) sheet.addRow([text(byQuestion.text)]).commit();
    sheet.addRow([]).commit();
    for (const question of questions) {
      if (question.id === banner.by) continue;
      for (const table of tablesOf(question, definition, banner, crosstab, columnIds, { words, text, t, lang: language, columnLabel: optionLabel })) {
        const titleRow = sheet.addRow([table.title]);
        titleRow.font = { bold: true };
        titleRow.commit();
        const headerRow = sheet.addRow(header);
        headerRow.font = { bold: true };
        headerRow.commit();
        sheet.addRow([words.base, ...table.bases]).commit();
        if (table.weightedBases) sheet.addRow([words.weightedBase, ...table.weightedBases]).commit();
        if (table.effectiveBases) sheet.addRow([words.effectiveBase, ...table.effectiveBases]).commit();
        for (const line of table.lines) {
          const row = sheet.addRow([line.label, ...line.values.map((v) => (v === null ? words.withheld : v))]);
          if (line.format) line.values.forEach((v, i) => { if (v !== null) row.getCell(i + 2).numFmt = line.format as string; });
          row.commit();
          if (line.letters?.some((l) => l !== '')) sheet.addRow(['', ...line.letters]).commit();
        }
        if (table.note) sheet.addRow([table.note]).commit();
        for (const line of table.legend) {
          const legendRow = sheet.addRow([line]);
          legendRow.font = { italic: true };
          legendRow.commit();
        }
        sheet.addRow([]).commit();
      }
    }
    sheet.commit();
  }
  await workbook.commit();
  await done;
}
