// The import command as an operator runs it: a child process, its output and its exit code.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { readTallies } from '../../../server/analysis/tally/tally.service';
import mongoose from 'mongoose';
import { ROOT } from '../../support/app';
import { runCli, type CliRun } from '../../support/run-cli';
import { storedCollection } from '../../support/staff';
import { captic250AsJsonLines } from '../../fixtures/captic-250';
import { useImportSuite } from './import-suite';
import { ensureCounters } from '../../../server/fieldwork/quotas';

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
  useImportSuite();

  it('imports a JSON Lines file, prints a summary and exits 0', async () => {
    const run = await runImport(['--survey', 'captic_2011', path.join(FIXTURES, 'captic-responses.jsonl')]);
    expect(run.stderr).to.equal('');
    expect(run.code).to.equal(0);
    // On a fresh database the current wave of CAP-TIC is the open demo wave.
    expect(run.stdout).to.match(/^Imported 3 responses into captic_2011, wave demo \(definition sha256:[0-9a-f]{16}\)\.\n$/);
    expect(await storedCount()).to.equal(3);
    // The CLI moves the live counters, as the web form does.
    const tally = await readTallies('captic_2011', 'demo');
    expect(tally.get('_response')).to.deep.equal({ n: 3 });
  });

  it('moves the quota counts of the wave it imports into, as the web form does', async () => {
    const quotas = [{ questionId: 'company_size', optionId: 'tpe', limit: 150 }, { questionId: 'company_size', optionId: 'pme', limit: 60 }];
    await mongoose.connection.db!.collection('waves').updateOne({ surveyId: 'captic_2011', waveId: 'demo' }, { $set: { quotas } });
    await ensureCounters({ surveyId: 'captic_2011', waveId: 'demo' }, quotas);
    const run = await runImport(['--survey', 'captic_2011', '--wave', 'demo', path.join(FIXTURES, 'captic-responses.jsonl')]);
    expect(run.code, run.stderr).to.equal(0);
    // The file has one TPE, one PME and one large company.
    const counts = await mongoose.connection.db!.collection('quota_counters').find({ surveyId: 'captic_2011', waveId: 'demo' }, { projection: { _id: 0, optionId: 1, count: 1 } }).sort({ optionId: 1 }).toArray();
    expect(counts).to.deep.equal([{ optionId: 'pme', count: 1 }, { optionId: 'tpe', count: 1 }]);
  });

  it('imports into a closed wave, says so, and records the import in the audit trail', async () => {
    const run = await runImport(['--survey', 'captic_2011', '--wave', '2011-03', path.join(FIXTURES, 'captic-responses.csv')]);
    expect(run.code).to.equal(0);
    expect(run.stdout).to.include('Imported 2 responses into captic_2011, wave 2011-03');
    expect(run.stdout).to.include('Wave 2011-03 is closed: imports go in (historical data, paper questionnaires), respondents still cannot answer it.');
    const events = await storedCollection('audit_events').find({ action: 'responses_imported' }).toArray();
    expect(events).to.have.length(1);
    expect(events[0]).to.include({ via: 'cli', surveyId: 'captic_2011', target: '2011-03' });
    expect(events[0]!.details).to.include({ wave: '2011-03', count: 2, file: 'captic-responses.csv', format: 'csv', skippedInvalid: 0, skippedDuplicates: 0 });
  });

  it('exits 1 and imports nothing when a line is invalid, naming the line', async () => {
    const run = await runImport(['--survey', 'captic_2011', '--wave', 'current', path.join(FIXTURES, 'captic-bad-lines.jsonl')]);
    expect(run.code).to.equal(1);
    expect(run.stderr).to.include('line 2: networks: unknown_option "myspace"\nline 4: company_size: required\n');
    expect(run.stderr).to.include('Nothing imported: 2 responses of 4 in');
    expect(run.stderr).to.include('--skip-invalid');
    expect(await storedCount()).to.equal(0);
  });

  it('with --skip-invalid, imports the valid lines, lists the skipped ones and exits 0', async () => {
    const run = await runImport(['--survey', 'captic_2011', '--wave', '2011-03', '--skip-invalid', path.join(FIXTURES, 'captic-bad-lines.jsonl')]);
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
    // Four refusals, each checked to import nothing (the count below): side by side, as each run
    // starts a TypeScript process.
    const [survey, wave, missing, empty] = await Promise.all([
      runImport(['--survey', 'no_such_survey', path.join(FIXTURES, 'captic-responses.jsonl')]),
      runImport(['--survey', 'captic_2011', '--wave', '1999-01', path.join(FIXTURES, 'captic-responses.jsonl')]),
      runImport(['--survey', 'captic_2011', path.join(FIXTURES, 'nope.jsonl')]),
      runImport(['--survey', 'captic_2011', path.join(FIXTURES, 'empty.jsonl')]),
    ]);
    expect(survey.code).to.equal(1);
    expect(survey.stderr).to.include('Unknown survey "no_such_survey". Surveys in');
    expect(survey.stderr).to.include('captic_2011');

    expect(wave.code).to.equal(1);
    expect(wave.stderr).to.include('Survey "captic_2011" has no wave "1999-01"');

    expect(missing.code).to.equal(1);
    expect(missing.stderr).to.include('Cannot read');
    expect(missing.stderr).to.include('no such file');

    expect(empty.code).to.equal(1);
    expect(empty.stderr).to.include('Nothing imported: The file is empty');
    expect(await storedCount()).to.equal(0);
  });

  describe('a file imported before', () => {
    const HISTORICAL = ['--survey', 'captic_2011', '--wave', '2011-03'];
    const file = (name: string) => path.join(FIXTURES, name);

    it('adds nothing the second time, says how many and where, exits 1, and is not audited', async () => {
      expect((await runImport([...HISTORICAL, file('captic-responses.jsonl')])).code).to.equal(0);
      const again = await runImport([...HISTORICAL, file('captic-responses.jsonl')]);
      expect(again.code).to.equal(1);
      expect(again.stdout).to.equal('');
      // The whole file is there: no list of lines, the count and the wave say it.
      expect(again.stderr).to.not.include('line 1');
      expect(again.stderr).to.include(`Nothing imported: all 3 responses in ${file('captic-responses.jsonl')} are imported already (3 in wave 2011-03): there is nothing new to import.`);
      expect(await storedCount()).to.equal(3);
      // Into another wave, the answer is the same: a record goes into one wave of a survey.
      const elsewhere = await runImport(['--survey', 'captic_2011', '--wave', 'demo', file('captic-responses.jsonl')]);
      expect(elsewhere.code).to.equal(1);
      expect(elsewhere.stderr).to.include('(3 in wave 2011-03)');
      expect(await storedCollection('audit_events').countDocuments({ action: 'responses_imported' })).to.equal(1);
    });

    it('when partly imported, lists the records already there and imports the rest only with --skip-duplicates', async () => {
      await runImport([...HISTORICAL, file('captic-responses.jsonl')]);
      const refused = await runImport([...HISTORICAL, file('captic-responses-and-more.jsonl')]);
      expect(refused.code).to.equal(1);
      expect(refused.stderr).to.match(/^line 2: already imported into wave 2011-03 \(sha256:[0-9a-f]{64}\)\nline 4: already imported into wave 2011-03 \(sha256:[0-9a-f]{64}\)\n/);
      expect(refused.stderr).to.include(`Nothing imported: ${file('captic-responses-and-more.jsonl')} has 2 responses already imported (2 in wave 2011-03), of 4 responses. Use --skip-duplicates to import the 2 new ones.`);
      expect(await storedCount()).to.equal(3);

      const dryRun = await runImport([...HISTORICAL, '--dry-run', file('captic-responses-and-more.jsonl')]);
      expect(dryRun.code).to.equal(1);
      expect(dryRun.stdout).to.include('Dry run: 4 valid responses, 2 of them new, and 0 invalid responses out of 4');
      expect(dryRun.stdout).to.include('Without --dry-run, nothing would be imported:');

      const skipping = await runImport([...HISTORICAL, '--skip-duplicates', file('captic-responses-and-more.jsonl')]);
      expect(skipping.code).to.equal(0);
      expect(skipping.stdout).to.include('Imported 2 responses into captic_2011, wave 2011-03');
      expect(skipping.stdout).to.include('Skipped 2 responses already imported (2 in wave 2011-03), at lines 2, 4.');
      expect(await storedCount()).to.equal(5);
      const [event] = await storedCollection('audit_events').find({ action: 'responses_imported' }).sort({ at: -1 }).limit(1).toArray();
      expect(event!.details).to.include({ count: 2, skippedDuplicates: 2 });
    });

    it('refuses a record repeated in the file, naming both lines, and says how to tell alike respondents apart', async () => {
      const run = await runImport([...HISTORICAL, file('captic-repeated-record.jsonl')]);
      expect(run.code).to.equal(1);
      expect(run.stderr).to.match(/^line 3: the same record as line 1 \(sha256:[0-9a-f]{64}\)\n/);
      expect(run.stderr).to.include('give each record an external_id');
      expect(run.stderr).to.include('has 1 response repeating an earlier line, of 3 responses. Use --skip-duplicates to import the 2 new ones.');
      expect(await storedCount()).to.equal(0);
    });
  });

  it('run twice at once on the same file, imports it once: one run exits 0, the other 1', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'barometer-import-'));
    const captic = path.join(dir, 'captic.jsonl');
    await writeFile(captic, captic250AsJsonLines());
    try {
      const runs = await Promise.all([runImport(['--survey', 'captic_2011', '--wave', '2011-03', captic]), runImport(['--survey', 'captic_2011', '--wave', '2011-03', captic])]);
      expect(runs.map((r) => r.code).sort()).to.deep.equal([0, 1]);
      expect(runs.find((r) => r.code === 1)!.stderr).to.include('Nothing imported');
      expect(await storedCount()).to.equal(250);
      expect((await readTallies('captic_2011', '2011-03')).get('_response')).to.deep.equal({ n: 250 });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('exits 2 with the usage for a missing --survey, a missing file, an unknown option or an unknown format', async () => {
    const cases = [[path.join(FIXTURES, 'captic-responses.jsonl')], ['--survey', 'captic_2011'], ['--survey', 'captic_2011', '--force', 'x.jsonl'], ['--survey', 'captic_2011', 'responses.txt']];
    // Refused before anything is read: side by side.
    const runs = await Promise.all(cases.map((args) => runImport(args)));
    cases.forEach((args, i) => {
      expect(runs[i]!.code, args.join(' ')).to.equal(2);
      expect(runs[i]!.stderr).to.include('Usage: npm run responses:import');
    });
  });
});
