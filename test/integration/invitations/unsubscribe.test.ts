// A member's way out: the unsubscribe link of the mail (a confirm page, then a POST), the
// one-click POST a mail client sends (RFC 8058), a forged link, mail of theirs still queued that is
// then dropped, a bounce that marks the member, and the next wave that mails neither of them.
import { expect } from 'chai';
import { Browser } from '../../support/browser';
import { auditEvents } from '../../support/staff';
import { TEST_ACTOR, wavesOf } from '../../support/waves';
import { waitForOutbox } from '../../support/outbox';
import { CAPTIC_ID } from '../../fixtures/captic-answers';
import { DAY_MS, db, mailTo, makePanel, makePanelWave, sendInvitations, unsubscribePathIn, useInvitationSuite } from './invitation-support';
import { waitUntil } from '../../support/wait-until';

describe('Unsubscribing from a panel', function () {
  this.timeout(60_000);
  const suite = useInvitationSuite();

  const send = (waveId = 'demo') => sendInvitations(suite.app, waveId);
  const member = (email: string) => db().collection('panel_members').findOne({ email });

  it('asks first, then unsubscribes on the button, in the member’s language, and records it as the member’s doing', async () => {
    await makePanel(suite.app, [{ email: 'ana@example.org', language: 'en' }]);
    await makePanelWave(suite.app);
    await send();
    const [mail] = await suite.smtp.waitForMessages(1);
    const path = unsubscribePathIn(mail);

    const browser = new Browser(suite.app.url);
    const confirm = await browser.get(path);
    expect(confirm.status).to.equal(200);
    expect(confirm.$('html').attr('lang')).to.equal('en');
    expect(confirm.$('h1').text()).to.equal('Unsubscribe');
    expect(confirm.$('.lead').text()).to.contain('CAP-TIC members');
    // Opening the link (a mail scanner does) unsubscribes nobody.
    expect((await member('ana@example.org'))?.unsubscribedAt).to.equal(undefined);

    const done = await browser.post(browser.formAction(confirm), browser.hiddenFields(confirm));
    expect(done.status).to.equal(200);
    expect(done.$('#unsubscribed').text()).to.equal('You will not receive messages from this panel again.');
    expect((await member('ana@example.org'))?.unsubscribedAt).to.be.instanceOf(Date);
    const [audit] = await auditEvents('member_unsubscribed');
    expect(audit).to.deep.include({ via: 'anonymous', surveyId: CAPTIC_ID });
    // Again: the same page, nothing recorded twice.
    expect((await browser.post(browser.formAction(confirm), {})).status).to.equal(200);
    expect(await auditEvents('member_unsubscribed')).to.have.length(1);
    expect((await browser.get(path)).$('#unsubscribed').length).to.equal(1);
  });

  it('takes the one-click POST of a mail client, without a CSRF token, and refuses a forged link with a 404', async () => {
    await makePanel(suite.app, [{ email: 'bob@example.org' }]);
    await makePanelWave(suite.app);
    await send();
    const [mail] = await suite.smtp.waitForMessages(1);
    const url = mail!.headers.get('list-unsubscribe')!.slice(1, -1);

    const forged = `${url.slice(0, -3)}${url.endsWith('AAA') ? 'BBB' : 'AAA'}`;
    for (const method of ['GET', 'POST']) {
      const refused = await fetch(forged, { method, headers: { 'content-type': 'application/x-www-form-urlencoded' }, ...(method === 'POST' ? { body: 'List-Unsubscribe=One-Click' } : {}) });
      expect(refused.status, method).to.equal(404);
    }
    expect((await member('bob@example.org'))?.unsubscribedAt).to.equal(undefined);

    const oneClick = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'List-Unsubscribe=One-Click' });
    expect(oneClick.status).to.equal(200);
    expect(await oneClick.text()).to.contain('Vous ne recevrez plus de messages de ce panel.');
    expect((await member('bob@example.org'))?.unsubscribedAt).to.be.instanceOf(Date);
  });

  it('drops mail still queued for a member who unsubscribes, and marks a member whose address bounces', async () => {
    await makePanel(suite.app, [{ email: 'ana@example.org' }, { email: 'bob@example.org' }]);
    await makePanelWave(suite.app);
    // The server is refusing for now: the invitations wait in the outbox for their retry.
    suite.smtp.failWith(451, 'Try again later');
    await send();
    await waitUntil('both invitations tried once and queued again', async () => (await db().collection('mail_outbox').countDocuments({ status: 'queued', attempts: { $gte: 1 } })) === 2);
    const queued = await db().collection('mail_outbox').find({}).toArray();

    const anaMail = queued.find((m) => m.to.address === 'ana@example.org')!;
    const oneClick = await fetch(anaMail.headers['List-Unsubscribe'].slice(1, -1), { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'List-Unsubscribe=One-Click' });
    expect(oneClick.status).to.equal(200);

    // Bob's server now refuses for good; the retries fall due.
    suite.smtp.failWith(550, 'No such user here');
    suite.clock.advance(DAY_MS);
    const counts = await waitForOutbox((c) => c.cancelled === 1 && c.bounced === 1);
    expect(counts).to.deep.equal({ cancelled: 1, bounced: 1 });
    expect(suite.smtp.messages).to.have.length(0);
    const bob = await member('bob@example.org');
    expect(bob?.bouncedAt).to.be.instanceOf(Date);
    expect(bob?.bounceReason).to.contain('No such user here');
  });

  it('mails neither an unsubscribed nor a bounced member in the panel’s next wave', async () => {
    await makePanel(suite.app, [{ email: 'ana@example.org' }, { email: 'bob@example.org' }, { email: 'cleo@example.org' }]);
    await makePanelWave(suite.app, { reminderDays: [3] });
    await send();
    const first = await suite.smtp.waitForMessages(3);
    await fetch(mailTo(first, 'ana@example.org')!.headers.get('list-unsubscribe')!.slice(1, -1), { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'List-Unsubscribe=One-Click' });
    await db().collection('panel_members').updateOne({ email: 'bob@example.org' }, { $set: { bouncedAt: suite.clock.now(), bounceReason: '550' } });

    const waves = wavesOf(suite.app);
    await waves.closeWave(CAPTIC_ID, 'demo', TEST_ACTOR);
    // The next wave takes the panel, its access and its anonymity from the one it copies.
    const next = await waves.createWave(CAPTIC_ID, { waveId: '2027-03' }, TEST_ACTOR);
    expect(next).to.include({ accessMode: 'panel', panelId: 'members', anonymous: false });
    await waves.openWave(CAPTIC_ID, '2027-03', TEST_ACTOR);
    suite.smtp.messages.length = 0;

    const result = await send('2027-03');
    expect(result).to.include({ queued: 1, skippedUnsubscribed: 1, skippedBounced: 1 });
    const [only] = await suite.smtp.waitForMessages(1);
    expect(only?.to).to.equal('cleo@example.org');
    expect(await db().collection('mail_outbox').countDocuments({ 'about.waveId': '2027-03' })).to.equal(1);
  });
});
