// Queuing mail: what is stored, what is refused (and then nothing is stored), and the idempotency
// key that makes "queue this invitation" safe to repeat.
import { createHash } from 'node:crypto';
import { expect } from 'chai';
import { enqueueMail, enqueueMails, outboxCounts, type OutgoingMail } from '../../../server/mail/outbox.service';
import { OutboxModel } from '../../../server/mail/outbox.model';
import { AppError } from '../../../server/lib/errors';
import { resetDatabase } from '../../support/database';
import { outboxCollection } from '../../support/outbox';

const SENDER = { from: 'Barometer <barometer@mail.example.org>' };
const NOW = new Date('2026-03-02T10:00:00Z');

function invitation(n: number, changes: Partial<OutgoingMail> = {}): OutgoingMail {
  return {
    key: `invitation:${n}`,
    purpose: 'invitation',
    to: { address: `member${n}@example.org`, name: `Member ${n}` },
    subject: 'Your invitation',
    text: 'Hello',
    html: '<p>Hello</p>',
    headers: { 'List-Unsubscribe': '<https://example.org/u/1>', 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' },
    about: { surveyId: 'captic_2011', waveId: '2011-03', invitationId: String(n) },
    ...changes,
  };
}

async function refusal(promise: Promise<unknown>): Promise<AppError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('the outbox: queuing mail', () => {
  before(() => OutboxModel.init());
  beforeEach(() => resetDatabase());

  it('stores a queued message with a Message-ID derived from its key and the sender\'s domain', async () => {
    const { id, queued } = await enqueueMail(invitation(1), SENDER, NOW);
    expect(queued).to.equal(true);
    const stored = await outboxCollection().findOne({});
    const digest = createHash('sha256').update('invitation:1').digest('hex').slice(0, 32);
    expect(String(stored?._id)).to.equal(id);
    expect(stored).to.deep.include({
      key: 'invitation:1',
      messageId: `<${digest}@mail.example.org>`,
      status: 'queued',
      attempts: 0,
      purpose: 'invitation',
      subject: 'Your invitation',
    });
    expect(stored?.from).to.deep.equal({ address: 'barometer@mail.example.org', name: 'Barometer' });
    expect(stored?.to).to.deep.equal({ address: 'member1@example.org', name: 'Member 1' });
    expect(stored?.headers).to.deep.equal({ 'List-Unsubscribe': '<https://example.org/u/1>', 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' });
    expect(stored?.nextAttemptAt).to.deep.equal(NOW);
  });

  it('queues the same key once, returning the first message\'s id the second time', async () => {
    const first = await enqueueMail(invitation(1), SENDER, NOW);
    const second = await enqueueMail(invitation(1, { subject: 'Another subject' }), SENDER, NOW);
    expect(second).to.deep.equal({ id: first.id, queued: false });
    expect(await outboxCollection().countDocuments({})).to.equal(1);
    expect((await outboxCollection().findOne({}))?.subject).to.equal('Your invitation');
  });

  it('holds a message back until notBefore', async () => {
    const later = new Date('2026-03-03T08:00:00Z');
    await enqueueMail(invitation(1, { notBefore: later }), SENDER, NOW);
    expect((await outboxCollection().findOne({}))?.nextAttemptAt).to.deep.equal(later);
  });

  const injections: [string, Partial<OutgoingMail>][] = [
    ['a subject', { subject: 'Hello\r\nBcc: victim@example.org' }],
    ["the recipient's name", { to: { address: 'member@example.org', name: 'Eve\nBcc: victim@example.org' } }],
    ['the reply-to', { replyTo: 'help@example.org\r\nBcc: victim@example.org' }],
    ['a header value', { headers: { 'List-Unsubscribe': '<https://example.org/u>\r\nBcc: victim@example.org' } }],
    ['a header name', { headers: { 'X-Evil\r\nBcc': 'victim@example.org' } }],
  ];
  for (const [where, changes] of injections) {
    it(`refuses a line break in ${where} as header_injection and stores nothing`, async () => {
      const error = await refusal(enqueueMail(invitation(1, changes), SENDER, NOW));
      expect(error.code).to.equal('header_injection');
      expect(error.status).to.equal(422);
      expect(await outboxCollection().countDocuments({})).to.equal(0);
    });
  }

  for (const address of ['not an address', 'member@', 'a@b.c\r\nBcc: x@y.z', 'a,b@example.org']) {
    it(`refuses the address ${JSON.stringify(address)} and stores nothing`, async () => {
      const error = await refusal(enqueueMail(invitation(1, { to: { address } }), SENDER, NOW));
      expect(error.code).to.be.oneOf(['invalid_email', 'header_injection']);
      expect(await outboxCollection().countDocuments({})).to.equal(0);
    });
  }

  it('queues many at once, skipping keys already queued', async () => {
    await enqueueMail(invitation(2), SENDER, NOW);
    const result = await enqueueMails([1, 2, 3, 4].map((n) => invitation(n)), SENDER, NOW);
    expect(result).to.deep.equal({ queued: 3, alreadyQueued: 1 });
    expect(await outboxCollection().countDocuments({})).to.equal(4);
    expect(await enqueueMails([1, 2].map((n) => invitation(n)), SENDER, NOW)).to.deep.equal({ queued: 0, alreadyQueued: 2 });
  });

  it('stores none of a batch when one message is refused', async () => {
    const mails = [1, 2, 3].map((n) => invitation(n));
    mails.push(invitation(4, { subject: 'Hi\nBcc: victim@example.org' }));
    const error = await refusal(enqueueMails(mails, SENDER, NOW));
    expect(error.code).to.equal('header_injection');
    expect(await outboxCollection().countDocuments({})).to.equal(0);
    const invalid = await refusal(enqueueMails([invitation(1), invitation(2, { to: { address: 'nobody' } })], SENDER, NOW));
    expect(invalid.code).to.equal('invalid_email');
    expect(await outboxCollection().countDocuments({})).to.equal(0);
  });

  it('counts a wave\'s messages by status and purpose', async () => {
    await enqueueMails([1, 2, 3].map((n) => invitation(n)), SENDER, NOW);
    await enqueueMail(invitation(9, { key: 'reminder:9:1', purpose: 'reminder' }), SENDER, NOW);
    await enqueueMail(invitation(8, { about: { surveyId: 'captic_2011', waveId: '2012-03' } }), SENDER, NOW);
    await outboxCollection().updateOne({ key: 'invitation:1' }, { $set: { status: 'sent' } });
    const counts = await outboxCounts({ surveyId: 'captic_2011', waveId: '2011-03' }, 'invitation');
    expect(counts).to.deep.equal({ queued: 2, sending: 0, sent: 1, failed: 0, bounced: 0, cancelled: 0 });
    expect((await outboxCounts({ surveyId: 'captic_2011', waveId: '2011-03' })).queued).to.equal(3);
  });
});
