// `npm run surveys:check [file...]`: checks survey definitions (default: every file in surveys/)
// with the same loader the server uses at boot. Exit code 1 on any problem.
import { runSurveyCheck } from './survey-check';

const files = process.argv.slice(2).filter((a) => !a.startsWith('-'));
process.exitCode = await runSurveyCheck(files, { log: (l) => console.log(l), error: (l) => console.error(l) });
