// `npm run responses:import -- --survey ID [--wave W] [--skip-invalid] [--skip-duplicates] [--dry-run] [--format jsonl|csv] FILE`
// Imports complete responses (see docs/exports-and-imports.md). Exit codes: 0 imported (or a
// dry run of an import that would go through), 1 refused or failed (nothing imported: invalid
// records, records already imported, nothing new), 2 wrong usage.
import { readFile } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import { createSurveyCatalog } from '../surveys/survey.catalog';
import { followResponseChanges } from '../response-followers';
import { recordAudit } from '../audit/audit.service';
import type { Logger } from '../lib/logger';
import { withSurveyDatabase } from '../surveys/survey-cli-setup';
import { CURRENT_WAVE } from '../waves/wave.service';
import { formatLineProblem, ImportFileError, importResponses, type DuplicateRecord, type ImportFormat, type ImportReport } from './import.service';
import { EXIT_FAILED, EXIT_OK, parseCommandArgs, readCommandLine, runCommand, UsageError } from '../lib/command-line';

const USAGE = `Usage: npm run responses:import -- --survey ID [--wave WAVE] [--skip-invalid] [--skip-duplicates] [--dry-run] [--format jsonl|csv] FILE

Imports complete responses into a wave (default: the current one; a closed wave takes imports,
e.g. historical data). FILE is JSON Lines (.jsonl, .ndjson) or CSV (.csv) with the columns of the
CSV export. Each record is imported once: by its external_id, else its response_id, else its content.
A "weight" field or column gives each record its design weight: every record has one, or none.

  --survey ID         survey id, e.g. captic_2011 (required)
  --wave WAVE         wave id, e.g. 2011-03, or "current" (default)
  --skip-invalid      import the valid responses and list the lines left out
                      (default: a file with any invalid line imports nothing)
  --skip-duplicates   import the records not imported yet and list the lines left out
                      (default: a file with any record already imported imports nothing)
  --dry-run           check the file, import nothing
  --format F          jsonl or csv, when the file name does not say
  --help              this text`;

const MAX_PROBLEMS_SHOWN = 200;
/** Duplicates listed by line: enough to recognise the file, not a screenful per record. */
const MAX_DUPLICATES_SHOWN = 10;

interface Args {
  survey: string;
  wave: string;
  skipInvalid: boolean;
  skipDuplicates: boolean;
  dryRun: boolean;
  format: ImportFormat;
  file: string;
}

const FORMAT_BY_EXTENSION: Record<string, ImportFormat> = { '.jsonl': 'jsonl', '.ndjson': 'jsonl', '.csv': 'csv' };

