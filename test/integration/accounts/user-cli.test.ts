// The `npm run user:*` commands as an operator runs them: a child process against the test store,
// its output, its exit code, and what it stored.
import { expect } from 'chai';
import type { TestApp } from '../../support/app';
import { useAppSuite } from '../../support/app-suite';
import { runCli, type CliRun } from '../../support/run-cli';
import { Browser } from '../../support/browser';
import { accountsOf, auditEvents, createStaff, signedInBrowser, storedUsers, STRONG_PASSWORD } from '../../support/staff';
import { CAPTIC_ID } from '../../fixtures/captic-answers';

const NEW_PASSWORD = 'lantern orchard violin 2044 pebble';

function runUserCli(args: string[], env: Record<string, string> = {}): Promise<CliRun> {
  return runCli('server/accounts/user.cli.ts', args, env);
}

/** The one-time link a run printed, checked to start with the expected base. */
function printedLink(run: CliRun, base: string): string {
  const match = /^ {4}(\S+)$/m.exec(run.stdout);
  expect(match, run.stdout).to.not.equal(null);
  const link = match![1]!;
  expect(link.startsWith(`${base}/account/password/`), link).to.equal(true);
  return link;
}

/** Opens a printed link on the test app, sets the password, signs in. */
async function setPasswordThroughLink(app: TestApp, link: string, email: string): Promise<void> {
  const browser = new Browser(app.url);
  const linkPath = new URL(link).pathname;
  const form = await browser.get(linkPath);
  expect(form.status, form.html.slice(0, 300)).to.equal(200);
  const saved = await browser.post(linkPath, { ...browser.hiddenFields(form), password: NEW_PASSWORD });
  expect(saved.status).to.equal(303);
  await signedInBrowser(app, { email, password: NEW_PASSWORD });
}

