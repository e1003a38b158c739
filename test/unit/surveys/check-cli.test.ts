import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { promisify } from 'node:util';
import { runSurveyCheck } from '../../../server/surveys/survey-check';

const run = promisify(execFile);

/** Runs the real command in a child process, as `npm run surveys:check` does. */
async function checkInChild(...files: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', 'server/surveys/check.cli.ts', ...files]);
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

/** The same check in this process (what the command runs), to keep the many fixture cases fast. */
async function check(...files: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const code = await runSurveyCheck(files, { log: (l) => stdout.push(l), error: (l) => stderr.push(l) });
  return { code, stdout: stdout.map((l) => `${l}\n`).join(''), stderr: stderr.map((l) => `${l}\n`).join('') };
}

const FIXTURES = 'test/fixtures/surveys';

// One broken fixture per rejection the checker promises, with the exact lines it must print.
const EXPECTED: Record<string, string[]> = {
  'duplicate-option-id.yaml': [`${FIXTURES}/duplicate-option-id.yaml:22 pages[0].questions[0].options: duplicate option id "yes"`],
  'duplicate-question-id.yaml': [`${FIXTURES}/duplicate-question-id.yaml:19 pages[1].questions[0].id: duplicate question id "age" (first used by pages[0].questions[0])`],
  'condition-later-question.yaml': [
    `${FIXTURES}/condition-later-question.yaml:13 pages[0].show_if.question: condition refers to question "member", which is not asked before this point (a condition can only use earlier questions)`,
  ],
  'condition-unknown-question.yaml': [`${FIXTURES}/condition-unknown-question.yaml:19 pages[0].questions[1].show_if.question: condition refers to unknown question "membr"`],
  'condition-unknown-option.yaml': [
    `${FIXTURES}/condition-unknown-option.yaml:24 pages[0].questions[1].show_if.includes: condition refers to unknown option "myspace" of question "networks" (options: facebook, linkedin)`,
  ],
  'matrix-piped-from-single-choice.yaml': [
    `${FIXTURES}/matrix-piped-from-single-choice.yaml:25 pages[0].questions[1].rows_from.question: matrix rows are piped from question "usage", which is single_choice, not multiple_choice`,
  ],
  'scale-labels-mismatch.yaml': [
    `${FIXTURES}/scale-labels-mismatch.yaml:19 pages[0].questions[0].scale.labels: scale labels do not match its 5 points: label both ends (1 and 5) or every point (1 to 5); got 1, 3, 6`,
  ],
  'missing-translation.yaml': [`${FIXTURES}/missing-translation.yaml:16 pages[0].questions[0].text: missing translation "en"`],
  'option-id-not-snake-case.yaml': [
    `${FIXTURES}/option-id-not-snake-case.yaml:18 pages[0].questions[0].options[0].id: option id "Face-Book" is not snake_case (lowercase letters, digits and _, starting with a letter)`,
  ],
  'report-placeholder-unknown-option.yaml': [
    `${FIXTURES}/report-placeholder-unknown-option.yaml:21 report.statements[0].text.fr: placeholder {{ pct member = oui }}: unknown option "oui" of question "member" (options: yes, no)`,
    `${FIXTURES}/report-placeholder-unknown-option.yaml:22 report.statements[0].text.en: placeholder {{ pct member = oui }}: unknown option "oui" of question "member" (options: yes, no)`,
    `${FIXTURES}/report-placeholder-unknown-option.yaml:25 report.statements[1].text.fr: placeholder {{ pct member yes }}: write "pct QUESTION = OPTION"`,
    `${FIXTURES}/report-placeholder-unknown-option.yaml:26 report.statements[1].text.en: placeholder {{ pct member yes }}: write "pct QUESTION = OPTION"`,
  ],
};

describe('npm run surveys:check', function () {
  this.timeout(60000);

  it('passes on the shipped surveys (every file of surveys/ by default)', async () => {
    const result = await checkInChild();
    expect(result.code, result.stderr).to.equal(0);
    expect(result.stdout).to.match(/^ok surveys\/captic-2011\.yaml \(captic_2011, sha256:[0-9a-f]{16}\)$/m);
    expect(result.stdout).to.match(/^ok surveys\/coworking-members-2026\.yaml /m);
  });

  it('has an expectation for every broken fixture', () => {
    expect(readdirSync(FIXTURES).sort()).to.deep.equal(Object.keys(EXPECTED).sort());
  });

  for (const [fixture, lines] of Object.entries(EXPECTED)) {
    it(`fails on ${fixture} with the precise message`, async () => {
      const result = await check(`${FIXTURES}/${fixture}`);
      expect(result.code).to.equal(1);
      expect(result.stderr.trim().split('\n')).to.deep.equal([...lines, `${lines.length} problem${lines.length === 1 ? '' : 's'} found.`]);
    });
  }

  it('exits non-zero in a child process and prints the problems on stderr', async () => {
    const result = await checkInChild(`${FIXTURES}/missing-translation.yaml`);
    expect(result.code).to.equal(1);
    expect(result.stderr).to.equal(`${EXPECTED['missing-translation.yaml']?.[0]}\n1 problem found.\n`);
  });

  it('checks several files in one run and reports the problems of all of them', async () => {
    const result = await check('surveys/captic-2011.yaml', `${FIXTURES}/missing-translation.yaml`, `${FIXTURES}/duplicate-option-id.yaml`);
    expect(result.code).to.equal(1);
    expect(result.stderr).to.include('missing-translation.yaml:16').and.include('duplicate-option-id.yaml:22').and.include('2 problems found.');
  });

  it('fails on a file that does not exist', async () => {
    const result = await check('surveys/nope.yaml');
    expect(result.code).to.equal(1);
    expect(result.stderr).to.match(/^surveys\/nope\.yaml: cannot be read: ENOENT/);
  });
});
