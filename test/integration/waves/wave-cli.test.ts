// `npm run wave -- ...` as an operator runs it: a child process against the test store, its output,
// its exit code, what it stored, and what the running app's console shows afterwards. The command
// runs on the system's clock, so its dates are far in the future.
import { expect } from 'chai';
import { useAppSuite } from '../../support/app-suite';
import { runCli, type CliRun } from '../../support/run-cli';
import { createStaff, signedInBrowser, storedCollection } from '../../support/staff';
import { CAPTIC_ID } from '../../fixtures/captic-answers';

function wave(args: string[]): Promise<CliRun> {
  return runCli('server/waves/wave.cli.ts', args);
}

async function storedWave(waveId: string) {
  return storedCollection('waves').findOne({ surveyId: CAPTIC_ID, waveId });
}

describe('npm run wave', function () {
  // Each run starts a TypeScript process.
  this.timeout(120_000);
  const suite = useAppSuite();

  it('lists the waves with status, phase, dates in the survey\'s zone and completes', async () => {
    // Two reads: run side by side.
    const [run, listedAsJson] = await Promise.all([wave(['list', '--survey', CAPTIC_ID]), wave(['list', '--survey', CAPTIC_ID, '--json'])]);
    expect(run.stderr).to.equal('');
    expect(run.code).to.equal(0);
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines[0]).to.match(/^WAVE +STATUS +PHASE +OPENS \(Europe\/Paris\) +CLOSES \(Europe\/Paris\) +COMPLETES +TARGET$/);
    expect(lines[1]).to.match(/^demo +open +open +- +- +0 +-$/);
    expect(lines[2]).to.match(/^2011-03 +closed +closed +2011-03-01 00:00 +2011-04-01 00:00 +0 +-$/);
    const json = JSON.parse(listedAsJson.stdout);
    expect(json.waves.map((w: { waveId: string; phase: string }) => [w.waveId, w.phase])).to.deep.equal([['demo', 'open'], ['2011-03', 'closed']]);
  });

  it('creates a draft copying the chosen wave, schedules, opens and closes it, each audited as done from the command line', async () => {
    await storedCollection('waves').updateOne({ surveyId: CAPTIC_ID, waveId: '2011-03' }, { $set: { targetSample: 300, accessMode: 'panel', panelId: 'members' } });
    const created = await wave(['create', '--survey', CAPTIC_ID, '--wave', '2099-03', '--label-fr', 'Mars 2099', '--label-en', 'March 2099', '--copy-from', '2011-03']);
    expect(created.stderr).to.equal('');
    expect(created.code).to.equal(0);
    expect(created.stdout).to.contain(`Created wave 2099-03 of ${CAPTIC_ID}, a draft with the settings of 2011-03, pinned to version ${suite.app.catalog.require(CAPTIC_ID).fingerprint}.`);
    expect(await storedWave('2099-03')).to.deep.include({ status: 'draft', copiedFrom: '2011-03', targetSample: 300, accessMode: 'panel', panelId: 'members', label: { fr: 'Mars 2099', en: 'March 2099' } });

    // demo is open and never closes: opening another is refused, naming it.
    const refused = await wave(['open', '--survey', CAPTIC_ID, '--wave', '2099-03']);
    expect(refused.code).to.equal(1);
    expect(refused.stderr).to.contain('Wave "demo" (open) of this survey is open: close it before opening "2099-03"');
    expect(refused.stdout).to.equal('');
    expect((await storedWave('2099-03'))!.status).to.equal('draft');

    const closedDemo = await wave(['close', '--survey', CAPTIC_ID, '--wave', 'demo']);
    expect(closedDemo.code, closedDemo.stderr).to.equal(0);
    expect(closedDemo.stdout).to.contain('Closed wave demo of captic_2011: no new respondent; those who started may finish within 60 min.');
    // With demo closed, nothing overlaps the 2099 dates.
    const scheduled = await wave(['schedule', '--survey', CAPTIC_ID, '--wave', '2099-03', '--opens', '2099-03-01T09:00', '--closes', '2099-03-31T18:00', '--grace', '30']);
    expect(scheduled.code, scheduled.stderr).to.equal(0);
    expect(scheduled.stdout).to.contain('Wave 2099-03 of captic_2011 is scheduled: opens 1 Mar 2099, 09:00 (Europe/Paris), closes 31 Mar 2099, 18:00 (Europe/Paris), grace period 30 min.');
    const stored = await storedWave('2099-03');
    expect(stored).to.deep.include({ status: 'scheduled', graceMinutes: 30 });
    expect(stored!.opensAt.toISOString()).to.equal('2099-03-01T08:00:00.000Z');
    expect(stored!.closesAt.toISOString()).to.equal('2099-03-31T16:00:00.000Z');

    const opened = await wave(['open', '--survey', CAPTIC_ID, '--wave', '2099-03']);
    expect(opened.code, opened.stderr).to.equal(0);
    expect(opened.stdout).to.contain('Opened wave 2099-03 of captic_2011: respondents can answer until 31 Mar 2099, 18:00 (Europe/Paris).');
    // Opened now, ahead of its open time.
    expect((await storedWave('2099-03'))!.status).to.equal('open');

    // The running app's console reads the waves fresh: it shows the change at once.
    const admin = await createStaff(suite.app, { email: 'admin@example.org', role: 'admin' });
    const browser = await signedInBrowser(suite.app, admin);
    browser.acceptLanguage = 'en';
    const page = await browser.get(`/admin/surveys/${CAPTIC_ID}/waves/2099-03`);
    expect(page.$('#wave-phase').text().trim()).to.equal('Open');

    const events = await storedCollection('audit_events').find({ surveyId: CAPTIC_ID }, { projection: { _id: 0, action: 1, target: 1, via: 1 } }).sort({ at: 1 }).toArray();
    expect(events).to.deep.equal([
      { action: 'wave_created', target: '2099-03', via: 'cli' },
      { action: 'wave_closed', target: 'demo', via: 'cli' },
      // Dates and scheduling in one step: one audit line.
      { action: 'wave_scheduled', target: '2099-03', via: 'cli' },
      { action: 'wave_opened', target: '2099-03', via: 'cli' },
    ]);
  });

  it('refuses with exit code 1 and the reason, changing nothing: an existing id, a close before the open, a draft to close, a closed wave to open', async () => {
    // Each command starts a TypeScript process: the independent ones run side by side. A refusal
    // that wrongly went through would still fail its own exit code check, whatever the order.
    const [exists, created] = await Promise.all([
      wave(['create', '--survey', CAPTIC_ID, '--wave', '2011-03']),
      wave(['create', '--survey', CAPTIC_ID, '--wave', '2099-03']),
    ]);
    expect(exists.code).to.equal(1);
    expect(exists.stderr.trim()).to.equal(`Survey "${CAPTIC_ID}" already has a wave "2011-03"`);
    expect(created.code, created.stderr).to.equal(0);

    const [backwards, draft, reopen, unknown, noSurvey] = await Promise.all([
      wave(['schedule', '--survey', CAPTIC_ID, '--wave', '2099-03', '--opens', '2099-03-31T09:00', '--closes', '2099-03-01T09:00']),
      wave(['close', '--survey', CAPTIC_ID, '--wave', '2099-03']),
      wave(['open', '--survey', CAPTIC_ID, '--wave', '2011-03']),
      wave(['open', '--survey', CAPTIC_ID, '--wave', '1999-01']),
      wave(['list', '--survey', 'nope']),
    ]);
    expect(backwards.code).to.equal(1);
    expect(backwards.stderr.trim()).to.equal('The close time is before the open time: a wave must open before it closes');
    expect(await storedWave('2099-03')).to.not.have.property('opensAt');

    expect(draft.code).to.equal(1);
    expect(draft.stderr.trim()).to.equal('Wave "2099-03" is a draft that never opened: there is nothing to close');

    expect(reopen.code).to.equal(1);
    expect(reopen.stderr.trim()).to.equal('Wave "2011-03" is closed: it cannot be opened again. Make a new wave instead');
    expect((await storedWave('2011-03'))!.status).to.equal('closed');

    expect(unknown.code).to.equal(1);
    expect(unknown.stderr.trim()).to.equal(`Survey "${CAPTIC_ID}" has no wave "1999-01"`);

    expect(noSurvey.code).to.equal(1);
    expect(noSurvey.stderr).to.contain('Unknown survey "nope"');
  });

  it('refuses a wrong command line with exit code 2 and the usage', async () => {
    const cases = [
      [[], 'name a command'],
      [['open', '--survey', CAPTIC_ID], 'open needs --wave'],
      [['list', '--survey', CAPTIC_ID, '--wave', 'demo'], 'list takes no --wave'],
      [['schedule', '--survey', CAPTIC_ID, '--wave', 'demo', '--opens', 'tomorrow'], '--opens is a local date and time in Europe/Paris such as 2012-03-01T09:00, or "none"; not "tomorrow"'],
    ] as const;
    // Nothing here reaches the database: the runs go side by side.
    const [help, ...runs] = await Promise.all([wave(['--help']), ...cases.map(([args]) => wave([...args]))]);
    cases.forEach(([args, message], i) => {
      const run = runs[i]!;
      expect(run.code, args.join(' ')).to.equal(2);
      expect(run.stderr).to.contain(message);
      expect(run.stderr).to.contain('Usage:');
    });
    expect(help.code).to.equal(0);
    expect(help.stdout).to.contain('within half a second');
  });
});