function readArgs(argv: string[]): Args | 'help' {
  const parsed = parseCommandArgs(argv, {
    survey: { type: 'string' },
    wave: { type: 'string', default: CURRENT_WAVE },
    'skip-invalid': { type: 'boolean', default: false },
    'skip-duplicates': { type: 'boolean', default: false },
    'dry-run': { type: 'boolean', default: false },
    format: { type: 'string' },
    help: { type: 'boolean', default: false },
  });
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
  return { survey: values.survey, wave: values.wave, skipInvalid: values['skip-invalid'], skipDuplicates: values['skip-duplicates'], dryRun: values['dry-run'], format, file };
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function printProblems(report: Pick<ImportReport, 'problems'>): void {
  for (const problem of report.problems.slice(0, MAX_PROBLEMS_SHOWN)) console.error(formatLineProblem(problem));
  if (report.problems.length > MAX_PROBLEMS_SHOWN) console.error(`... and ${report.problems.length - MAX_PROBLEMS_SHOWN} more problems`);
}

function lineList(lines: number[]): string {
  return `line${lines.length === 1 ? '' : 's'} ${lines.join(', ')}`;
}

/** "3 in wave 2011-03, 1 in wave demo": where the stored duplicates are. */
function heldBy(duplicates: DuplicateRecord[]): string {
  const byWave = new Map<string, number>();
  for (const d of duplicates) if (d.wave !== undefined) byWave.set(d.wave, (byWave.get(d.wave) ?? 0) + 1);
  return [...byWave].map(([wave, n]) => `${n} in wave ${wave}`).join(', ');
}

function describeDuplicate(d: DuplicateRecord): string {
  if (d.wave !== undefined) return `line ${d.line}: already imported into wave ${d.wave} (${d.key})`;
  if (d.erasedAt !== undefined) return `line ${d.line}: erased at the respondent's request on ${d.erasedAt.toISOString().slice(0, 10)}; not imported again (${d.key})`;
  return `line ${d.line}: the same record as line ${d.sameAsLine} (${d.key})`;
}

/** How many of the file's records are there already, where, how many were erased, and how many repeat an earlier line. */
function duplicateSummary(report: ImportReport): string {
  const stored = report.duplicates.filter((d) => d.wave !== undefined);
  const erased = report.duplicates.filter((d) => d.erasedAt !== undefined).length;
  const repeated = report.duplicates.length - stored.length - erased;
  const parts: string[] = [];
  if (stored.length > 0) parts.push(`${plural(stored.length, 'response')} already imported (${heldBy(stored)})`);
  if (erased > 0) parts.push(`${plural(erased, 'response')} erased at the respondent's request`);
  if (repeated > 0) parts.push(`${plural(repeated, 'response')} repeating an earlier line`);
  return parts.join(' and ');
}

/** The file's duplicates, line by line; only the erased ones when the rest is said by a count. */
function printDuplicates(report: ImportReport, onlyErased = false): void {
  const shown = onlyErased ? report.duplicates.filter((d) => d.erasedAt !== undefined) : report.duplicates;
  for (const d of shown.slice(0, MAX_DUPLICATES_SHOWN)) console.error(describeDuplicate(d));
  if (shown.length > MAX_DUPLICATES_SHOWN) console.error(`... and ${shown.length - MAX_DUPLICATES_SHOWN} more`);
  if (report.duplicates.some((d) => d.sameAsLine !== undefined && d.key.startsWith('sha256:'))) {
    console.error('Records without a response_id or external_id are told apart by their content: if two respondents answered exactly alike, give each record an external_id.');
  }
}

/** Why the import refuses the file; undefined when it would go through. */
function refusal(args: Args, report: ImportReport): string | undefined {
  const invalid = report.total - report.valid;
  const reasons: string[] = [];
  if (invalid > 0 && !args.skipInvalid) {
    reasons.push(
      `${plural(invalid, 'response')} of ${report.total} in ${args.file} ${invalid === 1 ? 'has' : 'have'} errors. ` +
        `Fix ${invalid === 1 ? 'it' : 'them'}, or use --skip-invalid to import the ${plural(report.valid, 'valid one')}.`,
    );
  }
  if (report.duplicates.length > 0 && report.fresh === 0) {
    const allStored = report.duplicates.every((d) => d.wave !== undefined);
    const found = invalid > 0 ? `${duplicateSummary(report)}, and ${invalid} invalid` : duplicateSummary(report);
    reasons.push(
      invalid === 0 && allStored
        ? `all ${plural(report.total, 'response')} in ${args.file} are imported already (${heldBy(report.duplicates)}): there is nothing new to import.`
        : `${args.file} has ${found}: there is nothing new to import.`,
    );
  } else if (report.duplicates.length > 0 && !args.skipDuplicates) {
    reasons.push(`${args.file} has ${duplicateSummary(report)}, of ${plural(report.total, 'response')}. Use --skip-duplicates to import the ${plural(report.fresh, 'new one')}.`);
  }
  if (reasons.length === 0 && report.fresh === 0) reasons.push(`none of the ${plural(report.total, 'response')} in ${args.file} is valid.`);
  return reasons.length > 0 ? reasons.join('\n') : undefined;
}

function printReport(args: Args, report: ImportReport): number {
  const where = `${report.surveyId}, wave ${report.waveId}`;
  if (report.unkeyedImports > 0) {
    console.error(
      `Warning: ${plural(report.unkeyedImports, 'response')} imported earlier into ${report.surveyId} ${report.unkeyedImports === 1 ? 'carries' : 'carry'} no import key (imported before imports were keyed): duplicates of them cannot be detected.`,
    );
  }
  printProblems(report);
  // When the whole file is there, the count and the wave say it all (but for erased records,
  // named line by line); otherwise, which lines.
  const wholeFileThere = report.fresh === 0 && report.valid === report.total;
  if (report.outcome !== 'imported') printDuplicates(report, wholeFileThere);
  else for (const d of report.duplicates.filter((d) => d.erasedAt !== undefined)) console.log(describeDuplicate(d));
  const invalid = report.total - report.valid;
  const refused = refusal(args, report);
  if (report.outcome === 'checked') {
    const fresh = report.duplicates.length > 0 ? `, ${report.fresh} of them new,` : '';
    console.log(`Dry run: ${plural(report.valid, 'valid response')}${fresh} and ${plural(invalid, 'invalid response')} out of ${report.total} in ${args.file} for ${where}. Nothing was imported.`);
    if (refused) console.log(`Without --dry-run, nothing would be imported: ${refused}`);
    return refused ? EXIT_FAILED : EXIT_OK;
  }
  if (report.outcome === 'rejected') {
    console.error(`Nothing imported: ${refused ?? 'the file was refused.'}`);
    return EXIT_FAILED;
  }
  console.log(`Imported ${plural(report.imported, 'response')}${report.weighted ? ' with their design weights' : ''} into ${where} (definition ${report.fingerprint}).`);
  if (report.wavePhase !== 'open') {
    console.log(`Wave ${report.waveId} is ${report.wavePhase}: imports go in (historical data, paper questionnaires), respondents still cannot answer it.`);
  }
  if (report.skippedLines.length > 0) console.log(`Skipped ${plural(report.skippedLines.length, 'invalid response')}, at ${lineList(report.skippedLines)}.`);
  if (report.duplicates.length > 0) {
    console.log(`Skipped ${duplicateSummary(report)}, at ${lineList(report.duplicates.map((d) => d.line))}.`);
  }
  return EXIT_OK;
}

/** One line in the audit trail per import that stored responses. */
async function auditImport(args: Args, report: ImportReport, logger: Logger): Promise<void> {
  if (report.outcome !== 'imported') return;
  await recordAudit(
    {
      via: 'cli',
      action: 'responses_imported',
      surveyId: report.surveyId,
      target: report.waveId,
      details: {
        wave: report.waveId,
        count: report.imported,
        file: basename(args.file),
        format: report.format,
        fingerprint: report.fingerprint,
        weighted: report.weighted,
        skippedInvalid: report.skippedLines.length,
        skippedDuplicates: report.duplicates.length,
      },
    },
    logger,
  );
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

  try {
    // As boot does, the definition version is recorded (exports and codebooks look it up by
    // fingerprint) and a fresh database gets the survey's waves.
    return await withSurveyDatabase(args.survey, async ({ survey, surveys, logger }) => {
      // Imported responses move the live counters and quota counts exactly as web responses do.
      followResponseChanges(createSurveyCatalog(surveys));
      const { wave, format, skipInvalid, skipDuplicates, dryRun } = args;
      const report = await importResponses({ survey, wave, format, content, skipInvalid, skipDuplicates, dryRun });
      await auditImport(args, report, logger);
      return printReport(args, report);
    });
  } catch (error) {
    if (error instanceof ImportFileError) {
      printProblems(error);
      console.error(`Nothing imported: ${error.message} (${args.file}).`);
      return EXIT_FAILED;
    }
    throw error;
  }
}

await runCommand(main);
