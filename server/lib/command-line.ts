// What every `npm run` command shares: its exit codes, reading its arguments with a usage text
// printed on a mistake or on --help, its settings and logger, its database, and how it ends.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { ConfigError, getConfig, type Config } from './config';
import { openDatabase } from './database';
import { AppError } from './errors';
import { createLogger, type Logger } from './logger';

type ParseArgsOptionsConfig = NonNullable<ParseArgsConfig['options']>;

export const EXIT_OK = 0;
/** The command ran and refused or failed: nothing was changed. */
export const EXIT_FAILED = 1;
/** The command line itself was wrong. */
export const EXIT_USAGE = 2;

/** Thrown by a command's argument reader for a wrong command line. */
export class UsageError extends Error {}

/** The options and positionals of a command line (node:util parseArgs, strict), a mistake as a UsageError. */
export function parseCommandArgs<Options extends ParseArgsOptionsConfig>(argv: string[], options: Options) {
  try {
    return parseArgs({ args: argv, allowPositionals: true, strict: true, options });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

/** The command named first on the command line, one of `commands`, with nothing after it. */
export function readSubcommand<Command extends string>(positionals: readonly string[], commands: readonly Command[]): Command {
  const [command, ...extra] = positionals;
  if (!command) throw new UsageError('name a command: ' + commands.join(', '));
  if (!(commands as readonly string[]).includes(command)) throw new UsageError(`unknown command "${command}"; the commands are ${commands.join(', ')}`);
  if (extra.length > 0) throw new UsageError(`unexpected argument${extra.length === 1 ? '' : 's'}: ${extra.join(' ')}`);
  return command as Command;
}

/** Refuses an option `command` would ignore, so a typo never looks like success. */
export function refuseStrayOptions<Command extends string>(command: Command, given: readonly string[], optionsOf: Record<Command, readonly string[]>): void {
  const stray = given.filter((option) => !optionsOf[command].includes(option));
  if (stray.length) throw new UsageError(`${command} takes no ${stray.map((option) => `--${option}`).join(', ')}`);
}

/**
 * The command's arguments, or the exit code to end with when there are none to run: after the
 * usage text on --help (0), or after the mistake and the usage text (2).
 */
export function readCommandLine<Args>(argv: string[], readArgs: (argv: string[]) => Args | 'help', usage: string): Args | number {
  let args: Args | 'help';
  try {
    args = readArgs(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(`${error.message}\n\n${usage}`);
    return EXIT_USAGE;
  }
  if (args === 'help') {
    console.log(usage);
    return EXIT_OK;
  }
  return args;
}

/** Prints rows of text as aligned columns, two spaces apart, each as wide as its widest cell: the header is the first row. */
export function printColumns(rows: ReadonlyArray<readonly string[]>): void {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  for (const row of rows) console.log(row.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join('  ').trimEnd());
}

/** A refusal whose message is meant for the terminal as is (a bad setting, an unknown survey). */
export class CommandRefusal extends Error {}

/**
 * The settings, and a logger to stderr (at warn, unless LOG_LEVEL asks for less), so that
 * standard output carries only the command's own output: a link, a list, a report.
 */
export function commandSetup(): { config: Config; logger: Logger } {
  let config: Config;
  try {
    config = getConfig();
  } catch (error) {
    if (error instanceof ConfigError) throw new CommandRefusal(error.message);
    throw error;
  }
  const logger = createLogger({ LOG_LEVEL: config.LOG_LEVEL === 'info' ? 'warn' : config.LOG_LEVEL, NODE_ENV: config.NODE_ENV }, 'stderr');
  return { config, logger };
}

/**
 * Runs `work` on the database of the running app (or the one DATA_DIR / MONGODB_URI name), and
 * closes it however `work` ends.
 */
export async function withDatabase<T>(config: Config, logger: Logger, work: () => Promise<T>): Promise<T> {
  const database = await openDatabase(config, logger, { role: 'cli' });
  try {
    return await work();
  } finally {
    await database.close();
  }
}

/**
 * Runs a command's main and ends the process with its exit code. A refusal (CommandRefusal, or
 * an AppError the caller caused) prints its message and exits 1; anything else prints whole.
 */
export async function runCommand(main: (argv: string[]) => Promise<number>): Promise<void> {
  process.exitCode = await main(process.argv.slice(2)).catch((error: unknown) => {
    const refused = error instanceof CommandRefusal || (error instanceof AppError && error.expected);
    console.error(refused ? (error as Error).message : error);
    return EXIT_FAILED;
  });
}
