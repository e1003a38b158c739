// `npm run panel -- list|create|import ...`: a survey's panels from the server's terminal, with the
// same use cases, report and audit trail as the console (panel.service.ts, panel-import.service.ts).
// Exit codes: 0 done (or an import declined: nothing saved), 1 refused (nothing changed), 2 wrong usage.
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline/promises';
import { systemClock } from '../lib/clock';
import { CommandRefusal, EXIT_FAILED, EXIT_OK, parseCommandArgs, printColumns, readCommandLine, readSubcommand, refuseStrayOptions, runCommand, UsageError } from '../lib/command-line';
import type { Logger } from '../lib/logger';
import type { AuditActor } from '../audit/audit.service';
import { createSurveyCatalog } from '../surveys/survey.catalog';
import { withSurveyDatabase } from '../surveys/survey-cli-setup';
import type { LoadedSurvey } from '../surveys/survey.loader';
import { createPanel, listPanels } from './panel.service';
import { createPanelImports, type ImportReport } from './panel-import.service';
import { formatOfFile } from './panel-import-reader';
import { printable } from './panel-import-check';

const USAGE = `Usage:
  npm run panel -- list --survey ID
  npm run panel -- create --survey ID --panel P --name NAME
  npm run panel -- import --survey ID --panel P FILE [--yes]

import reads FILE (CSV in UTF-8, or XLSX: its first sheet) and prints what it would do: members
to add, update, leave as they are, and rows skipped with why. Nothing is saved until you answer
"yes" at the terminal, or with --yes (without a terminal, only --yes applies). Columns: email (required), name, language, and any attribute; see
docs/panels.md.

  --yes        apply the import without asking
  --help       this text`;

const COMMANDS = ['list', 'create', 'import'] as const;
type Command = (typeof COMMANDS)[number];

const OPTIONS_OF: Record<Command, readonly string[]> = {
  list: ['survey'],
  create: ['survey', 'panel', 'name'],
  import: ['survey', 'panel', 'yes'],
};

interface Args {
  command: Command;
  survey: string;
  panel?: string;
  name?: string;
  file?: string;
  yes: boolean;
}

function readArgs(argv: string[]): Args | 'help' {
  const { values, positionals } = parseCommandArgs(argv, {
    survey: { type: 'string' },
    panel: { type: 'string' },
    name: { type: 'string' },
    yes: { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  });
  if (values.help) return 'help';
  // The command, then the FILE an import reads (checked below).
  const command = readSubcommand(positionals.slice(0, 1), COMMANDS);
  const rest = positionals.slice(1);
  const given = (['survey', 'panel', 'name'] as const).filter((name) => typeof values[name] === 'string');
  refuseStrayOptions(command, [...given, ...(values.yes ? ['yes'] : [])], OPTIONS_OF);
  if (!values.survey) throw new UsageError(`${command} needs --survey`);
  if (command !== 'list' && !values.panel) throw new UsageError(`${command} needs --panel`);
  if (command === 'create' && !values.name) throw new UsageError('create needs --name');
  const files = command === 'import' ? 1 : 0;
  if (command === 'import' && rest.length === 0) throw new UsageError('import needs the FILE to read');
  if (rest.length > files) throw new UsageError(`unexpected argument${rest.length - files === 1 ? '' : 's'}: ${rest.slice(files).join(' ')}`);
  return {
    command,
    survey: values.survey,
    ...(values.panel ? { panel: values.panel } : {}),
    ...(values.name ? { name: values.name } : {}),
    ...(rest[0] ? { file: rest[0] } : {}),
    yes: values.yes === true,
  };
}

/** While reading: a bar redrawn in place on a terminal, else a line every 10,000 rows (a log keeps them). */
function progressReporter(totalBytes: number): { onProgress: (progress: { rows: number; bytes: number }) => void; done: () => void } {
  const tty = process.stderr.isTTY === true;
  let lastLine = 0;
  return {
    onProgress({ rows, bytes }) {
      if (tty) {
        const share = totalBytes > 0 ? Math.min(bytes / totalBytes, 1) : 0;
        const width = 30;
        const filled = Math.round(share * width);
        process.stderr.write(`\rReading [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${Math.round(share * 100)}%  ${rows.toLocaleString('en')} rows`);
      } else if (Math.floor(rows / 10_000) > lastLine) {
        lastLine = Math.floor(rows / 10_000);
        process.stderr.write(`Read ${(lastLine * 10_000).toLocaleString('en')} rows\n`);
      }
    },
    done() {
      if (tty) process.stderr.write('\n');
    },
  };
}

function printReport(report: ImportReport): void {
  console.log(`Rows read: ${report.rows}`);
  console.log(`  to add:                         ${report.add}`);
  console.log(`  already on the panel, to update: ${report.update}`);
  console.log(`  already on the panel, unchanged: ${report.unchanged}`);
  console.log(`  skipped:                        ${report.skip}`);
  if (report.checkedQuestions.length) console.log(`Columns checked against the survey's options: ${report.checkedQuestions.join(', ')}`);
  if (report.unknownColumns.length) console.log(`Columns that are not a question of the survey (kept as attributes): ${report.unknownColumns.map(printable).join(', ')}`);
  if (report.loneWeights) {
    const { anonymousWaves, count, examples } = report.loneWeights;
    console.log(`Warning: the anonymous wave ${anonymousWaves.join(', ')} invites this panel, and some design weights are held by one member of the file only (${count}, e.g. ${examples.join(', ')}): copied into their response, such a weight would tell whose it is. Give one weight per stratum of several members.`);
  }
  if (report.ignoredColumns?.length) console.log(`Columns not stored (no name, or the name of an earlier column): ${report.ignoredColumns.map(printable).join(', ')}`);
  const more = (shown: number, total: number) => (total > shown ? [`  … and ${total - shown} more`] : []);
  if (report.counts.invalidEmails) {
    console.log(`Invalid addresses (${report.counts.invalidEmails}):`);
    for (const line of [...report.invalidEmails.map((row) => `  line ${row.line}: "${printable(row.value)}"`), ...more(report.invalidEmails.length, report.counts.invalidEmails)]) console.log(line);
  }
  if (report.counts.duplicatesInFile) {
    console.log(`Duplicates within the file (${report.counts.duplicatesInFile}), the first line kept:`);
    for (const line of [...report.duplicatesInFile.map((row) => `  line ${row.line}: ${row.email} (first on line ${row.firstLine})`), ...more(report.duplicatesInFile.length, report.counts.duplicatesInFile)]) console.log(line);
  }
  if (report.counts.badValues) {
    console.log(`Refused values (${report.counts.badValues}), the row skipped:`);
    for (const line of [...report.badValues.map((row) => `  line ${row.line}: ${row.email}, ${printable(row.column)} = ${printable(JSON.stringify(row.value))}; expected ${row.expected}`), ...more(report.badValues.length, report.counts.badValues)]) console.log(line);
  }
}

/**
 * "yes" typed at the terminal; anything else is a no. Without a terminal (cron, a pipe) nobody is
 * asked and nothing is applied: a script says --yes.
 */
async function askToApply(): Promise<boolean> {
  if (!process.stdin.isTTY) {
    console.error('Standard input is not a terminal, so no one can answer: run again with --yes to apply.');
    return false;
  }
  const prompt = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await prompt.question('Apply this import? Type "yes" to save it: ');
    return answer.trim().toLowerCase() === 'yes';
  } catch {
    return false;
  } finally {
    prompt.close();
  }
}

