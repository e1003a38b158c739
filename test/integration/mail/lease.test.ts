// A claimed message stays its worker's from the claim to the record of its outcome, however long
// it waits for the send rate: a message whose lease ran out while it waited its turn would be
// claimed again by another worker (or another send loop of the same worker) and sent twice,
// outside the one window docs/mail.md admits.
import { expect } from 'chai';
import { startTestApp, type TestApp } from '../../support/app';
import { startTestSmtpServer, type TestSmtpServer } from '../../support/smtp';
import { resetDatabase } from '../../support/database';
import { duplicatesOf, outboxCollection, testMail, TEST_SENDER, waitForOutbox, waitForOutboxMessage } from '../../support/outbox';
import { enqueueMail, enqueueMails } from '../../../server/mail/outbox.service';
import { OutboxModel } from '../../../server/mail/outbox.model';

describe('mail: the lease while a message waits for the send rate', function () {
  this.timeout(30_000);
  let smtp: TestSmtpServer;
  let app: TestApp | undefined;

  before(async () => {
    await OutboxModel.init();
    await resetDatabase();
    smtp = await startTestSmtpServer();
  });
  after(async () => {
    await app?.close();
    await smtp?.stop();
  });
  beforeEach(() => resetDatabase());

  it('sends each message once when three send loops wait their turn at 3 a second with a 300 ms lease', async () => {
    // Three loops claim three messages at once; at 3 a second the third waits two thirds of a
    // second for its turn, more than two leases' worth.
    app = await startTestApp({ SMTP_URL: smtp.url, MAIL_FROM: TEST_SENDER.from, MAIL_RATE_PER_SECOND: '3' }, { mail: { concurrency: 3, leaseMs: 300 } });
    await enqueueMails([1, 2, 3, 4, 5, 6].map((n) => testMail(n)), TEST_SENDER, app.clock.now());
    await waitForOutbox((counts) => counts.sent === 6, 20_000);
    await app.close();
    app = undefined;
    const received = smtp.messages.map((message) => message.messageId);
    expect(duplicatesOf(received)).to.deep.equal([]);
    expect(received).to.have.length(6);
  });

  it('records the send in flight before a stopping app closes, and claims nothing more', async () => {
    smtp.messages.length = 0;
    app = await startTestApp({ SMTP_URL: smtp.url, MAIL_FROM: TEST_SENDER.from, MAIL_RATE_PER_SECOND: '1000' }, { mail: true });
    smtp.slowDown(300);
    await enqueueMail(testMail(1), TEST_SENDER, app.clock.now());
    await waitForOutboxMessage('test:1', (message) => message.status === 'sending');
    // Queued while the one send loop is busy with the first.
    await enqueueMail(testMail(2), TEST_SENDER, app.clock.now());
    await app.close();
    app = undefined;
    smtp.slowDown(0);
    // Closing waited for the server's answer and its record; the other message is still queued.
    expect(await outboxCollection().findOne({ key: 'test:1' })).to.include({ status: 'sent' });
    expect(await outboxCollection().findOne({ key: 'test:2' })).to.include({ status: 'queued', attempts: 0 });
    expect(smtp.messages.map((message) => message.subject)).to.deep.equal(['Invitation 1']);
  });

  it('fails, unsent, a message whose workers died holding it more times than the attempts allow, and sends the next', async () => {
    // A message that kills every worker that takes it (say, one too large for its memory) would
    // otherwise be claimed first after every restart, for ever, and hold up the whole outbox.
    smtp.messages.length = 0;
    app = await startTestApp({ SMTP_URL: smtp.url, MAIL_FROM: TEST_SENDER.from, MAIL_RATE_PER_SECOND: '1000' }, { mail: { maxAttempts: 3 } });
    await app.mail?.worker?.stop();
    await enqueueMail(testMail(1), TEST_SENDER, app.clock.now());
    const past = new Date(app.clock.now().getTime() - 1000);
    await outboxCollection().updateOne({ key: 'test:1' }, { $set: { status: 'sending', attempts: 3, leaseOwner: 'a-dead-worker', leaseUntil: past } });
    await enqueueMail(testMail(2), TEST_SENDER, app.clock.now());
    app.mail?.worker?.start();
    const failed = await waitForOutboxMessage('test:1', (message) => message.status === 'failed');
    expect(failed.lastError).to.match(/worker/);
    await waitForOutboxMessage('test:2', (message) => message.status === 'sent');
    expect(smtp.messages.map((message) => message.subject)).to.deep.equal(['Invitation 2']);
    await app.close();
    app = undefined;
  });
});
