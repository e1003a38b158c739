// Sending a wave's invitations as a background job: the page follows the send (its progress, then
// what it did), a second send while one runs is refused, a send whose process died is taken over
// and the next one carries on where it stopped, and the API answers 202 with the send's address.
// A send is held in its middle by the test (the service's onProgress hook), never by timing.
import { expect } from 'chai';
import { apiTokenFor, createStaff } from '../../support/staff';
import { TEST_ACTOR } from '../../support/waves';
import { CAPTIC_ID } from '../../fixtures/captic-answers';
import type { SendProgress } from '../../../server/invitations/invitation.service';
import type { StartedSend } from '../../../server/invitations/invitation-send.service';
import { createPanel } from '../../../server/panels/panel.service';
import { createLogger } from '../../../server/lib/logger';
import type { TestApp } from '../../support/app';
import { PANEL_ID, db, invitationSendsOf, makePanel, makePanelWave, pageWhenSent, useInvitationSuite } from './invitation-support';
import { waitUntil } from '../../support/wait-until';

const PAGE = `/admin/surveys/${CAPTIC_ID}/waves/demo/invitations`;
const API = `/api/v1/surveys/${CAPTIC_ID}/waves/demo/invitations`;

/** A panel of `count` members, written at once (member0@example.org, …). */
async function makeLargePanel(app: TestApp, count: number): Promise<void> {
  await createPanel(CAPTIC_ID, { panelId: PANEL_ID, name: 'CAP-TIC members' }, TEST_ACTOR, createLogger(app.config));
  await db()
    .collection('panel_members')
    .insertMany(Array.from({ length: count }, (_, n) => ({ surveyId: CAPTIC_ID, panelId: PANEL_ID, email: `member${n}@example.org`, emailKey: `member${n}@example.org`, attributes: {} })));
}

interface HeldSend extends StartedSend {
  /** Lets the send go on from where it is held. */
  release(): void;
}

/**
 * Starts a send that stops at its first report of `step` (by default after its first batch of
 * mails is queued), until released.
 */
async function startHeldSend(app: TestApp, step: 'prepared' | 'handled' = 'handled'): Promise<HeldSend> {
  let reached!: () => void;
  const atFirstBatch = new Promise<void>((resolve) => (reached = resolve));
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  let held = false;
  const onProgress = async (progress: Partial<SendProgress>) => {
    if (held || progress[step] === undefined) return;
    held = true;
    reached();
    await released;
  };
  const started = await invitationSendsOf(app).startSend(CAPTIC_ID, 'demo', TEST_ACTOR, app.url, { onProgress });
  // Its failure is asserted by the tests that expect one; unobserved, it must not go unhandled.
  started.finished.catch(() => undefined);
  await atFirstBatch;
  return { ...started, release };
}

