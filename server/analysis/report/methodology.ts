// The methodology box, generated from the data the figures come from: the disclosure items of
// the AAPOR Code and of the British Polling Council (sponsor, fieldwork, method, population,
// sampling, n per wave, response rate, weighting with its targets and efficiency, design weights,
// and the exact wording and base of each published figure).
import type { InvitationCounts } from '../../invitations/invitation.service';
import { localize } from '../../surveys/localize';
import type { Placeholder } from '../../surveys/report-placeholders';
import type { TQuestion, TSurveyDefinition } from '../../surveys/survey.schemas';
import { formatPercent } from '../format/index';
import type { TWeightingConfig } from '../figures/figures.schemas';
import type { BasePolicyName, Figures, WeightingSummary } from '../figures/figures.types';
import { matrixRowLabel } from './report-cells';
import { maximumMarginOfError, type IntervalRule } from './publication-rules';
import type { RenderedStatement, ReportLanguage } from './statements';

/** One weighting variable: its question's wording and each answer's share of the population. */
export interface WeightingTarget {
  question: string;
  shares: Array<{ label: string; percent: string }>;
}

/** A published figure's question, in the wording respondents read, and its base. */
export interface FigureSource {
  /** Absent for a count of the whole sample (`{{ n }}`). */
  question?: string;
  /** The matrix row or the option the figure is about. */
  detail?: string;
  base: number;
  basePolicy: BasePolicyName;
}

export interface Methodology {
  sponsor: string;
  conductedBy: string;
  population: string;
  method: string;
  fieldStart?: string;
  fieldEnd?: string;
  n: number;
  /** With a comparison: each wave's number of respondents, this wave first. */
  waves: Array<{ waveId: string; n: number }>;
  sampling: TSurveyDefinition['sampling'];
  /** How intervals are shown, from publication-rules.ts: the box and the tables read the same rule. */
  intervals: IntervalRule;
  /** Probability samples only: the maximum margin of error, in points, at 95 %. */
  marginOfError?: number;
  /** Whether the figures are weighted: it decides which interval method is named. */
  weightedFigures: boolean;
  weighting?: WeightingSummary & { targets: WeightingTarget[]; efficiencyText: string };
  /** The wave has weighting targets but this report is unweighted. */
  weightingAvailable: boolean;
  /** Respondents carry design weights (selection probabilities), when that is known. */
  designWeights: boolean;
  /** An invited (panel) wave's AAPOR RR1, with the counts it is computed from. */
  responseRate?: { rr1: number | null; text?: string; completed: number; invited: number; screenedOut: number };
  /** Per statement of the key findings, the questions its figures come from. */
  figureSources: Array<{ statementId: string; figures: FigureSource[] }>;
}

export interface MethodologyInput {
  definition: TSurveyDefinition;
  lang: ReportLanguage;
  waveId: string;
  field: { start?: string; end?: string };
  figures: Figures;
  statements: readonly RenderedStatement[];
  /** The survey's interval rule, as the report's tables applied it. */
  intervals: IntervalRule;
  /** The wave's weighting targets, when an analyst set them. */
  weightingConfig?: TWeightingConfig;
  invitations?: InvitationCounts;
  designWeights?: boolean;
}

function questionsById(definition: TSurveyDefinition): Map<string, TQuestion> {
  return new Map(definition.pages.flatMap((page) => page.questions).map((q) => [q.id, q]));
}

function targetsOf(config: TWeightingConfig, questions: ReadonlyMap<string, TQuestion>, lang: ReportLanguage, source: string): WeightingTarget[] {
  return Object.entries(config.targets).map(([questionId, shares]) => {
    const question = questions.get(questionId);
    const options = question && 'options' in question ? (question.options ?? []) : [];
    return {
      question: question ? localize(question.text, lang, source) : questionId,
      shares: Object.entries(shares).map(([optionId, percent]) => {
        const option = options.find((o) => o.id === optionId);
        return { label: option ? localize(option.label, lang, source) : optionId, percent: formatPercent(percent / 100, { locale: lang, decimals: 1 }) };
      }),
    };
  });
}

