// The panel pages without JavaScript, as an organizer and an analyst see them: panels and their
// counts (all an analyst sees), making one, members a page at a time with a filter, a member's
// history per wave, editing and removing a member; and the JSON API's twins.
import { expect } from 'chai';
import supertest from 'supertest';
import { Types } from 'mongoose';
import { useAppSuite } from '../../support/app-suite';
import { apiTokenFor, signedInBrowser } from '../../support/staff';
import { CAPTIC_ID } from '../../fixtures/captic-answers';
import { createPanelWithForm, PANEL_PAGE, PANELS_PAGE, stored, uploadPanelFile } from './support';

function member(i: number, extra: Record<string, unknown> = {}) {
  const email = `member${String(i).padStart(3, '0')}@example.org`;
  return { surveyId: CAPTIC_ID, panelId: 'pros', email, emailKey: email, name: `Member ${i}`, attributes: {}, ...extra };
}

describe('Panel pages', function () {
  this.timeout(30_000);
  const suite = useAppSuite({ organizerOf: [CAPTIC_ID], analystOf: [CAPTIC_ID], startAt: '2011-03-10T09:00:00Z' });

  it('lists the panels with their counts, makes one, and refuses an id taken or badly written, with what was typed', async () => {
    const empty = await suite.browser.get(PANELS_PAGE);
    expect(empty.status).to.equal(200);
    expect(empty.$('#no-panels').length).to.equal(1);
    const created = await createPanelWithForm(suite.browser);
    expect(created.status).to.equal(303);
    expect(created.location).to.equal(`${PANEL_PAGE}?done=created`);
    expect((await suite.browser.get(created.location!)).$('.notice').text()).to.contain('Panel created');
    await stored('panel_members').insertMany([
      member(1),
      member(2, { unsubscribedAt: new Date() }),
      member(3, { bouncedAt: new Date(), bounceReason: '550 no such user' }),
      // Both: counted once, as unsubscribed.
      member(4, { unsubscribedAt: new Date(), bouncedAt: new Date(), bounceReason: '550 no such user' }),
    ]);
    const list = await suite.browser.get(PANELS_PAGE);
    expect(list.$('#panels tbody tr').toArray().map((tr) => list.$(tr).find('th, td').toArray().map((cell) => list.$(cell).text().trim()))).to.deep.equal([['pros', 'Professionals', '4', '1']]);
    expect(list.$('#panels a').attr('href')).to.equal(PANEL_PAGE);
    expect((await suite.browser.get(PANEL_PAGE)).$('#member-counts').text()).to.contain('4 members, 1 of them reachable (2 unsubscribed, 1 bounced)');

    const taken = await createPanelWithForm(suite.browser, 'pros', 'Again');
    expect(taken.status).to.equal(409);
    expect(taken.$('#form-error').text()).to.contain('already has a panel “pros”');
    expect(taken.$('#name').attr('value')).to.equal('Again');
    const badly = await createPanelWithForm(suite.browser, 'Pros 2012', 'Pros');
    expect(badly.status).to.equal(422);
    expect(badly.$('#panelId').attr('value')).to.equal('Pros 2012');
    // Too long is refused, never cut down to a shorter id or name and saved.
    const longId = await createPanelWithForm(suite.browser, 'p'.repeat(70), 'Long id');
    expect(longId.status).to.equal(422);
    const longName = await createPanelWithForm(suite.browser, 'long-name', 'N'.repeat(250));
    expect(longName.status).to.equal(422);
    expect(longName.$('#form-error').text()).to.contain('200');
    const audit = await stored('audit_events').find({ action: 'panel_created' }).toArray();
    expect(audit.map((event) => event.target)).to.deep.equal(['pros']);
  });

  it('shows the members fifty at a time, by the order they were added, filtered by address and status', async () => {
    await createPanelWithForm(suite.browser);
    await stored('panel_members').insertMany(Array.from({ length: 120 }, (_, i) => member(i, i % 10 === 0 ? { unsubscribedAt: new Date() } : {})));
    const first = await suite.browser.get(PANEL_PAGE);
    expect(first.$('#member-counts').text()).to.contain('120 members, 108 of them reachable (12 unsubscribed, 0 bounced)');
    const emails = (page: typeof first) => page.$('#members tbody th').toArray().map((th) => page.$(th).text().trim());
    expect(emails(first)).to.have.length(50);
    expect(emails(first)[0]).to.equal('member000@example.org');
    const second = await suite.browser.get(first.$('#members-next').attr('href')!);
    expect(emails(second)[0]).to.equal('member050@example.org');
    const third = await suite.browser.get(second.$('#members-next').attr('href')!);
    expect(emails(third)).to.have.length(20);
    expect(third.$('#members-next').length).to.equal(0);

    const filtered = await suite.browser.get(`${PANEL_PAGE}?email=MEMBER11&status=unsubscribed`);
    expect(emails(filtered)).to.deep.equal(['member110@example.org']);
    expect(filtered.$('#filter-email').attr('value')).to.equal('MEMBER11');
    // A regular expression typed in the filter is text.
    const odd = await suite.browser.get(`${PANEL_PAGE}?email=${encodeURIComponent('.*')}`);
    expect(odd.$('#no-members').length).to.equal(1);
  });

  it('shows a member\'s history per wave: invited, reminded, answered, the messages about them, and their unsubscribe', async () => {
    await createPanelWithForm(suite.browser);
    const memberId = new Types.ObjectId();
    await stored('panel_members').insertOne({ _id: memberId, ...member(1, { unsubscribedAt: new Date('2011-03-20T10:00:00Z'), attributes: { company_size: 'pme' } }) });
    await stored('invitations').insertOne({
      surveyId: CAPTIC_ID,
      waveId: '2011-03',
      panelId: 'pros',
      memberId: String(memberId),
      tokenHash: 'x'.repeat(43),
      invitedAt: new Date('2011-03-01T08:00:00Z'),
      remindersSent: 2,
      lastRemindedAt: new Date('2011-03-11T08:00:00Z'),
      completed: true,
      completedAt: new Date('2011-03-12T15:00:00Z'),
    });
    const about = { surveyId: CAPTIC_ID, waveId: '2011-03', panelId: 'pros', memberId: String(memberId) };
    const message = (key: string, purpose: string, status: string, createdAt: string) => ({ key, messageId: `${key}@example.org`, purpose, to: { address: 'member001@example.org' }, from: { address: 'survey@example.org' }, subject: `${purpose} subject`, text: 't', html: 'h', headers: {}, about, status, nextAttemptAt: new Date(createdAt), attempts: 1, createdAt: new Date(createdAt), sentAt: new Date(createdAt) });
    await stored('mail_outbox').insertMany([message('invitation:1', 'invitation', 'sent', '2011-03-01T08:00:00Z'), message('reminder:1:1', 'reminder', 'sent', '2011-03-06T08:00:00Z'), message('reminder:1:2', 'reminder', 'sent', '2011-03-11T08:00:00Z')]);

    const page = await suite.browser.get(`${PANEL_PAGE}/members/${memberId}`);
    expect(page.status).to.equal(200);
    const cells = page.$('#member-history tbody tr').first().find('th, td').toArray().map((cell) => page.$(cell).text().replace(/\s+/g, ' ').trim());
    expect(cells[0]).to.equal('2011-03');
    expect(cells[1]).to.contain('1 Mar 2011');
    expect(cells[2]).to.contain('2 times, last on 11 Mar 2011');
    expect(cells[3]).to.contain('yes');
    expect(cells[4]).to.contain('invitation: sent').and.to.contain('reminder: sent');
    expect(page.$('#member-unsubscribed').text()).to.contain('Unsubscribed on 20 Mar 2011');
    expect(page.$('#member-status').text()).to.equal('unsubscribed');
    expect(page.$('#member-facts').text()).to.contain('company_size').and.to.contain('pme');

    const unknown = await suite.browser.get(`${PANEL_PAGE}/members/${new Types.ObjectId()}`);
    expect(unknown.status).to.equal(404);
  });

  it('edits a member (refusing a line break, an unknown language, an address already on the panel) and removes one, audited', async () => {
    await createPanelWithForm(suite.browser);
    const ana = new Types.ObjectId();
    await stored('panel_members').insertMany([{ _id: ana, ...member(1) }, member(2)]);
    const path = `${PANEL_PAGE}/members/${ana}`;
    const page = await suite.browser.get(path);
    const token = page.$('#edit-member input[name=_csrf]').attr('value') ?? '';
    const post = (fields: Record<string, string>) => suite.browser.post(path, { _csrf: token, email: 'member001@example.org', name: 'Ana', language: '', ...fields });

    const injected = await post({ name: 'Ana\r\nBcc: x@example.org' });
    expect(injected.status).to.equal(422);
    expect(injected.$('#form-error').text()).to.contain('one line');
    const quoted = await post({ email: "o'brien@example.org" });
    expect(quoted.status).to.equal(422);
    expect(quoted.$('#email').attr('value')).to.equal("o'brien@example.org");
    const language = await post({ language: 'de' });
    expect(language.status).to.equal(422);
    const taken = await post({ email: 'MEMBER002@example.org' });
    expect(taken.status).to.equal(409);
    expect(taken.$('#form-error').text()).to.contain('already has a member with that address');
    expect(taken.$('#email').attr('value')).to.equal('MEMBER002@example.org');

    const saved = await post({ email: 'Ana@Example.org', language: 'en' });
    expect(saved.status).to.equal(303);
    expect(await stored('panel_members').findOne({ _id: ana }, { projection: { _id: 0, email: 1, emailKey: 1, name: 1, language: 1 } })).to.deep.equal({ email: 'Ana@Example.org', emailKey: 'ana@example.org', name: 'Ana', language: 'en' });

    const removed = await suite.browser.post(`${path}/remove`, { _csrf: token });
    expect(removed.status).to.equal(303);
    expect(await stored('panel_members').countDocuments({ _id: ana })).to.equal(0);
    const audit = await stored('audit_events').find({ action: 'panel_member_changed' }, { projection: { _id: 0, target: 1, details: 1 } }).sort({ _id: 1 }).toArray();
    expect(audit).to.deep.equal([
      { target: `pros/${ana}`, details: { change: 'edited', fields: ['email', 'name', 'language'] } },
      { target: `pros/${ana}`, details: { change: 'removed', email: 'Ana@Example.org' } },
    ]);
  });

  it('a corrected address makes a bounced member reachable again; the same address in other letters leaves the bounce', async () => {
    await createPanelWithForm(suite.browser);
    const bob = new Types.ObjectId();
    await stored('panel_members').insertOne({ _id: bob, ...member(1, { bouncedAt: new Date('2011-03-02T08:00:00Z'), bounceReason: '550 no such user' }) });
    const path = `${PANEL_PAGE}/members/${bob}`;
    const token = (await suite.browser.get(path)).$('#edit-member input[name=_csrf]').attr('value') ?? '';
    const post = (fields: Record<string, string>) => suite.browser.post(path, { _csrf: token, email: 'member001@example.org', name: 'Member 1', language: '', ...fields });
    expect((await post({ email: 'MEMBER001@example.org' })).status).to.equal(303);
    expect((await suite.browser.get(path)).$('#member-status').text(), 'the same address in other letters').to.equal('bounced');
    expect((await post({ email: 'bob@example.org' })).status).to.equal(303);
    const page = await suite.browser.get(path);
    expect(page.$('#member-status').text()).to.equal('reachable');
    expect(page.$('#member-bounced').length).to.equal(0);
    expect(await stored('panel_members').findOne({ _id: bob }, { projection: { _id: 0, bouncedAt: 1, bounceReason: 1 } })).to.deep.equal({});
    const audit = await stored('audit_events').find({ action: 'panel_member_changed' }, { projection: { _id: 0, details: 1 } }).sort({ _id: 1 }).toArray();
    expect(audit.map((event) => event.details)).to.deep.equal([{ change: 'edited', fields: ['email'] }, { change: 'edited', fields: ['email'], bounceCleared: true }]);
  });

  it('speaks French to a French reader, refusals included', async () => {
    await createPanelWithForm(suite.browser);
    suite.browser.acceptLanguage = 'fr-FR,fr;q=0.9';
    const list = await suite.browser.get(PANELS_PAGE);
    expect(list.$('html').attr('lang')).to.equal('fr');
    expect(list.$('#new-panel-heading').text()).to.equal('Nouveau panel');
    const refused = await uploadPanelFile(suite.browser, { content: 'nom;taille\nAna;tpe\n', name: 'x.csv' });
    expect(refused.status).to.equal(422);
    expect(refused.$('#form-error').text()).to.contain('Le fichier n’a pas de colonne email').and.to.contain('"nom", "taille"');
    expect(refused.$('#import-heading').text()).to.equal('Importer des membres');
  });

  it('an analyst sees the panels\' names and counts, no link to their members, and may open no panel nor member page (403)', async () => {
    await createPanelWithForm(suite.browser);
    const ana = new Types.ObjectId();
    await stored('panel_members').insertOne({ _id: ana, ...member(1, { attributes: { company_size: 'tpe' } }) });
    const analyst = await signedInBrowser(suite.app, suite.analyst);
    analyst.acceptLanguage = 'en';
    const list = await analyst.get(PANELS_PAGE);
    expect(list.status).to.equal(200);
    expect(list.$('#new-panel').length).to.equal(0);
    expect(list.$('#panels tbody tr').toArray().map((tr) => list.$(tr).find('th, td').toArray().map((cell) => list.$(cell).text().trim()))).to.deep.equal([['pros', 'Professionals', '1', '1']]);
    // Names and counts only: no link to the members, and nothing of any member on the page.
    expect(list.$('#panels a').length).to.equal(0);
    expect(list.$('main').text()).to.not.contain('member001@example.org').and.not.contain('Member 1').and.not.contain('tpe');

    const panelPage = await analyst.get(PANEL_PAGE);
    expect(panelPage.status).to.equal(403);
    expect(panelPage.html).to.not.contain('member001@example.org');
    const memberPage = await analyst.get(`${PANEL_PAGE}/members/${ana}`);
    expect(memberPage.status).to.equal(403);
    expect(memberPage.html).to.not.contain('member001@example.org');
    // A valid CSRF token, so that the 403s below are the guard's: the console's sign-out form has one.
    const token = (await analyst.get('/admin')).$('input[name=_csrf]').first().attr('value') ?? '';
    expect(token).to.not.equal('');
    expect((await analyst.post(`${PANEL_PAGE}/members/${ana}`, { _csrf: token, email: 'x@example.org', name: '', language: '' })).status).to.equal(403);
    expect((await analyst.post(`${PANEL_PAGE}/members/${ana}/remove`, { _csrf: token })).status).to.equal(403);
    expect(await stored('panel_members').countDocuments()).to.equal(1);
  });

  it('the API lists panels and members, imports a CSV body into a report and applies it only when confirmed', async () => {
    const token = await apiTokenFor(suite.organizer, 'manage');
    const api = () => supertest(suite.app.url);
    const base = `/api/v1/surveys/${CAPTIC_ID}/panels`;
    const created = await api().post(base).set('Authorization', `Bearer ${token}`).send({ panelId: 'pros', name: 'Professionals' });
    expect(created.status).to.equal(201);
    expect((await api().post(base).set('Authorization', `Bearer ${token}`).send({ panelId: 'pros', name: 'Again' })).status).to.equal(409);

    const imported = await api().post(`${base}/pros/imports`).set('Authorization', `Bearer ${token}`).set('Content-Type', 'text/csv').send('email,name,company_size\nana@example.org,Ana,tpe\nbob@example.org,Bob,nope\nana@example.org,Again,pme\n');
    expect(imported.status).to.equal(201);
    expect(imported.body.status).to.equal('ready');
    expect(imported.body.report).to.deep.include({ rows: 3, add: 1, update: 0, unchanged: 0, skip: 2 });
    expect(imported.body.report.badValues).to.have.length(1);
    expect(imported.body.report.duplicatesInFile).to.deep.equal([{ line: 4, email: 'ana@example.org', firstLine: 2 }]);
    expect(await stored('panel_members').countDocuments()).to.equal(0);
    // Confirmable for a day of the app's time (here 2011); swept by the store's TTL a day after on the
    // wall clock, so an app on a clock years back does not lose its import at once.
    const staged = await stored('panel_imports').findOne({}, { projection: { _id: 0, expiresAt: 1, purgeAt: 1 } });
    expect(staged!.expiresAt.toISOString()).to.equal('2011-03-11T09:00:00.000Z');
    expect(staged!.purgeAt.getTime()).to.be.greaterThan(Date.now());

    const confirmed = await api().post(`${base}/pros/imports/${imported.body.id}/confirm`).set('Authorization', `Bearer ${token}`);
    expect(confirmed.status).to.equal(200);
    expect(confirmed.body.status).to.equal('applied');
    const members = await api().get(`${base}/pros/members`).set('Authorization', `Bearer ${token}`);
    expect(members.body.members.map((m: { email: string; attributes: unknown }) => [m.email, m.attributes])).to.deep.equal([['ana@example.org', { company_size: 'tpe' }]]);
    const panels = await api().get(base).set('Authorization', `Bearer ${token}`);
    expect(panels.body.panels).to.deep.equal([{ surveyId: CAPTIC_ID, panelId: 'pros', name: 'Professionals', createdBy: 'organizer@example.org', createdAt: panels.body.panels[0].createdAt, members: 1, active: 1 }]);

    const latin1 = await api().post(`${base}/pros/imports`).set('Authorization', `Bearer ${token}`).set('Content-Type', 'text/csv').send(Buffer.from('email\nren\xe9@example.org\n', 'latin1'));
    expect(latin1.status).to.equal(422);
    expect(latin1.body.error?.code ?? latin1.body.code).to.equal('not_utf8');
    const noEmail = await api().post(`${base}/pros/imports`).set('Authorization', `Bearer ${token}`).set('Content-Type', 'text/csv').send('name\nAna\n');
    expect(noEmail.status).to.equal(422);

    const analystToken = await apiTokenFor(suite.analyst, 'manage');
    const refused = await api().post(`${base}/pros/imports`).set('Authorization', `Bearer ${analystToken}`).set('Content-Type', 'text/csv').send('email\nx@example.org\n');
    expect(refused.status).to.equal(403);
    // The analyst has the panels' counts, not its members.
    const analystPanels = await api().get(base).set('Authorization', `Bearer ${analystToken}`);
    expect(analystPanels.status).to.equal(200);
    expect(analystPanels.body.panels.map((p: Record<string, unknown>) => Object.keys(p).sort())).to.deep.equal([['active', 'createdAt', 'createdBy', 'members', 'name', 'panelId', 'surveyId']]);
    expect(JSON.stringify(analystPanels.body)).to.not.contain('ana@example.org');
    const analystMembers = await api().get(`${base}/pros/members`).set('Authorization', `Bearer ${analystToken}`);
    expect(analystMembers.status).to.equal(403);
    expect(analystMembers.body.error.code).to.equal('organizer_only');
    expect(JSON.stringify(analystMembers.body)).to.not.contain('ana@example.org');
  });
});
