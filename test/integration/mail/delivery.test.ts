// The worker, started with the app, sends the outbox to a real SMTP server on loopback: what
// arrives (headers, both parts, sender and recipient), and what a refusal does.
import { expect } from 'chai';
import { startTestApp, type TestApp } from '../../support/app';
import { startTestSmtpServer, type TestSmtpServer } from '../../support/smtp';
import { resetDatabase } from '../../support/database';
import { outboxCollection, pollUntil, testMail, TEST_SENDER, waitForOutbox, waitForOutboxMessage } from '../../support/outbox';
import { enqueueMail } from '../../../server/mail/outbox.service';
import { registerMailHooks, unregisterMailHooks, type QueuedMail } from '../../../server/mail/mail-hooks';
import { messageIdFor } from '../../../server/mail/mail-address';
import { OutboxModel } from '../../../server/mail/outbox.model';

describe('mail delivery through the worker', function () {
  let smtp: TestSmtpServer;
  let app: TestApp;

  before(async () => {
    await OutboxModel.init();
    // Mail left queued by another test file would reach this file's worker first.
    await resetDatabase();
    smtp = await startTestSmtpServer();
    app = await startTestApp({ SMTP_URL: smtp.url, MAIL_FROM: TEST_SENDER.from, MAIL_RATE_PER_SECOND: '1000' }, { mail: { baseBackoffMs: 20, maxBackoffMs: 100 } });
  });
  after(async () => {
    await app?.close();
    await smtp?.stop();
  });
  beforeEach(async () => {
    await resetDatabase();
    smtp.messages.length = 0;
    smtp.failWith(null);
  });
  afterEach(() => unregisterMailHooks('delivery-test'));

  it('delivers a queued message with its Message-ID, List-Unsubscribe headers, both parts, sender and recipient', async () => {
    await enqueueMail(testMail(1, { replyTo: 'Survey team <team@tests.example.org>' }), TEST_SENDER, app.clock.now());
    const [message] = await smtp.waitForMessages(1);
    expect(message?.messageId).to.equal(messageIdFor('test:1', 'barometer@tests.example.org'));
    expect(message?.from).to.equal('barometer@tests.example.org');
    expect(message?.fromName).to.equal('Barometer Tests');
    expect(message?.to).to.equal('member1@example.org');
    expect(message?.envelopeTo).to.deep.equal(['member1@example.org']);
    expect(message?.subject).to.equal('Invitation 1');
    expect(message?.text.trim()).to.equal('Hello member 1');
    expect(message?.html).to.contain('<p>Hello member 1</p>');
    expect(message?.headers.get('list-unsubscribe')).to.equal('<https://barometer.example.org/u/1>');
    expect(message?.headers.get('list-unsubscribe-post')).to.equal('List-Unsubscribe=One-Click');
    expect(message?.headers.get('reply-to')).to.equal('Survey team <team@tests.example.org>');
    expect(message?.headers.get('to')).to.equal('Member 1 <member1@example.org>');
    await waitForOutbox((counts) => counts.sent === 1);
    const stored = await outboxCollection().findOne({});
    expect(stored).to.include({ status: 'sent', attempts: 1 });
    expect(stored?.sentAt).to.be.instanceOf(Date);
    expect(stored?.smtpResponse).to.match(/^250/);
    expect(stored?.leaseOwner).to.equal(undefined);
  });

  /** Queues one message the server refuses with `code` and `message`; what the bounce hooks are told. */
  async function refusedWith(code: number, message: string): Promise<[QueuedMail, string][]> {
    const bounced: [QueuedMail, string][] = [];
    registerMailHooks('delivery-test', { bounced: async (mail, reason) => void bounced.push([mail, reason]) });
    smtp.failWith(code, message);
    await enqueueMail(testMail(1), TEST_SENDER, app.clock.now());
    return bounced;
  }

  it('bounces a message the server refuses for good (550), tells the bounce hooks once and does not retry', async () => {
    const bounced = await refusedWith(550, 'No such user here');
    await waitForOutbox((counts) => counts.bounced === 1);
    // The hooks run after the status is written: wait for them too.
    await pollUntil(async () => bounced.length, (count) => count >= 1, 10_000);
    const stored = await outboxCollection().findOne({});
    expect(stored).to.include({ status: 'bounced', attempts: 1 });
    expect(stored?.lastError).to.contain('No such user here');
    expect(bounced).to.have.length(1);
    expect(bounced[0]?.[0]).to.deep.include({ key: 'test:1', purpose: 'other', to: { address: 'member1@example.org', name: 'Member 1' } });
    expect(bounced[0]?.[0].about).to.deep.equal({ surveyId: 'captic_2011', waveId: '2011-03', invitationId: 'i1' });
    expect(bounced[0]?.[1]).to.contain('550');
    expect(smtp.messages).to.have.length(0);
  });

  it('fails, without telling the bounce hooks, a message refused for good for the sender\'s sake (5.7.x: policy, DMARC)', async () => {
    const bounced = await refusedWith(550, '5.7.26 Unauthenticated email from tests.example.org is not accepted due to its DMARC policy');
    await waitForOutbox((counts) => counts.failed === 1);
    const stored = await outboxCollection().findOne({});
    expect(stored).to.include({ status: 'failed', attempts: 1 });
    expect(stored?.lastError).to.contain('5.7.26');
    expect(bounced).to.deep.equal([]);
  });

  it('bounces a refusal whose enhanced code says the address is wrong (5.1.1)', async () => {
    const bounced = await refusedWith(550, '5.1.1 The email account that you tried to reach does not exist');
    await waitForOutbox((counts) => counts.bounced === 1);
    await pollUntil(async () => bounced.length, (count) => count === 1, 10_000);
  });

  it('retries a message the server refuses for now (451) and sends it once the server accepts', async () => {
    smtp.failWith(451, 'Greylisted, come back later');
    await enqueueMail(testMail(1), TEST_SENDER, app.clock.now());
    // Refused twice, and waiting for its next attempt; then the server accepts.
    const refused = await waitForOutboxMessage('test:1', (message) => message.status === 'queued' && Number(message.attempts) >= 2);
    expect(refused.lastError).to.contain('451').and.contain('Greylisted');
    smtp.failWith(null);
    await smtp.waitForMessages(1);
    await waitForOutbox((counts) => counts.sent === 1);
    const stored = await outboxCollection().findOne({});
    expect(stored?.attempts).to.be.at.least(3);
    expect(smtp.messages).to.have.length(1);
  });

  it('cancels a message a beforeSend hook no longer wants, and sends the others', async () => {
    registerMailHooks('delivery-test', { beforeSend: async (mail) => (mail.about.invitationId === 'i2' ? 'cancel' : 'send') });
    for (const n of [1, 2, 3]) await enqueueMail(testMail(n), TEST_SENDER, app.clock.now());
    await waitForOutbox((counts) => counts.sent === 2 && counts.cancelled === 1);
    expect(smtp.messages.map((message) => message.to).sort()).to.deep.equal(['member1@example.org', 'member3@example.org']);
  });

  it('fails a message after its last attempt, leaving it for an admin to retry', async () => {
    await app.close();
    app = await startTestApp({ SMTP_URL: smtp.url, MAIL_FROM: TEST_SENDER.from, MAIL_RATE_PER_SECOND: '1000' }, { mail: { baseBackoffMs: 5, maxBackoffMs: 10, maxAttempts: 3 } });
    smtp.failWith(421, 'Service not available');
    await enqueueMail(testMail(1), TEST_SENDER, app.clock.now());
    await waitForOutbox((counts) => counts.failed === 1);
    expect(await outboxCollection().findOne({})).to.include({ status: 'failed', attempts: 3 });
  });
});
