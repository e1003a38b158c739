// `npm run bench:design`: the design-based errors of one weighted view, alone.
//
// bench:report times a weighted view end to end (reading the cells' counters from the store,
// calibrating, building the figures, their errors, the crosstab), on a machine that other work
// shares; this isolates the part that does not read anything, so that a change to the errors
// can be measured by itself. It builds the weighting cells of N synthetic CAP-TIC responses
// (as bench:report: design weights 0.5-3, raking on company_size × uses_social), then times what
// a view by company_size computes from them: calibrateCells, the figures of the wave and of each
// column (buildFigures), their errors (addDesignErrors: linearized SEs, Korn-Graubard and t
// intervals) and Rao-Scott's test of every single-choice question against the columns. Each run
// forgets the remembered quantiles first: the first view after the counters changed (--remember:
// keeps them, a repeat view of a wave that has not changed).
//
//   npm run bench:design -- [--responses 1000] [--runs 200] [--remember] [--json]
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { buildCaptic250, CAPTIC_250_SIZE } from '../test/fixtures/captic-250';
import { calibrateCells, cellKeyOf } from '../server/analysis/design/calibrate-cells';
import { designCalibrationOf, prepareDesign } from '../server/analysis/design/design-variance';
import type { CellTallies } from '../server/analysis/design/design.types';
import { forgetQuantiles } from '../server/analysis/design/quantiles';
import { raoScottTestOn } from '../server/analysis/design/rao-scott';
import { buildFigures } from '../server/analysis/figures/build-figures';
import { addDesignErrors } from '../server/analysis/figures/design-figures';
import { addToCell, cellValuesOf, tallySetFromCells } from '../server/analysis/tally/cell-tallies';
import { contributionOf } from '../server/analysis/tally/contribution';
import { loadSurveyFile } from '../server/surveys/survey.loader';
import { describeMachine, markdownTable, quantileOfSorted } from './bench-output';
import { BENCH_WEIGHTING, syntheticDesignWeight } from './weighted-wave';

const SURVEY_FILE = fileURLToPath(new URL('../surveys/captic-2011.yaml', import.meta.url));
const BY = 'company_size';
const WARMUP = 20;

const { values } = parseArgs({ options: { responses: { type: 'string', default: '1000' }, runs: { type: 'string', default: '200' }, remember: { type: 'boolean', default: false }, json: { type: 'boolean', default: false } } });
const responses = Number(values.responses);
const runs = Number(values.runs);

const survey = await loadSurveyFile(SURVEY_FILE);
const definition = survey.definition;
const variables = Object.keys(BENCH_WEIGHTING.targets);

// The cells the counters would hold: the wave's, and each column's (the respondents of one company size).
const wave: CellTallies = new Map();
const columns = new Map<string, CellTallies>();
let block: ReturnType<typeof buildCaptic250> = [];
for (let i = 0; i < responses; i += 1) {
  if (i % CAPTIC_250_SIZE === 0) block = buildCaptic250(1 + i / CAPTIC_250_SIZE);
  const fixture = block[i % CAPTIC_250_SIZE];
  if (!fixture) throw new Error(`no fixture response ${i}`);
  const contribution = contributionOf(definition, fixture.answers);
  const cellValues = cellValuesOf(fixture.answers, variables);
  const key = cellKeyOf(cellValues, variables);
  const weight = syntheticDesignWeight(i);
  addToCell(wave, key, cellValues, contribution, weight);
  const column = fixture.answers[BY];
  if (typeof column !== 'string') continue;
  if (!columns.has(column)) columns.set(column, new Map());
  addToCell(columns.get(column) as CellTallies, key, cellValues, contribution, weight);
}
const tested = definition.pages.flatMap((page) => page.questions).filter((q) => (q.type === 'single_choice' || q.type === 'yes_no') && q.id !== BY);
const rowKeysOf = (question: (typeof tested)[number]): string[] => ('options' in question && question.options ? question.options.map((o) => `opt:${o.id}`) : ['opt:yes', 'opt:no']);

interface Split {
  calibrate: number;
  build: number;
  errors: number;
  raoScott: number;
  total: number;
  cpu: number;
}

function oneView(): Split {
  if (!values.remember) forgetQuantiles();
  const cpuStart = process.cpuUsage();
  const t0 = performance.now();
  const { factors } = calibrateCells(wave, BENCH_WEIGHTING);
  // Prepared once for the view, as the figures service does in calibrating.
  const design = prepareDesign(wave, designCalibrationOf(BENCH_WEIGHTING, factors));
  const t1 = performance.now();
  let build = 0;
  let errors = 0;
  for (const domain of [wave, ...columns.values()]) {
    const b0 = performance.now();
    const set = tallySetFromCells(domain, factors);
    const figures = buildFigures(definition, '2011-03', set, { base: 'answered', mentions: false, lowBaseBelow: 50, withhold: true }, 'counters');
    const b1 = performance.now();
    addDesignErrors(definition, figures, set, { weighted: true, design, domain });
    build += b1 - b0;
    errors += performance.now() - b1;
  }
  const r0 = performance.now();
  for (const question of tested) raoScottTestOn(design, { question: question.id, rowKeys: rowKeysOf(question), denominator: 'answered', columns: [...columns.values()] });
  const end = performance.now();
  const cpu = process.cpuUsage(cpuStart);
  return { calibrate: t1 - t0, build, errors, raoScott: end - r0, total: end - t0, cpu: (cpu.user + cpu.system) / 1000 };
}

for (let i = 0; i < WARMUP; i += 1) oneView();
const samples: Split[] = [];
for (let i = 0; i < runs; i += 1) samples.push(oneView());

const quantile = (values: number[], q: number): number => quantileOfSorted([...values].sort((a, b) => a - b), q);
const parts = ['calibrate', 'build', 'errors', 'raoScott', 'total', 'cpu'] as const;
const summary = Object.fromEntries(parts.map((part) => [part, { median: quantile(samples.map((s) => s[part]), 0.5), p95: quantile(samples.map((s) => s[part]), 0.95) }]));
if (values.json) {
  console.log(JSON.stringify({ responses, runs, rememberQuantiles: values.remember, cells: wave.size, columns: columns.size, raoScottTests: tested.length, machine: describeMachine(), summary }, null, 2));
} else {
  console.log(`One weighted view by ${BY} from the cells, without reading them: ${responses} responses, ${wave.size} cells, ${columns.size} columns, ${tested.length} Rao-Scott tests; ${runs} runs after ${WARMUP}, quantiles ${values.remember ? 'remembered from run to run' : 'forgotten before each run'}, ms`);
  console.log(markdownTable(['part', 'median', 'p95'], parts.map((part) => [part === 'cpu' ? 'total, process CPU time' : part, (summary[part]?.median ?? Number.NaN).toFixed(2), (summary[part]?.p95 ?? Number.NaN).toFixed(2)])));
}
