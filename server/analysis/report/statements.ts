// Renders report statements: each placeholder becomes the figure, rounded only now, followed by
// its base ("94 % (base : 250)"). The figures keep full precision until this point.
import { localize } from '../../surveys/localize';
import { parsePlaceholders, type Placeholder } from '../../surveys/report-placeholders';
import type { TSurveyDefinition } from '../../surveys/survey.schemas';
import { formatDecimal, formatPercent, isSuppressed, type BaseFlag } from '../format/index';
import type { BasePolicyName, Figures, FigureBase, QuestionFigures, ScaleFigures } from '../figures/figures.types';

export type ReportLanguage = 'fr' | 'en';

export interface RenderedFigure {
  text: string;
  base: number;
  basePolicy: BasePolicyName;
  flags: BaseFlag[];
  /** Counts (n, base) are their own base: no "(base: …)" after them. */
  showBase: boolean;
}

export type StatementPart =
  | { kind: 'text'; text: string }
  /** `placeholder` as written; `source` parsed, so the methodology box can name the question behind it. */
  | { kind: 'figure'; figure: RenderedFigure; placeholder: string; source: Placeholder };

export interface RenderedStatement {
  id: string;
  parts: StatementPart[];
  /** The statement as plain text, figures and bases included. */
  plain: string;
}

const BASE_WORD: Record<ReportLanguage, string> = { fr: 'base\u00a0:', en: 'base:' };

export function baseLabel(base: number, lang: ReportLanguage): string {
  return `(${BASE_WORD[lang]} ${base})`;
}

function resolve(figures: QuestionFigures | undefined, row: string | undefined): (ScaleFigures | QuestionFigures) | undefined {
  if (!figures) return undefined;
  return row === undefined ? figures : figures.rows?.[row];
}

/** One placeholder's figure, from the figures computed with its base policy. */
export function renderPlaceholder(placeholder: Placeholder, figures: Figures, lang: ReportLanguage): RenderedFigure {
  const { format } = placeholder;
  const percent = (proportion: number | null | undefined, base: FigureBase, flags: BaseFlag[]): RenderedFigure => ({
    text:
      isSuppressed(flags) || proportion === null || proportion === undefined
        ? '—'
        : formatPercent(proportion, {
            decimals: format.decimals,
            locale: lang,
            round: format.round,
            ...(format.step === undefined ? {} : { step: format.step }),
          }),
    base: base.n,
    basePolicy: base.policy,
    flags,
    showBase: true,
  });
  switch (placeholder.kind) {
    case 'n':
      return { text: String(figures.n), base: figures.n, basePolicy: 'all', flags: [], showBase: false };
    case 'pct': {
      const q = figures.questions[placeholder.question];
      if (!q) throw new Error(`no figures for ${placeholder.question}`);
      return percent(q.options?.[placeholder.option]?.proportion, q.base, q.flags);
    }
    case 'top2':
    case 'bottom2': {
      const target = resolve(figures.questions[placeholder.question], placeholder.row);
      if (!target) return { text: '—', base: 0, basePolicy: figures.base, flags: ['suppressed'], showBase: true };
      return percent(target[placeholder.kind]?.proportion, target.base, target.flags);
    }
    case 'mean': {
      const target = resolve(figures.questions[placeholder.question], placeholder.row);
      if (!target) return { text: '—', base: 0, basePolicy: figures.base, flags: ['suppressed'], showBase: true };
      const mean = target.mean;
      return {
        text: mean === null || mean === undefined || isSuppressed(target.flags) ? '—' : formatDecimal(mean, Math.max(format.decimals, 1), lang),
        base: target.base.n,
        basePolicy: target.base.policy,
        flags: target.flags,
        showBase: true,
      };
    }
    case 'nps': {
      const q = figures.questions[placeholder.question];
      const score = q?.nps?.score;
      return {
        text: score === null || score === undefined || !q || isSuppressed(q.flags) ? '—' : formatDecimal(score, format.decimals, lang),
        base: q?.base.n ?? 0,
        basePolicy: q?.base.policy ?? figures.base,
        flags: q?.flags ?? [],
        showBase: true,
      };
    }
    case 'base': {
      const target = resolve(figures.questions[placeholder.question], placeholder.row);
      const n = target?.base.n ?? 0;
      return { text: String(n), base: n, basePolicy: target?.base.policy ?? figures.base, flags: [], showBase: false };
    }
  }
}

/** Which base policies a report needs figures for. */
export function basePoliciesUsed(definition: TSurveyDefinition): BasePolicyName[] {
  const used = new Set<BasePolicyName>(['answered']);
  for (const statement of definition.report?.statements ?? []) {
    for (const lang of definition.languages) {
      for (const { placeholder } of parsePlaceholders(localize(statement.text, lang))) used.add(placeholder.format.base);
    }
  }
  return [...used];
}

export function renderStatements(
  definition: TSurveyDefinition,
  figuresByBase: ReadonlyMap<BasePolicyName, Figures>,
  lang: ReportLanguage,
): RenderedStatement[] {
  return (definition.report?.statements ?? []).map((statement) => {
    const text = localize(statement.text, lang, definition.languages[0]);
    const parts: StatementPart[] = [];
    let cursor = 0;
    for (const { raw, start, end, placeholder } of parsePlaceholders(text)) {
      if (start > cursor) parts.push({ kind: 'text', text: text.slice(cursor, start) });
      const figures = figuresByBase.get(placeholder.format.base);
      if (!figures) throw new Error(`figures with base ${placeholder.format.base} were not computed`);
      parts.push({ kind: 'figure', figure: renderPlaceholder(placeholder, figures, lang), placeholder: raw, source: placeholder });
      cursor = end;
    }
    if (cursor < text.length) parts.push({ kind: 'text', text: text.slice(cursor) });
    const plain = parts
      .map((p) => (p.kind === 'text' ? p.text : p.figure.showBase ? `${p.figure.text} ${baseLabel(p.figure.base, lang)}` : p.figure.text))
      .join('');
    return { id: statement.id, parts, plain };
  });
}
