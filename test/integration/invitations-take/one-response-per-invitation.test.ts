// Each invitation allows exactly one complete response. In an identified wave the response and the
// invitation name each other, and the member's link resumes their response from any device; in an
// anonymous wave neither names the other, the invitation only learns that it was used (without a
// time), and the browser's invitation cookie is what the completing submit claims.
import { expect } from 'chai';
import { Browser, pageIdOf, type Page } from '../../support/browser';
import { useAppSuite } from '../../support/app-suite';
import { setCookieNamed } from '../../support/staff';
import { CAPTIC_ID, NON_USER_PAGES } from '../../fixtures/captic-answers';
import { answerEveryPage, answerUntil, englishBrowser, followAndStart, inviteNewMember, makePanelWave, postConsent, storedInvitations, storedResponses, ALREADY_ANSWERED } from './panel-support';


describe('One complete response per invitation', function () {
  this.timeout(60_000);
  const suite = useAppSuite();

  /** The last page's submit, answered; the page it leads to. */
  async function finish(browser: Browser, page: Page): Promise<Page> {
    return answerEveryPage(browser, page, NON_USER_PAGES);
  }

  /**
   * A double click on the last page's Next: both posts leave for the thank-you page (the browser
   * shows whichever answers last), and one response is complete.
   */
  async function doubleSubmitLastPage(): Promise<void> {
    const ana = await inviteNewMember('ana@example.org');
    const browser = englishBrowser(suite.app.url);
    const last = await answerUntil(browser, await followAndStart(browser, ana.link), NON_USER_PAGES, 'profile');
    const fields = { ...browser.hiddenFields(last), ...NON_USER_PAGES.profile!, action: 'next' };
    const posts = await Promise.all([1, 2, 3].map(() => browser.post(browser.formAction(last), fields)));
    expect(posts.map((post) => [post.status, post.location])).to.deep.equal(posts.map(() => [303, `/s/${CAPTIC_ID}/thanks`]));
    expect((await browser.open(`/s/${CAPTIC_ID}/thanks`)).$('h1').text()).to.equal('Thank you, your answers have been sent');
    expect((await storedResponses()).map((r) => r.status)).to.deep.equal(['complete']);
    expect((await storedInvitations()).map((i) => i.completed)).to.deep.equal([true]);
  }

  describe('in an identified wave', () => {
    beforeEach(() => makePanelWave({ anonymous: false }));

    it('links the response and the invitation, and records when it was completed', async () => {
      const ana = await inviteNewMember('ana@example.org');
      const browser = englishBrowser(suite.app.url);
      await finish(browser, await followAndStart(browser, ana.link));
      const [response] = await storedResponses();
      const [invitation] = await storedInvitations();
      expect(response).to.include({ status: 'complete', invitationId: ana.id });
      expect(invitation).to.include({ completed: true, responseId: response!._id.toHexString() });
      expect(invitation!.completedAt).to.deep.equal(response!.completedAt);
    });

    it('shows "already answered" on the same link again, in any browser, and starts no second response', async () => {
      const ana = await inviteNewMember('ana@example.org');
      const first = englishBrowser(suite.app.url);
      await finish(first, await followAndStart(first, ana.link));

      // The browser that answered keeps its thank-you page; any other is told the link is used.
      expect((await first.open(ana.link)).$('h1').text()).to.equal('Thank you, your answers have been sent');
      const again = await englishBrowser(suite.app.url).open(ana.link);
      expect(again.status).to.equal(200);
      expect(again.$('h1').text()).to.equal(ALREADY_ANSWERED);
      // A second browser that holds the link's cookie and posts the consent form anyway.
      const second = englishBrowser(suite.app.url);
      await second.get(ana.link);
      const start = await postConsent(second);
      expect(start.status).to.equal(409);
      expect(start.$('h1').text()).to.equal(ALREADY_ANSWERED);
      expect((await second.get(`/s/${CAPTIC_ID}`)).$('h1').text()).to.equal(ALREADY_ANSWERED);
      expect(await storedResponses()).to.have.length(1);
    });

    it('resumes the member’s partial response from a second browser through their link, where they left off', async () => {
      const ana = await inviteNewMember('ana@example.org');
      const laptop = englishBrowser(suite.app.url);
      await answerUntil(laptop, await followAndStart(laptop, ana.link), NON_USER_PAGES, 'real_networks');

      const phone = englishBrowser(suite.app.url);
      const followed = await phone.get(ana.link);
      expect(followed.status).to.equal(303);
      expect(followed.location).to.equal(`/s/${CAPTIC_ID}/p/real_networks?resumed=1`);
      expect(setCookieNamed(followed.headers, `brm_resume_${CAPTIC_ID}`), 'a resume cookie for the phone').to.not.equal(undefined);
      const resumed = await phone.open(followed.location as string);
      expect(pageIdOf(resumed)).to.equal('real_networks');
      expect(resumed.$('main').text()).to.contain('Welcome back!');
      const thanks = await finish(phone, resumed);
      expect(thanks.$('h1').text()).to.equal('Thank you, your answers have been sent');

      const responses = await storedResponses();
      expect(responses.map((r) => [r.status, r.invitationId])).to.deep.equal([['complete', ana.id]]);
      expect(responses[0]!.answers).to.include({ uses_social: 'no', club_member: 'yes' });
    });

    it('completes once on a double submit of the last page, and both posts lead to the thank-you page', () => doubleSubmitLastPage());

    it('keeps two members apart on one browser: another member’s link starts their own response', async () => {
      const ana = await inviteNewMember('ana@example.org');
      const bob = await inviteNewMember('bob@example.org');
      const shared = englishBrowser(suite.app.url);
      await answerUntil(shared, await followAndStart(shared, ana.link), NON_USER_PAGES, 'information');
      const bobFirst = await followAndStart(shared, bob.link);
      expect(pageIdOf(bobFirst)).to.equal('social_use');
      const responses = await storedResponses();
      expect(responses.map((r) => r.invitationId)).to.deep.equal([ana.id, bob.id]);
    });
  });

  describe('in an anonymous wave', () => {
    beforeEach(() => makePanelWave({ anonymous: true }));

    it('stores a response that names no member or invitation, and an invitation that names no response and no time', async () => {
      const ana = await inviteNewMember('ana@example.org');
      const browser = englishBrowser(suite.app.url);
      const thanks = await finish(browser, await followAndStart(browser, ana.link));
      expect(thanks.$('h1').text()).to.equal('Thank you, your answers have been sent');

      const [response] = await storedResponses();
      expect(response).to.include({ status: 'complete' });
      expect(response).to.not.have.any.keys('invitationId', 'memberId', 'panelId', 'tokenHash');
      expect(JSON.stringify(response)).to.not.contain(ana.id).and.not.contain(ana.memberId);
      const [invitation] = await storedInvitations();
      expect(invitation).to.include({ completed: true });
      expect(invitation).to.not.have.any.keys('responseId', 'completedAt');
    });

    it('lets only one of two browsers holding the same link complete: the other is told it has already answered, and its response stays partial', async () => {
      const ana = await inviteNewMember('ana@example.org');
      const laptop = englishBrowser(suite.app.url);
      const phone = englishBrowser(suite.app.url);
      const onLaptop = await answerUntil(laptop, await followAndStart(laptop, ana.link), NON_USER_PAGES, 'profile');
      const onPhone = await answerUntil(phone, await followAndStart(phone, ana.link), NON_USER_PAGES, 'profile');

      const thanks = await laptop.submit(onLaptop, NON_USER_PAGES.profile!);
      expect(thanks.$('h1').text()).to.equal('Thank you, your answers have been sent');
      // Its post goes to the thank-you page, which finds its response still partial and says why.
      const refused = await phone.submit(onPhone, NON_USER_PAGES.profile!);
      expect(refused.status).to.equal(200);
      expect(refused.$('h1').text()).to.equal(ALREADY_ANSWERED);

      const responses = await storedResponses();
      expect(responses.map((r) => r.status).sort()).to.deep.equal(['complete', 'partial']);
      const [invitation] = await storedInvitations();
      expect(invitation).to.include({ completed: true });
      // And the phone's link now says so too.
      expect((await phone.open(ana.link)).$('h1').text()).to.equal(ALREADY_ANSWERED);
    });

    it('completes once on a double submit of the last page, and both posts lead to the thank-you page', () => doubleSubmitLastPage());

    it('resumes by the respondent’s own resume cookie only: the link in another browser starts afresh', async () => {
      const ana = await inviteNewMember('ana@example.org');
      const laptop = englishBrowser(suite.app.url);
      await answerUntil(laptop, await followAndStart(laptop, ana.link), NON_USER_PAGES, 'real_networks');
      // The same browser comes back through the link: its own response.
      const back = await laptop.open(ana.link);
      expect(pageIdOf(back)).to.equal('real_networks');
      // Another browser: nothing links the member to that response, so it meets the intro.
      const phone = englishBrowser(suite.app.url);
      const intro = await phone.open(ana.link);
      expect(intro.$('form').last().attr('action')).to.equal(`/s/${CAPTIC_ID}/start`);
    });
  });
});
