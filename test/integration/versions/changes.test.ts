// A wave's changes page: its pinned version against the previous wave's, wording side by side;
// a rewording is a break in series unless an organizer marks it editorial, which is audited.
import { expect } from 'chai';
import { startTestApp, type TestApp } from '../../support/app';
import { createStaff, signedInBrowser, storedCollection } from '../../support/staff';
import type { Browser, Page } from '../../support/browser';
import { CAPTIC_ID } from '../../fixtures/captic-answers';
import { launchRewordedWave, NEXT_WAVE } from './support';

const CHANGES = `/admin/surveys/${CAPTIC_ID}/waves/${NEXT_WAVE}/changes`;
const REF = 'question:uses_social';

/** Posts the mark (or unmark) form of the page's row for `ref`, as the organizer's browser would. */
async function postMark(browser: Browser, page: Page, ref: string): Promise<Page> {
  const form = page.$(`tr[data-ref="${ref}"] form`);
  const fields = Object.fromEntries(form.find('input[type=hidden]').map((_, el) => [[page.$(el).attr('name') ?? '', page.$(el).attr('value') ?? '']]).get() as [string, string][]);
  return browser.post(form.attr('action') ?? '', fields);
}

describe('A wave\'s changes page and editorial marks', function () {
  this.timeout(30_000);
  let app: TestApp;
  let organizer: Browser;
  let analyst: Browser;
  let fingerprint: string;

  before(async () => {
    app = await startTestApp();
  });
  beforeEach(async () => {
    await app.reset();
    fingerprint = await launchRewordedWave(app);
    organizer = await signedInBrowser(app, await createStaff(app, { email: 'organizer@example.org', role: 'organizer', grants: [CAPTIC_ID] }));
    analyst = await signedInBrowser(app, await createStaff(app, { email: 'analyst@example.org', role: 'analyst', grants: [CAPTIC_ID] }));
  });
  after(async () => app.close());

  it('shows the rewording against the previous wave, old and new wording side by side, as a break in series', async () => {
    const page = await analyst.get(`${CHANGES}?lang=en`);
    expect(page.status).to.equal(200);
    const intro = page.$('main > p').text();
    // The previous wave is the one it was copied from, March 2011 on the file's version, not the
    // demonstration wave created between them.
    expect(intro).to.contain(fingerprint).and.contain(app.catalog.require(CAPTIC_ID).fingerprint).and.contain('2011-03').and.not.contain('demo');
    const rows = page.$('tr[data-ref]');
    expect(rows.length).to.equal(1);
    const cells = rows.first().find('td');
    expect(rows.first().attr('data-kind')).to.equal('reworded');
    expect(cells.eq(1).find('[lang=en]').text()).to.contain('Do you use social networks?');
    expect(cells.eq(2).find('[lang=en]').text()).to.contain('Do you use online social networks?');
    expect(cells.eq(1).find('[lang=fr]').text()).to.contain('Utilisez-vous les réseaux sociaux ?');
    expect(cells.eq(3).text()).to.contain('Break in series');
    expect(page.$('.wave-nav a[aria-current=page]').attr('href')).to.equal(CHANGES);
    // Analysts read; only organizers get the buttons.
    expect(page.$('tr[data-ref] form').length).to.equal(0);
  });

  it('says so on a survey\'s first wave', async () => {
    const page = await analyst.get(`/admin/surveys/${CAPTIC_ID}/waves/2011-03/changes?lang=en`);
    expect(page.status).to.equal(200);
    expect(page.$('main').text()).to.contain('first wave');
  });

  it('lets an organizer mark a rewording as editorial and back, recorded on the wave and in the audit trail', async () => {
    const page = await organizer.get(CHANGES);
    const marked = await postMark(organizer, page, REF);
    expect(marked.status, marked.html.slice(0, 300)).to.equal(303);
    const after = await organizer.open(marked.location ?? '');
    expect(after.$('.notice').text()).to.contain('éditorial');
    expect(after.$(`tr[data-ref="${REF}"]`).text()).to.contain('organizer@example.org');
    const wave = await storedCollection('waves').findOne({ surveyId: CAPTIC_ID, waveId: NEXT_WAVE });
    expect(wave?.editorialChanges).to.have.lengthOf(1);
    expect(wave?.editorialChanges[0]).to.include({ ref: REF, markedBy: 'organizer@example.org' });
    // Marking twice keeps one mark, and the trail one change.
    await organizer.post(`${CHANGES}/editorial`, { ...organizer.hiddenFields(after), ref: REF, editorial: 'yes' });
    expect((await storedCollection('waves').findOne({ surveyId: CAPTIC_ID, waveId: NEXT_WAVE }))?.editorialChanges).to.have.lengthOf(1);

    const unmarked = await postMark(organizer, after, REF);
    expect(unmarked.status).to.equal(303);
    expect((await organizer.open(unmarked.location ?? '')).$(`tr[data-ref="${REF}"]`).text()).to.contain('Rupture de série');
    expect((await storedCollection('waves').findOne({ surveyId: CAPTIC_ID, waveId: NEXT_WAVE }))?.editorialChanges).to.deep.equal([]);
    const audit = await storedCollection('audit_events').find({ action: 'change_marked_editorial' }).sort({ at: 1 }).toArray();
    expect(audit.map((e) => [e.target, e.details?.ref, e.details?.editorial, e.actorEmail])).to.deep.equal([
      [NEXT_WAVE, REF, true, 'organizer@example.org'],
      [NEXT_WAVE, REF, false, 'organizer@example.org'],
    ]);
  });

  it('refuses to mark what is not a rewording of this wave, with 422 and nothing stored', async () => {
    const page = await organizer.get(CHANGES);
    for (const ref of ['question:club_member', 'option:usage.both', 'page:social_use', '']) {
      const refused = await organizer.post(`${CHANGES}/editorial`, { ...organizer.hiddenFields(page), ref, editorial: 'yes' });
      expect(refused.status, ref).to.equal(422);
      expect(refused.$('.error-summary').text()).to.contain('Seule une reformulation');
    }
    expect((await storedCollection('waves').findOne({ surveyId: CAPTIC_ID, waveId: NEXT_WAVE }))?.editorialChanges).to.deep.equal([]);
    expect(await storedCollection('audit_events').countDocuments({ action: 'change_marked_editorial' })).to.equal(0);
  });

  it('lets an analyst see the page but not mark', async () => {
    const page = await analyst.get(CHANGES);
    const refused = await analyst.post(`${CHANGES}/editorial`, { ...analyst.hiddenFields(page), ref: REF, editorial: 'yes' });
    expect(refused.status).to.equal(403);
    expect((await storedCollection('waves').findOne({ surveyId: CAPTIC_ID, waveId: NEXT_WAVE }))?.editorialChanges).to.deep.equal([]);
  });

  it('answers 404 for a wave the survey does not have', async () => {
    expect((await analyst.get(`/admin/surveys/${CAPTIC_ID}/waves/1999-01/changes`)).status).to.equal(404);
  });
});
