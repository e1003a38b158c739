// Without SMTP_URL the worker sends to the local catcher, which keeps each message for the
// console's outbox page.
import { expect } from 'chai';
import { startTestApp, type TestApp } from '../../support/app';
import { resetDatabase } from '../../support/database';
import { pollUntil, testMail, TEST_SENDER } from '../../support/outbox';
import { enqueueMail } from '../../../server/mail/outbox.service';
import { findCaughtMail, listCaughtMail } from '../../../server/mail/caught-mail.service';
import { OutboxModel } from '../../../server/mail/outbox.model';
import { messageIdFor } from '../../../server/mail/mail-address';
import { AppError } from '../../../server/lib/errors';

describe('the local mail catcher', () => {
  let app: TestApp;

  before(async () => {
    await OutboxModel.init();
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

  it('answers an unknown caught message with a not-found error', async () => {
    for (const id of ['0123456789abcdef01234567', 'not-an-id']) {
      const error = await findCaughtMail(id).catch((caught: unknown) => caught);
      expect(error).to.be.instanceOf(AppError);
      expect((error as AppError).status).to.equal(404);
    }
  });
});