describe('Sending invitations as a background job', function () {
  this.timeout(120_000);
  const suite = useInvitationSuite();

  async function csrfOf(path: string): Promise<string> {
    return (await suite.browser.get(path)).$('input[name=_csrf]').first().attr('value') ?? '';
  }

  it('shows a running send’s progress on the page, refuses a second send meanwhile, then says what it did; each of 1,000 members is mailed once', async () => {
    await makeLargePanel(suite.app, 1000);
    await makePanelWave(suite.app);
    const running = await startHeldSend(suite.app);

    const page = await suite.browser.get(PAGE);
    expect(page.status).to.equal(200);
    const ownPage = `${PAGE}?send=${running.send.id}`;
    // No page that reloads itself (it throws a screen reader back to the top): a link, and the script that follows it.
    expect(page.headers.refresh).to.equal(undefined);
    expect(page.$('meta[http-equiv=refresh]').length).to.equal(0);
    expect(page.$('#send-refresh').attr('href')).to.equal(ownPage);
    expect(page.$('#send-progress').attr('data-follow-progress')).to.equal(ownPage);
    expect(page.$('script[src="/public/js/follow-progress.js"]').length).to.equal(1);
    expect(page.$('#send-progress label').text()).to.equal('Sending: 500 of 1000 invitation(s) handled, 500 message(s) queued.');
    expect(page.$('#send-progress progress').attr('max')).to.equal('1000');
    expect(page.$('#send-progress progress').attr('value')).to.equal('500');
    expect(page.$('form#send-invitations').length, 'no send button while a send runs').to.equal(0);

    // A second click (a form kept open in another tab) and a second caller of the API are refused.
    const second = await suite.browser.post(`${PAGE}/send`, { _csrf: await csrfOf(PAGE) });
    expect(second.status).to.equal(409);
    expect(second.$('#form-error').text()).to.contain('being sent');
    expect(second.$('#send-progress').length).to.equal(1);
    expect(second.$('#send-progress').attr('data-follow-progress'), 'a refused post follows the send at its own address').to.equal(ownPage);
    const token = await apiTokenFor(suite.organizer, 'manage');
    const byApi = await fetch(`${suite.app.url}${API}/send`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
    expect(byApi.status).to.equal(409);
    expect(((await byApi.json()) as { error: unknown }).error).to.deep.include({ code: 'send_running', details: { sendId: running.send.id } });
    expect(await db().collection('invitation_sends').countDocuments()).to.equal(1);

    running.release();
    const done = await pageWhenSent(suite.browser, ownPage);
    expect(done.$('script[src="/public/js/follow-progress.js"]').length).to.equal(0);
    expect(done.$('#notice').text()).to.equal('Invitations sent: 1000 message(s) queued; 0 already invited; 0 unsubscribed and 0 bounced not invited.');
    expect(done.$('#count-invited').text()).to.equal('1000');
    expect(done.$('form#send-invitations').length).to.equal(1);
    expect(await running.finished).to.deep.include({ queued: 1000, members: 1000 });

    const messages = await suite.smtp.waitForMessages(1000, 60_000);
    expect(new Set(messages.map((m) => m.to)).size).to.equal(1000);
    expect(messages).to.have.length(1000);
    expect(await db().collection('mail_outbox').countDocuments()).to.equal(1000);
    const [record] = await db().collection('invitation_sends').find().toArray();
    expect(record).to.deep.include({ status: 'done', startedBy: TEST_ACTOR.actorEmail });
    expect(record?.progress).to.deep.include({ members: 1000, prepared: 1000, toMail: 1000, handled: 1000, queued: 1000 });
  });

  it('takes over a send whose process died (silent for 2 minutes of the app’s clock), frees what it held, and mails each member once', async () => {
    await makeLargePanel(suite.app, 600);
    await makePanelWave(suite.app);
    const dead = await startHeldSend(suite.app);
    // Its process died in the middle of its second batch: it holds 50 invitations it never mailed.
    const held = await db().collection('invitations').find({ invitedAt: { $exists: false } }, { limit: 50, projection: { _id: 1 } }).toArray();
    await db()
      .collection('invitations')
      .updateMany({ _id: { $in: held.map((i) => i._id) } }, { $set: { sendingBy: dead.send.id, sendingUntil: new Date(suite.clock.now().getTime() + 10 * 60_000) } });

    suite.clock.advance(60_000);
    expect((await suite.browser.post(`${PAGE}/send`, { _csrf: await csrfOf(PAGE) })).status, 'a minute of silence is not death').to.equal(409);

    suite.clock.advance(61_000);
    const stopped = await suite.browser.get(`${PAGE}?send=${dead.send.id}`);
    expect(stopped.$('#send-failed').text()).to.contain('The send stopped before the end').and.contain('send again to finish it');
    expect(stopped.$('#send-progress').length).to.equal(0);
    // The wave's page says so too, until a send ends well.
    expect((await suite.browser.get(PAGE)).$('#send-failed').text()).to.contain('The send stopped before the end');
    const token = await apiTokenFor(suite.organizer);
    const read = await fetch(`${suite.app.url}${API}/sends/${dead.send.id}`, { headers: { authorization: `Bearer ${token}` } });
    expect(await read.json()).to.deep.include({ status: 'failed', error: { code: 'send_interrupted', message: 'The send stopped before the end (the server restarted?): send again to finish; nobody is mailed twice' } });

    const again = await suite.browser.post(`${PAGE}/send`, { _csrf: stopped.$('form#send-invitations input[name=_csrf]').attr('value') ?? '' });
    expect(again.status).to.equal(303);
    const done = await pageWhenSent(suite.browser, again.location!);
    expect(done.$('#notice').text()).to.equal('Invitations sent: 100 message(s) queued; 500 already invited; 0 unsubscribed and 0 bounced not invited.');
    const plain = await suite.browser.get(PAGE);
    expect(plain.$('#send-failed, #send-progress, #notice').length, 'a send that ended well leaves the page as it was').to.equal(0);

    const records = await db().collection('invitation_sends').find({}, { sort: { _id: 1 } }).toArray();
    expect(records.map((r) => [r.status, r.error?.code])).to.deep.equal([['failed', 'send_interrupted'], ['done', undefined]]);
    expect(records[1]?.tookOver).to.equal(dead.send.id);
    expect(await db().collection('invitations').countDocuments({ sendingBy: { $exists: true } })).to.equal(0);

    // The dead send, were it only asleep, finds itself taken over and stops.
    dead.release();
    const outcome = await dead.finished.then(
      () => 'finished',
      (error: { code?: string }) => error.code,
    );
    expect(outcome).to.equal('send_taken_over');
    // One mail queued per member (the outbox's delivery is the mail worker's, tested with it).
    const outbox = await db().collection('mail_outbox').find({}, { projection: { 'to.address': 1 } }).toArray();
    expect(outbox).to.have.length(600);
    expect(new Set(outbox.map((m) => m.to.address)).size).to.equal(600);
    expect(await db().collection('invitations').countDocuments({ invitedAt: { $exists: true } })).to.equal(600);
  });

  it('shows the first step, preparing the invitations, in French and English', async () => {
    await makeLargePanel(suite.app, 600);
    await makePanelWave(suite.app);
    const running = await startHeldSend(suite.app, 'prepared');
    const english = await suite.browser.get(PAGE);
    expect(english.$('#send-progress label').text()).to.equal('Sending: preparing the invitations, 500 of 600 member(s).');
    expect([english.$('#send-progress progress').attr('value'), english.$('#send-progress progress').attr('max')]).to.deep.equal(['500', '600']);
    suite.browser.acceptLanguage = 'fr';
    const french = await suite.browser.get(PAGE);
    expect(french.$('#send-progress label').text()).to.equal('Envoi en cours : préparation des invitations, 500 membre(s) sur 600.');
    expect(french.$('#send-progress .hint').text()).to.equal('Voir où en est l’envoi');
    running.release();
    const done = await pageWhenSent(suite.browser, `${PAGE}?send=${running.send.id}`);
    expect(done.$('#notice').text()).to.equal('Invitations envoyées : 600 message(s) mis en file ; 0 déjà invité(s) ; 0 désinscrit(s) et 0 adresse(s) en échec non invités.');
  });

  it('starts a send over the API with 202 and its address, where the send is read until it ends', async () => {
    await makePanel(suite.app, [{ email: 'ana@example.org' }, { email: 'bob@example.org' }, { email: 'carl@example.org', unsubscribed: true }]);
    await makePanelWave(suite.app);
    const token = await apiTokenFor(suite.organizer, 'manage');
    const auth = { authorization: `Bearer ${token}` };

    const started = await fetch(`${suite.app.url}${API}/send`, { method: 'POST', headers: auth });
    expect(started.status).to.equal(202);
    const body = (await started.json()) as { id: string; status: string; href: string; progress: Record<string, unknown> };
    const location = started.headers.get('location');
    expect(location).to.equal(`${API}/sends/${body.id}`);
    expect(body).to.deep.include({ status: 'running', surveyId: CAPTIC_ID, waveId: 'demo', panelId: PANEL_ID, href: location, startedBy: 'organizer@example.org' });
    expect(body.progress).to.deep.include({ members: 2, skipped: { unsubscribed: 1, bounced: 0 } });

    let send: { status: string; progress?: Record<string, unknown>; finishedAt?: string } = body;
    await waitUntil('the send to end', async () => {
      send = (await (await fetch(`${suite.app.url}${location}`, { headers: auth })).json()) as typeof send;
      return send.status !== 'running';
    });
    expect(send.status).to.equal('done');
    expect(send.progress).to.deep.include({ members: 2, prepared: 2, toMail: 2, handled: 2, queued: 2, alreadyInvited: 0 });
    expect(send.finishedAt).to.be.a('string');
    const invitations = (await (await fetch(`${suite.app.url}${API}`, { headers: auth })).json()) as { invited: number; latestSend: { id: string; status: string } };
    expect(invitations.invited).to.equal(2);
    expect(invitations.latestSend).to.deep.include({ id: body.id, status: 'done' });
    await suite.smtp.waitForMessages(2);

    // An analyst reads the send but cannot start one; an unknown send is a 404.
    const analyst = await createStaff(suite.app, { email: 'analyst@example.org', role: 'analyst', grants: [CAPTIC_ID] });
    const reader = { authorization: `Bearer ${await apiTokenFor(analyst)}` };
    expect((await fetch(`${suite.app.url}${location}`, { headers: reader })).status).to.equal(200);
    expect((await fetch(`${suite.app.url}${API}/send`, { method: 'POST', headers: reader })).status).to.equal(403);
    expect((await fetch(`${suite.app.url}${API}/sends/000000000000000000000000`, { headers: auth })).status).to.equal(404);
    expect((await fetch(`${suite.app.url}${API}/sends/not-an-id`, { headers: auth })).status).to.equal(404);
  });

  it('refuses over the API, with nothing started, what the page refuses', async () => {
    await makePanel(suite.app, [{ email: 'ana@example.org', name: 'Ana\nBcc: victim@example.org' }]);
    const auth = { authorization: `Bearer ${await apiTokenFor(suite.organizer, 'manage')}` };
    const openWave = await fetch(`${suite.app.url}${API}/send`, { method: 'POST', headers: auth });
    expect(openWave.status).to.equal(409);
    await makePanelWave(suite.app);
    const injected = await fetch(`${suite.app.url}${API}/send`, { method: 'POST', headers: auth });
    expect(injected.status).to.equal(422);
    expect(((await injected.json()) as { error: { code: string } }).error.code).to.equal('header_injection');
    expect(await db().collection('invitation_sends').countDocuments()).to.equal(0);
    expect(await db().collection('mail_outbox').countDocuments()).to.equal(0);
  });
});
