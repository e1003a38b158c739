// The personal link as a respondent meets it: a valid link leads to the survey and leaves its token
// in a cookie; every link that opens nothing (unknown, forged, another survey's, another wave's,
// last wave's used again, a closed wave's) gets one and the same 404 page; trying links is
// rate-limited; a panel wave turns away whoever comes without an invitation, and an organizer's
// preview goes through without one.
import { expect } from 'chai';
import { Browser, pageIdOf, type Page } from '../../support/browser';
import { startTestApp, type TestApp } from '../../support/app';
import { useAppSuite } from '../../support/app-suite';
import { setCookieNamed } from '../../support/staff';
import { TEST_ACTOR, wavesOf } from '../../support/waves';
import { CAPTIC_ID, NON_USER_PAGES } from '../../fixtures/captic-answers';
import { addMember, answerEveryPage, englishBrowser, followAndStart, invite, inviteNewMember, makePanelWave, postConsent, storedInvitations, storedResponses } from './panel-support';

const INVALID_EN = 'This invitation link is not valid or has expired';
const INVALID_FR = 'Ce lien d’invitation n’est pas valide ou a expiré';

describe('Following a personal invitation link', function () {
  this.timeout(60_000);
  const suite = useAppSuite({ organizerOf: [CAPTIC_ID] });

  it('leads a member to the intro with the token in a signed, httpOnly cookie scoped to the survey, and through to the thank-you page', async () => {
    await makePanelWave();
    const { link } = await inviteNewMember('ana@example.org');
    const browser = englishBrowser(suite.app.url);
    const followed = await browser.get(link);
    expect(followed.status).to.equal(303);
    expect(followed.location).to.equal(`/s/${CAPTIC_ID}`);
    const cookie = setCookieNamed(followed.headers, `brm_invitation_${CAPTIC_ID}`);
    expect(cookie, 'invitation cookie').to.not.equal(undefined);
    expect(cookie!.value).to.match(/^s%3Ai_/);
    expect(cookie!.attributes).to.include({ path: `/s/${CAPTIC_ID}`, samesite: 'Lax', httponly: true });

    const first = await followAndStart(browser, link);
    expect(pageIdOf(first)).to.equal('social_use');
    const thanks = await answerEveryPage(browser, first, NON_USER_PAGES);
    expect(thanks.$('h1').text()).to.equal('Thank you, your answers have been sent');
    const [response] = await storedResponses();
    expect(response).to.include({ status: 'complete', waveId: 'demo' });
  });

  it('answers every link that opens nothing with the same 404 page, whatever was wrong with it', async () => {
    await makePanelWave();
    const memberId = await addMember('ana@example.org');
    const otherWave = await invite(memberId, { waveId: '2011-03' });
    const otherSurvey = await invite(memberId, { surveyId: 'coworking_members_2026' });
    const valid = await invite(await addMember('bob@example.org'));
    const forged = `${valid.link.slice(0, -4)}${valid.link.endsWith('AAAA') ? 'BBBB' : 'AAAA'}`;
    const links = {
      unknown: `/s/${CAPTIC_ID}/i/i_${'x'.repeat(43)}`,
      forged,
      'not a token at all': `/s/${CAPTIC_ID}/i/hello`,
      'another wave': otherWave.link,
      'another survey': otherSurvey.link,
    };
    const pages = new Map<string, Page>();
    for (const [what, link] of Object.entries(links)) pages.set(what, await englishBrowser(suite.app.url).get(link));

    // The wave closes: the valid link expires with it.
    await wavesOf(suite.app).closeWave(CAPTIC_ID, 'demo', TEST_ACTOR);
    pages.set('expired (wave closed)', await englishBrowser(suite.app.url).get(valid.link));

    const reference = pages.get('unknown')!;
    expect(reference.status).to.equal(404);
    expect(reference.$('h1').text()).to.equal(INVALID_EN);
    // The page repeats no token, not even in its language link.
    expect(reference.html).to.not.match(/i_x{10}/);
    for (const [what, page] of pages) {
      expect(page.status, what).to.equal(404);
      expect(page.html, what).to.equal(reference.html);
      expect(setCookieNamed(page.headers, `brm_invitation_${CAPTIC_ID}`), what).to.equal(undefined);
    }
    expect(await storedResponses()).to.have.length(0);
  });

  it('says the same in French', async () => {
    await makePanelWave();
    const page = await new Browser(suite.app.url).get(`/s/${CAPTIC_ID}/i/i_unknown`);
    expect(page.status).to.equal(404);
    expect(page.$('html').attr('lang')).to.equal('fr');
    expect(page.$('h1').text()).to.equal(INVALID_FR);
  });

  it('refuses last wave’s link used again in the next wave, like an unknown one', async () => {
    await makePanelWave();
    const ana = await inviteNewMember('ana@example.org');
    const browser = englishBrowser(suite.app.url);
    await answerEveryPage(browser, await followAndStart(browser, ana.link), NON_USER_PAGES);
    await wavesOf(suite.app).closeWave(CAPTIC_ID, 'demo', TEST_ACTOR);
    await wavesOf(suite.app).createWave(CAPTIC_ID, { waveId: '2027-03' }, TEST_ACTOR);
    await wavesOf(suite.app).openWave(CAPTIC_ID, '2027-03', TEST_ACTOR);
    await makePanelWave({ waveId: '2027-03' });
    const reused = await englishBrowser(suite.app.url).get(ana.link);
    const unknown = await englishBrowser(suite.app.url).get(`/s/${CAPTIC_ID}/i/i_unknown`);
    expect(reused.status).to.equal(404);
    expect(reused.html).to.equal(unknown.html);
  });

  it('turns away a new respondent of a panel wave without an invitation, politely and in their language, and stores nothing', async () => {
    await makePanelWave();
    for (const [lang, heading] of [
      ['en', 'This survey is by invitation only'],
      ['fr', 'Cette enquête est sur invitation'],
    ] as const) {
      const browser = new Browser(suite.app.url);
      browser.acceptLanguage = lang;
      const page = await browser.get(`/s/${CAPTIC_ID}`);
      expect(page.status, lang).to.equal(403);
      expect(page.$('html').attr('lang')).to.equal(lang);
      expect(page.$('h1').text()).to.equal(heading);
      expect(page.html).to.not.match(/Error|stack|at .*\.ts:\d+/);
    }
    // Posting the consent form without one is turned away too.
    const start = await postConsent(englishBrowser(suite.app.url));
    expect(start.status).to.equal(403);
    expect(start.$('h1').text()).to.equal('This survey is by invitation only');
    expect(await storedResponses()).to.have.length(0);
  });

  it('lets anyone in an open wave, as before; a link to it leads to the intro and binds nothing', async () => {
    expect((await englishBrowser(suite.app.url).open(`/s/${CAPTIC_ID}`)).status).to.equal(200);
    const { link } = await inviteNewMember('ana@example.org', { company_size: 'tpe' });
    const browser = englishBrowser(suite.app.url);
    const thanks = await answerEveryPage(browser, await followAndStart(browser, link), NON_USER_PAGES);
    expect(thanks.$('h1').text()).to.equal('Thank you, your answers have been sent');
    const [response] = await storedResponses();
    expect(response).to.not.have.any.keys('invitationId', 'prefilled');
    const [invitation] = await storedInvitations();
    expect(invitation).to.include({ completed: false });
    expect(invitation).to.not.have.any.keys('responseId');
  });

  it('lets an organizer preview a panel wave without an invitation', async () => {
    await makePanelWave();
    const page = await suite.browser.get(`/admin/surveys/${CAPTIC_ID}/waves/demo/responses`);
    const form = page.$('form#preview-wave');
    const started = await suite.browser.post(form.attr('action') as string, { _csrf: form.find('input[name=_csrf]').attr('value') ?? '' });
    expect(started.status).to.equal(303);
    const first = await suite.browser.open(started.location as string);
    expect(pageIdOf(first)).to.equal('social_use');
    const thanks = await answerEveryPage(suite.browser, first, NON_USER_PAGES);
    expect(thanks.status).to.equal(200);
    expect(thanks.$('h1').text()).to.equal('Thank you, your answers have been sent');
    const stored = await storedResponses();
    expect(stored.map((r) => [r.status, r.test])).to.deep.equal([['complete', true]]);
  });
});

describe('Trying invitation links from one address', function () {
  this.timeout(60_000);
  let app: TestApp;
  before(async () => {
    app = await startTestApp({ INVITATION_LINK_RATE_LIMIT: '3', RESPONSE_RATE_LIMIT: '3' });
  });
  after(async () => app.close());
  beforeEach(async () => {
    await app.reset();
    await makePanelWave();
  });

  it('answers 429 once one address has tried too many links, valid or not, with its own allowance', async () => {
    const { link } = await inviteNewMember('ana@example.org');
    const browser = new Browser(app.url);
    const statuses: number[] = [];
    for (const path of [`/s/${CAPTIC_ID}/i/i_a`, `/s/${CAPTIC_ID}/i/i_b`, `/s/${CAPTIC_ID}/i/i_c`, link, `/s/${CAPTIC_ID}/i/i_d`]) {
      statuses.push((await browser.get(path)).status);
    }
    expect(statuses).to.deep.equal([404, 404, 404, 429, 429]);
    // Starting responses is counted apart: the same address may still begin one (here: by invitation only).
    const start = await postConsent(browser);
    expect(start.$('h1').text()).to.equal('Cette enquête est sur invitation');
  });
});