/** The option or matrix row a placeholder names, as respondents read it. */
function detailOf(question: TQuestion, placeholder: Placeholder, lang: ReportLanguage, source: string): string | undefined {
  const ref = { row: 'row' in placeholder ? placeholder.row : undefined, option: 'option' in placeholder ? placeholder.option : undefined };
  if (ref.row !== undefined) return matrixRowLabel(question, ref.row, lang, source);
  if (ref.option !== undefined) {
    const option = 'options' in question ? question.options?.find((o) => o.id === ref.option) : undefined;
    return option ? localize(option.label, lang, source) : ref.option;
  }
  return undefined;
}

function figureSourcesOf(statements: readonly RenderedStatement[], questions: ReadonlyMap<string, TQuestion>, lang: ReportLanguage, source: string): Methodology['figureSources'] {
  return statements.map((statement) => {
    const figures: FigureSource[] = [];
    for (const part of statement.parts) {
      if (part.kind !== 'figure') continue;
      const placeholder = part.source;
      const question = placeholder.kind === 'n' ? undefined : questions.get(placeholder.question);
      const entry: FigureSource = {
        ...(question ? { question: localize(question.text, lang, source) } : {}),
        base: part.figure.base,
        basePolicy: part.figure.basePolicy,
      };
      const detail = question ? detailOf(question, placeholder, lang, source) : undefined;
      if (detail !== undefined) entry.detail = detail;
      // Two figures of one statement from the same question, row and base are one source.
      if (!figures.some((f) => f.question === entry.question && f.detail === entry.detail && f.base === entry.base && f.basePolicy === entry.basePolicy)) figures.push(entry);
    }
    return { statementId: statement.id, figures };
  });
}

export function buildMethodology(input: MethodologyInput): Methodology {
  const { definition, lang, figures } = input;
  const source = definition.languages[0] ?? lang;
  const questions = questionsById(definition);
  const invited = input.invitations;
  const marginOfError = maximumMarginOfError(definition.sampling, figures.n, figures.weighting?.designEffect ?? 1);
  return {
    sponsor: localize(definition.sponsor, lang, source),
    conductedBy: localize(definition.conducted_by, lang, source),
    population: localize(definition.target_population, lang, source),
    method: localize(definition.method, lang, source),
    ...(input.field.start ? { fieldStart: input.field.start } : {}),
    ...(input.field.end ? { fieldEnd: input.field.end } : {}),
    n: figures.n,
    waves: [{ waveId: input.waveId, n: figures.n }, ...(figures.comparedWith ? [{ waveId: figures.comparedWith.wave, n: figures.comparedWith.n }] : [])],
    sampling: definition.sampling,
    intervals: input.intervals,
    ...(marginOfError === undefined ? {} : { marginOfError }),
    weightedFigures: figures.weighted,
    ...(figures.weighting
      ? {
          weighting: {
            ...figures.weighting,
            targets: input.weightingConfig ? targetsOf(input.weightingConfig, questions, lang, source) : [],
            efficiencyText: formatPercent(Math.min(figures.weighting.efficiency, 1), { locale: lang }),
          },
        }
      : {}),
    weightingAvailable: !figures.weighting && input.weightingConfig !== undefined,
    designWeights: input.designWeights ?? false,
    ...(invited
      ? {
          responseRate: {
            rr1: invited.rr1,
            ...(invited.rr1 !== null ? { text: formatPercent(Math.min(invited.rr1, 1), { locale: lang, decimals: 1 }) } : {}),
            completed: invited.completed,
            invited: invited.invited,
            screenedOut: invited.screenedOut,
          },
        }
      : {}),
    figureSources: figureSourcesOf(input.statements, questions, lang, source),
  };
}
