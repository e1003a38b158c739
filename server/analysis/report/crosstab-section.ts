// A question's crosstab in the report: column percentages by the segment question's options,
// column bases and the significance letters of the column-proportion tests.
import type { LoadedSurvey } from '../../surveys/survey.loader';
import { localize } from '../../surveys/localize';
import { findSingleChoiceQuestion } from '../../surveys/single-choice';
import type { TQuestion } from '../../surveys/survey.schemas';
import { formatPValue } from '../format/index';
import type { Figures } from '../figures/figures.types';
import type { ReportLanguage } from './statements';
import { pct } from './report-cells';

export type CrosstabSection = {
    columns: Array<{ id: string; label: string; letter: string; base: number; lowBase: boolean }>;
    rows: Array<{ label: string; cells: Array<{ percent: string; markers: string }> }>;
    chiSquare?: { pValue: string; significant: boolean };
  };


export function crosstabSection(question: TQuestion, figures: Figures, definition: LoadedSurvey['definition'], lang: ReportLanguage): CrosstabSection | undefined {
  const crosstab = figures.crosstab;
  if (!crosstab || !('options' in question) || !question.options || question.type === 'ranking' || question.id === crosstab.question) return undefined;
  const source = definition.languages[0] ?? lang;
  const byOptions = findSingleChoiceQuestion(definition, crosstab.question)?.options ?? [];
  const columns = Object.entries(crosstab.columns).map(([id, column]) => {
    const option = byOptions.find((o) => o.id === id);
    const figures = column.questions[question.id];
    return {
      id,
      label: option ? localize(option.label, lang, source) : id,
      letter: column.letter,
      base: figures?.base.n ?? 0,
      lowBase: (figures?.flags.length ?? 0) > 0,
    };
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
    ...(test?.chiSquare ? { chiSquare: { pValue: formatPValue(test.chiSquare.pValue, lang), significant: test.chiSquare.significant } } : {}),
  };
}

