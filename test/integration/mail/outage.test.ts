// The SMTP server is down while 200 messages are queued; the worker keeps retrying; the app is
// restarted meanwhile; the server comes back; every message arrives exactly once.
import { expect } from 'chai';
import { startTestApp, type TestApp } from '../../support/app';
import { startTestSmtpServer, type TestSmtpServer } from '../../support/smtp';
import { resetDatabase } from '../../support/database';
import { duplicatesOf, outboxCollection, pollUntil, testMail, TEST_SENDER, waitForOutbox } from '../../support/outbox';
import { enqueueMails } from '../../../server/mail/outbox.service';
import { OutboxModel } from '../../../server/mail/outbox.model';

const MESSAGES = 200;

describe('mail: an SMTP outage across an app restart', function () {
  this.timeout(120_000);
  let smtp: TestSmtpServer;
  let app: TestApp | undefined;

  // A short backoff, so the test sees many retries in little time; a restart keeps the queued mail.
  const startApp = () =>
    startTestApp({ SMTP_URL: smtp.url, MAIL_FROM: TEST_SENDER.from, MAIL_RATE_PER_SECOND: '1000' }, { mail: { baseBackoffMs: 50, maxBackoffMs: 400 }, keepOutbox: true });

  before(async () => {
    await OutboxModel.init();
    smtp = await startTestSmtpServer();
  });
  after(async () => {
    await app?.close();
    await smtp?.stop();
  });
  beforeEach(() => resetDatabase());

  it(`delivers each of ${MESSAGES} messages exactly once after the server comes back`, async () => {
    await smtp.stop();
    app = await startApp();
    const { queued } = await enqueueMails(Array.from({ length: MESSAGES }, (_, n) => testMail(n)), TEST_SENDER, app.clock.now());
    expect(queued).to.equal(MESSAGES);
    // Every message has been tried against the dead server at least once and waits for its retry.
    const tried = () => outboxCollection().countDocuments({ status: 'queued', attempts: { $gte: 1 }, lastError: { $exists: true } });
    await pollUntil(tried, (count) => count === MESSAGES, 30_000);
    const refused = await outboxCollection().findOne({});
    expect(refused?.lastError).to.match(/ECONNREFUSED|ECONNECTION|connect/i);

    // The app restarts while the server is still down; the queue is in the database, not in the process.
    await app.close();
    app = await startApp();
    await smtp.start();

    await smtp.waitForMessages(MESSAGES, 60_000);
    await waitForOutbox((counts) => counts.sent === MESSAGES, 60_000);
    const received = smtp.messages.map((message) => message.messageId);
    expect(duplicatesOf(received)).to.deep.equal([]);
    expect(received).to.have.length(MESSAGES);
    const stored = await outboxCollection().find({}).toArray();
    expect(new Set(received)).to.deep.equal(new Set(stored.map((message) => message.messageId)));
    expect(stored.every((message) => message.status === 'sent' && message.attempts >= 2)).to.equal(true);
  });
});
