import { loadSurveyDirectory, loadSurveyFiles, SurveyDefinitionError } from './survey.loader';

export interface CheckOutput {
  log(line: string): void;
  error(line: string): void;
}

export const DEFAULT_SURVEYS_DIR = 'surveys';

/**
 * What `npm run surveys:check [file...]` does: checks the files named (default: every definition
 * in surveys/), prints one `ok` line per good file or every problem, and returns the exit code.
 */
export async function runSurveyCheck(files: readonly string[], out: CheckOutput, dir = DEFAULT_SURVEYS_DIR): Promise<number> {
  try {
    const loaded = files.length ? await loadSurveyFiles(files) : await loadSurveyDirectory(dir);
    if (loaded.length === 0) {
      out.error(`No survey definition found (expected .yaml, .yml or .json files in ${dir}/).`);
      return 1;
    }
    for (const s of loaded) out.log(`ok ${s.file} (${s.definition.id}, ${s.fingerprint})`);
    return 0;
  } catch (error) {
    if (!(error instanceof SurveyDefinitionError)) throw error;
    out.error(error.message);
    out.error(`${error.problems.length} problem${error.problems.length === 1 ? '' : 's'} found.`);
    return 1;
  }
}