async function runImport(args: Args, survey: LoadedSurvey, surveys: LoadedSurvey[], logger: Logger, actor: AuditActor): Promise<number> {
  const surveyId = survey.definition.id;
  const panelId = args.panel!;
  const file = args.file!;
  let size: number;
  try {
    size = (await stat(file)).size;
  } catch {
    throw new CommandRefusal(`Cannot read the file ${file}`);
  }
  const imports = createPanelImports({ catalog: createSurveyCatalog(surveys), logger, clock: systemClock });
  const progress = progressReporter(size);
  const format = await formatOfFile(file);
  const started = await imports.startImport({ surveyId, panelId, source: { kind: 'file', path: file, format }, fileName: path.basename(file), totalBytes: size, onProgress: progress.onProgress }, actor);
  const item = await started.reading;
  progress.done();
  if (item.status !== 'ready' || !item.report) {
    console.error(item.failure?.message ?? `The import is ${item.status}`);
    return EXIT_FAILED;
  }
  printReport(item.report);
  const apply = args.yes || (await askToApply());
  if (!apply) {
    await imports.cancelImport(surveyId, panelId, item.id);
    console.log('Not applied: nothing was saved.');
    return EXIT_OK;
  }
  const applied = await imports.confirmImport(surveyId, panelId, item.id, actor);
  console.log(`Applied: ${applied.report!.add} members added, ${applied.report!.update} updated, ${applied.report!.unchanged} unchanged, ${applied.report!.skip} rows skipped.`);
  return EXIT_OK;
}

async function run(args: Args, survey: LoadedSurvey, surveys: LoadedSurvey[], logger: Logger): Promise<number> {
  const surveyId = survey.definition.id;
  const actor: AuditActor = { via: 'cli' };
  switch (args.command) {
    case 'list': {
      const panels = await listPanels(surveyId);
      if (panels.length === 0) {
        console.log(`Survey ${surveyId} has no panel yet.`);
        return EXIT_OK;
      }
      printColumns([['PANEL', 'MEMBERS', 'REACHABLE', 'NAME'], ...panels.map((panel) => [panel.panelId, String(panel.members), String(panel.active), panel.name])]);
      return EXIT_OK;
    }
    case 'create': {
      const panel = await createPanel(surveyId, { panelId: args.panel!, name: args.name! }, actor, logger);
      console.log(`Created panel ${panel.panelId} (${panel.name}) of ${surveyId}.`);
      console.log(`Next: npm run panel -- import --survey ${surveyId} --panel ${panel.panelId} members.csv`);
      return EXIT_OK;
    }
    case 'import':
      return runImport(args, survey, surveys, logger, actor);
  }
}

async function main(argv: string[]): Promise<number> {
  const args = readCommandLine(argv, readArgs, USAGE);
  if (typeof args === 'number') return args;
  return withSurveyDatabase(args.survey, ({ survey, surveys, logger }) => run(args, survey, surveys, logger));
}

await runCommand(main);
