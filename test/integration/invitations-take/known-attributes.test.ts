// What the panel knows of an invited member: an attribute named like a single-choice question,
// holding one of its options, is stored as the answer when their response starts and is not asked
// again (a page left with nothing else to ask is skipped); it then counts like any answer, in the
// live segments and in the quota cells.
import { expect } from 'chai';
import { useAppSuite } from '../../support/app-suite';
import { pageIdOf } from '../../support/browser';
import { readTallies } from '../../../server/analysis/tally/tally.service';
import { CAPTIC_ID, NON_USER_PAGES } from '../../fixtures/captic-answers';
import { ALREADY_ANSWERED, answerEveryPage, answerUntil, db, englishBrowser, followAndStart, inviteNewMember, makePanelWave, storedResponses } from './panel-support';

const PROFILE = { company_size: 'tpe', sector: 'retail', region: 'bretagne', function: 'business_owner' };

describe('Known attributes of invited members', function () {
  this.timeout(60_000);
  const suite = useAppSuite();

  it('stores known answers at the start and skips the page they fill, in an anonymous wave too', async () => {
    await makePanelWave({ anonymous: true });
    // Attributes that match no single-choice option are not known: a wrong option, a multiple-choice question, an unknown column.
    const ana = await inviteNewMember('ana@example.org', { ...PROFILE, club_member: 'maybe', themes: 'creation', employees: '12' });
    const browser = englishBrowser(suite.app.url);
    const first = await followAndStart(browser, ana.link);
    const [started] = await storedResponses();
    expect(started!.answers).to.deep.equal(PROFILE);
    expect(started!.prefilled).to.have.members(Object.keys(PROFILE));

    const pagesSeen: string[] = [];
    let page = first;
    for (let id = pageIdOf(page); id !== undefined; id = pageIdOf(page)) {
      pagesSeen.push(id);
      page = await browser.submit(page, NON_USER_PAGES[id]!);
    }
    expect(pagesSeen).to.deep.equal(['social_use', 'information', 'real_networks', 'reasons_page', 'captic_project']);
    expect(page.$('h1').text()).to.equal('Thank you, your answers have been sent');
    const [response] = await storedResponses();
    expect(response).to.include({ status: 'complete' });
    expect(response!.answers).to.include(PROFILE);
    // Counted in the company-size segment like an answer given on the page.
    const tpe = await readTallies(CAPTIC_ID, 'demo', 'company_size=tpe');
    expect(tpe.get('club_member')).to.include({ answered: 1, 'opt:yes': 1 });
  });

  it('leaves the other questions of the page to answer, and refuses an answer to the known one', async () => {
    await makePanelWave();
    const ana = await inviteNewMember('ana@example.org', { company_size: 'pme', region: 'nowhere' });
    const browser = englishBrowser(suite.app.url);
    const profile = await answerUntil(browser, await followAndStart(browser, ana.link), NON_USER_PAGES, 'profile');
    expect(profile.$('[name=company_size]').length).to.equal(0);
    expect(profile.$('[name=sector]').length).to.be.greaterThan(0);
    expect(profile.$('[name=region]').length).to.be.greaterThan(0);

    const before = await storedResponses();
    const overriding = await browser.post(browser.formAction(profile), { ...browser.hiddenFields(profile), ...NON_USER_PAGES.profile!, action: 'next' });
    expect(overriding.status).to.equal(400);
    expect(await storedResponses()).to.deep.equal(before);

    const { company_size: _known, ...rest } = NON_USER_PAGES.profile!;
    const thanks = await browser.submit(profile, rest);
    expect(thanks.$('h1').text()).to.equal('Thank you, your answers have been sent');
    const [response] = await storedResponses();
    expect(response!.answers).to.include({ company_size: 'pme', sector: 'retail', region: 'bretagne' });
    expect(response!.prefilled).to.deep.equal(['company_size']);
  });

  it('knows a yes/no attribute too, as the panel import checks it: the question is not asked', async () => {
    await makePanelWave();
    const ana = await inviteNewMember('ana@example.org', { club_member: 'yes' });
    const browser = englishBrowser(suite.app.url);
    const first = await followAndStart(browser, ana.link);
    const [started] = await storedResponses();
    expect(started!.answers).to.deep.equal({ club_member: 'yes' });
    expect(started!.prefilled).to.deep.equal(['club_member']);

    let page = first;
    for (let id = pageIdOf(page); id !== undefined; id = pageIdOf(page)) {
      expect(page.$('[name=club_member]').length, `page ${id}`).to.equal(0);
      const { club_member: _known, ...answers } = NON_USER_PAGES[id]!;
      page = await browser.submit(page, answers);
    }
    expect(page.$('h1').text()).to.equal('Thank you, your answers have been sent');
    const [response] = await storedResponses();
    expect(response).to.include({ status: 'complete' });
    expect(response!.answers).to.include({ club_member: 'yes' });
  });

  it('asks a question whose known option needs its text specified: the panel has an option, not the text', async () => {
    await makePanelWave();
    // CAP-TIC's sector "other" opens a required "Please specify" box: known without its text, the
    // answer could never be completed, and a hidden question's error would hold the last page forever.
    const ana = await inviteNewMember('ana@example.org', { company_size: 'pme', sector: 'other' });
    const browser = englishBrowser(suite.app.url);
    const first = await followAndStart(browser, ana.link);
    const [started] = await storedResponses();
    expect(started!.answers).to.deep.equal({ company_size: 'pme' });
    expect(started!.prefilled).to.deep.equal(['company_size']);

    const profile = await answerUntil(browser, first, NON_USER_PAGES, 'profile');
    expect(profile.$('[name=sector]').length).to.be.greaterThan(0);
    const { company_size: _known, ...rest } = NON_USER_PAGES.profile!;
    const thanks = await browser.submit(profile, rest);
    expect(thanks.$('h1').text()).to.equal('Thank you, your answers have been sent');
    const [response] = await storedResponses();
    expect(response).to.include({ status: 'complete' });
    expect(response!.answers).to.include({ company_size: 'pme', sector: 'retail' });
  });

  it('counts a known answer in its quota cell: the cell fills, and the next member of it is screened out', async () => {
    await makePanelWave({ quotas: [{ questionId: 'company_size', optionId: 'tpe', limit: 1 }] });
    const ana = await inviteNewMember('ana@example.org', { company_size: 'tpe' });
    const bob = await inviteNewMember('bob@example.org', { company_size: 'tpe' });
    const cleo = await inviteNewMember('cleo@example.org', { company_size: 'ge' });

    const anaBrowser = englishBrowser(suite.app.url);
    const { company_size: _known, ...profile } = NON_USER_PAGES.profile!;
    const done = await answerEveryPage(anaBrowser, await followAndStart(anaBrowser, ana.link), { ...NON_USER_PAGES, profile });
    expect(done.$('h1').text()).to.equal('Thank you, your answers have been sent');
    const counter = await db().collection('quota_counters').findOne({ surveyId: CAPTIC_ID, waveId: 'demo', questionId: 'company_size', optionId: 'tpe' });
    expect(counter).to.include({ count: 1, limit: 1 });

    // Bob is known to be in the full cell: screened out at his first page, without being asked.
    const bobBrowser = englishBrowser(suite.app.url);
    const screened = await bobBrowser.submit(await followAndStart(bobBrowser, bob.link), NON_USER_PAGES.social_use!);
    expect(screened.$('h1').text()).to.equal('Thank you for taking part');
    // Cleo's cell has no quota: she goes on.
    const cleoBrowser = englishBrowser(suite.app.url);
    const next = await cleoBrowser.submit(await followAndStart(cleoBrowser, cleo.link), NON_USER_PAGES.social_use!);
    expect(pageIdOf(next)).to.equal('information');

    const stored = await storedResponses();
    expect(stored.map((r) => r.status)).to.deep.equal(['complete', 'screened_out', 'partial']);
    expect(stored[1]!.screenedOut).to.deep.include({ questionId: 'company_size', optionId: 'tpe' });
    const invitations = await db().collection('invitations').find({}, { sort: { _id: 1 } }).toArray();
    expect(invitations.map((i) => i.completed)).to.deep.equal([true, false, false]);
    expect(invitations.map((i) => i.screenedOut === true)).to.deep.equal([false, true, false]);
  });

  it('in an anonymous wave, marks a screened-out member without a time, and their link starts no second try', async () => {
    await makePanelWave({ anonymous: true, quotas: [{ questionId: 'company_size', optionId: 'tpe', limit: 0 }] });
    const bob = await inviteNewMember('bob@example.org', { company_size: 'tpe' });
    const bobBrowser = englishBrowser(suite.app.url);
    const screened = await bobBrowser.submit(await followAndStart(bobBrowser, bob.link), NON_USER_PAGES.social_use!);
    expect(screened.$('h1').text()).to.equal('Thank you for taking part');
    const [invitation] = await db().collection('invitations').find({}).toArray();
    expect(invitation).to.include({ screenedOut: true, completed: false });
    expect(invitation).to.not.have.any.keys('responseId', 'completedAt');
    // Another browser with the same link: not a new response that could answer the profile otherwise.
    const again = englishBrowser(suite.app.url);
    expect((await again.open(bob.link)).$('h1').text()).to.equal(ALREADY_ANSWERED);
    expect((await storedResponses()).map((r) => r.status)).to.deep.equal(['screened_out']);
  });
});
