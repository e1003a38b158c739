// A question's crosstab in the report: column percentages by the segment question's options,
// column bases, the significance letters of the column-proportion tests, the test of
// independence and the legend that says how the letters were tested.
import { translator, type Translate } from '../../lib/i18n/index';
import type { LoadedSurvey } from '../../surveys/survey.loader';
import { localize } from '../../surveys/localize';
import { findSingleChoiceQuestion } from '../../surveys/single-choice';
import type { TQuestion } from '../../surveys/survey.schemas';
import { formatPValue } from '../format/index';
import type { Crosstab, CrosstabChiSquare, CrosstabLegend } from '../figures/comparisons';
import type { Figures } from '../figures/figures.types';
import type { ReportLanguage } from './statements';
import { pct } from './report-cells';

export type CrosstabSection = {
  columns: Array<{ id: string; label: string; letter: string; base: number; lowBase: boolean }>;
  rows: Array<{ label: string; cells: Array<{ percent: string; markers: string }> }>;
  /** The test of independence, worded: a p-value and its verdict, or why there is none. */
  independence?: string;
  /** How the letters were tested: printed under the table. */
  legend: string[];
};

const ADJUSTMENT_WORDING = { none: 'crosstab.adjust_none', bonferroni: 'crosstab.adjust_bonferroni', bh: 'crosstab.adjust_bh' } as const;

/**
 * The legend of a crosstab's letters (test, base, adjustment, levels), and the columns left out of
 * the tests; `labelOf` names a column. The report and the dashboard print the same lines.
 */
export function crosstabLegendLines(legend: CrosstabLegend, t: Translate, labelOf: (columnId: string) => string): string[] {
  const lines = [
    t('crosstab.legend_letters', {
      base: t(legend.base === 'effective' ? 'crosstab.base_effective' : 'crosstab.base_respondents'),
      adjustment: t(ADJUSTMENT_WORDING[legend.adjustment]),
    }),
  ];
  if (legend.withheldColumns.length) lines.push(t('crosstab.legend_withheld', { columns: legend.withheldColumns.map(labelOf).join(', ') }));
  return lines;
}

/**
 * The legend under one question's crosstab: it names only the columns (of `columnIds`, all of them
 * by default) withheld for that question, not every column withheld for some question of the table.
 */
export function questionLegendLines(crosstab: Crosstab, questionId: string, t: Translate, labelOf: (columnId: string) => string, columnIds: readonly string[] = Object.keys(crosstab.columns)): string[] {
  const withheldColumns = columnIds.filter((c) => crosstab.columns[c]?.questions[questionId]?.flags.includes('suppressed'));
  return crosstabLegendLines({ ...crosstab.legend, withheldColumns }, t, labelOf);
}

const TEST_WORDING = { pearson: 'crosstab.chi_square', fisher: 'crosstab.fisher', 'rao-scott': 'crosstab.rao_scott' } as const;

/**
 * The test of independence in words: its p and verdict, or why no test is claimed (a sparse
 * table, or a weighted one whose design-corrected test cannot be computed).
 */
export function independenceText(test: CrosstabChiSquare, t: Translate, lang: ReportLanguage): string {
  // A sparse table claims nothing, whatever an approximate test's p (Fisher's is exact).
  if (test.sparse && test.method !== 'fisher') return t('crosstab.sparse', { below: test.expectedBelow5, cells: test.cells });
  if (test.pValue === null) return t('crosstab.no_design_test');
  const params = { p: formatPValue(test.pValue, lang), verdict: t(test.significant ? 'crosstab.significant' : 'crosstab.not_significant') };
  return t(TEST_WORDING[test.method], params);
}

export function crosstabSection(question: TQuestion, figures: Figures, definition: LoadedSurvey['definition'], lang: ReportLanguage): CrosstabSection | undefined {
  const crosstab = figures.crosstab;
  if (!crosstab || !('options' in question) || !question.options || question.type === 'ranking' || question.id === crosstab.question) return undefined;
  const t = translator(lang);
  const source = definition.languages[0] ?? lang;
  const byOptions = findSingleChoiceQuestion(definition, crosstab.question)?.options ?? [];
  const labelOf = (id: string) => {
    const option = byOptions.find((o) => o.id === id);
    return option ? localize(option.label, lang, source) : id;
  };
  const columns = Object.entries(crosstab.columns).map(([id, column]) => {
    const figures = column.questions[question.id];
    return { id, label: labelOf(id), letter: column.letter, base: figures?.base.n ?? 0, lowBase: (figures?.flags.length ?? 0) > 0 };
  });
  const test = crosstab.tests[question.id];
  return {
    columns,
    rows: question.options.map((option) => ({
      label: localize(option.label, lang, source),
      cells: columns.map((column) => ({
        percent: pct(crosstab.columns[column.id]?.questions[question.id]?.options?.[option.id], lang),
        markers: (test?.markers[option.id]?.[column.id] ?? []).join(''),
      })),
    })),
    ...(test?.chiSquare ? { independence: independenceText(test.chiSquare, t, lang) } : {}),
    legend: questionLegendLines(crosstab, question.id, t, labelOf),
  };
}
