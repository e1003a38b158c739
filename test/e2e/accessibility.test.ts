// axe-core in the real Chromium on every page of the CAP-TIC survey: the intro (also refused for
// lack of consent), every question page before and after submitting it empty, the thank-you page.
// All of it in French, the language the survey is written in, and a whole run in English.
import { expect } from 'chai';
import type { Page } from 'playwright-core';
import type { FormFields } from '../support/browser';
import { CAPTIC_ID, NON_USER_PAGES, USER_PAGES } from '../fixtures/captic-answers';

import { describeViolations, findSeriousViolations } from './support/axe';
import { useChromiumSuite } from './support/chromium';
import { answerAndContinue, currentPageId, inPage, next, submitWith } from './support/survey';

describe('Accessibility of the CAP-TIC survey (axe-core in Chromium)', function () {
  this.timeout(45_000);
  const suite = useChromiumSuite();

  /**
   * Walks the whole survey, running axe on each state a respondent can see, and returns the
   * serious or critical violations by page state (empty when all is well) and the pages seen.
   */
  async function auditSurvey(lang: 'fr' | 'en', plan: Record<string, FormFields>, consentLabel: string, startLabel: string) {
    const page: Page = await suite.newPage({ locale: lang === 'fr' ? 'fr-FR' : 'en-GB' });
    const failures: Record<string, string[]> = {};
    const audit = async (state: string) => {
      expect(await page.locator('html').getAttribute('lang'), state).to.equal(lang);
      const found = describeViolations(await findSeriousViolations(page));
      if (found.length) failures[state] = found;
    };

    await page.goto(`${suite.app.url}/s/${CAPTIC_ID}`);
    await audit('intro');
    expect(await submitWith(page, page.getByRole('button', { name: startLabel }))).to.equal(422);
    await audit('intro, consent missing');
    await page.getByLabel(consentLabel).check();
    expect(await submitWith(page, page.getByRole('button', { name: startLabel }))).to.equal(303);

    const pages: string[] = [];
    while ((await page.locator('#survey-form').count()) > 0) {
      const id = await currentPageId(page);
      await audit(id);
      expect(await next(page), `submitting ${id} empty`).to.equal(422);
      expect(await page.locator('#error-summary').isVisible(), `error summary on ${id}`).to.equal(true);
      await audit(`${id}, required answer missing`);
      pages.push(await answerAndContinue(page, plan));
    }
    expect(new URL(page.url()).pathname).to.equal(`/s/${CAPTIC_ID}/thanks`);
    await audit('thanks');
    return { failures, pages };
  }

  it('reports a critical violation when a page has one (the audit is not blind under the CSP)', async () => {
    const page = await suite.newPage({ locale: 'fr-FR' });
    await page.goto(`${suite.app.url}/s/${CAPTIC_ID}`);
    expect(describeViolations(await findSeriousViolations(page))).to.deep.equal([]);
    // A consent box that has lost its label is what a screen reader user would meet.
    await page.evaluate<void>('document.querySelector("label[for=consent]").remove()');
    const found = await findSeriousViolations(page);
    expect(found.map((v) => `${v.impact} ${v.id}`)).to.deep.equal(['critical label']);
    expect(found[0]?.nodes.map((n) => n.target.join(' '))).to.deep.equal(['#consent']);
  });

  it('finds no serious or critical violation on any page in French, the users’ path', async () => {
    const { failures, pages } = await auditSurvey('fr', USER_PAGES, "J'ai lu ces informations et j'accepte de participer", 'Commencer');
    // The users' path goes through every page of the survey.
    expect(pages).to.deep.equal([
      'social_use',
      'social_usage',
      'satisfaction',
      'information',
      'real_networks',
      'club_obstacles_page',
      'reasons_page',
      'captic_project',
      'profile',
    ]);
    expect(failures).to.deep.equal({});
  });

  it('finds no serious or critical violation on any page in English, the non-users’ path', async () => {
    const { failures, pages } = await auditSurvey('en', NON_USER_PAGES, 'I have read this information and agree to take part', 'Start');
    expect(pages).to.deep.equal(['social_use', 'information', 'real_networks', 'reasons_page', 'captic_project', 'profile']);
    expect(failures).to.deep.equal({});
  });

  it('shows, where the system’s colours replace ours, which scale cell is chosen and which has the focus, even on the same cell', async () => {
    const page = await suite.newPage({ locale: 'fr-FR', forcedColors: 'active' });
    await page.goto(`${suite.app.url}/s/${CAPTIC_ID}`);
    await page.getByLabel("J'ai lu ces informations et j'accepte de participer").check();
    await submitWith(page, page.getByRole('button', { name: 'Commencer' }));
    await answerAndContinue(page, USER_PAGES);
    await answerAndContinue(page, USER_PAGES);
    expect(await currentPageId(page)).to.equal('satisfaction');
    const look = (id: string) =>
      inPage<{ background: string; outline: string; offset: number }>(
        page,
        `(() => { const s = getComputedStyle(document.querySelector('label[for="${id}"]'));
          return { background: s.backgroundColor, outline: s.outlineStyle, offset: parseFloat(s.outlineOffset) }; })()`,
      );
    const [first, second, third] = await page.locator('fieldset.matrix-row').first().locator('input[type=radio]').evaluateAll((radios) => radios.map((r) => r.id));
    await page.locator(`#${first}`).click();
    await page.keyboard.press('ArrowRight');
    const plain = await look(third!);
    const chosenAndFocused = await look(second!);
    // Chosen: filled, unlike a cell not chosen; focused: ringed outside the cell, as every other control.
    expect(chosenAndFocused.background).not.to.equal(plain.background);
    expect(chosenAndFocused.outline).to.equal('solid');
    expect(chosenAndFocused.offset).to.be.greaterThan(0);
    // Focus elsewhere: the chosen cell keeps its fill and loses the ring.
    await page.keyboard.press('Tab');
    const chosen = await look(second!);
    expect(chosen.background).to.equal(chosenAndFocused.background);
    expect(chosen.outline).to.equal('none');
  });
});
