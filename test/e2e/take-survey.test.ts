// The whole CAP-TIC survey in a real headless Chromium, once as a browser without JavaScript and
// once with it, each run going Back to change the answer that decides which pages follow.
import { expect } from 'chai';
import type { Page } from 'playwright-core';
import { CAPTIC_ID, NON_USER_PAGES, USER_PAGES, USER_STORED_ANSWERS, USER_STORED_OTHER_TEXTS } from '../fixtures/captic-answers';

import { openContext, useChromiumSuite } from './support/chromium';
import {
  answerAndContinue,
  answerPage,
  back,
  currentPageId,
  heading,
  inPage,
  next,
  progressText,
  storedResponses,
  submitWith,
  submitWithKey,
  tabUntil,
} from './support/survey';

const FOCUSED_ID = 'document.activeElement ? document.activeElement.id : ""';

describe('Taking the CAP-TIC survey in Chromium', function () {
  this.timeout(30_000);
  const suite = useChromiumSuite();

  async function openIntro(options: Parameters<typeof openContext>[1] = {}): Promise<Page> {
    const page = await suite.newPage({ locale: 'fr-FR', ...options });
    const response = await page.goto(`${suite.app.url}/s/${CAPTIC_ID}`);
    expect(response?.status()).to.equal(200);
    return page;
  }

  it('completes the survey without JavaScript in French, going Back from the users’ pages to answer "no"', async () => {
    const page = await openIntro({ javaScriptEnabled: false });
    expect(await page.locator('html').getAttribute('lang')).to.equal('fr');
    expect(await heading(page)).to.equal('Utilisation des réseaux sociaux par les professionnels');

    // Starting without consent is refused with a visible, linked explanation.
    expect(await submitWith(page, page.getByRole('button', { name: 'Commencer' }))).to.equal(422);
    expect(await page.locator('.error-summary a[href="#consent"]').count()).to.equal(1);
    expect(await page.locator('.error-summary').innerText()).to.contain('Vous devez accepter de participer pour commencer.');
    await page.getByLabel("J'ai lu ces informations et j'accepte de participer").check();
    expect(await submitWith(page, page.getByRole('button', { name: 'Commencer' }))).to.equal(303);

    expect(await currentPageId(page)).to.equal('social_use');
    expect(await heading(page)).to.equal('Les réseaux sociaux en ligne');
    expect(await progressText(page)).to.equal('Progression\u00a0: 0\u00a0%');
    await page.getByLabel('Oui', { exact: true }).check();
    expect(await next(page)).to.equal(303);

    // "Yes" leads to the users' pages. Without JavaScript the "other" box is always there.
    expect(await heading(page)).to.equal('Votre usage des réseaux sociaux');
    expect(await progressText(page)).to.equal('Progression\u00a0: 5\u00a0%');
    expect(await page.getByLabel('Lequel ou lesquels ?').isVisible()).to.equal(true);
    await answerPage(page, USER_PAGES.social_usage!);
    expect(await back(page)).to.equal(303);

    // Back on the first page, the earlier answer is still ticked; "no" skips the users' pages.
    expect(await heading(page)).to.equal('Les réseaux sociaux en ligne');
    expect(await page.getByLabel('Oui', { exact: true }).isChecked()).to.equal(true);
    await page.getByLabel('Non', { exact: true }).check();
    expect(await next(page)).to.equal(303);
    expect(await currentPageId(page)).to.equal('information');
    expect(await progressText(page)).to.equal('Progression\u00a0: 7\u00a0%');

    // A required answer missing: the page comes back with the error summary, nothing is lost.
    expect(await next(page)).to.equal(422);
    expect(await page.locator('#error-summary h2').innerText()).to.equal('Il y a un problème');
    expect(await page.locator('#error-summary a').first().innerText()).to.contain('Cette question est obligatoire.');
    expect(await page.locator('#info_sources-error').innerText()).to.contain('Cette question est obligatoire.');

    const seen = [await answerAndContinue(page, NON_USER_PAGES)];
    expect(await currentPageId(page)).to.equal('real_networks');
    await page.getByLabel('Oui', { exact: true }).check();
    expect(await next(page)).to.equal(303);
    // A member goes straight to the reasons: no page about what holds them back.
    expect(await currentPageId(page)).to.equal('reasons_page');
    expect(await progressText(page)).to.equal('Progression\u00a0: 25\u00a0%');
    seen.push(await answerAndContinue(page, NON_USER_PAGES));
    seen.push(await answerAndContinue(page, NON_USER_PAGES));
    expect(await currentPageId(page)).to.equal('profile');
    expect(await page.locator('#survey-form button[value="next"]').innerText()).to.equal('Envoyer mes réponses');
    seen.push(await answerAndContinue(page, NON_USER_PAGES));
    expect(seen).to.deep.equal(['information', 'reasons_page', 'captic_project', 'profile']);

    expect(new URL(page.url()).pathname).to.equal(`/s/${CAPTIC_ID}/thanks`);
    expect(await heading(page)).to.equal('Merci, vos réponses ont bien été envoyées');
    expect(await page.locator('main').innerText()).to.contain('Nous vous remercions pour votre participation !');

    const stored = await storedResponses();
    expect(stored).to.have.length(1);
    const [response] = stored;
    expect(response).to.include({ surveyId: CAPTIC_ID, waveId: 'demo', status: 'complete', language: 'fr', source: 'web' });
    expect(response!.fingerprint).to.equal(suite.app.catalog.require(CAPTIC_ID).fingerprint);
    expect(response!.completedAt).to.be.instanceOf(Date);
    // The users' answers typed before going Back are gone with the pages that held them.
    expect(response!.answers).to.deep.equal({
      uses_social: 'no',
      info_sources: ['specialised_sites', 'radio'],
      club_member: 'yes',
      reasons: ['build_network', 'find_partners'],
      themes: ['creation'],
      trust_mediated: 'yes',
      trust_unmediated: 'no',
      comments: 'Très utile',
      company_size: 'tpe',
      sector: 'retail',
      region: 'bretagne',
      function: 'business_owner',
    });
    expect(response!.otherTexts).to.deep.equal({});
  });

  it('completes the survey with JavaScript in English, going Back to change club membership to "no"', async () => {
    const page = await openIntro();
    await page.getByRole('link', { name: 'Read in English' }).click();
    await page.waitForURL(/\?lang=en$/);
    expect(await page.locator('html').getAttribute('lang')).to.equal('en');
    expect(await heading(page)).to.equal('How professionals use social networks');
    await page.getByLabel('I have read this information and agree to take part').check();
    expect(await submitWith(page, page.getByRole('button', { name: 'Start' }))).to.equal(303);

    expect(await heading(page)).to.equal('Online social networks');
    expect(await progressText(page)).to.equal('Progress: 0%');
    await page.getByLabel('Yes', { exact: true }).check();
    expect(await next(page)).to.equal(303);

    // The "other" box is always there; with JavaScript, typing in it ticks "Other".
    expect(await heading(page)).to.equal('How you use social networks');
    const otherNetwork = page.getByLabel('Which one(s)?');
    const otherOption = page.getByLabel('Other', { exact: true });
    expect(await otherNetwork.isVisible()).to.equal(true);
    expect(await otherOption.isChecked()).to.equal(false);
    await otherNetwork.fill('Mastodon');
    expect(await otherOption.isChecked()).to.equal(true);
    await otherNetwork.fill('');
    await otherOption.uncheck();
    await answerAndContinue(page, USER_PAGES);

    // The matrices list only the networks chosen, "other" excluded.
    expect(await heading(page)).to.equal('Your satisfaction');
    const rows = await page.locator('#question-satisfaction_personal [data-row] > legend').allInnerTexts();
    expect(rows.map((r) => r.trim())).to.deep.equal(['Facebook', 'Viadeo']);
    await answerAndContinue(page, USER_PAGES);

    // A required answer missing: the error summary takes the focus, so it is read out at once.
    expect(await currentPageId(page)).to.equal('information');
    expect(await next(page)).to.equal(422);
    expect(await inPage<string>(page, FOCUSED_ID)).to.equal('error-summary');
    expect(await page.locator('#error-summary h2').innerText()).to.equal('There is a problem');
    expect(await page.locator('#error-summary a').first().innerText()).to.contain('This question is required.');
    await answerAndContinue(page, USER_PAGES);

    expect(await currentPageId(page)).to.equal('real_networks');
    await page.getByLabel('Yes', { exact: true }).check();
    expect(await next(page)).to.equal(303);
    expect(await heading(page)).to.equal('Why be part of networks');
    expect(await back(page)).to.equal(303);
    expect(await page.getByLabel('Yes', { exact: true }).isChecked()).to.equal(true);
    await page.getByLabel('No', { exact: true }).check();
    expect(await next(page)).to.equal(303);
    expect(await heading(page)).to.equal('What holds you back');
    expect(await progressText(page)).to.equal('Progress: 41%');

    const rest = [];
    while ((await page.locator('#survey-form').count()) > 0) rest.push(await answerAndContinue(page, USER_PAGES));
    expect(rest).to.deep.equal(['club_obstacles_page', 'reasons_page', 'captic_project', 'profile']);
    expect(await heading(page)).to.equal('Thank you, your answers have been sent');
    expect(await page.locator('main').innerText()).to.contain('Thank you for taking part!');

    const stored = await storedResponses();
    expect(stored).to.have.length(1);
    const [response] = stored;
    expect(response).to.include({ surveyId: CAPTIC_ID, waveId: 'demo', status: 'complete', language: 'en', source: 'web' });
    expect(response!.fingerprint).to.equal(suite.app.catalog.require(CAPTIC_ID).fingerprint);
    expect(response!.answers).to.deep.equal(USER_STORED_ANSWERS);
    expect(response!.otherTexts).to.deep.equal(USER_STORED_OTHER_TEXTS);
  });

  it('can be answered with the keyboard alone, with focus on the error summary after a missing answer', async () => {
    const page = await openIntro();

    await tabUntil(page, 'document.activeElement.id === "consent"');
    await page.keyboard.press('Space');
    expect(await page.locator('#consent').isChecked()).to.equal(true);
    await tabUntil(page, 'document.activeElement.matches("button[type=submit]")');
    expect(await submitWithKey(page, 'Enter')).to.equal(303);
    expect(await currentPageId(page)).to.equal('social_use');

    // Enter on "Next" with nothing chosen: the error summary is focused and links to the question.
    await tabUntil(page, 'document.activeElement.matches("button[value=next]")');
    expect(await submitWithKey(page, 'Enter')).to.equal(422);
    expect(await inPage<string>(page, FOCUSED_ID)).to.equal('error-summary');
    await page.keyboard.press('Tab');
    expect(await inPage<string>(page, 'document.activeElement.getAttribute("href")')).to.equal('#uses_social-yes');

    // Into the radio group: Space picks the first option, the arrow moves the choice to "Non".
    await tabUntil(page, 'document.activeElement.name === "uses_social"');
    expect(await inPage<string>(page, FOCUSED_ID)).to.equal('uses_social-yes');
    await page.keyboard.press('Space');
    expect(await page.locator('#uses_social-yes').isChecked()).to.equal(true);
    await page.keyboard.press('ArrowDown');
    expect(await page.locator('#uses_social-no').isChecked()).to.equal(true);
    expect(await page.locator('#uses_social-yes').isChecked()).to.equal(false);
    await tabUntil(page, 'document.activeElement.matches("button[value=next]")', 3);
    expect(await submitWithKey(page, 'Enter')).to.equal(303);

    // Checkboxes: Space ticks; ticking "Autre" reveals its box, which is next in the Tab order.
    expect(await currentPageId(page)).to.equal('information');
    await tabUntil(page, 'document.activeElement.id === "info_sources-social_media"');
    await page.keyboard.press('Space');
    await tabUntil(page, 'document.activeElement.id === "info_sources-other"', 6);
    await page.keyboard.press('Space');
    await page.keyboard.press('Tab');
    expect(await inPage<string>(page, FOCUSED_ID)).to.equal('info_sources-other--other');
    await page.keyboard.type('Podcasts');
    await tabUntil(page, 'document.activeElement.matches("button[value=next]")', 3);
    expect(await submitWithKey(page, 'Enter')).to.equal(303);
    expect(await currentPageId(page)).to.equal('real_networks');

    const [response] = await storedResponses();
    expect(response).to.include({ status: 'partial', waveId: 'demo', language: 'fr' });
    expect(response!.answers).to.deep.equal({ uses_social: 'no', info_sources: ['social_media', 'other'] });
    expect(response!.otherTexts).to.deep.equal({ info_sources: 'Podcasts' });
  });
});
