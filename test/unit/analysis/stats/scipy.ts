// Runs a short python3 + scipy snippet and returns what it prints as JSON, so a statistic is checked
// against scipy itself rather than against numbers copied from it once. CI installs python3 and
// scipy (.ci/run); without them these tests fail and say so.
import { execFileSync } from 'node:child_process';

export function scipy<T>(snippet: string): T {
  let output: string;
  try {
    output = execFileSync('python3', ['-c', `import json\n${snippet}`], { encoding: 'utf8' });
  } catch (error) {
    throw new Error(`these tests check against scipy: python3 with scipy must be installed (${(error as Error).message})`);
  }
  return JSON.parse(output) as T;
}
