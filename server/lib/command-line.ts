// What every `npm run` command shares: its exit codes, and reading its arguments with a usage
// text printed on a mistake or on --help.

export const EXIT_OK = 0;
/** The command ran and refused or failed: nothing was changed. */
export const EXIT_FAILED = 1;
/** The command line itself was wrong. */
export const EXIT_USAGE = 2;

/** Thrown by a command's argument reader for a wrong command line. */
export class UsageError extends Error {}

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