describe('npm run user:*', function () {
  // Each run starts a TypeScript process.
  this.timeout(120_000);
  const suite = useAppSuite();

  it('user:create prints a one-time link on http://HOST:PORT that sets the password, and records who did it', async () => {
    const run = await runUserCli(['create', '--email', 'Boss@Example.org', '--role', 'admin', '--name', 'The Boss'], { HOST: '127.0.0.1', PORT: '4321' });
    expect(run.stderr).to.equal('');
    expect(run.code).to.equal(0);
    expect(run.stdout).to.match(/^Created admin boss@example\.org\.\nOne-time link \(shown once; expires in 72 hours, \d{4}-\d\d-\d\d \d\d:\d\d UTC\):\n/);
    expect(run.stdout).to.contain('nothing is mailed');
    const link = printedLink(run, 'http://127.0.0.1:4321');
    expect(await storedUsers()).to.have.length(1);
    const [stored] = await storedUsers();
    expect(stored).to.deep.include({ email: 'boss@example.org', name: 'The Boss', role: 'admin', grants: [] });
    const [audit] = await auditEvents('account_created');
    expect(audit).to.deep.include({ via: 'cli', target: 'boss@example.org' });
    await setPasswordThroughLink(suite.app, link, 'boss@example.org');
  });

  it('user:create builds the link on PUBLIC_URL and stores grants', async () => {
    const run = await runUserCli(['create', '--email', 'ana@example.org', '--role', 'analyst', '--grant', CAPTIC_ID, '--grant', 'coworking_members_2026'], { PUBLIC_URL: 'https://barometer.example.org/' });
    expect(run.code, run.stderr).to.equal(0);
    expect(run.stdout).to.contain('Created analyst ana@example.org with captic_2011, coworking_members_2026.');
    printedLink(run, 'https://barometer.example.org');
    const [stored] = await storedUsers();
    expect(stored!.grants).to.deep.equal([CAPTIC_ID, 'coworking_members_2026']);
  });

  it('user:create refuses an unknown role, a bad email, an unknown survey and an existing email with exit 1, storing nothing', async () => {
    await createStaff(suite.app, { email: 'ana@example.org', role: 'analyst' });
    const before = await storedUsers();
    const cases: Array<[string[], string]> = [
      [['--email', 'new@example.org', '--role', 'superuser'], 'Role must be one of admin, organizer, analyst'],
      [['--email', 'new@example.org\r\nBcc: x@example.org', '--role', 'analyst'], 'Email: an email address cannot contain spaces, line breaks'],
      [['--email', 'new@example.org, x@example.org', '--role', 'analyst'], 'Email: an email address cannot contain spaces, line breaks'],
      [['--email', 'not-an-email', '--role', 'analyst'], 'Email: not an email address'],
      [['--email', 'new@example.org', '--role', 'analyst', '--grant', CAPTIC_ID, '--grant', 'no_such_survey'], 'No such survey: no_such_survey'],
      [['--email', 'ANA@example.org', '--role', 'organizer'], 'An account for ana@example.org already exists'],
      [['--email', 'new@example.org', '--role', 'analyst', '--name', 'n'.repeat(101)], 'Name: a name has at most 100 characters'],
    ];
    // Each run starts a TypeScript process, so they run side by side: a refusal that stored
    // something would still fail its exit code, and the check of what is stored below.
    const runs = await Promise.all(cases.map(([args]) => runUserCli(['create', ...args])));
    cases.forEach(([args, message], i) => {
      const run = runs[i]!;
      expect(run.code, args.join(' ')).to.equal(1);
      expect(run.stderr, args.join(' ')).to.contain(message);
      expect(run.stdout, args.join(' ')).not.to.contain('/account/password/');
    });
    expect(await storedUsers()).to.deep.equal(before);
    expect(await auditEvents('account_created')).to.have.length(1);
  });

  it('exits 2 with the usage for a missing email or role, an unknown command, an unknown option or an option the command ignores', async () => {
    const cases = [
      ['create', '--role', 'admin'],
      ['create', '--email', 'a@example.org'],
      ['disable'],
      ['delete', '--email', 'a@example.org'],
      ['create', '--email', 'a@example.org', '--role', 'admin', '--force'],
      ['disable', '--email', 'a@example.org', '--role', 'admin'],
    ];
    // Refused before the database is reached: the runs go side by side.
    const runs = await Promise.all(cases.map((args) => runUserCli(args)));
    cases.forEach((args, i) => {
      expect(runs[i]!.code, args.join(' ')).to.equal(2);
      expect(runs[i]!.stderr, args.join(' ')).to.contain('Usage:\n  npm run user:create');
    });
    expect(await storedUsers()).to.have.length(0);
  });

  it('user:list prints a table, or JSON with --json', async () => {
    expect((await runUserCli(['list'])).stdout).to.equal('No account yet.\n');
    await createStaff(suite.app, { email: 'ana@example.org', role: 'analyst', grants: [CAPTIC_ID], name: 'Ana Lyst' });
    await accountsOf(suite.app).createAccount({ email: 'org@example.org', role: 'organizer' }, { via: 'cli' });
    await signedInBrowser(suite.app, { email: 'ana@example.org', password: STRONG_PASSWORD });

    const table = await runUserCli(['list']);
    expect(table.code, table.stderr).to.equal(0);
    const lines = table.stdout.trimEnd().split('\n');
    expect(lines[0]).to.match(/^EMAIL\s+NAME\s+ROLE\s+STATUS\s+LAST SIGN-IN\s+GRANTS$/);
    expect(lines[1]).to.match(/^ana@example\.org\s+Ana Lyst\s+analyst\s+active\s+\d{4}-\d\d-\d\d \d\d:\d\d UTC\s+captic_2011$/);
    expect(lines[2]).to.match(/^org@example\.org\s+organizer\s+waiting\s+never\s+-$/);

    const json = await runUserCli(['list', '--json']);
    expect(json.code).to.equal(0);
    const listed = JSON.parse(json.stdout) as Array<Record<string, unknown>>;
    expect(listed.map(({ email, role, grants, status }) => ({ email, role, grants, status }))).to.deep.equal([
      { email: 'ana@example.org', role: 'analyst', grants: [CAPTIC_ID], status: 'active' },
      { email: 'org@example.org', role: 'organizer', grants: [], status: 'waiting' },
    ]);
    expect(listed[0]!.lastSignInAt).to.be.a('string');
    expect(listed[1]!.lastSignInAt).to.equal(null);
  });

  it('user:disable ends the sessions and sign-ins, user:enable lets the account in again; both say when nothing changes', async () => {
    const ana = await createStaff(suite.app, { email: 'ana@example.org', role: 'analyst', grants: [CAPTIC_ID] });
    const browser = await signedInBrowser(suite.app, ana);

    const disabled = await runUserCli(['disable', '--email', 'ana@example.org']);
    expect(disabled.code, disabled.stderr).to.equal(0);
    expect(disabled.stdout).to.equal('Disabled ana@example.org: its sessions have ended and its API tokens stop working.\n');
    expect((await storedUsers())[0]!.disabledAt).to.be.instanceOf(Date);
    expect((await browser.get('/admin')).location).to.match(/^\/login\?/);
    expect(await auditEvents('account_disabled')).to.have.length(1);
    expect((await auditEvents('account_disabled'))[0]).to.deep.include({ via: 'cli', target: 'ana@example.org' });

    const again = await runUserCli(['disable', '--email', 'ana@example.org']);
    expect(again.code).to.equal(0);
    expect(again.stdout).to.equal('ana@example.org is already disabled; nothing changed.\n');
    expect(await auditEvents('account_disabled')).to.have.length(1);

    const enabled = await runUserCli(['enable', '--email', 'ANA@example.org']);
    expect(enabled.code).to.equal(0);
    expect(enabled.stdout).to.equal('Enabled ana@example.org.\n');
    expect((await storedUsers())[0]!.disabledAt).to.equal(undefined);
    expect(await auditEvents('account_enabled')).to.have.length(1);
    await signedInBrowser(suite.app, ana);
  });

  it('user:reset-password prints a new link that sets a new password', async () => {
    await createStaff(suite.app, { email: 'ana@example.org', role: 'analyst' });
    const run = await runUserCli(['reset-password', '--email', 'ana@example.org']);
    expect(run.code, run.stderr).to.equal(0);
    expect(run.stdout).to.contain('New password link for ana@example.org');
    const link = printedLink(run, 'http://127.0.0.1:3000');
    expect((await auditEvents('password_link_issued'))[0]).to.deep.include({ via: 'cli', target: 'ana@example.org' });
    await setPasswordThroughLink(suite.app, link, 'ana@example.org');
  });

  it('user:sign-out-everywhere ends every session of the account', async () => {
    const ana = await createStaff(suite.app, { email: 'ana@example.org', role: 'analyst' });
    const browser = await signedInBrowser(suite.app, ana);
    const run = await runUserCli(['sign-out-everywhere', '--email', 'ana@example.org']);
    expect(run.code, run.stderr).to.equal(0);
    expect(run.stdout).to.equal('Ended every session of ana@example.org.\n');
    const ended = await browser.get('/admin');
    expect(ended.location).to.contain('ended=1');
    expect(await auditEvents('sign_out_everywhere')).to.have.length(1);
  });

  it('exits 1 naming an unknown account or a bad email, changing nothing', async () => {
    await createStaff(suite.app, { email: 'ana@example.org', role: 'analyst' });
    const before = await storedUsers();
    const commands = ['disable', 'enable', 'reset-password', 'sign-out-everywhere'];
    // Refusals that change nothing (checked below): side by side.
    const [bad, ...runs] = await Promise.all([
      runUserCli(['disable', '--email', 'ana@example.org\nBcc: x@example.org']),
      ...commands.map((command) => runUserCli([command, '--email', 'nobody@example.org'])),
    ]);
    commands.forEach((command, i) => {
      expect(runs[i]!.code, command).to.equal(1);
      expect(runs[i]!.stderr, command).to.equal('No account for nobody@example.org. See npm run user:list.\n');
    });
    expect(bad.code).to.equal(1);
    expect(bad.stderr).to.contain('Email: an email address cannot contain');
    expect(await storedUsers()).to.deep.equal(before);
  });
});
