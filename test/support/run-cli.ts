// Runs an `npm run` command as an operator does: a child process against the test store, with
// its output and exit code.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { ROOT } from './app';

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `script` (a path from the repository's root) with tsx, as `npm run` would. */
export function runCli(script: string, args: string[], env: Record<string, string> = {}): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH,
        NODE_ENV: 'test',
        LOG_LEVEL: 'silent',
        MONGODB_URI: process.env.MONGODB_URI,
        SURVEYS_DIR: path.join(ROOT, 'surveys'),
        DATA_DIR: path.join(ROOT, 'test', 'artifacts', 'data'),
        ...env,
      },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
