// Sending a panel wave's invitations, as an organizer does from the console, to a real SMTP server
// on loopback: what each member receives (both parts, in their language, the bulk-sender headers,
// a link that opens the survey), that a second send mails nobody twice, who is skipped, what a
// line break in a name does, and who may send.
import { expect } from 'chai';
import { Browser } from '../../support/browser';
import { apiTokenFor, auditEvents, createStaff, signedInBrowser, submitForm } from '../../support/staff';
import { TEST_ACTOR, wavesOf } from '../../support/waves';
import { CAPTIC_ID } from '../../fixtures/captic-answers';
import { invitationTokenHash } from '../../../server/invitations/invitation-token';
import { messageIdFor } from '../../../server/mail/mail-address';
import { surveyTitle } from '../../../server/surveys/survey-titles';
import { POSTAL_ADDRESS, PANEL_ID, db, linkIn, mailTo, makePanel, makePanelWave, pageWhenSent, stored, unsubscribePathIn, useInvitationSuite } from './invitation-support';

const PAGE = `/admin/surveys/${CAPTIC_ID}/waves/demo/invitations`;

describe('Sending a panel wave’s invitations', function () {
  this.timeout(60_000);
  const suite = useInvitationSuite();

  async function sendFromConsole(browser = suite.browser) {
    const page = await browser.get(PAGE);
    expect(page.status, page.html.slice(0, 300)).to.equal(200);
    return submitForm(browser, page, 'form#send-invitations');
  }

  it('mails each active member one invitation, in their language, with both parts, the bulk-sender headers and a link that opens the survey', async () => {
    const [ana, bob] = await makePanel(suite.app, [
      { email: 'ana@example.org', name: 'Ana Lima', language: 'en' },
      { email: 'bob@example.org' },
      { email: 'carl@example.org', unsubscribed: true },
      { email: 'dora@example.org', bounced: true },
    ]);
    await makePanelWave(suite.app);

    const sent = await sendFromConsole();
    expect(sent.status).to.equal(303);
    expect(sent.location).to.match(new RegExp(`^${PAGE}\\?send=[0-9a-f]{24}$`));
    const page = await pageWhenSent(suite.browser, sent.location!);
    expect(page.$('#notice').text()).to.equal('Invitations sent: 2 message(s) queued; 0 already invited; 1 unsubscribed and 1 bounced not invited.');

    const messages = await suite.smtp.waitForMessages(2);
    expect(messages.map((m) => m.to).sort()).to.deep.equal(['ana@example.org', 'bob@example.org']);
    const invitations = await stored('invitations');
    expect(invitations.map((i) => i.memberId).sort()).to.deep.equal([ana, bob].sort());

    const english = mailTo(messages, 'ana@example.org')!;
    const title = (lang: string) => surveyTitle(suite.app.catalog.require(CAPTIC_ID).definition, lang);
    expect(english.subject).to.equal(`${title('en')}: your invitation`);
    expect(english.headers.get('to')).to.equal('Ana Lima <ana@example.org>');
    expect(english.fromName).to.equal('Observatoire CAP-TIC');
    expect(english.text).to.contain('Dear Ana Lima,').and.contain(POSTAL_ADDRESS).and.contain('Sent by Observatoire CAP-TIC.');
    expect(english.html).to.contain('Dear Ana Lima,').and.contain(POSTAL_ADDRESS);
    const french = mailTo(messages, 'bob@example.org')!;
    expect(french.subject).to.equal(`${title('fr')} : votre invitation`);
    expect(french.text).to.contain('Bonjour,').and.contain('Pour ne plus recevoir de messages de ce panel');

    for (const mail of [english, french]) {
      const invitation = invitations.find((i) => i.memberId === (mail === english ? ana : bob))!;
      expect(mail.messageId).to.equal(messageIdFor(`invitation:${invitation._id.toHexString()}`, 'enquetes@captic.example.org'));
      expect(mail.headers.get('list-unsubscribe-post')).to.equal('List-Unsubscribe=One-Click');
      const unsubscribe = unsubscribePathIn(mail);
      expect(mail.text).to.contain(unsubscribe);
      expect(mail.html).to.contain(unsubscribe);
      // The link of the mail is the invitation's: its hash is what is stored, and it opens the survey.
      const link = linkIn(mail);
      expect(mail.html).to.contain(link);
      expect(invitation.tokenHash).to.equal(invitationTokenHash(link.split('/i/')[1]!));
      expect(invitation.invitedAt).to.be.instanceOf(Date);
      const followed = await new Browser(suite.app.url).get(link);
      expect(followed.status).to.be.oneOf([200, 303]);
      expect(followed.location ?? '').to.not.contain('/login');
    }
    const [audit] = await auditEvents('invitations_sent');
    expect(audit).to.deep.include({ surveyId: CAPTIC_ID, target: 'demo', actorEmail: 'organizer@example.org' });
    expect(audit?.details).to.include({ queued: 2, skippedUnsubscribed: 1, skippedBounced: 1 });
  });

  it('mails nobody twice when sent again, and mails a member added since on the next send', async () => {
    await makePanel(suite.app, [{ email: 'ana@example.org' }, { email: 'bob@example.org' }]);
    await makePanelWave(suite.app);
    await pageWhenSent(suite.browser, (await sendFromConsole()).location!);
    await suite.smtp.waitForMessages(2);
    const tokensBefore = (await stored('invitations')).map((i) => i.tokenHash);

    const again = await pageWhenSent(suite.browser, (await sendFromConsole()).location!);
    expect(again.$('#notice').text()).to.contain('0 message(s) queued; 2 already invited');
    expect(await db().collection('mail_outbox').countDocuments()).to.equal(2);
    expect((await stored('invitations')).map((i) => i.tokenHash)).to.deep.equal(tokensBefore);

    await db().collection('panel_members').insertOne({ surveyId: CAPTIC_ID, panelId: PANEL_ID, email: 'cleo@example.org', emailKey: 'cleo@example.org', attributes: {} });
    const third = await pageWhenSent(suite.browser, (await sendFromConsole()).location!);
    expect(third.$('#notice').text()).to.contain('1 message(s) queued; 2 already invited');
    const messages = await suite.smtp.waitForMessages(3);
    expect(messages.map((m) => m.to).sort()).to.deep.equal(['ana@example.org', 'bob@example.org', 'cleo@example.org']);
    expect(await db().collection('mail_outbox').countDocuments()).to.equal(3);
  });

  it('refuses the send when a member’s name holds a line break, and queues nothing', async () => {
    await makePanel(suite.app, [{ email: 'ana@example.org' }]);
    await db().collection('panel_members').insertOne({ surveyId: CAPTIC_ID, panelId: PANEL_ID, email: 'eve@example.org', emailKey: 'eve@example.org', name: 'Eve\r\nBcc: victim@example.org', attributes: {} });
    await makePanelWave(suite.app);
    const refused = await sendFromConsole();
    expect(refused.status).to.equal(422);
    expect(refused.$('#form-error').text()).to.contain('eve@example.org').and.contain('line break');
    expect(await db().collection('mail_outbox').countDocuments()).to.equal(0);
    expect(await db().collection('invitations').countDocuments({ invitedAt: { $exists: true } })).to.equal(0);
    // Refused before any send began: no send to follow, and the button is still there.
    expect(await db().collection('invitation_sends').countDocuments()).to.equal(0);
    expect(refused.$('#send-progress').length).to.equal(0);
    expect(refused.$('form#send-invitations').length).to.equal(1);
  });

  it('sends only while the wave is open, and only for a panel wave', async () => {
    await makePanel(suite.app, [{ email: 'ana@example.org' }]);
    const page = await suite.browser.get(PAGE);
    expect(page.$('#open-wave').text()).to.contain('open to anyone with the link');
    expect(page.$('form#send-invitations').length).to.equal(0);
    const openWave = await suite.browser.post(`${PAGE}/send`, { _csrf: page.$('input[name=_csrf]').first().attr('value') ?? '' });
    expect(openWave.status).to.equal(409);
    expect(openWave.$('#form-error').text()).to.contain('open to anyone with the link');

    await makePanelWave(suite.app);
    await wavesOf(suite.app).closeWave(CAPTIC_ID, 'demo', TEST_ACTOR);
    const closed = await sendFromConsole();
    expect(closed.status).to.equal(409);
    expect(await db().collection('mail_outbox').countDocuments()).to.equal(0);
    expect(await db().collection('invitation_sends').countDocuments()).to.equal(0);
  });

  it('shows the settings, the counts, the response rate and a preview of each mail in French and English', async () => {
    await makePanel(suite.app, [{ email: 'ana@example.org', name: 'Ana <Lima>', language: 'en' }, { email: 'bob@example.org' }]);
    await makePanelWave(suite.app, { reminderDays: [3, 7] });
    await pageWhenSent(suite.browser, (await sendFromConsole()).location!);
    await db().collection('invitations').updateOne({}, { $set: { completed: true } });

    const page = await suite.browser.get(PAGE);
    expect(page.$('#panel').text()).to.contain('CAP-TIC members');
    expect(page.$('#reminder-days').text()).to.equal('3, 7');
    expect(page.$('#count-members').text()).to.equal('2');
    expect(page.$('#count-invited').text()).to.equal('2');
    expect(page.$('#count-completed').text()).to.equal('1');
    expect(page.$('#response-rate').text()).to.equal('50.0%: 1 completes ÷ (2 invited − 0 screened out as ineligible)');
    for (const id of ['preview-invitation-fr', 'preview-invitation-en', 'preview-reminder-fr', 'preview-reminder-en']) {
      const section = page.$(`#${id}`);
      expect(section.length, id).to.equal(1);
      const srcdoc = section.find('iframe[sandbox]').attr('srcdoc') ?? '';
      // The member's name reaches the mail's HTML escaped, and the link shown is an example.
      expect(srcdoc, id).to.contain('Ana &lt;Lima&gt;').and.contain('/i/i_EXAMPLE-personal-link');
      expect(section.find('pre.mail-text').text(), id).to.contain('Ana <Lima>');
    }
    expect(page.$('#preview-reminder-en .mail-subject').text()).to.match(/^Reminder: /);

    const token = await apiTokenFor(suite.organizer);
    const json = await fetch(`${suite.app.url}/api/v1/surveys/${CAPTIC_ID}/waves/demo/invitations`, { headers: { authorization: `Bearer ${token}` } });
    expect(json.status).to.equal(200);
    expect(await json.json()).to.deep.include({ accessMode: 'panel', panelId: PANEL_ID, members: 2, invited: 2, completed: 1, screenedOut: 0, rr1: 0.5 });
  });

  it('lets an analyst read the page but not send, and a stranger neither; the analyst sees no member', async () => {
    await makePanel(suite.app, [{ email: 'ana@example.org', name: 'Ana Martin' }]);
    await makePanelWave(suite.app);
    const analyst = await createStaff(suite.app, { email: 'analyst@example.org', role: 'analyst', grants: [CAPTIC_ID] });
    const browser = await signedInBrowser(suite.app, analyst);
    const page = await browser.get(PAGE);
    expect(page.status).to.equal(200);
    expect(page.$('form#send-invitations').length).to.equal(0);
    // The preview is addressed to a made-up member, and the panel (organizers only) is not offered.
    expect(page.html).to.not.contain('ana@example.org').and.not.contain('Ana Martin');
    expect(page.$('#panel a').length).to.equal(0);
    expect((await suite.browser.get(PAGE)).html, 'the organizer previews with the first member').to.contain('Ana Martin');
    const csrf = page.$('input[name=_csrf]').first().attr('value') ?? '';
    const refused = await browser.post(`${PAGE}/send`, { _csrf: csrf });
    expect(refused.status).to.equal(403);
    const stranger = await new Browser(suite.app.url).get(PAGE);
    expect(stranger.status).to.equal(303);
    expect(stranger.location).to.match(/^\/login/);
    expect(await db().collection('mail_outbox').countDocuments()).to.equal(0);
  });
});
