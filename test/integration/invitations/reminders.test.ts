// Reminders on a test clock: due and not due, the same personal link as the invitation, one per
// step and no more than the schedule has, never to a member who completed, held back by the quiet
// hours of the survey's zone (Europe/Paris) until they end.
import { expect } from 'chai';
import { CAPTIC_ID } from '../../fixtures/captic-answers';
import { invitationTokenHash } from '../../../server/invitations/invitation-token';
import { forgetWaves } from '../../../server/waves/wave.service';
import { DAY_MS, START, db, linkIn, mailTo, makePanel, makePanelWave, sendInvitations, useInvitationSuite } from './invitation-support';
import { waitUntil } from '../../support/wait-until';

describe('Reminding the members who have not answered', function () {
  this.timeout(60_000);
  const suite = useInvitationSuite();
  const outbox = (filter: Record<string, unknown> = {}) => db().collection('mail_outbox').find(filter, { sort: { _id: 1 } }).toArray();
  const at = (days: number, hoursUtc = 10) => new Date(new Date(START).getTime() + days * DAY_MS + (hoursUtc - 10) * 60 * 60_000);

  async function invitedPanel(reminderDays: number[]) {
    const ids = await makePanel(suite.app, [
      { email: 'ana@example.org', name: 'Ana Lima', language: 'en' },
      { email: 'bob@example.org' },
      { email: 'cleo@example.org' },
    ]);
    await makePanelWave(suite.app, { reminderDays });
    await sendInvitations(suite.app);
    const invitations = await suite.smtp.waitForMessages(3);
    suite.smtp.messages.length = 0;
    return { ids, invitations };
  }

  it('reminds on each step of the schedule, with the invitation’s own link, never twice for a step and never past the last', async () => {
    const { invitations } = await invitedPanel([3, 7]);

    suite.clock.set(at(2.9));
    expect(await suite.reminders.runOnce()).to.equal(0);

    suite.clock.set(at(3));
    expect(await suite.reminders.runOnce()).to.equal(3);
    // A second run at the same time (another process, say) queues nothing more.
    expect(await suite.reminders.runOnce()).to.equal(0);
    const first = await suite.smtp.waitForMessages(3);
    const ana = mailTo(first, 'ana@example.org')!;
    expect(ana.subject).to.match(/^Reminder: /);
    expect(ana.text).to.contain('We have not received your answers');
    expect(linkIn(ana)).to.equal(linkIn(mailTo(invitations, 'ana@example.org')));
    expect(mailTo(first, 'bob@example.org')!.subject).to.match(/^Rappel : /);
    const stored = await db().collection('invitations').findOne({ memberId: { $exists: true }, tokenHash: invitationTokenHash(linkIn(ana).split('/i/')[1]!) });
    expect(stored).to.include({ remindersSent: 1 });

    suite.clock.set(at(6));
    expect(await suite.reminders.runOnce()).to.equal(0);
    suite.clock.set(at(7));
    expect(await suite.reminders.runOnce()).to.equal(3);
    await suite.smtp.waitForMessages(6);
    suite.clock.set(at(30));
    expect(await suite.reminders.runOnce()).to.equal(0);

    const keys = (await outbox({ purpose: 'reminder' })).map((m) => m.key as string);
    expect(keys).to.have.length(6);
    expect(new Set(keys).size).to.equal(6);
    expect(keys.filter((k) => k.endsWith(':1'))).to.have.length(3);
    expect(keys.filter((k) => k.endsWith(':2'))).to.have.length(3);
  });

  it('does not send two reminders at once after a scheduler was down across both steps', async () => {
    await invitedPanel([3, 7]);
    suite.clock.set(at(10));
    expect(await suite.reminders.runOnce()).to.equal(3);
    expect(await suite.reminders.runOnce()).to.equal(0);
    suite.clock.set(at(13.9));
    expect(await suite.reminders.runOnce()).to.equal(0);
    suite.clock.set(at(14));
    expect(await suite.reminders.runOnce()).to.equal(3);
  });

  it('never reminds a member who completed, nor one who unsubscribed, and drops a queued reminder of one who completes meanwhile', async () => {
    const { ids } = await invitedPanel([3]);
    const [ana, , cleo] = ids;
    await db().collection('invitations').updateOne({ memberId: ana }, { $set: { completed: true } });
    await db().collection('panel_members').updateOne({ email: 'bob@example.org' }, { $set: { unsubscribedAt: new Date(START) } });
    // Cleo's reminder is queued during the quiet hours: it waits in the outbox.
    suite.clock.set(at(3, 21));
    expect(await suite.reminders.runOnce()).to.equal(1);
    const [reminder] = await outbox({ purpose: 'reminder' });
    expect(reminder?.about.memberId).to.equal(cleo);
    await db().collection('invitations').updateOne({ memberId: cleo }, { $set: { completed: true } });
    suite.clock.set(at(4, 8));
    await waitUntil('the reminder cancelled', async () => (await db().collection('mail_outbox').findOne({ _id: reminder!._id }))?.status === 'cancelled');
    expect(suite.smtp.messages).to.have.length(0);
  });

  it('holds a reminder due in the quiet hours until they end, 08:00 in Paris', async () => {
    await invitedPanel([3]);
    // 21:30 UTC is 22:30 in Paris (winter time, UTC+1): quiet.
    suite.clock.set(new Date('2026-12-04T21:30:00.000Z'));
    expect(await suite.reminders.runOnce()).to.equal(3);
    const reminders = await outbox({ purpose: 'reminder' });
    for (const reminder of reminders) {
      expect(reminder.status).to.equal('queued');
      expect((reminder.nextAttemptAt as Date).toISOString()).to.equal('2026-12-05T07:00:00.000Z');
    }
    suite.clock.set(new Date('2026-12-05T07:00:00.000Z'));
    const sent = await suite.smtp.waitForMessages(3);
    expect(sent.map((m) => m.to).sort()).to.deep.equal(['ana@example.org', 'bob@example.org', 'cleo@example.org']);
  });

  it('reminds only in open panel waves', async () => {
    await invitedPanel([3]);
    await db().collection('waves').updateOne({ surveyId: CAPTIC_ID, waveId: 'demo' }, { $set: { status: 'closed', closedAt: at(1) } });
    forgetWaves(CAPTIC_ID);
    suite.clock.set(at(3));
    expect(await suite.reminders.runOnce()).to.equal(0);
  });
});
