// `npm run panel -- ...` as an operator runs it: a child process against the test store, its
// output and exit code, and what it stored.
import { writeFile, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { useAppSuite } from '../../support/app-suite';
import { runCli, type CliRun } from '../../support/run-cli';
import { CAPTIC_ID } from '../../fixtures/captic-answers';
import { stored } from './support';
import { TEST_ACTOR } from '../../support/waves';
import { createPanel } from '../../../server/panels/panel.service';
import { createLogger } from '../../../server/lib/logger';

function panel(args: string[]): Promise<CliRun> {
  return runCli('server/panels/panel.cli.ts', args);
}

describe('npm run panel', function () {
  // Each run starts a TypeScript process.
  this.timeout(120_000);
  const suite = useAppSuite();
  let dir: string;

  /** The panel the import tests read into, made in-process: `create` itself is run as a command in the first test. */
  const createPros = () => createPanel(CAPTIC_ID, { panelId: 'pros', name: 'Professionals' }, TEST_ACTOR, createLogger(suite.app.config));

  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'panel-cli-'));
  });
  after(async () => rm(dir, { recursive: true, force: true }));

  it('creates a panel, lists it, and refuses the same id twice', async () => {
    const created = await panel(['create', '--survey', CAPTIC_ID, '--panel', 'pros', '--name', 'Professionals']);
    expect(created.stderr).to.equal('');
    expect(created.code).to.equal(0);
    expect(created.stdout).to.contain(`Created panel pros (Professionals) of ${CAPTIC_ID}.`);
    const again = await panel(['create', '--survey', CAPTIC_ID, '--panel', 'pros', '--name', 'Other']);
    expect(again.code).to.equal(1);
    expect(again.stderr).to.contain(`Survey ${CAPTIC_ID} already has a panel "pros"`);
    const listed = await panel(['list', '--survey', CAPTIC_ID]);
    expect(listed.code).to.equal(0);
    expect(listed.stdout.trimEnd().split('\n')).to.deep.equal(['PANEL  MEMBERS  REACHABLE  NAME', 'pros   0        0          Professionals']);
    const events = await stored('audit_events').find({ action: 'panel_created' }, { projection: { _id: 0, target: 1, via: 1 } }).toArray();
    expect(events).to.deep.equal([{ target: 'pros', via: 'cli' }]);
  });

  it('prints the report, applies nothing without --yes when no one can answer, and applies with --yes, a progress line per 10,000 rows', async () => {
    await createPros();
    const file = path.join(dir, 'members.csv');
    const rows = Array.from({ length: 25_000 }, (_, i) => `m${i}@example.org,Member ${i},${i % 2 ? 'pme' : 'tpe'}`);
    await writeFile(file, ['email,name,company_size', ...rows, 'broken,Nobody,tpe', 'm1@example.org,Again,pme', 'x@example.org,X,giant'].join('\n'));

    const declined = await panel(['import', '--survey', CAPTIC_ID, '--panel', 'pros', file]);
    expect(declined.code, declined.stderr).to.equal(0);
    expect(declined.stdout).to.contain('Rows read: 25003');
    expect(declined.stdout).to.match(/to add: +25000/);
    expect(declined.stdout).to.contain('line 25002: "broken"');
    expect(declined.stdout).to.contain('line 25003: m1@example.org (first on line 3)');
    expect(declined.stdout).to.contain('line 25004: x@example.org, company_size = "giant"; expected an option of question company_size');
    expect(declined.stdout).to.contain('Not applied: nothing was saved.');
    expect(declined.stderr).to.contain('run again with --yes');
    expect(declined.stderr.split('\n').filter((line) => line.startsWith('Read '))).to.deep.equal(['Read 10,000 rows', 'Read 20,000 rows']);
    expect(await stored('panel_members').countDocuments()).to.equal(0);
    expect(await stored('panel_import_rows').countDocuments()).to.equal(0);

    const applied = await panel(['import', '--survey', CAPTIC_ID, '--panel', 'pros', file, '--yes']);
    expect(applied.code, applied.stderr).to.equal(0);
    expect(applied.stdout).to.contain('Applied: 25000 members added, 0 updated, 0 unchanged, 3 rows skipped.');
    expect(await stored('panel_members').countDocuments()).to.equal(25_000);
    const [audit] = await stored('audit_events').find({ action: 'panel_imported' }).toArray();
    expect(audit).to.deep.include({ via: 'cli', target: 'pros' });
    expect(audit!.details).to.deep.include({ rows: 25_003, add: 25_000, skip: 3, fileName: 'members.csv' });
  });

  it('refuses a file that is not UTF-8, or has no email column, with exit 1 and the reason', async () => {
    await createPros();
    const latin1 = path.join(dir, 'latin1.csv');
    await writeFile(latin1, Buffer.from('email;nom\nrene@example.org;Ren\xe9\n', 'latin1'));
    const noEmail = path.join(dir, 'no-email.csv');
    await writeFile(noEmail, 'nom;taille\nAna;tpe\n');
    // Two refusals of two files: side by side (each run starts a TypeScript process).
    const [refused, missing] = await Promise.all([
      panel(['import', '--survey', CAPTIC_ID, '--panel', 'pros', latin1, '--yes']),
      panel(['import', '--survey', CAPTIC_ID, '--panel', 'pros', noEmail, '--yes']),
    ]);
    expect(refused.code).to.equal(1);
    expect(refused.stderr).to.contain('save it as "CSV UTF-8 (comma delimited)"');
    expect(missing.code).to.equal(1);
    expect(missing.stderr).to.contain('The file has no email column');
    expect(await stored('panel_members').countDocuments()).to.equal(0);
  });

  it('prints what the file holds with its control characters escaped, so a file cannot drive the terminal', async () => {
    await createPros();
    const file = path.join(dir, 'escapes.csv');
    await writeFile(file, 'email,\x1b]0;owned\x07Team\n\x1b[2Jnot-an-email,x\nana@example.org,y\n');
    const noEmail = path.join(dir, 'escapes-no-email.csv');
    await writeFile(noEmail, 'name,\x1b[31mred\nAna,x\n');
    // Neither run saves anything (no --yes): side by side.
    const [run, refused] = await Promise.all([
      panel(['import', '--survey', CAPTIC_ID, '--panel', 'pros', file]),
      panel(['import', '--survey', CAPTIC_ID, '--panel', 'pros', noEmail]),
    ]);
    expect(run.code, run.stderr).to.equal(0);
    expect(run.stdout).to.contain('line 2: "\\u001b[2Jnot-an-email"');
    expect(run.stdout + run.stderr).to.not.contain('\x1b');
    expect(refused.code).to.equal(1);
    expect(refused.stderr).to.contain('The file has no email column');
    expect(refused.stderr).to.not.contain('\x1b');
  });

  it('says what is wrong with the command line (exit 2)', async () => {
    const run = await panel(['import', '--survey', CAPTIC_ID, '--panel', 'pros']);
    expect(run.code).to.equal(2);
    expect(run.stderr).to.contain('import needs the FILE to read');
  });
});
