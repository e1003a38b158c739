// `npm run report -- --survey ID [--wave W] [--by QUESTION] [--weighted] [--base answered|shown|all]
//                    [--filter q:opt,opt;q2:opt] [--compare WAVE] [--lang fr|en] [--json]`
// Prints a wave's figures. With --json, standard output carries exactly the figures API's JSON
// and nothing else. Works whether or not the app is running (see server/lib/database.ts).
import { parseArgs } from 'node:util';
import { localize } from '../surveys/localize';
import { createSurveyCatalog } from '../surveys/survey.catalog';
import { setUpSurveyCli } from '../surveys/survey-cli-setup';
import { EXIT_OK, EXIT_USAGE, runCommand, withDatabase } from '../lib/command-line';
import type { TSurveyDefinition } from '../surveys/survey.schemas';
import { ZFiguresQuery } from './figures/figures.schemas';
import { createFiguresService } from './figures/figures.service';
import type { Figures } from './figures/figures.types';
import { formatPercent } from './format/index';
import { basePoliciesUsed, renderStatements } from './report/statements';

const USAGE = `Usage: npm run report -- --survey ID [--wave WAVE] [--by QUESTION] [--weighted]
         [--base answered|shown|all] [--filter question:option,option;...] [--compare WAVE]
         [--lang fr|en] [--json]`;

function formatText(definition: TSurveyDefinition, figures: Figures, lang: 'fr' | 'en', statements: string[]): string {
  const source = definition.languages[0] ?? lang;
  const lines: string[] = [];
  lines.push(`${localize(definition.title, lang, source)} — wave ${figures.wave}, n = ${figures.n}${figures.weighted ? ' (weighted)' : ''}`);
  if (figures.filter) lines.push(`filter: ${Object.entries(figures.filter).map(([q, o]) => `${q} in (${o.join(', ')})`).join(' and ')}`);
  if (figures.weighting) {
    lines.push(`weighting: ${figures.weighting.method} on ${figures.weighting.variables.join(', ')}, design effect ${figures.weighting.designEffect.toFixed(2)}, effective n ${figures.weighting.effectiveN.toFixed(0)}`);
  }
  if (statements.length) {
    lines.push('', 'Statements:');
    for (const s of statements) lines.push(`  - ${s}`);
  }
  const pct = (p: number | null | undefined) => (p === null || p === undefined ? '—' : formatPercent(p, { locale: lang, decimals: 1 }));
  for (const page of definition.pages) {
    for (const question of page.questions) {
      const f = figures.questions[question.id];
      if (!f) continue;
      lines.push('', `${question.id}: ${localize(question.text, lang, source)}`, `  base ${f.base.n} (${f.base.policy})${f.flags.length ? ` [${f.flags.join(', ')}]` : ''}`);
      if (f.options && 'options' in question && question.options) {
        for (const option of question.options) {
          const o = f.options[option.id];
          if (!o) continue;
          const ci = o.ci95 ? `  [${pct(o.ci95[0])} – ${pct(o.ci95[1])}]` : '';
          const change = o.change ? `  (${o.change.difference >= 0 ? '+' : ''}${(o.change.difference * 100).toFixed(1)} pts${o.change.significant ? ', significant' : ''})` : '';
          lines.push(`  ${option.id.padEnd(24)} ${String(o.count).padStart(6)}  ${pct(o.proportion).padStart(8)}${ci}${change}`);
          const columns = figures.crosstab?.columns;
          if (columns) {
            const cells = Object.entries(columns).map(([id, c]) => {
              const cell = c.questions[question.id]?.options?.[option.id];
              const markers = figures.crosstab?.tests[question.id]?.markers[option.id]?.[id] ?? [];
              return `${c.letter} ${id}: ${pct(cell?.proportion)}${markers.length ? ` ${markers.join('')}` : ''}`;
            });
            lines.push(`      by ${figures.crosstab?.question}: ${cells.join(' | ')}`);
          }
        }
      }
      if (f.rows) {
        for (const [rowId, row] of Object.entries(f.rows)) {
          lines.push(`  ${rowId.padEnd(24)} base ${String(row.base.n).padStart(4)}  mean ${row.mean?.toFixed(2) ?? '—'}  top-2 ${pct(row.top2?.proportion)}`);
        }
      }
      if (f.mean !== undefined && !f.rows) lines.push(`  mean ${f.mean?.toFixed(2) ?? '—'}${f.median !== undefined ? `, median ${f.median ?? '—'}` : ''}`);
      if (f.nps) lines.push(`  NPS ${f.nps.score?.toFixed(1) ?? '—'}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

async function main(argv: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        survey: { type: 'string' },
        wave: { type: 'string', default: 'current' },
        by: { type: 'string' },
        weighted: { type: 'boolean', default: false },
        base: { type: 'string', default: 'answered' },
        filter: { type: 'string' },
        compare: { type: 'string' },
        lang: { type: 'string' },
        mentions: { type: 'boolean', default: false },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', default: false },
      },
      allowPositionals: false,
    }));
  } catch (error) {
    console.error(`${(error as Error).message}\n${USAGE}`);
    return EXIT_USAGE;
  }
  if (values.help) {
    console.log(USAGE);
    return EXIT_OK;
  }
  if (!values.survey) {
    console.error(`--survey is required\n${USAGE}`);
    return EXIT_USAGE;
  }
  const parsedQuery = ZFiguresQuery.safeParse({
    base: values.base,
    weighted: String(values.weighted),
    mentions: String(values.mentions),
    ...(values.filter ? { filter: values.filter } : {}),
    ...(values.by ? { by: values.by } : {}),
    ...(values.compare ? { compare: values.compare } : {}),
    ...(values.lang ? { lang: values.lang } : {}),
  });
  if (!parsedQuery.success) {
    console.error(`${parsedQuery.error.issues.map((i) => `--${i.path.join('.')}: ${i.message}`).join('\n')}\n${USAGE}`);
    return EXIT_USAGE;
  }
  const query = parsedQuery.data;

  const { config, surveys, survey, logger } = await setUpSurveyCli(values.survey);
  const catalog = createSurveyCatalog(surveys);
  return withDatabase(config, logger, async () => {
    const service = createFiguresService(catalog, logger);
    const request = { surveyId: survey.definition.id, wave: values.wave ?? 'current', lowBaseBelow: config.LOW_BASE_THRESHOLD };
    if (values.json) {
      process.stdout.write(`${JSON.stringify(await service.computeFigures({ ...request, query }))}\n`);
      return EXIT_OK;
    }
    const lang = query.lang ?? (survey.definition.languages[0] === 'en' ? 'en' : 'fr');
    // The statements may use other bases than the one asked for: one read gives them all.
    const byBase = await service.computeByBase({ ...request, query }, [query.base, ...basePoliciesUsed(survey.definition)]);
    const figures = byBase.get(query.base) as Figures;
    const statements = renderStatements(survey.definition, byBase, lang).map((s) => s.plain);
    process.stdout.write(formatText(survey.definition, figures, lang, statements));
    return EXIT_OK;
  });
}

await runCommand(main);
