// The independent tools the statistics and exports are checked against: R's survey package
// (Rscript), PSPP (reads .sav files back) and scipy. CI installs them (.ci/run); without them the
// tests that need them fail and say what to install, rather than pass without checking.
import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';

const INSTALL: Record<'Rscript' | 'pspp', string> = {
  Rscript: "R's survey package (Debian: r-base-core r-cran-survey)",
  pspp: 'PSPP (Debian: pspp)',
};

const run = promisify(execFile);

/** Runs Rscript or pspp and returns what it printed on stdout. */
export async function runOracle(command: 'Rscript' | 'pspp', args: readonly string[]): Promise<string> {
  try {
    const { stdout } = await run(command, args, { maxBuffer: 64 * 1024 * 1024 });
    return stdout;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new Error(`${command} is not installed: this test checks against ${INSTALL[command]}; .ci/run installs it.`);
    }
    throw error;
  }
}

let python: string | undefined;

/** The first python on this machine that has scipy: the PATH's, else Debian's (python3-scipy). */
function pythonWithScipy(): string {
  if (python) return python;
  for (const candidate of ['python3', '/usr/bin/python3']) {
    try {
      execFileSync(candidate, ['-c', 'import scipy'], { stdio: 'ignore' });
      python = candidate;
      return candidate;
    } catch {
      // Not this one.
    }
  }
  throw new Error('these tests check against scipy: python3 with scipy must be installed (Debian: python3-scipy; .ci/run installs it)');
}

/**
 * Runs a short python3 + scipy snippet and returns what it prints as JSON, so a statistic is
 * checked against scipy itself rather than against numbers copied from it once.
 */
export function scipy<T>(snippet: string): T {
  const output = execFileSync(pythonWithScipy(), ['-c', `import json\n${snippet}`], { encoding: 'utf8' });
  return JSON.parse(output) as T;
}
