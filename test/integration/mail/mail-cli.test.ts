// `npm run mail -- status|retry-failed` as an operator runs them, against the test store.
import { expect } from 'chai';
import { runCli } from '../../support/run-cli';
import { resetDatabase } from '../../support/database';
import { outboxCollection, testMail, TEST_SENDER } from '../../support/outbox';
import { auditEvents } from '../../support/staff';
import { enqueueMails } from '../../../server/mail/outbox.service';
import { OutboxModel } from '../../../server/mail/outbox.model';

function mail(args: string[]) {
  return runCli('server/mail/mail.cli.ts', args);
}

describe('npm run mail', function () {
  // Each run starts a TypeScript process.
  this.timeout(60_000);
  before(() => OutboxModel.init());
  beforeEach(async () => {
    await resetDatabase();
    await enqueueMails([1, 2, 3, 4].map((n) => testMail(n)), TEST_SENDER, new Date());
    await enqueueMails([5].map((n) => testMail(n, { key: `invitation:${n}`, purpose: 'invitation' })), TEST_SENDER, new Date());
    await outboxCollection().updateMany({ key: { $in: ['test:1', 'test:2'] } }, { $set: { status: 'failed', attempts: 8 } });
    await outboxCollection().updateOne({ key: 'test:3' }, { $set: { status: 'sent' } });
  });

  it('counts the outbox by purpose and status', async () => {
    // Two reads: side by side, as each run starts a TypeScript process.
    const [run, asJson] = await Promise.all([mail(['status']), mail(['status', '--json'])]);
    expect(run.stderr).to.equal('');
    expect(run.code).to.equal(0);
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines[0]).to.match(/^PURPOSE +QUEUED +SENDING +SENT +FAILED +BOUNCED +CANCELLED$/);
    expect(lines).to.satisfy((all: string[]) => all.some((line) => /^other +1 +0 +1 +2 +0 +0$/.test(line)));
    expect(lines).to.satisfy((all: string[]) => all.some((line) => /^invitation +1 +0 +0 +0 +0 +0$/.test(line)));
    const json = JSON.parse(asJson.stdout);
    expect(json.other).to.deep.equal({ queued: 1, sending: 0, sent: 1, failed: 2, bounced: 0, cancelled: 0 });
  });

  it('queues failed messages again with their attempts reset, audited as done from the command line', async () => {
    const run = await mail(['retry-failed', '--purpose', 'other']);
    expect(run.stderr).to.equal('');
    expect(run.code).to.equal(0);
    expect(run.stdout.trim()).to.equal('Queued 2 failed messages again.');
    expect(await outboxCollection().countDocuments({ status: 'queued', attempts: 0 })).to.equal(4);
    const [event] = await auditEvents('mail_retried');
    expect(event).to.deep.include({ via: 'cli' });
    expect(event?.details).to.deep.include({ count: 2, purpose: 'other' });
    expect((await mail(['retry-failed'])).stdout.trim()).to.equal('No failed message to retry.');
  });

  it('refuses a wrong command line with the usage and exit code 2', async () => {
    const [unknown, stray] = await Promise.all([mail(['retry-failed', '--purpose', 'spam']), mail(['status', '--lease-seconds', '5'])]);
    expect(unknown.code).to.equal(2);
    expect(unknown.stderr).to.contain('--purpose is one of invitation, reminder, password_link, resume_link, other');
    expect(stray.code).to.equal(2);
    expect(stray.stderr).to.contain('status takes no --lease-seconds');
  });
});
