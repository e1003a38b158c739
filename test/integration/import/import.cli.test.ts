// The import command as an operator runs it: a child process, its output and its exit code.
import path from 'node:path';
import { expect } from 'chai';
import { readTallies } from '../../../server/analysis/tally/tally.service';
import mongoose from 'mongoose';
import { startTestApp, ROOT, type TestApp } from '../../support/app';
import { runCli, type CliRun } from '../../support/run-cli';

const FIXTURES = path.join(ROOT, 'test', 'fixtures', 'import');

function runImport(args: string[]): Promise<CliRun> {
  return runCli('server/responses/import.cli.ts', args);
}

async function storedCount(): Promise<number> {
  return mongoose.connection.db!.collection('responses').countDocuments({});
}

describe('npm run responses:import', function () {
  // Each run starts a TypeScript process.
  this.timeout(60_000);
  let app: TestApp;
  before(async () => {
    app = await startTestApp();
  });
  after(async () => app.close());
  beforeEach(() => app.reset());

  it('imports a JSON Lines file, prints a summary and exits 0', async () => {
    const run = await runImport(['--survey', 'captic_2011', path.join(FIXTURES, 'captic-responses.jsonl')]);
    expect(run.stderr).to.equal('');
    expect(run.code).to.equal(0);
    expect(run.stdout).to.match(/^Imported 3 responses into captic_2011, wave 2011-03 \(definition sha256:[0-9a-f]{16}\)\.\n$/);
    expect(await storedCount()).to.equal(3);
    // The CLI moves the live counters, as the web form does.
    const tally = await readTallies('captic_2011', '2011-03');
    expect(tally.get('_response')).to.deep.equal({ n: 3 });
  });

  it('exits 1 and imports nothing when a line is invalid, naming the line', async () => {
    const run = await runImport(['--survey', 'captic_2011', '--wave', 'current', path.join(FIXTURES, 'captic-bad-lines.jsonl')]);
    expect(run.code).to.equal(1);
    expect(run.stderr).to.include('line 2: networks: unknown_option "myspace"\nline 4: company_size: required\n');
    expect(run.stderr).to.include('Nothing imported: 2 responses of 4');
    expect(run.stderr).to.include('--skip-invalid');
    expect(await storedCount()).to.equal(0);
  });

  it('with --skip-invalid, imports the valid lines, lists the skipped ones and exits 0', async () => {
    const run = await runImport(['--survey', 'captic_2011', '--skip-invalid', path.join(FIXTURES, 'captic-bad-lines.jsonl')]);
    expect(run.code).to.equal(0);
    expect(run.stdout).to.include('Imported 2 responses into captic_2011, wave 2011-03');
    expect(run.stdout).to.include('Skipped 2 invalid responses, at lines 2, 4.');
    expect(await storedCount()).to.equal(2);
  });

  it('with --dry-run, checks a CSV and imports nothing', async () => {
    const run = await runImport(['--survey', 'captic_2011', '--dry-run', path.join(FIXTURES, 'captic-responses.csv')]);
    expect(run.code).to.equal(0);
    expect(run.stdout).to.include('Dry run: 2 valid responses and 0 invalid responses out of 2');
    expect(await storedCount()).to.equal(0);
  });

  it('exits 1 with a clear message for an unknown survey, an unknown wave, a missing file and an empty file', async () => {
    const survey = await runImport(['--survey', 'no_such_survey', path.join(FIXTURES, 'captic-responses.jsonl')]);
    expect(survey.code).to.equal(1);
    expect(survey.stderr).to.include('Unknown survey "no_such_survey". Surveys in');
    expect(survey.stderr).to.include('captic_2011');

    const wave = await runImport(['--survey', 'captic_2011', '--wave', '1999-01', path.join(FIXTURES, 'captic-responses.jsonl')]);
    expect(wave.code).to.equal(1);
    expect(wave.stderr).to.include('Survey "captic_2011" has no wave "1999-01"');

    const missing = await runImport(['--survey', 'captic_2011', path.join(FIXTURES, 'nope.jsonl')]);
    expect(missing.code).to.equal(1);
    expect(missing.stderr).to.include('Cannot read');
    expect(missing.stderr).to.include('no such file');

    const empty = await runImport(['--survey', 'captic_2011', path.join(FIXTURES, 'empty.jsonl')]);
    expect(empty.code).to.equal(1);
    expect(empty.stderr).to.include('Nothing imported: The file is empty');
    expect(await storedCount()).to.equal(0);
  });

  it('exits 2 with the usage for a missing --survey, a missing file, an unknown option or an unknown format', async () => {
    for (const args of [[path.join(FIXTURES, 'captic-responses.jsonl')], ['--survey', 'captic_2011'], ['--survey', 'captic_2011', '--force', 'x.jsonl'], ['--survey', 'captic_2011', 'responses.txt']]) {
      const run = await runImport(args);
      expect(run.code, args.join(' ')).to.equal(2);
      expect(run.stderr).to.include('Usage: npm run responses:import');
    }
  });
});
