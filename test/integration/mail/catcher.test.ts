// Without SMTP_URL the worker sends to the local catcher, which keeps each message for the
// console's outbox page.
import { expect } from 'chai';
import mongoose from 'mongoose';
import nodemailer from 'nodemailer';
import { startTestApp, type TestApp } from '../../support/app';
import { resetDatabase } from '../../support/database';
import { pollUntil, testMail, TEST_SENDER, waitForOutboxMessage } from '../../support/outbox';
import { enqueueMail } from '../../../server/mail/outbox.service';
import { findCaughtMail, listCaughtMail } from '../../../server/mail/caught-mail.service';
import { OutboxModel } from '../../../server/mail/outbox.model';
import { CaughtMailModel } from '../../../server/mail/caught-mail.model';
import { messageIdFor } from '../../../server/mail/mail-address';
import { AppError } from '../../../server/lib/errors';

describe('the local mail catcher', () => {
  let app: TestApp;

  before(async () => {
    await OutboxModel.init();
    await CaughtMailModel.init();
    // Mail left queued by another test file would reach this file's worker first.
    await resetDatabase();
    app = await startTestApp({ MAIL_FROM: TEST_SENDER.from, MAIL_RATE_PER_SECOND: '1000' }, { mail: true });
  });
  after(() => app?.close());
  beforeEach(() => resetDatabase());

  it('runs on loopback and keeps what the worker sends, newest first, whole on request', async () => {
    expect(app.mail?.catcherUrl).to.match(/^smtp:\/\/127\.0\.0\.1:\d+$/);
    for (const n of [1, 2, 3]) await enqueueMail(testMail(n), TEST_SENDER, app.clock.now());
    const caught = await pollUntil(() => listCaughtMail({ limit: 10 }), (list) => list.length === 3, 10_000);
    expect(caught.map((mail) => mail.subject)).to.deep.equal(['Invitation 3', 'Invitation 2', 'Invitation 1']);
    expect(caught[0]).to.deep.include({ from: 'Barometer Tests <barometer@tests.example.org>', to: ['member3@example.org'], messageId: messageIdFor('test:3', 'barometer@tests.example.org') });
    const older = await listCaughtMail({ limit: 10, before: caught[0]?.id as string });
    expect(older.map((mail) => mail.subject)).to.deep.equal(['Invitation 2', 'Invitation 1']);
    const whole = await findCaughtMail(caught[2]?.id as string);
    expect(whole.text.trim()).to.equal('Hello member 1');
    expect(whole.html).to.contain('<p>Hello member 1</p>');
    expect(whole.headers['list-unsubscribe-post']).to.equal('List-Unsubscribe=One-Click');
    expect(whole.size).to.be.greaterThan(0);
  });

  it('refuses a message too large to keep for good (552 5.3.4: failed, not retried as a 451) and keeps nothing', async () => {
    // Over the 16 MB a stored document may hold, so it could never be kept.
    await enqueueMail(testMail(1, { text: 'x'.repeat(11 * 1024 * 1024) }), TEST_SENDER, app.clock.now());
    const failed = await waitForOutboxMessage('test:1', (message) => message.status === 'failed', 30_000);
    expect(failed).to.include({ attempts: 1 });
    expect(failed.lastError).to.contain('552').and.contain('5.3.4');
    expect(await listCaughtMail({ limit: 10 })).to.deep.equal([]);
  });

  it('takes mail only from its own worker: another program on the machine is refused', async () => {
    const transport = nodemailer.createTransport({ url: app.mail?.catcherUrl as string });
    const error = await transport
      .sendMail({ from: 'intruder@example.org', to: 'admin@example.org', subject: 'Look at this', text: 'https://phishing.example.org' })
      .then(() => null, (caught: unknown) => caught as { responseCode?: number });
    transport.close();
    expect(error?.responseCode).to.equal(530);
    expect(await listCaughtMail({ limit: 10 })).to.deep.equal([]);
  });

  it('marks what it keeps to be purged by the store after 30 days, on the wall clock', async () => {
    await enqueueMail(testMail(1), TEST_SENDER, app.clock.now());
    await pollUntil(() => listCaughtMail({ limit: 10 }), (list) => list.length === 1, 10_000);
    const [kept] = await mongoose.connection.collection('caught_mail').find({}).toArray();
    const days = ((kept?.purgeAt as Date).getTime() - Date.now()) / 86_400_000;
    expect(days).to.be.within(29.9, 30);
    const indexes = await mongoose.connection.collection('caught_mail').indexes();
    expect(indexes.find((index) => index.key.purgeAt === 1)).to.include({ expireAfterSeconds: 0 });
  });

  it('answers an unknown caught message with a not-found error', async () => {
    for (const id of ['0123456789abcdef01234567', 'not-an-id']) {
      const error = await findCaughtMail(id).catch((caught: unknown) => caught);
      expect(error).to.be.instanceOf(AppError);
      expect((error as AppError).status).to.equal(404);
    }
  });
});
