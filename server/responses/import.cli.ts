// `npm run responses:import -- --survey ID [--wave W] [--skip-invalid] [--dry-run] [--format jsonl|csv] FILE`
// Imports complete responses (see docs/exports-and-imports.md). Exit codes: 0 imported (or a
// clean dry run), 1 errors (nothing imported), 2 wrong usage.
import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { parseArgs } from 'node:util';
import { openDatabase, type OpenDatabase } from '../lib/database';
import { createSurveyCatalog, registerSurvey } from '../surveys/survey.catalog';
import { registerTallyHooks } from '../analysis/tally/tally.hooks';
import { setUpSurveyCli } from '../surveys/survey-cli-setup';
import { CURRENT_WAVE } from '../waves/wave.service';
import { formatLineProblem, ImportFileError, importResponses, type ImportFormat, type ImportReport } from './import.service';
import { EXIT_FAILED, EXIT_OK, readCommandLine, runCommand, UsageError } from '../lib/command-line';

const USAGE = `Usage: npm run responses:import -- --survey ID [--wave WAVE] [--skip-invalid] [--dry-run] [--format jsonl|csv] FILE

Imports complete responses into a wave (default: the current one). FILE is JSON Lines
(.jsonl, .ndjson) or CSV (.csv) with the columns of the CSV export.

  --survey ID       survey id, e.g. captic_2011 (required)
  --wave WAVE       wave id, or "current" (default)
  --skip-invalid    import the valid responses and list the lines left out
                    (default: a file with any invalid line imports nothing)
  --dry-run         check the file, import nothing
  --format F        jsonl or csv, when the file name does not say
  --help            this text`;

const MAX_PROBLEMS_SHOWN = 200;

interface Args {
  survey: string;
  wave: string;
  skipInvalid: boolean;
  dryRun: boolean;
  format: ImportFormat;
  file: string;
}

const FORMAT_BY_EXTENSION: Record<string, ImportFormat> = { '.jsonl': 'jsonl', '.ndjson': 'jsonl', '.csv': 'csv' };

function readArgs(argv: string[]): Args | 'help' {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        survey: { type: 'string' },
        wave: { type: 'string', default: CURRENT_WAVE },
        'skip-invalid': { type: 'boolean', default: false },
        'dry-run': { type: 'boolean', default: false },
        format: { type: 'string' },
        help: { type: 'boolean', default: false },
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) return 'help';
  if (!values.survey) throw new UsageError('--survey is required');
  if (positionals.length !== 1) throw new UsageError(positionals.length === 0 ? 'name the file to import' : `one file at a time (got ${positionals.join(', ')})`);
  const file = positionals[0] as string;
  let format: ImportFormat | undefined;
  if (values.format !== undefined) {
    if (values.format !== 'jsonl' && values.format !== 'csv') throw new UsageError(`--format is jsonl or csv, not "${values.format}"`);
    format = values.format;
  } else format = FORMAT_BY_EXTENSION[extname(file).toLowerCase()];
  if (!format) throw new UsageError(`cannot tell the format of "${file}" from its name: use --format jsonl or --format csv`);
  return { survey: values.survey, wave: values.wave, skipInvalid: values['skip-invalid'], dryRun: values['dry-run'], format, file };
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function printProblems(report: Pick<ImportReport, 'problems'>): void {
  for (const problem of report.problems.slice(0, MAX_PROBLEMS_SHOWN)) console.error(formatLineProblem(problem));
  if (report.problems.length > MAX_PROBLEMS_SHOWN) console.error(`... and ${report.problems.length - MAX_PROBLEMS_SHOWN} more problems`);
}

function printReport(args: Args, report: ImportReport): number {
  const where = `${report.surveyId}, wave ${report.waveId}`;
  printProblems(report);
  const invalid = report.total - report.valid;
  if (report.outcome === 'checked') {
    console.log(`Dry run: ${plural(report.valid, 'valid response')} and ${plural(invalid, 'invalid response')} out of ${report.total} in ${args.file} for ${where}. Nothing was imported.`);
    return invalid > 0 ? EXIT_FAILED : EXIT_OK;
  }
  if (report.outcome === 'rejected') {
    console.error(
      `Nothing imported: ${plural(invalid, 'response')} of ${report.total} in ${args.file} ${invalid === 1 ? 'has' : 'have'} errors. ` +
        `Fix ${invalid === 1 ? 'it' : 'them'}, or use --skip-invalid to import the ${plural(report.valid, 'valid one')}.`,
    );
    return EXIT_FAILED;
  }
  console.log(`Imported ${plural(report.imported, 'response')} into ${where} (definition ${report.fingerprint}).`);
  if (report.skippedLines.length > 0) {
    console.log(`Skipped ${plural(report.skippedLines.length, 'invalid response')}, at line${report.skippedLines.length === 1 ? '' : 's'} ${report.skippedLines.join(', ')}.`);
  }
  return EXIT_OK;
}

async function main(argv: string[]): Promise<number> {
  const args = readCommandLine(argv, readArgs, USAGE);
  if (typeof args === 'number') return args;

  let content: Buffer;
  try {
    content = await readFile(args.file);
  } catch (error) {
    console.error(`Cannot read ${args.file}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}`);
    return EXIT_FAILED;
  }

  const { config, surveys, survey, logger } = await setUpSurveyCli(args.survey);

  let database: OpenDatabase | undefined;
  try {
    database = await openDatabase(config, logger, { role: 'cli' });
    // As boot does: record this definition version (exports and codebooks look it up by
    // fingerprint) and make sure the survey has its default wave.
    await registerSurvey(survey);
    // Imported responses move the live counters exactly as web responses do.
    registerTallyHooks(createSurveyCatalog(surveys));
    const report = await importResponses({ survey, wave: args.wave, format: args.format, content, skipInvalid: args.skipInvalid, dryRun: args.dryRun });
    return printReport(args, report);
  } catch (error) {
    if (error instanceof ImportFileError) {
      printProblems(error);
      console.error(`Nothing imported: ${error.message} (${args.file}).`);
      return EXIT_FAILED;
    }
    throw error;
  } finally {
    await database?.close();
  }
}

await runCommand(main);
